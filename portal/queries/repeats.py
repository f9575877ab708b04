"""Candidates for a repeat (重复件, R12.4): the accepted messages of the last 90 days, open or answered,
most like this one — looked up in the similarity index (portal/similarity.py). Read-only; the office
decides."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from .. import clock, similarity
from ..extensions import db
from ..models import Message

RECENT_DAYS = 90


@dataclass(frozen=True)
class Hint:
    message: Message
    score: float  # Jaccard similarity of the content words, 0–1


def candidates(message: Message, limit: int = 5) -> list[Message]:
    return [hint.message for hint in hints(message.subject, message.body, at=message.received_at,
                                           exclude=message.id, limit=limit)]


def hints(subject: str, body: str, *, at: datetime | None = None, exclude: int | None = None,
          limit: int = 5) -> list[Hint]:
    """The messages a text received ``at`` (now by default) may repeat, most similar first."""
    since = (at or clock.now()) - timedelta(days=RECENT_DAYS)
    found = similarity.nearest(similarity.fingerprint(subject or "", body or ""), since=since, exclude=exclude,
                               limit=limit)
    if not found:
        return []
    ids = [h.message_id for h in found]
    messages = {m.id: m for m in db.session.scalars(select(Message).where(Message.id.in_(ids)))}
    return [Hint(messages[h.message_id], h.score) for h in found if h.message_id in messages]


def repeat_count(message_id: int) -> int:
    return db.session.scalar(select(func.count()).where(Message.repeat_of_id == message_id))
