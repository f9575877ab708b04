"""What the analysis report mined from a closed period's texts, kept so that its page never mines again."""
from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class MinedPeriod(db.Model):
    """Hot-topic keywords and groups of similar messages of one closed month or quarter, by message id,
    mined by `flask tick` once the period is over (services/reports.py). ``digest`` is that of the
    texts mined (ids, subjects, bodies): the report uses the result only while the texts are the same."""

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10), unique=True)  # Period.key: 2026-11, 2026-Q4
    digest: Mapped[str] = mapped_column(String(64))
    texts: Mapped[int]
    keywords: Mapped[list] = mapped_column(JSON)  # [{word, messages, score, examples: [message id, …]}]
    groups: Mapped[list] = mapped_column(JSON)  # [[message id, …], …], largest first
    mined_at: Mapped[datetime] = mapped_column(default=utcnow)
