"""The office's and a unit's dashboard: open work, due soon, overdue by warning level, by unit and by
channel. Every figure is the count of an inbox view (queue + filters), so a click on it lists exactly
the messages counted."""
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Message
from ..rules.warnings import LEVEL_LABELS, LEVEL_ORDER
from . import queues
from .common import policy


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    queue: str
    filters: dict  # the inbox filters that list the messages counted


def figures(user) -> dict:
    """Headline figures, warnings by level, and (for the office) open and overdue work per unit and channel."""
    levels = [level.level for level in policy().warning_levels]
    headline = [Figure("在办", _count(user, "open"), "all", {"state": "open"}),
                Figure("即将到期", _count(user, "due_soon"), "due_soon", {}),
                Figure("已超期", _count(user, "overdue"), "overdue", {})]
    warnings = [Figure(LEVEL_LABELS[level], _count(user, "overdue", warning=level), "overdue", {"warning": level})
                for level in LEVEL_ORDER if level in levels]
    return {"headline": headline, "warnings": warnings, "by_unit": _by_unit(user), "by_channel": _by_channel(user)}


def _count(user, queue: str, **filters) -> int:
    if queue == "open":
        query = queues.table_query(user, "all", queues.TableFilters(open_only=True))
    else:
        query = queues.table_query(user, queue, queues.TableFilters(**filters))
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).with_only_columns(
        Message.id).subquery()))


def _by_unit(user) -> list[dict]:
    """Open and overdue messages per lead unit (two grouped queries)."""
    def grouped(queue, **filters):
        query = queues.table_query(user, queue, queues.TableFilters(**filters))
        rows = db.session.execute(query.order_by(None).with_only_columns(
            queues.Lead.unit_id, queues.LeadUnit.name, func.count(Message.id)).group_by(
            queues.Lead.unit_id, queues.LeadUnit.name)).all()
        return {(unit_id, name): count for unit_id, name, count in rows if unit_id}

    running, overdue = grouped("all", open_only=True, running=True), grouped("overdue")
    return sorted(({"unit_id": key[0], "unit": key[1], "open": count, "overdue": overdue.get(key, 0)}
                   for key, count in running.items()), key=lambda r: (-r["overdue"], -r["open"], r["unit"]))


def _by_channel(user) -> list[dict]:
    query = queues.table_query(user, "all", queues.TableFilters(open_only=True))
    rows = dict(db.session.execute(query.order_by(None).with_only_columns(Message.channel, func.count(Message.id))
                                   .group_by(Message.channel)).all())
    return [{"code": channel.code, "channel": channel.name, "open": rows.get(channel.code, 0)}
            for channel in policy().channels]


