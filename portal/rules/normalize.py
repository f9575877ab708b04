"""A canonical form of text for the personal-data detectors, with a map back to the original (R9.3).

People write numbers to dodge filters or by habit: full-width digits (１３８…), Chinese numerals
(一三八…, 幺五零, 两/〇), separators inside the number (167.5740.6817, 138 1234 5678, a line break,
（027）29903062). The detectors run on one canonical spelling and report spans of the original text.

Two views: ``narrow`` keeps every character in place (full width → half width, dashes unified), so
its offsets are the original's; ``digits`` also turns numeral runs into digits and drops separators
between digits, remembering where each group of digits began.
"""
import re
from dataclasses import dataclass

# Full-width ASCII (！ to ～) and the ideographic space; every dash-like character becomes "-".
WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
WIDTH |= {ord(dash): ord("-") for dash in "－—–‐‑﹣−―"}
NUMERALS = str.maketrans("〇零一幺二两三四五六七八九壹贰叁肆伍陆柒捌玖", "0011223456789123456789")
NUMERAL = "0-9〇零一幺二两三四五六七八九壹贰叁肆伍陆柒捌玖"
SEPARATOR = r"[ \t\r\n.\-·•・()/\[\]_]"
# A run of at least five numerals, separators allowed between them: 一三八 一二三四 五六七八.
NUMERAL_RUN = re.compile(rf"[{NUMERAL}](?:{SEPARATOR}{{0,3}}[{NUMERAL}]){{4,}}")
# Separators between two digits (up to three: " - "), not a date's slash between short groups.
BETWEEN_DIGITS = re.compile(rf"(?<=\d){SEPARATOR}{{1,3}}(?=\d)")


def narrow(text: str) -> str:
    """Half-width text of the same length: offsets stay the original's."""
    return text.translate(WIDTH)


@dataclass(frozen=True)
class Canonical:
    text: str
    origin: tuple[int, ...]  # origin[i]: the original offset of canonical character i
    group_starts: frozenset[int]  # canonical offsets where a group of digits began after separators

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of canonical text[start:end]."""
        return self.origin[start], self.origin[end - 1] + 1


def digits_view(text: str) -> Canonical:
    """Numeral runs as digits, separators between digits removed."""
    flat = narrow(text)
    flat = NUMERAL_RUN.sub(lambda m: m.group().translate(NUMERALS), flat)
    kept, origin, starts = [], [], set()
    cursor = 0
    for m in BETWEEN_DIGITS.finditer(flat):
        kept.append(flat[cursor:m.start()])
        origin.extend(range(cursor, m.start()))
        cursor = m.end()
        starts.add(len(origin))
    kept.append(flat[cursor:])
    origin.extend(range(cursor, len(flat)))
    return Canonical("".join(kept), tuple(origin), frozenset(starts))


def digits_only(value: str) -> str:
    """The canonical digits of a value the petitioner gave (a phone, an ID): 'X' stays."""
    return re.sub(r"[^0-9X]", "", digits_view(value).text.upper())
