"""What the analysis report mined from a closed period's texts, kept so that its page never mines again."""
from datetime import datetime

from sqlalchemy import JSON, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..extensions import db
from .base import utcnow


class MinedPeriod(db.Model):
    """What the analysis report mines from a month's or a quarter's texts, by message id, stored by
    `flask tick` (services/reports.py): for the open period on every run, and once more when it has
    closed. ``digest`` is that of the texts mined (ids, subjects, bodies): while the texts are the same
    the report shows the stored keywords and groups; when messages came in since, it mines only those
    (their words, their pairs with the others) and reuses the rest."""

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10), unique=True)  # Period.key: 2026-11, 2026-Q4
    digest: Mapped[str] = mapped_column(String(64))
    closed: Mapped[bool] = mapped_column(default=False)  # mined after the period's end
    # every message's words (textmining.Corpus.pack: ids into a vocabulary, both ways, 6 MB for a month of
    # 10,000): what the open period's view adds its new messages to; loaded only then
    packed: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    pairs: Mapped[list] = mapped_column(JSON)  # [[message id, message id], …]: every near-duplicate pair
    keywords: Mapped[list] = mapped_column(JSON)  # [[word, messages, score, [example message ids]], …]
    groups: Mapped[list] = mapped_column(JSON)  # [[message id, …], …], largest first
    mined_at: Mapped[datetime] = mapped_column(default=utcnow)
