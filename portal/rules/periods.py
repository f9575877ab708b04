"""Report periods (R8.4, R10.1): a calendar month or quarter, written 2026-10 or 2026-Q4."""
import re
from dataclasses import dataclass
from datetime import date

from . import DomainError

QUARTER_NAMES = "一二三四"
PATTERN = re.compile(r"^(\d{4})-(?:(0?[1-9]|1[0-2])|[Qq]([1-4]))$")


class PeriodError(DomainError):
    status_code = 400  # a period the office mistyped in the address or the form


@dataclass(frozen=True)
class Period:
    kind: str  # month / quarter
    year: int
    number: int  # 1–12 for a month, 1–4 for a quarter

    @classmethod
    def parse(cls, text: str) -> "Period":
        match = PATTERN.match((text or "").strip())
        if not match:
            raise PeriodError("报告期应写作“2026-10”（月）或“2026-Q4”（季度）。")
        year, month, quarter = match.groups()
        return cls("quarter", int(year), int(quarter)) if quarter else cls("month", int(year), int(month))

    @classmethod
    def containing(cls, day: date, kind: str = "month") -> "Period":
        return cls(kind, day.year, day.month if kind == "month" else (day.month - 1) // 3 + 1)

    @property
    def months(self) -> int:
        return 1 if self.kind == "month" else 3

    @property
    def start(self) -> date:
        return date(self.year, self.number if self.kind == "month" else 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        index = self.start.month - 1 + self.months
        return date(self.start.year + index // 12, index % 12 + 1, 1)

    def previous(self) -> "Period":
        last = 12 if self.kind == "month" else 4
        return Period(self.kind, self.year - 1, last) if self.number == 1 else Period(self.kind, self.year,
                                                                                        self.number - 1)

    @property
    def key(self) -> str:
        return f"{self.year}-{self.number:02d}" if self.kind == "month" else f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        return f"{self.year}年第{QUARTER_NAMES[self.number - 1]}季度"
