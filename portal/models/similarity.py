"""The repeat hints' index (R12.4): each message's content words as keyed hashes, looked up by word.
No text and no personal data: a hash cannot be read back without the application's key."""
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class SimilarityTerm(db.Model):
    """One distinct content word (a keyed 63-bit hash) of one message. ``received_at`` and ``size`` (the
    message's number of distinct words) never change, so the lookup reads them from the index alone:
    the primary key is the word, then the date, so a word's last 90 days are one range."""

    term: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), primary_key=True,
                                            autoincrement=False)
    size: Mapped[int]

    message = relationship("Message")

    __table_args__ = (Index("ix_similarity_term_message", "message_id", "term"), {"sqlite_with_rowid": False})
