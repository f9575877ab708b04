"""The work queues of each role, as conditions on their rows, and the one table query behind them.

The office's queues read Message. A unit's people only ever see messages their unit has (or had) an
assignment on: their queues read the unit's own rows (UnitMessage, kept by the services with the
columns the queues filter and sort by), in the order of the row indexes, and load the page's messages
after. The table is one capped count and one page query whatever its size; the navigation counts
are one query for a unit's people and one capped count per queue for the office (see counts()).
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, asc, desc, exists, func, or_, select, true
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
    UnitMessage,
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


def source(user):
    """The rows this user's queues read: the unit's own rows for a unit's people, else the messages.
    Both have the queue columns under the same names (UnitMessage.COPIED)."""
    return UnitMessage if user.role in UNIT else Message


def key_of(rows):
    """The message id column of ``rows`` (Message or UnitMessage)."""
    return rows.message_id if rows is UnitMessage else Message.id


def condition(key: str, user, rows=None):
    """The queue's condition on ``rows`` (by default the user's source()) for this user."""
    rows = rows if rows is not None else source(user)
    ident, unit = key_of(rows), user.role in UNIT
    today = clock.today()

    def pending(model, *conditions):  # driven by the few pending requests, not by every message
        return ident.in_(select(Assignment.message_id).join(model, model.assignment_id == Assignment.id)
                         .where(model.decision == "pending", *conditions))

    def lead_due(*conditions):  # with units, and the lead unit's deadline (kept on the message) meets them
        return and_(rows.status.in_([s.value for s in CLOCK_RUNNING]), *conditions)

    def to_publish():
        pending_publication = (Message.publication == "pending" if rows is Message else
                               ident.in_(select(Message.id).where(Message.publication == "pending")))
        return and_(rows.status.in_([S.ANSWERED, S.VISITED, S.CLOSED, S.ARCHIVED]), pending_publication)

    return {
        "overdue": lambda: lead_due(rows.lead_due_date < today),
        "due_soon": lambda: lead_due(rows.lead_due_date >= today, rows.lead_due_date <= soon(today)),
        "to_screen": lambda: rows.status == S.RECEIVED,
        "to_assign": lambda: rows.status == S.TO_ASSIGN,
        "returns": lambda: pending(ReturnRequest),
        "extensions": lambda: pending(ExtensionRequest, *((Assignment.unit_id == user.unit_id,) if unit else ())),
        "to_handle": lambda: rows.status == S.ASSIGNED,
        "to_sign": lambda: rows.status == S.SIGNOFF,
        "to_review": lambda: rows.status == S.REVIEW,
        "to_follow_up": lambda: rows.status == S.ANSWERED,
        "redo": lambda: and_(rows.status == S.ASSIGNED, rows.redo_round > 0),
        "supervision": lambda: ident.in_(select(SupervisionCase.message_id).where(
            SupervisionCase.closed_at.is_(None), *((SupervisionCase.unit_id == user.unit_id,) if unit else ()))),
        "to_publish": to_publish,
        "all": lambda: true() if rows is UnitMessage else Message.id.is_not(None),
    }[key]()


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
    """Messages this user may see at all (asked of one message or a few: the queues read own_rows)."""
    if user.role in UNIT:
        return Message.id.in_(select(Assignment.message_id).where(Assignment.unit_id == user.unit_id))
    return Message.id.is_not(None)


def own_rows(user):
    """The rows of the user's queues: a unit's people see their unit's rows only (the same messages as
    visible(), which `flask unit-rows --check` and tests/test_unit_rows.py hold to)."""
    return UnitMessage.unit_id == user.unit_id if source(user) is UnitMessage else visible(user)


COUNT_CAP = 10_000  # above this a queue shows "10,000+": counting a million rows per page is waste


def counts(user) -> dict[str, int]:
    """Every queue's count for this user. A unit's people see only their unit's messages: one pass
    over those counts every queue. The office sees the whole city: one short query per queue, each
    stopping at COUNT_CAP + 1 (shown as "10,000+") instead of one scan of a million messages."""
    queues = queues_for(user)
    if user.role in UNIT:
        columns = [func.count().filter(condition(q.key, user)).label(q.key) for q in queues]
        row = db.session.execute(select(*columns).where(own_rows(user))).one()
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
    joins to the lead are left out unless a filter needs them (each costs a lookup per row counted).
    For a unit's people always the ids, from the unit's own rows (see page())."""
    rows = source(user)
    if rows is UnitMessage:
        return _filtered(select(UnitMessage.message_id).where(own_rows(user), condition(queue, user)), user,
                         filters)
    if ids_only and not filters.warning:
        query = select(Message.id)
    else:
        query = (select(Message.id) if ids_only else select(Message, Lead, LeadUnit.name)).outerjoin(
            Lead, _lead_join()).outerjoin(LeadUnit, LeadUnit.id == Lead.unit_id)
    query = query.where(visible(user), condition(queue, user))
    if not ids_only:  # a unit's row is masked if the complaint is about it; the office sees whom it is about
        query = query.options(selectinload(Message.complaint_targets).selectinload(ComplaintTarget.unit))
    return _filtered(query, user, filters)


def _lead_join():
    return and_(Lead.message_id == Message.id, Lead.is_lead, Lead.state.in_(LIVE_STATES))


def _filtered(query, user, filters: TableFilters):
    rows = source(user)
    for name in ("status", "channel", "category"):
        if value := getattr(filters, name):
            query = query.where(getattr(rows, name) == value)
    if filters.unit_id:
        query = query.where(rows.lead_unit_id == filters.unit_id)
    if filters.open_only:
        query = query.where(rows.status.not_in([s.value for s in FINAL]))
    if filters.running:
        query = query.where(rows.status.in_([s.value for s in CLOCK_RUNNING]))
    if filters.region:
        query = query.where(rows.region.contains(filters.region))
    if filters.warning and rows is Message:
        query = query.where(exists().where(OverdueWarning.assignment_id == Lead.id,
                                           OverdueWarning.due_date == Lead.due_date,
                                           OverdueWarning.level == filters.warning))
    elif filters.warning:  # the lead in force's warning on its deadline in force, as above
        query = query.where(exists().where(
            OverdueWarning.message_id == UnitMessage.message_id, OverdueWarning.level == filters.warning,
            Assignment.id == OverdueWarning.assignment_id, Assignment.is_lead,
            Assignment.state.in_(LIVE_STATES), OverdueWarning.due_date == Assignment.due_date))
    if filters.start:
        query = query.where(rows.received_at >= clock.day_start_utc(filters.start))
    if filters.end:
        query = query.where(rows.received_at < clock.day_start_utc(filters.end + timedelta(days=1)))
    if filters.q:
        like = f"%{filters.q}%"
        subject = rows.subject.ilike(like)
        if user.role in UNIT:  # no probing for the complainant's name in a complaint about oneself
            subject = and_(subject, ~complained_about(user, rows))
        query = query.where(or_(rows.tracking_no.ilike(like), subject))
    return query


def complained_about(user, rows=Message):
    """Messages whose petitioner ``user`` may not know: anonymous ones, and complaints about ``user``
    or their unit (R12.1, R9.2)."""
    ident = key_of(rows)
    return or_(rows.anonymous, exists().where(
        ComplaintTarget.message_id == ident,
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
    total = capped_count(table_query(user, queue, filters, ids_only=True))
    more = total > COUNT_CAP
    sort = sort if sort in SORTS else "received"
    descending = direction == "desc"
    if source(user) is UnitMessage:
        return _unit_page(user, queue, filters, sort, descending, number, size, cursor), min(total, COUNT_CAP), more
    query, column = table_query(user, queue, filters), SORTS[sort]
    if cursor is None or sort not in KEYSET:
        order = desc(column) if descending else asc(column)
        rows = db.session.execute(query.order_by(order, Message.id.desc())
                                  .limit(size).offset((number - 1) * size)).all()
        return rows, min(total, COUNT_CAP), more
    query, backwards = _keyset(query, column, Message.id, descending, cursor, size)
    rows = db.session.execute(query).all()
    return (list(reversed(rows)) if backwards else rows), min(total, COUNT_CAP), more


RowUnit = aliased(Unit, name="row_unit")  # the lead unit of a unit's row, to sort by its name


def _unit_page(user, queue: str, filters: TableFilters, sort: str, descending: bool, number: int, size: int,
               cursor: Cursor | None) -> list:
    """A unit's page: the ids in order from the unit's rows (through their indexes: the messages
    before the page are never read), then those messages with their lead."""
    query = table_query(user, queue, filters)
    if sort == "unit":
        column = RowUnit.name
        query = query.outerjoin(RowUnit, RowUnit.id == UnitMessage.lead_unit_id)
    else:
        column = getattr(UnitMessage, SORTS[sort].key)
    if cursor is None or sort not in KEYSET:
        order = desc(column) if descending else asc(column)
        query, backwards = query.order_by(order, UnitMessage.message_id.desc()).limit(size).offset(
            (number - 1) * size), False
    else:
        query, backwards = _keyset(query, column, UnitMessage.message_id, descending, cursor, size)
    ids = list(db.session.scalars(query))
    if backwards:
        ids.reverse()
    if not ids:
        return []
    found = db.session.execute(
        select(Message, Lead, LeadUnit.name).outerjoin(Lead, _lead_join()).outerjoin(
            LeadUnit, LeadUnit.id == Lead.unit_id).where(Message.id.in_(ids))
        .options(selectinload(Message.complaint_targets).selectinload(ComplaintTarget.unit))).all()
    by_id = {row[0].id: row for row in found}
    return [by_id[i] for i in ids if i in by_id]


def _keyset(query, column, ident, descending: bool, cursor: Cursor, size: int):
    """(query, backwards): the page after (or before) the cursor's row in the order (column, then
    newest id first); ``backwards`` when its rows come last first."""
    downwards = descending == cursor.forward
    further, bound = ((column < cursor.value, column <= cursor.value) if downwards
                      else (column > cursor.value, column >= cursor.value))
    id_further = (ident < cursor.message_id) if cursor.forward else (ident > cursor.message_id)
    # ``bound`` repeats what the OR implies, in a form an index range scan can start from.
    query = query.where(bound, or_(further, and_(column == cursor.value, id_further)))
    if cursor.forward:
        return query.order_by(desc(column) if descending else asc(column), ident.desc()).limit(size), False
    return query.order_by(asc(column) if descending else desc(column), ident.asc()).limit(size), True
