"""What the index holds of a message and what a search answers, the same for every backend."""
from dataclasses import dataclass, field
from datetime import datetime

# A search counts at most this many matches: past it, the page says "超过 1,000 条" and offers the
# first COUNT_CAP results (100 pages of 10). Counting every one of 65,000 matches of a common word
# is what made searches slow.
COUNT_CAP = 1000


def count_text(count: int) -> str:
    """How a count reads on a page: "12", "1,000", or "超过 1,000" past the cap."""
    return f"超过 {COUNT_CAP:,}" if count > COUNT_CAP else f"{count:,}"


@dataclass(frozen=True)
class Document:
    """What the index holds of one published message: its public projection only."""

    id: int
    subject: str
    body: str
    reply: str
    unit: str
    category: str
    topic: str
    channel: str
    published: datetime
    answered: datetime | None

    @property
    def content(self) -> str:
        return f"{self.subject}\n{self.body}\n{self.reply}"

    def fingerprint(self) -> tuple:
        """What must match between the database and the index (drift check)."""
        return (self.subject, self.body, self.reply, self.unit, self.category, self.topic, self.channel,
                self.published.replace(microsecond=0))


@dataclass(frozen=True)
class Filters:
    unit: str = ""
    category: str = ""
    topic: str = ""
    channel: str = ""
    start: datetime | None = None
    end: datetime | None = None


@dataclass
class Hit:
    id: int
    subject_html: str
    snippet_html: str
    unit: str
    category: str
    published: datetime
    score: float


@dataclass
class Results:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)
    suggestions: list[tuple[str, int]] = field(default_factory=list)  # for an empty result: (word, count)

    @property
    def more(self) -> bool:
        """More matches than counted (``total`` is then COUNT_CAP + 1)."""
        return self.total > COUNT_CAP

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @property
    def total_text(self) -> str:
        return count_text(self.total)

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, COUNT_CAP) // self.per_page))
