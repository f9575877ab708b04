"""The search index's bookkeeping: tasks queued with the decision that needs them, and the
entries of the PostgreSQL backend (rows in the same database, committed with the publication)."""
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class SearchTask(db.Model):
    """Bring one message's index entry up to date (add, replace or remove: the worker reads the message's
    state when it applies the task). Written in the transaction of the decision, so the index can
    never miss one; deleted once applied; retried with growing pauses when the index refuses."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(index=True)  # no foreign key: a task may outlive nothing it needs
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime | None] = mapped_column(index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")


# A tsvector in PostgreSQL; unused text elsewhere (SQLite searches with Whoosh).
TSV = Text().with_variant(TSVECTOR(), "postgresql")


class SearchEntry(db.Model):
    """One published message as the PostgreSQL backend searches it: the public projection only, and
    `terms`, the analyzer's tokens with their character offsets + 1 as positions."""

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # the message's id
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    reply: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(100), index=True)
    category: Mapped[str] = mapped_column(String(40))
    topic: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(40))
    published: Mapped[datetime] = mapped_column(index=True)
    answered: Mapped[datetime | None]
    terms: Mapped[str] = mapped_column(TSV)

    # toast_tuple_target=128: the texts and the tsvector live out of line, so the rows a search reads to
    # count matches or order them by date are ~100 bytes (17 MB for 100,000 entries instead of 134 MB).
    __table_args__ = (Index("ix_search_entry_terms", "terms", postgresql_using="gin"),
                      {"postgresql_with": {"toast_tuple_target": 128}})
