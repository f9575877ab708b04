"""Detectors of numbers and ids that identify a person (R9.3): phones, ID numbers, bank cards,
QQ and WeChat ids, emails and vehicle plates, in every spelling the canonical form covers.

Numbers are classified on the digits view of normalize.py: a run of digits is tried whole, then split
where the writer put separators (two phones side by side). Cue words before a number decide the
doubtful cases: 卡号 makes 19 digits a card, 订单号 makes them an order number.
"""
import re
from collections.abc import Iterable
from datetime import date

from .. import clock
from .normalize import Canonical, digits_view, narrow

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

RUN = re.compile(r"\d+(?:[ .\-]?[Xx](?![A-Za-z]))?")
# What a number is said to be, in the few characters before it.
NOT_PERSONAL = re.compile(r"(?:订单|单号|运单|快递|工单|编号|流水|注册号|信用代码|文号|发票|合同|案号|许可证|证书|专利|"
                          r"型号|邮编|邮政编码|批次|税号|代码|条码|序号|密码|验证码|金额|元)[^。，,；;]{0,6}$")
ID_CUE = re.compile(r"(?:身份证|证件|公民身份)[^。，,；;]{0,8}$")
CARD_CUE = re.compile(r"(?:卡|账号|帐号|账户|帐户|户号|卡号)[^。，；;]{0,8}$")
PHONE_CUE = re.compile(r"(?:电话|手机|联系|致电|拨打|号码|座机|tel|Tel|TEL|打)[^。，,；;]{0,6}$")
CARD_BINS = ("62", "60", "4", "51", "52", "53", "54", "55", "34", "37", "35", "9")
AREA = re.compile(r"0(?:10|2\d|[3-9]\d{2})([2-9]\d{6,7})")


def id_checksum_ok(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def birth_ok(year: int, month: int, day: int) -> bool:
    try:
        return date(year, month, day) <= clock.today() and year >= 1900
    except ValueError:
        return False


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    return sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10 == 0


def classify(number: str, before: str) -> str | None:
    """The kind of a canonical number, or None for a number that identifies nobody."""
    if NOT_PERSONAL.search(before) or "0000000" in number:  # 0731-0000-00000000: the data's own placeholder
        return None
    if number[-1] in "Xx":
        return "id_number" if len(number) == 18 and _id18(number, before) else None
    national = re.sub(r"^(?:0086|86)(?=1[3-9]\d{9}$)", "", number)
    if len(national) == 11 and national[:2] in ("13", "14", "15", "16", "17", "18", "19"):
        return "phone"
    if len(number) == 18 and _id18(number, before):
        return "id_number"
    if len(number) == 15 and _id15(number, before):
        return "id_number"
    if 15 <= len(number) <= 19 and (CARD_CUE.search(before) or (luhn_ok(number) and number.startswith(CARD_BINS))):
        return "bank_card" if len(number) >= 16 or CARD_CUE.search(before) else None
    if AREA.fullmatch(number) and not number.startswith(("0400", "0800")):
        return "phone"
    if len(number) in (7, 8) and number[0] in "2345678" and PHONE_CUE.search(before):
        return "phone"  # a local landline after 电话/手机, no area code
    return None


def _id18(number: str, before: str) -> bool:
    if not birth_ok(int(number[6:10]), int(number[10:12]), int(number[12:14])) or number[0] not in "123456789":
        return False
    return id_checksum_ok(number) or bool(ID_CUE.search(before))


def _id15(number: str, before: str) -> bool:
    if not birth_ok(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])) or number[0] not in "12345678":
        return False
    return bool(ID_CUE.search(before)) or not luhn_ok(number)


def numbers(text: str, view: Canonical | None = None) -> Iterable[tuple[int, int, str]]:
    """(start, end, kind) in the original text for every phone, ID and card number."""
    view = view or digits_view(text)
    for run in RUN.finditer(view.text):
        number = re.sub(r"[^0-9Xx]", "", run.group())
        if len(number) < 7 or re.fullmatch(r"[48]00\d{7}", number):
            continue  # a 400/800 service number, however grouped
        bounds = [run.start(), *sorted(s for s in view.group_starts if run.start() < s < run.end()), run.end()]
        yield from _split(view, bounds, number, run.start())


def _split(view: Canonical, bounds: list[int], number: str, origin: int) -> Iterable[tuple[int, int, str]]:
    """The whole run if it is a number, else the longest numbers along the writer's own groups."""
    i = 0
    while i < len(bounds) - 1:
        for j in range(len(bounds) - 1, i, -1):
            piece = re.sub(r"[^0-9Xx]", "", view.text[bounds[i]:bounds[j]])
            before = view.text[max(0, bounds[i] - 14):bounds[i]]
            if len(piece) >= 7 and (kind := classify(piece, before)):
                start, end = view.span(bounds[i], bounds[j])
                yield start - view.text[:bounds[i]].endswith(("+", "(")), end, kind
                i = j
                break
        else:
            i += 1


# --- QQ and WeChat, after their cue --------------------------------------------------------------

QQ = re.compile(r"(?i)(?<![A-Za-z])(?:qq|q号|扣扣|企鹅号)(?:号码|号|账号)?[\s:是为]{0,3}([1-9]\d{4,11})(?!\d)")
WECHAT = re.compile(r"(?i)(?<![A-Za-z])(?:微信|weixin|wechat|vx|v信|wx|威信|薇信|维信)(?:号码|号|账号|id)?"
                    r"[\s:是为]{0,3}([A-Za-z][A-Za-z0-9_\-]{5,19}|\d{5,11})(?![A-Za-z0-9_])")


def messaging_ids(text: str, view: Canonical) -> Iterable[tuple[int, int, str]]:
    """Numbers on the digits view (扣扣 123 456 789), ids with letters as written (b4_31r)."""
    for pattern, kind in ((QQ, "qq"), (WECHAT, "wechat")):
        for m in pattern.finditer(view.text):
            yield (*view.span(m.start(1), m.end(1)), kind)
    for m in WECHAT.finditer(narrow(text)):
        if not m.group(1).isdigit():
            yield m.start(1), m.end(1), "wechat"


# --- emails and plates, on the narrow text (same offsets) -------------------------------------

AT = r"(?:\s*@\s*|\s*[\[(（{]\s*(?:at|AT)\s*[\])）}]\s*|\s+(?:at|AT)\s+)"
DOT = r"(?:\s*\.\s*|\s*[\[(]\s*dot\s*[\])]\s*|\s+dot\s+)"
EMAIL = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._%+\-]*{AT}[A-Za-z0-9\-]+(?:{DOT}[A-Za-z0-9\-]+)*{DOT}[A-Za-z]{{2,6}}"
                   rf"(?![A-Za-z])")
PLATE_TAIL = r"[A-HJ-NP-Za-hj-np-z0-9]"
PLATE = re.compile(rf"[{PROVINCES}] ?[A-Za-z][\s·・.\-]?(?:{PLATE_TAIL}{{5,6}}|{PLATE_TAIL}{{4}}[学警港澳挂])"
                   rf"(?![A-Za-z0-9])")


def emails_and_plates(text: str) -> Iterable[tuple[int, int, str]]:
    flat = narrow(text)
    for m in EMAIL.finditer(flat):
        yield m.start(), m.end(), "email"
    for m in PLATE.finditer(flat):
        tail = re.sub(r"[\s·・.\-]", "", m.group())[1:]
        if tail.isupper() or sum(ch.isdigit() for ch in tail) >= 2:  # 浙e4825c, not 京ahead
            yield m.start(), m.end(), "plate"
