"""Candidates for a repeat (重复件, R12.4): recent accepted messages that share the most words with
this one. Read-only; the office decides."""
from datetime import timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import Message
from ..textmining import jaccard, words

RECENT_DAYS = 90
SCAN_LIMIT = 2000  # the newest messages of the category: a repeat follows its original within weeks
MIN_OVERLAP = 0.2


def candidates(message: Message, limit: int = 5) -> list[Message]:
    since = message.received_at - timedelta(days=RECENT_DAYS)
    recent = db.session.scalars(
        select(Message).where(Message.id != message.id, Message.category == message.category,
                              Message.repeat_of_id.is_(None), Message.withdrawn_at.is_(None),
                              Message.status.not_in(["received", "rejected"]), Message.received_at >= since)
        .order_by(Message.received_at.desc()).limit(SCAN_LIMIT))
    mine = set(words(f"{message.subject} {message.body}"))
    scored = [(jaccard(mine, set(words(f"{m.subject} {m.body}"))), m) for m in recent]
    return [m for score, m in sorted(scored, key=lambda pair: -pair[0]) if score >= MIN_OVERLAP][:limit]


def repeat_count(message_id: int) -> int:
    return db.session.scalar(select(func.count()).where(Message.repeat_of_id == message_id))
