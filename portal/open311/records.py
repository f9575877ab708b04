"""What the API may read: published messages, as their reviewed public version. Only named columns
are selected (no model object, nothing of the petitioner), as portal/projection.py does for the pages."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import Message, PublicVersion

MAX_REQUESTS = 1000
COLUMNS = (Message.id, Message.topic, Message.received_at, Message.answered_at, Message.lead_due_date,
           PublicVersion.subject, PublicVersion.body, PublicVersion.reply_text, PublicVersion.reply_unit,
           PublicVersion.created_at)


@dataclass(frozen=True)
class Query:
    ids: tuple[int, ...] = ()
    topics: tuple[str, ...] = ()
    start: datetime | None = None  # UTC
    end: datetime | None = None
    statuses: tuple[str, ...] = ()  # open / closed


def _published():
    return (select(*COLUMNS).join(PublicVersion, PublicVersion.id == Message.public_version_id)
            .where(Message.publication == "published"))


def find(query: Query) -> list[dict]:
    """The requests matching ``query`` (ids override every other filter), newest first."""
    statement = _published()
    if query.ids:
        statement = statement.where(Message.id.in_(query.ids))
    else:
        if query.topics:
            statement = statement.where(Message.topic.in_(query.topics))
        if query.start:
            statement = statement.where(Message.received_at >= query.start)
        if query.end:
            statement = statement.where(Message.received_at <= query.end)
        if set(query.statuses) == {"open"}:
            statement = statement.where(Message.answered_at.is_(None))
        elif set(query.statuses) == {"closed"}:
            statement = statement.where(Message.answered_at.is_not(None))
    rows = db.session.execute(statement.order_by(Message.received_at.desc(), Message.id.desc()).limit(MAX_REQUESTS))
    return [_request(row) for row in rows]


def _request(row) -> dict:
    from .catalog import code_of_topic, name_of_topic

    closed = row.answered_at is not None
    item = {
        "service_request_id": str(row.id),
        "status": "closed" if closed else "open",
        "service_code": code_of_topic(row.topic),
        "service_name": name_of_topic(row.topic),
        "description": f"【{row.subject}】{row.body}",
        "requested_datetime": w3c(row.received_at),
        "updated_datetime": w3c(row.answered_at if closed else row.created_at),
    }
    if row.reply_text:
        item["status_notes"] = row.reply_text
    if row.reply_unit:
        item["agency_responsible"] = row.reply_unit
    if row.lead_due_date:
        item["expected_datetime"] = w3c_day_end(row.lead_due_date)
    return item


def w3c(moment: datetime) -> str:
    """A UTC moment as China time with its offset: 2026-12-02T10:00:00+08:00."""
    return clock.local_time(moment).replace(microsecond=0).isoformat() + "+08:00"


def w3c_day_end(day: date) -> str:
    return datetime.combine(day, time(23, 59, 59)).isoformat() + "+08:00"


def default_window() -> tuple[datetime, datetime]:
    """The spec's default: the most recent 90 days."""
    now = clock.now()
    return now - timedelta(days=90), now
