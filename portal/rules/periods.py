"""Report periods (R8.4, R10.1): a calendar month, a quarter or the year (年终考评), written 2026-10,
2026-Q4 or 2026."""
import re
from dataclasses import dataclass
from datetime import date

from . import DomainError

QUARTER_NAMES = "一二三四"
PATTERN = re.compile(r"^(\d{4})(?:-(?:(0?[1-9]|1[0-2])|[Qq]([1-4])))?$")


class PeriodError(DomainError):
    status_code = 400  # a period the office mistyped in the address or the form


@dataclass(frozen=True)
class Period:
    kind: str  # month / quarter / year
    year: int
    number: int  # 1–12 for a month, 1–4 for a quarter, 1 for the year

    @classmethod
    def parse(cls, text: str) -> "Period":
        match = PATTERN.match((text or "").strip())
        if not match:
            raise PeriodError("报告期应写作“2026-10”（月）、“2026-Q4”（季度）或“2026”（年度）。")
        year, month, quarter = match.groups()
        if quarter:
            return cls("quarter", int(year), int(quarter))
        return cls("month", int(year), int(month)) if month else cls("year", int(year), 1)

    @classmethod
    def containing(cls, day: date, kind: str = "month") -> "Period":
        number = {"month": day.month, "quarter": (day.month - 1) // 3 + 1, "year": 1}[kind]
        return cls(kind, day.year, number)

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "year": 12}[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind], 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        index = self.start.month - 1 + self.months
        return date(self.start.year + index // 12, index % 12 + 1, 1)

    def previous(self) -> "Period":
        if self.kind == "year":
            return Period("year", self.year - 1, 1)
        last = 12 if self.kind == "month" else 4
        return Period(self.kind, self.year - 1, last) if self.number == 1 else Period(self.kind, self.year,
                                                                                        self.number - 1)

    @property
    def key(self) -> str:
        if self.kind == "year":
            return str(self.year)
        return f"{self.year}-{self.number:02d}" if self.kind == "month" else f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.year}年度"
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        return f"{self.year}年第{QUARTER_NAMES[self.number - 1]}季度"
