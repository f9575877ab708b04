"""Personal-data detection and masking (R9.3). Pure: detectors return typed spans, mask() applies them.

The detectors (numbers.py: phones, ID numbers, bank cards, QQ and WeChat ids, emails, plates;
addresses.py; names.py) run on a canonical form of the text (normalize.py: widths, Chinese
numerals, separators inside numbers) and report spans of the original. The petitioner's own
details are found in whatever spelling the text uses, by comparing canonical forms. Extra spans come
from admin rules (Alaveteli's censor rules: literal or regular expression). A unit's reply may keep
the officials acting in office (R3.2: the handler's name and office phone), by preset.
"""
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .addresses import addresses
from .names import names
from .normalize import digits_only, digits_view, narrow
from .numbers import EMAIL, ID_WEIGHTS, PROVINCES, emails_and_plates, id_checksum_ok, luhn_ok, messaging_ids, numbers

__all__ = ["ID_WEIGHTS", "PROVINCES", "TYPES", "Span", "Style", "detect", "id_checksum_ok", "luhn_ok", "mask",
           "masked", "without_overlaps"]

TYPES = {"phone": "电话", "id_number": "身份证号", "bank_card": "银行卡号", "email": "电子邮箱", "qq": "QQ号",
         "wechat": "微信号", "plate": "车牌号", "address": "地址", "name": "姓名", "petitioner": "诉求人信息",
         "rule": "管理员规则", "manual": "审核员标注"}


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    type: str
    text: str


@dataclass(frozen=True)
class Style:
    """How masked text reads and what a reply keeps; preset settings ([redaction] in the preset TOML)."""

    name: str = "surname_stars"  # 张** ; "surname_mou" → 张某
    keep_digits: tuple[int, int] = (3, 4)  # phone 138****5678
    keep_id: tuple[int, int] = (4, 4)  # 3201**********1234
    address: str = "[地址已隐去]"
    keep_officials: bool = False  # a unit's reply keeps its handler's name and office phone (R3.2)


def _found(text: str) -> Iterable[Span]:
    view = digits_view(text)
    for start, end, kind in [*numbers(text, view), *messaging_ids(text, view), *emails_and_plates(text)]:
        yield Span(start, end, kind, text[start:end])
    for start, end in addresses(text):
        yield Span(start, end, "address", text[start:end])
    for start, end in names(text):
        yield Span(start, end, "name", text[start:end])


# --- the petitioner's own details, in any spelling ---------------------------------------------

def own_details(text: str, details: Iterable[str]) -> Iterable[Span]:
    """Where the text holds one of ``details``, compared in canonical form: 138 1234 5678,
    一三八一二三四五六七八, ＮＡＮＡ＠example.com and 张 伟 are the same values as 13812345678 and 张伟."""
    view, flat = None, narrow(text).lower()
    for value in filter(None, (str(d).strip() for d in details)):
        digits = digits_only(value)
        if len(digits) >= 5 and len(digits) >= len(re.sub(r"[\s+()\-.]", "", value)) - 1:
            view = view or digits_view(text)
            for m in re.finditer(re.escape(digits), view.text.upper()):
                start, end = view.span(m.start(), m.end())
                yield Span(start, end, "petitioner", text[start:end])
        elif "@" in narrow(value):
            yield from _own_email(text, flat, narrow(value).lower().replace(" ", ""))
        elif len(value) >= 2:
            loose = r"[\s·.\-*_]{0,2}".join(re.escape(ch) for ch in narrow(value).lower() if not ch.isspace())
            for m in re.finditer(loose, flat):
                yield Span(m.start(), m.end(), "petitioner", text[m.start():m.end()])


def _own_email(text: str, flat: str, value: str) -> Iterable[Span]:
    spans = set()
    for m in EMAIL.finditer(narrow(text)):
        spelled = AT_WORD.sub("@", m.group().lower())
        spelled = re.sub(r"\s*[\[(]?\s*\bdot\b\s*[\])]?\s*|\s", lambda d: "." if "dot" in d.group() else "", spelled)
        if spelled == value:
            spans.add(Span(m.start(), m.end(), "petitioner", text[m.start():m.end()]))
    for m in re.finditer(re.escape(value), flat):
        spans.add(Span(m.start(), m.end(), "petitioner", text[m.start():m.end()]))
    return without_overlaps(list(spans))


AT_WORD = re.compile(r"\s*[\[(（{]\s*at\s*[\])）}]\s*|\s+at\s+|\s*@\s*", re.IGNORECASE)


# --- officials acting in office, kept in a unit's reply ------------------------------------------

# A phone after 联系电话 alone may be anyone's; after a handler's name or 办公电话 it is the unit's.
OFFICIAL_BEFORE = re.compile(r"(?:经办人|承办人|办理人|工作人员|联系人|承办单位|办公电话|咨询电话|值班电话|服务电话|"
                             r"单位电话|热线)[^。；;！!？?\n]{0,16}$")
OFFICIAL_AFTER = re.compile(r"^(?:同志)?(?:局长|副局长|科长|副科长|主任|副主任|书记|副书记|所长|队长|站长|处长|院长|"
                            r"校长|镇长|乡长|区长|县长|市长|村支书|支书|组长|股长|经办人|干事|专员|民警|警官)")
PRIVATE_BEFORE = re.compile(r"(?:诉求人|来电人|反映人|投诉人|举报人|网民|市民|业主|您|邻居|先生|女士|住户|居民|房东)"
                            r"[^。；;！!？?\n]{0,12}$")


def is_official(text: str, span: Span) -> bool:
    """A name or phone of a unit's staff acting in office (经办人：李明，联系电话：0731-8888666)."""
    if span.type not in ("name", "phone"):
        return False
    before = text[max(0, span.start - 24):span.start]
    if PRIVATE_BEFORE.search(before):
        return False
    return bool(OFFICIAL_BEFORE.search(before) or (span.type == "name" and OFFICIAL_AFTER.match(text[span.end:])))


# --- putting it together ------------------------------------------------------------------------

def detect(text: str, *, petitioner: Iterable[str] = (), rules: Iterable[tuple[str, bool]] = (),
           keep_officials: bool = False) -> list[Span]:
    """Every span to mask, longest first where they overlap. ``rules`` are (pattern, is_regex);
    ``keep_officials`` keeps the names and office phones of staff acting in office (a unit's reply)."""
    spans = [*_found(text), *own_details(text, petitioner)]
    for pattern, is_regex in rules:
        compiled = re.compile(pattern if is_regex else re.escape(pattern))
        spans.extend(Span(m.start(), m.end(), "rule", m.group()) for m in compiled.finditer(text) if m.group())
    chosen = without_overlaps(spans)
    return [s for s in chosen if not is_official(text, s)] if keep_officials else chosen


PRIORITY = ("manual", "petitioner", "rule", "id_number", "bank_card", "email", "wechat", "qq", "phone", "plate",
            "address", "name")


def without_overlaps(spans: list[Span]) -> list[Span]:
    """Keep the strongest of overlapping spans: by type priority, then length."""
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (PRIORITY.index(s.type), -(s.end - s.start), s.start)):
        if all(span.end <= other.start or span.start >= other.end for other in chosen):
            chosen.append(span)
    return sorted(chosen)


def masked(span: Span, style: Style) -> str:
    text = span.text
    if span.type == "address":
        return style.address
    if span.type == "manual":
        return "*" * len(text)
    if span.type == "name" or (span.type == "petitioner" and not re.search(r"\d|@", text)):
        return text[:1] + ("某" if style.name == "surname_mou" else "*" * (len(text) - 1))
    if span.type == "email":
        at = AT_WORD.search(narrow(text))
        return f"{text[:1]}***{text[at.start():]}" if at else "***"
    if span.type in ("qq", "wechat"):
        return _keep_ends(text, 1, 1)
    if span.type == "plate":
        return text[:2] + "*" * (len(text) - 2)
    keep = style.keep_id if span.type in ("id_number", "bank_card") else style.keep_digits
    area = LANDLINE_AREA.match(text)
    if span.type == "phone" and area:  # a landline keeps its area code: 0731-****6666
        return area.group() + _keep_ends(text[area.end():], 0, keep[1])
    return _keep_ends(text, *keep)


LANDLINE_AREA = re.compile(r"^\(?0\d{2,3}\)?[- ]?")


def _keep_ends(text: str, head: int, tail: int) -> str:
    positions = [i for i, ch in enumerate(text) if ch.isalnum()]
    hidden = set(positions[head:len(positions) - tail]) if len(positions) > head + tail else set(positions)
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def mask(text: str, spans: Iterable[Span], style: Style = Style(), replacements: dict[Span, str] | None = None) -> str:
    """``text`` with each span replaced; ``replacements`` overrides the style for given spans."""
    out, cursor = [], 0
    for span in sorted(spans):
        out.append(text[cursor:span.start])
        out.append((replacements or {}).get(span) or masked(span, style))
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)
