"""The public projection of messages: what public pages, feeds, figures and the search index may
see. Everything here reads the reviewed public version; no function returns a model object, and
nothing reads the petitioner."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select

from .. import clock
from ..extensions import db
from ..models import Assignment, Message, PublicVersion, Rating, Unit
from ..rules.assessment import percent
from ..rules.periods import Period
from ..rules.states import AssignmentState
from ..rules.workflow import public_label
from ..search import Document
from .common import policy, workdays_between

SORTS = {"new": PublicVersion.created_at.desc(), "old": PublicVersion.created_at.asc()}


@dataclass(frozen=True)
class PublicMessage:
    id: int
    subject: str
    body: str
    reply_text: str
    reply_unit: str
    category: str
    topic: str
    channel: str
    received_on: date
    answered_on: date | None
    published_at: datetime
    status: str
    workdays_taken: int | None
    ratings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListFilters:
    unit_id: int | None = None
    category: str = ""
    topic: str = ""
    channel: str = ""
    start: date | None = None
    end: date | None = None


def _published():
    return (select(Message, PublicVersion)
            .join(PublicVersion, PublicVersion.id == Message.public_version_id)
            .where(Message.publication == "published"))


def _lead_unit_filter(unit_id: int):
    return Message.id.in_(select(Assignment.message_id).where(Assignment.is_lead, Assignment.unit_id == unit_id,
                                                              Assignment.state == AssignmentState.DONE))


def _filtered(query, filters: ListFilters):
    if filters.unit_id:
        query = query.where(_lead_unit_filter(filters.unit_id))
    for name in ("category", "topic", "channel"):
        if value := getattr(filters, name):
            query = query.where(getattr(Message, name) == value)
    if filters.start:
        query = query.where(PublicVersion.created_at >= clock.day_start_utc(filters.start))
    if filters.end:
        query = query.where(PublicVersion.created_at < clock.day_start_utc(filters.end + timedelta(days=1)))
    return query


def page_of_published(filters: ListFilters, *, sort: str = "new", page: int = 1, per_page: int = 20):
    """(items, total) for the public list: two queries whatever the page size."""
    query = _filtered(_published(), filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(SORTS.get(sort, SORTS["new"]), Message.id.desc())
                              .limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    return [_project(m, v) for m, v in rows], total


def latest_published(limit: int = 10, unit_id: int | None = None) -> list[PublicMessage]:
    query = _filtered(_published(), ListFilters(unit_id=unit_id))
    rows = db.session.execute(query.order_by(PublicVersion.created_at.desc()).limit(limit)).all()
    return [_project(m, v) for m, v in rows]


def published_message(message_id: int) -> PublicMessage | None:
    row = db.session.execute(_published().where(Message.id == message_id)).first()
    if row is None:
        return None
    ratings = db.session.scalars(select(Rating.level).where(Rating.message_id == message_id).order_by(Rating.round))
    return _project(*row, ratings=tuple(policy().rating_label(level) for level in ratings))


def _project(message: Message, public: PublicVersion, ratings: tuple[str, ...] = ()) -> PublicMessage:
    rules = policy()
    received = clock.local_date(message.received_at)
    answered = clock.local_date(message.answered_at) if message.answered_at else None
    return PublicMessage(
        id=message.id, subject=public.subject, body=public.body, reply_text=public.reply_text,
        reply_unit=public.reply_unit, category=rules.category_label(message.category), topic=message.topic,
        channel=rules.channel(message.channel).name, received_on=received, answered_on=answered,
        published_at=public.created_at, status=public_label(message.status),
        workdays_taken=workdays_between(received, answered) if answered else None, ratings=ratings)


def search_documents(message_ids=None, lock=False):
    """The search index's documents, streamed in batches (for some messages, or all of them).
    ``lock``: hold the messages under a share lock until the caller commits (PostgreSQL), so that no
    decision about them can commit between this read and the index write."""
    query = _published().order_by(Message.id)
    if message_ids is not None:
        query = query.where(Message.id.in_(list(message_ids)))
    if lock and db.engine.dialect.name == "postgresql":
        query = query.with_for_update(read=True, of=Message)
    for message, public in db.session.execute(query.execution_options(yield_per=500)):
        yield Document(id=message.id, subject=public.subject, body=public.body, reply=public.reply_text,
                       unit=public.reply_unit, category=message.category, topic=message.topic,
                       channel=message.channel, published=public.created_at, answered=message.answered_at)


def published_ids() -> list[int]:
    return list(db.session.scalars(select(Message.id).where(Message.publication == "published").order_by(Message.id)))


def count_published() -> int:
    return db.session.scalar(select(func.count()).where(Message.publication == "published"))


# R9.6: a petition the office found false or malicious leaves the public figures.
GENUINE = Message.false_report_reason.is_(None)


def recent_figures(days: int = 30) -> dict:
    """Received, answered, answered on time, satisfaction over the last ``days`` days."""
    since = clock.now() - timedelta(days=days)
    good = set(policy().satisfied_ratings)
    received = db.session.scalar(select(func.count()).where(Message.received_at >= since, GENUINE))
    answered = answered_rows(Message.answered_at >= since, GENUINE)
    ratings = [level for _, level in rated_levels(Rating.rated_at >= since)]
    on_time = sum(1 for row in answered if row.on_time)
    return {"received": received, "answered": len(answered), "on_time": on_time,
            "on_time_rate": percent(on_time, len(answered)), "ratings": len(ratings),
            "satisfaction": percent(sum(level in good for level in ratings), len(ratings)), "days": days}


@dataclass(frozen=True)
class _Answered:
    message_id: int
    unit_id: int
    unit_name: str
    workdays: int
    on_time: bool


def answered_rows(*conditions) -> list[_Answered]:
    """Answered messages with their lead unit's final deadline: one query."""
    rows = []
    for message_id, received_at, answered_at, due, submitted, unit_id, unit_name in db.session.execute(
            _answered(*conditions)):
        answered = clock.local_date(answered_at)
        workdays = workdays_between(clock.local_date(received_at), answered)
        rows.append(_Answered(message_id, unit_id, unit_name, workdays, _on_time(submitted, answered, due)))
    return rows


def on_time_count(*conditions) -> tuple[int, int]:
    """(on time, answered) of answered_rows, without counting each one's working days (the monthly
    report needs only these two: 4,000 answers' working days cost 0.2 s)."""
    rows = db.session.execute(_answered(*conditions).with_only_columns(
        Message.answered_at, Assignment.due_date, Assignment.submitted_on)).all()
    on_time = sum(_on_time(submitted, clock.local_date(answered_at), due) for answered_at, due, submitted in rows)
    return on_time, len(rows)


def _answered(*conditions):
    return (select(Message.id, Message.received_at, Message.answered_at, Assignment.due_date, Assignment.submitted_on,
                   Unit.id, Unit.name)
            .join(Assignment, and_(Assignment.message_id == Message.id, Assignment.is_lead,
                                   Assignment.state == AssignmentState.DONE))
            .join(Unit, Unit.id == Assignment.unit_id)
            .where(Message.answered_at.is_not(None), *conditions))


def _on_time(submitted: date | None, answered: date, due: date) -> bool:
    # R3.5: the unit is on time when it submitted its signed reply by the due date, whatever the
    # office's review took; imported history has no submission day and counts by the answer.
    return (submitted or answered) <= due


def rated_levels(*conditions) -> list[tuple[int | None, str]]:
    """(lead unit in force, level) of every rating of a genuine message: the one definition behind the
    home page's satisfaction and the units' (a matter sent back for redo keeps its 不满意)."""
    return db.session.execute(select(Message.lead_unit_id, Rating.level).join(Message, Message.id == Rating.message_id)
                              .where(GENUINE, *conditions)).all()


def unit_figures(period: Period | None = None) -> list[dict]:
    """R11.4, per lead unit: answered, on time, average working days, satisfaction; over all time or
    over one period (the year of the year-end assessment): answers approved and ratings given in it."""
    good = set(policy().satisfied_ratings)
    answered_in, rated_in = (), ()
    if period is not None:
        start, end = clock.day_start_utc(period.start), clock.day_start_utc(period.end)
        answered_in = (Message.answered_at >= start, Message.answered_at < end)
        rated_in = (Rating.rated_at >= start, Rating.rated_at < end)
    per_unit: dict[int, list[_Answered]] = defaultdict(list)
    for row in answered_rows(GENUINE, *answered_in):
        per_unit[row.unit_id].append(row)
    rated: dict[int, list[str]] = defaultdict(list)
    for unit_id, level in rated_levels(*rated_in):
        rated[unit_id].append(level)
    figures = []
    for unit_id, rows in per_unit.items():
        levels = rated[unit_id]
        figures.append({
            "unit_id": unit_id, "unit": rows[0].unit_name, "answered": len(rows),
            "on_time": sum(r.on_time for r in rows), "on_time_rate": percent(sum(r.on_time for r in rows), len(rows)),
            "average_workdays": round(sum(r.workdays for r in rows) / len(rows), 1),
            "ratings": len(levels), "satisfaction": percent(sum(lv in good for lv in levels), len(levels)),
        })
    return sorted(figures, key=lambda f: (-f["answered"], f["unit"]))


def units_with_answers() -> list[tuple[int, str]]:
    """The units a citizen can filter the public list by."""
    query = (select(Unit.id, Unit.name).join(Assignment, Assignment.unit_id == Unit.id)
             .join(Message, Message.id == Assignment.message_id)
             .where(Assignment.is_lead, Message.publication == "published").distinct().order_by(Unit.name))
    return [tuple(row) for row in db.session.execute(query)]
