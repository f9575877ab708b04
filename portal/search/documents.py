"""What the index holds of a message and what a search answers, the same for every backend."""
from dataclasses import dataclass, field
from datetime import datetime


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
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
