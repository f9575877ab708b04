"""The publication review (R9.1, R9.3): propose a public version with personal data masked, let the
reviewer unmask false positives and mask more, and refuse any text that still names the petitioner."""
import logging
from dataclasses import dataclass

import regex
from sqlalchemy import or_, select

from ..extensions import db
from ..models import CensorRule, Message
from ..rules import redaction
from .common import DomainError, commit, policy, record, require_text

FIELDS = ("subject", "body", "reply")
FIELD_LABELS = {"subject": "标题", "body": "留言内容", "reply": "答复"}


@dataclass
class MaskProposal:
    originals: dict[str, str]
    spans: dict[str, list[redaction.Span]]
    public: dict[str, str]


def originals(message: Message) -> dict[str, str]:
    reply = next((r for r in reversed(message.replies) if r.state == "approved"), None)
    return {"subject": message.subject, "body": message.body, "reply": reply.body if reply else ""}


def petitioner_details(message: Message) -> list[str]:
    return message.petitioner.identifying_values() if message.petitioner else []


def rules_for(message: Message) -> list[CensorRule]:
    lead_units = [a.unit_id for a in message.assignments if a.is_lead]
    return list(db.session.scalars(select(CensorRule).where(CensorRule.active, or_(
        CensorRule.scope == "all",
        (CensorRule.scope == "unit") & CensorRule.unit_id.in_(lead_units),
        (CensorRule.scope == "message") & (CensorRule.message_id == message.id)))))


def propose(message: Message, *, unmask: set[tuple[str, int, int]] = frozenset(),
            extra: list[tuple[str, int, int]] = ()) -> MaskProposal:
    """Detected spans per field; ``unmask`` drops false positives, ``extra`` masks what was missed."""
    texts, rules = originals(message), rules_for(message)
    style = policy().redaction
    replacements = {}
    spans, public = {}, {}
    for field, text in texts.items():
        ruled = rule_spans(text, rules)
        replacements.update(ruled)
        found = redaction.without_overlaps(list(ruled) + redaction.detect(
            text, petitioner=petitioner_details(message), keep_officials=style.keep_officials and field == "reply"))
        manual = [redaction.Span(s, e, "manual", text[s:e])
                  for f, s, e in extra if f == field and 0 <= s < e <= len(text)]
        kept = [s for s in found if (field, s.start, s.end) not in unmask]
        spans[field] = redaction.without_overlaps(kept + manual)
        public[field] = redaction.mask(text, spans[field], style, replacements)
    return MaskProposal(originals=texts, spans=spans, public=public)


def check_public_text(message: Message, texts: dict[str, str]) -> None:
    """The last line of defence: the petitioner's own details never reach a public version, in any
    spelling (the comparison is between canonical forms: widths, Chinese numerals, separators)."""
    details = petitioner_details(message)
    for field, text in texts.items():
        leaks = list(redaction.own_details(text, details))
        if leaks:
            raise DomainError(f"公开的{FIELD_LABELS[field]}中仍有诉求人本人的信息（{leaks[0].text[:1]}…），"
                              "请隐去后再发布。")


# Texts every new rule is tried on before it is saved: a rule that fails, takes too long or masks
# nothing-at-all (an empty match) on them is refused with a message.
SAMPLE_TEXTS = (
    "我是A3区洋湖街道居民，电话13912345678，住在芙蓉路128号5栋2单元301室，小区夜间施工噪音扰民。",
    "市住建局答复：经核查，该工地已办理夜间施工许可，我局已责令施工单位停止夜间施工。" * 20,
    "a" * 5000 + "!", "1" * 5000 + "x", " " * 2000,
)
RULE_TIMEOUT_SECONDS = 0.2


def rule_spans(text: str, rules: list[CensorRule]) -> dict[redaction.Span, str]:
    """The spans each admin rule masks in ``text``, with the rule's replacement. One rule that fails or
    runs too long is left out (and logged), never the page: the rules were checked when saved, but
    were saved before the check, or by another version."""
    spans = {}
    for rule in rules:
        try:
            for match in _matches(rule.pattern, rule.is_regex, text):
                spans.setdefault(redaction.Span(match.start(), match.end(), "rule", match.group()), rule.replacement)
        except (regex.error, TimeoutError) as exc:
            logging.getLogger(__name__).warning("censor rule %s skipped: %s", rule.id, type(exc).__name__)
    return spans


def _matches(pattern: str, is_regex: bool, text: str):
    compiled = regex.compile(pattern if is_regex else regex.escape(pattern))
    return [m for m in compiled.finditer(text, timeout=RULE_TIMEOUT_SECONDS) if m.group()]


def check_rule(pattern: str, is_regex: bool) -> None:
    """Refuse a rule that does not compile, matches empty text, or is too slow on the sample texts."""
    if len(pattern) > 500:
        raise DomainError("表达式过长，最多500个字符。")
    try:
        compiled = regex.compile(pattern if is_regex else regex.escape(pattern))
        if compiled.fullmatch(""):
            raise DomainError("该表达式可以匹配空文字，会隐去不该隐去的内容，请修改。")
        for sample in SAMPLE_TEXTS:
            list(compiled.finditer(sample, timeout=RULE_TIMEOUT_SECONDS))
    except regex.error as exc:
        raise DomainError(f"正则表达式有误：{exc}") from None
    except TimeoutError:
        raise DomainError("该表达式运行过慢（可能存在回溯爆炸），请简化后再保存。") from None


def add_rule(*, pattern: str, is_regex: bool, replacement: str, scope: str, reason: str, actor,
             unit_id: int | None = None, message_id: int | None = None) -> CensorRule:
    pattern = require_text(pattern, "要隐去的文字或表达式")
    check_rule(pattern, is_regex)
    if scope not in ("all", "unit", "message") or (scope == "unit" and not unit_id) or \
            (scope == "message" and not message_id):
        raise DomainError("请选择规则的适用范围（全部、某单位或某条留言）。")
    rule = CensorRule(pattern=pattern, is_regex=is_regex, replacement=replacement.strip() or "[已隐去]", scope=scope,
                      unit_id=unit_id if scope == "unit" else None,
                      message_id=message_id if scope == "message" else None,
                      reason=require_text(reason, "理由"), created_by_id=actor.id)
    db.session.add(rule)
    record(None, "add_censor_rule", actor=actor, pattern=pattern, scope=scope, reason=rule.reason)
    commit()
    return rule
