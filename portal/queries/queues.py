"""The work queues of each role, as conditions on Message, and the one table query behind them.

A unit's people only ever see messages their unit has (or had) an assignment on. The table is one
capped count and one page query whatever its size; the navigation counts are one query for a unit's
people and one capped count per queue for the office (see counts()).
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, asc, desc, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from .. import clock
from ..extensions import db
from ..models import (
    Assignment,
    ComplaintTarget,
    ExtensionRequest,
    Message,
    OverdueWarning,
    ReturnRequest,
    SupervisionCase,
    Unit,
)
from ..rules.permissions import LIVE_STATES, OFFICE
from ..rules.workflow import CLOCK_RUNNING, FINAL, UNIT, Role, Status
from .common import add_workdays, policy

S = Status
Lead = aliased(Assignment, name="lead")
LeadUnit = aliased(Unit, name="lead_unit")


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    roles: frozenset


def _pending(model, *conditions):
    """Messages with a pending request: driven by the few pending requests, not by every message."""
    return Message.id.in_(select(Assignment.message_id).join(model, model.assignment_id == Assignment.id)
                          .where(model.decision == "pending", *conditions))


def _lead_due(*conditions):
    """The message is with units and its lead unit's deadline (kept on the message) meets ``conditions``."""
    return and_(Message.status.in_([s.value for s in CLOCK_RUNNING]), *conditions)


def condition(key: str, user):
    """The queue's condition on Message for this user."""
    unit_only = (Assignment.unit_id == user.unit_id,) if user.role in UNIT else ()
    today = clock.today()
    return {
        "overdue": _lead_due(Message.lead_due_date < today),
        "due_soon": _lead_due(Message.lead_due_date >= today, Message.lead_due_date <= soon(today)),
        "to_screen": Message.status == S.RECEIVED,
        "to_assign": Message.status == S.TO_ASSIGN,
        "returns": _pending(ReturnRequest),
        "extensions": _pending(ExtensionRequest, *unit_only),
        "to_handle": Message.status == S.ASSIGNED,
        "to_sign": Message.status == S.SIGNOFF,
        "to_review": Message.status == S.REVIEW,
        "to_follow_up": Message.status == S.ANSWERED,
        "redo": and_(Message.status == S.ASSIGNED, Message.redo_round > 0),
        "supervision": Message.id.in_(select(SupervisionCase.message_id).where(
            SupervisionCase.closed_at.is_(None),
            *((SupervisionCase.unit_id == user.unit_id,) if user.role in UNIT else ()))),
        "to_publish": and_(Message.status.in_([S.ANSWERED, S.VISITED, S.CLOSED, S.ARCHIVED]),
                           Message.publication == "pending"),
        "all": Message.id.is_not(None),
    }[key]


QUEUES = (
    Queue("to_screen", "待甄别", frozenset({Role.OPERATOR, Role.DISPATCHER})),
    Queue("to_assign", "待交办", frozenset({Role.DISPATCHER})),
    Queue("returns", "退回申请", frozenset({Role.DISPATCHER})),
    Queue("extensions", "延期申请", frozenset({Role.DISPATCHER, Role.DEPUTY_HEAD, Role.PRINCIPAL_HEAD})),
    Queue("to_handle", "待办理", frozenset(UNIT)),
    Queue("to_sign", "待审签", frozenset({Role.DEPUTY_HEAD, Role.PRINCIPAL_HEAD})),
    Queue("to_review", "待审核", frozenset({Role.REVIEWER})),
    Queue("to_follow_up", "待回访", frozenset({Role.HANDLER, Role.REVIEWER})),
    Queue("redo", "重办", frozenset({Role.DISPATCHER, Role.REVIEWER, Role.SUPERVISOR, *UNIT})),
    Queue("supervision", "督办", frozenset({Role.SUPERVISOR, *UNIT})),
    Queue("to_publish", "待公开", frozenset({Role.REVIEWER})),
    Queue("due_soon", "即将到期", frozenset(OFFICE | UNIT)),
    Queue("overdue", "已超期", frozenset(OFFICE | UNIT)),
    Queue("all", "全部留言", frozenset(OFFICE | UNIT)),
)

# Where each role starts its day: its main next step (the first queue it sees otherwise).
LANDING = {Role.DISPATCHER: "to_assign", Role.DEPUTY_HEAD: "to_sign", Role.PRINCIPAL_HEAD: "to_sign",
           Role.SUPERVISOR: "overdue"}


def landing(user) -> str:
    available = [q.key for q in queues_for(user)]
    wanted = LANDING.get(user.role)
    return wanted if wanted in available else available[0]


def soon(today: date) -> date:
    """The last day that counts as due soon: the preset's reminder window (R8.1)."""
    return add_workdays(today, policy().remind_before_workdays)


def queues_for(user) -> list[Queue]:
    return [q for q in QUEUES if user.role in q.roles]


def visible(user):
    """Messages this user may see at all."""
    if user.role in UNIT:
        return Message.id.in_(select(Assignment.message_id).where(Assignment.unit_id == user.unit_id))
    return Message.id.is_not(None)


COUNT_CAP = 10_000  # above this a queue shows "10,000+": counting a million rows per page is waste


def counts(user) -> dict[str, int]:
    """Every queue's count for this user. A unit's people see only their unit's messages: one pass
    over those counts every queue. The office sees the whole city: one short query per queue, each
    stopping at COUNT_CAP + 1 (shown as "10,000+") instead of one scan of a million messages."""
    queues = queues_for(user)
    if user.role in UNIT:
        columns = [func.count(Message.id).filter(condition(q.key, user)).label(q.key) for q in queues]
        row = db.session.execute(select(*columns).where(visible(user))).one()
        return dict(zip([q.key for q in queues], row, strict=True))
    return {q.key: capped_count(select(Message.id).where(visible(user), condition(q.key, user))) for q in queues}


def capped_count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.limit(COUNT_CAP + 1).subquery()))


class LazyCounts(dict):
    """The navigation's counts, counted when a template first reads one (htmx fragments never do)."""

    def __init__(self, user):
        super().__init__()
        self.user = user

    def __missing__(self, key):
        self.update(counts(self.user))
        return dict.__getitem__(self, key)


SORTS = {
    "tracking_no": Message.tracking_no, "subject": Message.subject, "channel": Message.channel,
    "category": Message.category, "region": Message.region, "unit": LeadUnit.name, "status": Message.status,
    "received": Message.received_at, "due": Message.lead_due_date,
}


@dataclass(frozen=True)
class TableFilters:
    status: str = ""
    channel: str = ""
    category: str = ""
    unit_id: int | None = None
    region: str = ""
    warning: str = ""
    start: date | None = None
    end: date | None = None
    q: str = ""
    open_only: bool = False  # not yet closed, refused or archived
    running: bool = False  # with the units, the clock running


def table_query(user, queue: str, filters: TableFilters, *, ids_only: bool = False):
    """The queue's rows (message, lead assignment, lead unit name); ``ids_only`` for counting: the
    joins to the lead are left out unless a filter needs them (each costs a lookup per row counted)."""
    if ids_only and not filters.warning:
        query = select(Message.id)
    else:
        lead_join = and_(Lead.message_id == Message.id, Lead.is_lead, Lead.state.in_(LIVE_STATES))
        query = (select(Message.id) if ids_only else select(Message, Lead, LeadUnit.name)).outerjoin(
            Lead, lead_join).outerjoin(LeadUnit, LeadUnit.id == Lead.unit_id)
    query = query.where(visible(user), condition(queue, user))
    if not ids_only:  # a unit's row is masked if the complaint is about it; the office sees whom it is about
        query = query.options(selectinload(Message.complaint_targets).selectinload(ComplaintTarget.unit))
    for name in ("status", "channel", "category"):
        if value := getattr(filters, name):
            query = query.where(getattr(Message, name) == value)
    if filters.unit_id:
        query = query.where(Message.lead_unit_id == filters.unit_id)
    if filters.open_only:
        query = query.where(Message.status.not_in([s.value for s in FINAL]))
    if filters.running:
        query = query.where(Message.status.in_([s.value for s in CLOCK_RUNNING]))
    if filters.region:
        query = query.where(Message.region.contains(filters.region))
    if filters.warning:
        query = query.where(exists().where(OverdueWarning.assignment_id == Lead.id,
                                           OverdueWarning.due_date == Lead.due_date,
                                           OverdueWarning.level == filters.warning))
    if filters.start:
        query = query.where(Message.received_at >= clock.day_start_utc(filters.start))
    if filters.end:
        query = query.where(Message.received_at < clock.day_start_utc(filters.end + timedelta(days=1)))
    if filters.q:
        like = f"%{filters.q}%"
        subject = Message.subject.ilike(like)
        if user.role in UNIT:  # no probing for the complainant's name in a complaint about oneself
            subject = and_(subject, ~complained_about(user))
        query = query.where(or_(Message.tracking_no.ilike(like), subject))
    return query


def complained_about(user):
    """Messages whose petitioner ``user`` may not know: anonymous ones, and complaints about ``user``
    or their unit (R12.1, R9.2)."""
    return or_(Message.anonymous, exists().where(
        ComplaintTarget.message_id == Message.id,
        or_(ComplaintTarget.unit_id == user.unit_id, ComplaintTarget.user_id == user.id)))


# Columns never NULL: pages after the first are found from the neighbouring row (keyset), not by
# counting rows off (OFFSET reads every row before the page). The others page by OFFSET.
KEYSET = {"received", "tracking_no", "subject", "channel", "category", "region", "status"}


@dataclass(frozen=True)
class Cursor:
    """The row a page starts after (``forward``) or ends before, in the table's order."""

    value: object
    message_id: int
    forward: bool = True

    def encode(self) -> str:
        value = self.value.isoformat() if isinstance(self.value, datetime) else str(self.value)
        return f"{value}|{self.message_id}"

    @classmethod
    def decode(cls, text: str, sort: str, *, forward: bool) -> "Cursor | None":
        """None for anything malformed: the page is then found by its number."""
        value, _, number = (text or "").rpartition("|")
        if sort not in KEYSET or not number.isdigit():
            return None
        try:
            return cls(datetime.fromisoformat(value) if sort == "received" else value, int(number), forward)
        except ValueError:
            return None


def cursor_of(row, sort: str, *, forward: bool) -> Cursor | None:
    if sort not in KEYSET:
        return None
    message = row[0]
    return Cursor(getattr(message, SORTS[sort].key), message.id, forward)


def page(user, queue: str, filters: TableFilters, *, sort: str, direction: str, number: int, size: int,
         cursor: Cursor | None = None):
    """(rows, total, more): rows are (message, lead assignment or None, lead unit name); ``more`` when
    the queue holds over COUNT_CAP messages and ``total`` stopped counting there."""
    query = table_query(user, queue, filters)
    total = capped_count(table_query(user, queue, filters, ids_only=True))
    more = total > COUNT_CAP
    sort = sort if sort in SORTS else "received"
    column, descending = SORTS[sort], direction == "desc"
    if cursor is None or sort not in KEYSET:
        order = desc(column) if descending else asc(column)
        rows = db.session.execute(query.order_by(order, Message.id.desc())
                                  .limit(size).offset((number - 1) * size)).all()
        return rows, min(total, COUNT_CAP), more
    return _keyset(query, column, descending, cursor, size), min(total, COUNT_CAP), more


def _keyset(query, column, descending: bool, cursor: Cursor, size: int):
    """The page after (or before) the cursor's row in the order (column, then newest id first)."""
    downwards = descending == cursor.forward
    further, bound = ((column < cursor.value, column <= cursor.value) if downwards
                      else (column > cursor.value, column >= cursor.value))
    id_further = (Message.id < cursor.message_id) if cursor.forward else (Message.id > cursor.message_id)
    # ``bound`` repeats what the OR implies, in a form an index range scan can start from.
    query = query.where(bound, or_(further, and_(column == cursor.value, id_further)))
    if cursor.forward:
        order = (desc(column) if descending else asc(column), Message.id.desc())
        return db.session.execute(query.order_by(*order).limit(size)).all()
    order = (asc(column) if descending else desc(column), Message.id.asc())
    return list(reversed(db.session.execute(query.order_by(*order).limit(size)).all()))
