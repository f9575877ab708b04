"""The publication review (R9.1, R9.3): propose a public version with personal data masked, let the
reviewer unmask false positives and mask more, and refuse any text that still names the petitioner."""
import re
from dataclasses import dataclass

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
    p = message.petitioner
    return [p.name, p.phone, p.email, p.address, p.id_number] if p else []


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
        found = redaction.detect(text, petitioner=petitioner_details(message),
                                 rules=[(r.pattern, r.is_regex) for r in rules],
                                 keep_officials=style.keep_officials and field == "reply")
        for span in found:
            if span.type == "rule":
                rule = next(r for r in rules if re.fullmatch(r.pattern if r.is_regex else re.escape(r.pattern),
                                                             span.text))
                replacements[span] = rule.replacement
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


def add_rule(*, pattern: str, is_regex: bool, replacement: str, scope: str, reason: str, actor,
             unit_id: int | None = None, message_id: int | None = None) -> CensorRule:
    pattern = require_text(pattern, "要隐去的文字或表达式")
    if is_regex:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise DomainError(f"正则表达式有误：{exc}") from None
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
