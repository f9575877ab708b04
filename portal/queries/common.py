"""What readers and writers both ask: the policy preset in force and the working-day calendar."""
from datetime import date

from flask import current_app, g
from sqlalchemy import select

from ..extensions import db
from ..models import CalendarDay, CalendarYear
from ..rules import workdays
from ..rules.policy import Policy


def policy() -> Policy:
    return current_app.extensions["wenzheng_policy"]


def load_calendar() -> workdays.WorkCalendar:
    """The calendar in force, read once per app context (a request, a CLI command)."""
    if "work_calendar" not in g:
        days = db.session.execute(select(CalendarDay.day, CalendarDay.is_workday)).all()
        years = db.session.scalars(select(CalendarYear.year)).all()
        g.work_calendar = workdays.WorkCalendar(overrides=dict(days), confirmed_years=frozenset(years))
    return g.work_calendar


def forget_calendar() -> None:
    g.pop("work_calendar", None)


def add_workdays(start: date, n: int) -> date:
    return workdays.add_workdays(start, n, load_calendar())


def workdays_between(start: date, end: date) -> int:
    return workdays.workdays_between(start, end, load_calendar())


def expected_reply(category: str, is_emergency: bool = False, received: date | None = None) -> tuple[date, int]:
    """When a new message should be answered: the category's working days from the day it arrived
    (the unit's deadline counts from its assignment, usually the same or the next working day)."""
    from .. import clock

    close = policy().deadline(category, is_emergency).close
    return add_workdays(received or clock.today(), close), close


def addressable_units() -> list[tuple[int, str]]:
    """The units a citizen may address a message to (留言对象): every active handling unit."""
    from ..models import Unit

    return db.session.execute(select(Unit.id, Unit.name).where(Unit.active, Unit.kind != "platform")
                              .order_by(Unit.name)).all()
