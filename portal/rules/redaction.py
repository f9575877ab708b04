"""Personal-data detection and masking (R9.3). Pure: detectors return typed spans, mask() applies them.

Detectors: mobile and landline phones, resident ID numbers (18 digits with the GB 11643 checksum,
and the old 15-digit form), bank cards (Luhn), emails, vehicle plates (new-energy too), street
addresses down to the house number, building, unit or room, person names (a surname list with a
context cue or jieba's person-name tag, never a place or unit name), and the petitioner's own
details in whatever spelling the text uses. Extra spans come from admin rules (Alaveteli's censor
rules: literal or regular expression).
"""
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import rjieba

from .. import clock

TYPES = {"phone": "电话", "id_number": "身份证号", "bank_card": "银行卡号", "email": "电子邮箱", "plate": "车牌号",
         "address": "地址", "name": "姓名", "petitioner": "诉求人信息", "rule": "管理员规则", "manual": "审核员标注"}


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    type: str
    text: str


@dataclass(frozen=True)
class Style:
    """How masked text reads; a preset setting ([redaction] in the preset TOML)."""

    name: str = "surname_stars"  # 张** ; "surname_mou" → 张某
    keep_digits: tuple[int, int] = (3, 4)  # phone 138****5678
    keep_id: tuple[int, int] = (4, 4)  # 3201**********1234
    address: str = "[地址已隐去]"


# --- phones, numbers, emails, plates -----------------------------------------------------------

MOBILE = re.compile(r"(?<![\d])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
LANDLINE = re.compile(r"(?<![\d-])(?:\(0\d{2,3}\)|0\d{2,3})[- ]?\d{7,8}(?![\d])")
DIGITS_18 = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
DIGITS_15 = re.compile(r"(?<![\dA-Za-z])\d{15}(?![\dA-Za-z])")
CARD = re.compile(r"(?<![\d])\d{4}(?:[- ]?\d{4}){3}(?:[- ]?\d{1,3})?(?![\d])")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE = re.compile(rf"[{PROVINCES}][A-HJ-NP-Z][·・. ]?(?:[DF][A-HJ-NP-Z0-9]{{5}}|[A-HJ-NP-Z0-9]{{5}}[DF]?|"
                   rf"[A-HJ-NP-Z0-9]{{4}}[学警港澳挂])(?![A-Za-z0-9])")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_checksum_ok(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def _birth_ok(year: int, month: int, day: int) -> bool:
    try:
        return date(year, month, day) <= clock.today() and year >= 1900
    except ValueError:
        return False


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    return sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10 == 0


def _numbers(text: str) -> Iterable[Span]:
    for m in DIGITS_18.finditer(text):
        n = m.group()
        if id_checksum_ok(n) and _birth_ok(int(n[6:10]), int(n[10:12]), int(n[12:14])):
            yield Span(m.start(), m.end(), "id_number", n)
    for m in DIGITS_15.finditer(text):
        n = m.group()
        if _birth_ok(1900 + int(n[6:8]), int(n[8:10]), int(n[10:12])) and not luhn_ok(n):
            yield Span(m.start(), m.end(), "id_number", n)
    for m in CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 16 <= len(digits) <= 19 and digits[0] in "3456" and luhn_ok(digits):
            yield Span(m.start(), m.end(), "bank_card", m.group())
    for pattern in (MOBILE, LANDLINE):
        for m in pattern.finditer(text):
            if m.group().strip("()+-0 "):  # 0000-00000000 is the data's own placeholder, not a number
                yield Span(m.start(), m.end(), "phone", m.group())
    for m in EMAIL.finditer(text):
        yield Span(m.start(), m.end(), "email", m.group())
    for m in PLATE.finditer(text):
        yield Span(m.start(), m.end(), "plate", m.group())


# --- addresses ----------------------------------------------------------------------------------

CN_NUM = r"[0-9０-９一二三四五六七八九十百零〇]+"
HOUSE = rf"(?:{CN_NUM}(?:栋|幢|号楼|座|楼|期|区))?(?:{CN_NUM}单元)?(?:{CN_NUM}(?:楼|层))?(?:{CN_NUM}(?:室|号房|房))?"
ADDRESS = re.compile(
    rf"[\u4e00-\u9fa5A-Za-z0-9]{{0,12}}?(?:路|街|巷|弄|大道|胡同){CN_NUM}号(?:院)?{HOUSE}"
    rf"|[\u4e00-\u9fa5A-Za-z0-9]{{2,12}}?(?:小区|花园|家园|新村|公寓|大厦|社区|山庄|公馆|华庭|苑|府|城|广场|园|庭|村){CN_NUM}(?:栋|幢|号楼|组)"
    rf"(?:{CN_NUM}单元)?(?:{CN_NUM}(?:楼|层))?(?:{CN_NUM}(?:室|号房|号|户))?"
    rf"|{CN_NUM}(?:栋|幢|号楼){CN_NUM}单元{CN_NUM}(?:室|号)")
# Words the address pattern may take in before the place itself (it starts as early as it can).
LEADS = "我们是|我是|就在|本人居住|居住在|居住|擅自将|位于|地址为|地址|家住|住在|住址"
PLACE_START = re.compile(rf"^(?:[^\d]{{0,6}}?(?:{LEADS}))?(?:在|到|于|的|将|住)*")


def _addresses(text: str) -> Iterable[Span]:
    for m in ADDRESS.finditer(text):
        lead = PLACE_START.match(m.group())
        skip = lead.end() if lead else 0
        start, found = m.start() + skip, m.group()[skip:]
        if re.search(r"\d|[一二三四五六七八九十]", found):
            yield Span(start, start + len(found), "address", found)


# --- person names -------------------------------------------------------------------------------

SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
               "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
               "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童"
               "凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项"
               "连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲"
               "虞敖巩明佘池查麻苑迟邝")
COMPOUND = ("欧阳", "司马", "诸葛", "上官", "皇甫", "令狐", "东方", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
            "夏侯", "端木", "独孤", "南宫", "西门")
CUE_BEFORE = tuple((
    "我叫 我是 本人 姓名 名叫 叫做 联系人 业主 村民 居民 家长 学生 患者 老人 "
    "举报人 投诉人 反映人 申请人 当事人 委托人 代理人 母亲 父亲 儿子 女儿 丈夫 "
    "妻子 爱人 邻居 同事 员工 租户 房东 老板 司机 师傅 经办人 承办人"
).split())
TITLES = tuple((
    "先生 女士 同志 老师 师傅 经理 主任 局长 书记 科长 所长 院长 校长 警官 医生 "
    "律师 老板 大爷 阿姨 大姐 大哥 老人 主席 镇长 村长 组长 队长 总 董事长 厂长 "
    "站长 处长 区长 县长 市长 副局长 副主任"
).split())
NOT_AFTER = tuple((
    "路 街 巷 区 县 镇 乡 村 市 省 小区 花园 大道 广场 公司 苑 园 府 湖 山 "
    "桥 江 河 中学 小学 大学 学校 医院 幼儿园 社区 街道 集团 酒店 宾馆 超市 "
    "商场 大厦 公寓 路口 站 港 湾 塘 坪 城 阁"
).split())
# Surnames far more often a common word (和 and, 向 towards, 于 at, 管 manage …): never a name by themselves.
SURNAMES -= set("和向于管纪项商武房司")
HAN = r"[\u4e00-\u9fa5]"
CUED = re.compile(rf"(?:{'|'.join(CUE_BEFORE)})[：:是为]?\s?({HAN}{{2,4}})")
TITLED = re.compile(rf"({HAN}{{2,4}}?)(?:{'|'.join(sorted(TITLES, key=len, reverse=True))})")


def _name_at(candidate: str) -> str | None:
    """The name at the start of ``candidate``: a surname and one or two given characters."""
    for compound in COMPOUND:
        if candidate.startswith(compound) and len(candidate) >= 3:
            return candidate[:min(len(candidate), 4)]
    if candidate[:1] in SURNAMES and len(candidate) >= 2:
        return candidate[:3] if len(candidate) >= 3 else candidate[:2]
    return None


PLACE_ENDINGS = set("区县市镇乡村路街巷省州湖山桥江河苑园府城站港湾塘坪阁楼岭冲坡岗洲溪")


def _place_follows(text: str, end: int) -> bool:
    """A place or unit name, not a person: 岳麓区, 向阳路, 林森小区."""
    return text[end - 1:end] in PLACE_ENDINGS or any(text.startswith(word, end) for word in NOT_AFTER)


def _names(text: str) -> Iterable[Span]:
    for span in _name_candidates(text):
        if _starts_a_word(text, span.start):
            yield span


def _starts_a_word(text: str, start: int) -> bool:
    """感谢胡书记 has no name 谢胡: a name begins where jieba begins a word."""
    window = max(0, start - 4)
    offset = window
    for word, _ in rjieba.tag(text[window:start + 4]):
        if offset == start:
            return True
        if offset > start:
            return False
        offset += len(word)
    return False


def _name_candidates(text: str) -> Iterable[Span]:
    for m in CUED.finditer(text):
        name = _name_at(m.group(1))
        if name and not _opens_with_common_word(name):
            name = _trim_given(text, m.start(1), name)
            if not _place_follows(text, m.start(1) + len(name)):
                yield Span(m.start(1), m.start(1) + len(name), "name", name)
    for m in TITLED.finditer(text):
        if (span := _titled_name(m.group(1), m.end(1))) is not None:
            yield span
    offset = 0
    for word, tag in rjieba.tag(text):
        if tag == "nr" and _looks_like_found_name(word) and not _place_follows(text, offset + len(word)):
            yield Span(offset, offset + len(word), "name", word)
        offset += len(word)


def _titled_name(word: str, end: int) -> Span | None:
    """The name right before a title (王秀英女士, 诸葛亮先生); a bare surname (胡书记) is no name."""
    if word[-4:-2] in COMPOUND or word[-3:-1] in COMPOUND:
        candidate = word[-4:] if word[-4:-2] in COMPOUND else word[-3:]
        return Span(end - len(candidate), end, "name", candidate)
    for size in (3, 2):
        candidate = word[-size:] if len(word) >= size else ""
        if _name_at(candidate) == candidate and candidate[-1] not in PLACE_ENDINGS and candidate[1:2] not in ENDS_NAME:
            return Span(end - size, end, "name", candidate)
    return None


def _looks_like_found_name(word: str) -> bool:
    """A person's name that jieba found by its statistics: three characters, a surname first, not a
    dictionary word (许可证, 麻将馆 are tagged as names too), not a doubled verb (查一查)."""
    return (len(word) == 3 and _name_at(word) == word and not rjieba.has_word(word) and word[1] != "一"
            and word[-1] not in PLACE_ENDINGS and word[1] not in ENDS_NAME and not _opens_with_common_word(word))


def _opens_with_common_word(candidate: str) -> bool:
    """车辆停, 尚未验, 殷切希: the first two characters are an ordinary word, not a surname and a name."""
    head = candidate[:2]
    if candidate[:1] in SURNAMES and candidate[1:2] in ENDS_NAME:
        return True
    tagged = rjieba.tag(head)
    return len(tagged) == 1 and rjieba.has_word(head) and not tagged[0][1].startswith("nr")


# Characters that end a name rather than continue it: 孙涛也…, 王强和…, 李明说….
ENDS_NAME = set("也和的在说是等向到了与及对被把从都还就又要多次曾已将跟同给让为")


def _trim_given(text: str, start: int, name: str) -> str:
    """A third character belongs to the name unless it is a word of its own (也, 和, 多次 …)."""
    ends = name[2:3] in ENDS_NAME or any(text.startswith(word, start + 2) for word in TITLES)
    return name[:2] if len(name) == 3 and name[:1] in SURNAMES and ends else name


# --- the petitioner's own details, in any spelling ---------------------------------------------

def _loose(value: str) -> re.Pattern | None:
    """A pattern for a number written with or without spaces and dashes."""
    digits = re.sub(r"[\s-]", "", value)
    if len(digits) < 5:
        return None
    return re.compile(r"[\s-]?".join(re.escape(d) for d in digits), re.IGNORECASE)


def _own_details(text: str, details: Iterable[str]) -> Iterable[Span]:
    for value in filter(None, (d.strip() for d in details)):
        pattern = _loose(value) if re.fullmatch(r"[\d\s+()-]{5,}|[\dXx]{15,18}", value) else \
            re.compile(re.escape(value), re.IGNORECASE)
        if pattern is None or len(value) < 2:
            continue
        for m in pattern.finditer(text):
            yield Span(m.start(), m.end(), "petitioner", m.group())


# --- putting it together ------------------------------------------------------------------------

def detect(text: str, *, petitioner: Iterable[str] = (), rules: Iterable[tuple[str, bool]] = ()) -> list[Span]:
    """Every span to mask, longest first where they overlap. ``rules`` are (pattern, is_regex)."""
    spans = [*_numbers(text), *_addresses(text), *_names(text), *_own_details(text, petitioner)]
    for pattern, is_regex in rules:
        compiled = re.compile(pattern if is_regex else re.escape(pattern))
        spans.extend(Span(m.start(), m.end(), "rule", m.group()) for m in compiled.finditer(text) if m.group())
    return without_overlaps(spans)


PRIORITY = ("manual", "petitioner", "rule", "id_number", "bank_card", "email", "phone", "plate", "address", "name")


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
        local, _, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
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
