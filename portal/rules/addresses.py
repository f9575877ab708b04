"""Street addresses down to the house, building, unit or room (R9.3), on the narrow text.

A road or street alone is where the matter is and stays; a house number, a building with a room, a
flat written 13-5-104 or 34楼32号 points at a household and goes. Estates need no listed suffix
(融科东南海25栋1704室): the building and the room make it an address.
"""
import re
from collections.abc import Iterable

from .normalize import narrow

NUM = r"[0-9一二三四五六七八九十百零〇两]+"
PLACE = r"[\u4e00-\u9fa5A-Za-z0-9]"
BUILDING = rf"{NUM}(?:号楼|号栋|栋|幢)"
UNIT = rf"{NUM}单元"
FLOOR = rf"{NUM}(?:楼|层)"
NOT_A_ROOM = r"[\d年月日元米万个条次号%.多余户人名辆套层间平]"  # 2018年, 700多户, 184户: counts and dates
ROOM = rf"(?:{NUM}(?:室|号房|房|号|户)|\d{{3,4}}(?!{NOT_A_ROOM}))"  # 1704室, or a bare 1704 after a building
FLAT = rf"(?:{BUILDING})?(?:{UNIT})?(?:{FLOOR})?(?:{ROOM})?"
ROAD = r"(?:路|街|巷|弄|大道|大街|胡同|里)"
ESTATE = r"(?:小区|花园|家园|新村|公寓|大厦|社区|山庄|公馆|华庭|名园|苑|府|城|广场|园|庭|村|院|湾|郡|居)"
ADDRESS = re.compile(
    # 芙蓉路128号5栋2单元301室, 天府大道一段8号, 人民路三段12号附8号
    rf"{PLACE}{{0,12}}?{ROAD}(?:{NUM}段)?{NUM}号(?!出口|口|线|站|地铁){FLAT}"
    # 融科东南海25栋1704室, 锦绣华庭10栋, 麓山名园13-5-104, 某小区34楼32号, 茶场村五组
    rf"|{PLACE}{{2,12}}?(?:{ESTATE}{BUILDING}(?:{UNIT})?(?:{FLOOR})?(?:{ROOM})?"
    rf"|(?:{BUILDING}|{NUM}座)(?:{UNIT}(?:{FLOOR})?(?:{ROOM})?|{FLOOR}(?:{ROOM})?|{ROOM})"
    rf"|\d{{1,3}}-\d{{1,3}}-\d{{1,4}}(?![\d-])"
    rf"|{FLOOR}{ROOM}"
    rf"|{ESTATE}{NUM}(?:组|室|号|房)(?:{NUM}号)?"
    rf"|(?:小区|公寓|大厦|花园|家园|新村|社区|名园)\d{{3,4}}(?!{NOT_A_ROOM})(?:室|房)?)"
    # after 住在/家住/地址: a building alone (住在金茂悦5栋), or a bare room (我家在3004, 万科城3004房)
    rf"|(?:住在|家在|家住|住址|地址)[:：是为]?(?:{PLACE}{{0,14}}?{BUILDING}(?:{UNIT})?(?:{FLOOR})?(?:{ROOM})?|{PLACE}{{0,10}}?\d{{3,4}}(?!{NOT_A_ROOM})"
    rf"(?:室|房|号)?)"
    # 5栋2单元301室 with no estate named
    rf"|{BUILDING}{UNIT}{ROOM}")
# Words the address pattern may take in before the place itself (it starts as early as it can).
LEADS = ("我们是|我是|本人是|就在|居住在|居住|擅自将|位于|地址为|地址是|地址|家住|住在|住址|举报|投诉|走访|缴纳|作为|"
         "受到|购买的|购买|发生在|您系|系|对|将|在|于|住")
PLACE_START = re.compile(rf"^(?:.{{0,10}}(?:{LEADS}))?(?:在|到|于|的|将|住|是|：|:)*")
DASHED = re.compile(r"\d{1,3}-\d{1,3}")


def addresses(text: str) -> Iterable[tuple[int, int]]:
    """One span per address: 芙蓉路128号 and the 锦绣华庭10栋301室 written right after it are one."""
    merged: list[list[int]] = []
    for start, end in _parts(text):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(end, merged[-1][1])
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _parts(text: str) -> Iterable[tuple[int, int]]:
    flat = narrow(text)
    for m in ADDRESS.finditer(flat):
        lead = PLACE_START.match(m.group())
        skip = lead.end() if lead and lead.end() < len(m.group()) - 2 else 0
        start, found = m.start() + skip, m.group()[skip:]
        if not re.search(r"\d|[一二三四五六七八九十]", found):
            continue
        if DASHED.search(found) and not _dashed_flat(found):
            continue
        yield start, start + len(found)


def _dashed_flat(found: str) -> bool:
    """13-5-104 after a place name is a flat; 2019-5 or 1-2 alone is a date or a range."""
    numbers = re.search(r"\d{1,3}-\d{1,3}-\d{1,4}$", found)
    if not numbers:
        return True
    place = found[:numbers.start()]
    phone_like = len(re.sub(r"\D", "", numbers.group())) >= 9 or re.search("电话|拨打|致电|热线|号码|手机", place)
    named = len(re.findall(r"[\u4e00-\u9fa5]", place)) >= 2 and not place.endswith(("第", "至", "约", "共"))
    return named and not phone_like
