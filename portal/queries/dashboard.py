"""The office's and a unit's dashboard: open work, due soon, overdue by warning level, by unit and by
channel. Every figure is the count of an inbox view (queue + filters), so a click on it lists exactly
the messages counted."""
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Unit
from ..rules.warnings import LEVEL_ORDER
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
    label = policy().warning_label
    warnings = [Figure(label(level), _count(user, "overdue", warning=level), "overdue", {"warning": level})
                for level in LEVEL_ORDER if level in levels]
    return {"headline": headline, "warnings": warnings, "by_unit": _by_unit(user), "by_channel": _by_channel(user)}


def _ids(user, queue: str, **filters):
    if queue == "open":
        return queues.table_query(user, "all", queues.TableFilters(open_only=True), ids_only=True)
    return queues.table_query(user, queue, queues.TableFilters(**filters), ids_only=True)


def _count(user, queue: str, **filters) -> int:
    return db.session.scalar(select(func.count()).select_from(_ids(user, queue, **filters).subquery()))


def _by_unit(user) -> list[dict]:
    """Open and overdue messages per lead unit (three queries)."""
    rows = queues.source(user)

    def grouped(queue, **filters):
        query = _ids(user, queue, **filters).with_only_columns(rows.lead_unit_id, func.count())
        return dict(db.session.execute(query.group_by(rows.lead_unit_id)).all())

    running, overdue = grouped("all", open_only=True, running=True), grouped("overdue")
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_([u for u in running if u]))).all())
    rows = [{"unit_id": unit_id, "unit": names[unit_id], "open": count, "overdue": overdue.get(unit_id, 0)}
            for unit_id, count in running.items() if unit_id]
    return sorted(rows, key=lambda r: (-r["overdue"], -r["open"], r["unit"]))


def _by_channel(user) -> list[dict]:
    source = queues.source(user)
    query = _ids(user, "open").with_only_columns(source.channel, func.count())
    rows = dict(db.session.execute(query.group_by(source.channel)).all())
    return [{"code": channel.code, "channel": channel.name, "open": rows.get(channel.code, 0)}
            for channel in policy().channels]


