"""The working-day calendar that admins keep (R3.3): single days, official years, imports."""
import csv
from datetime import date
from pathlib import Path

from .. import clock
from ..extensions import db
from ..models import CalendarDay, CalendarYear
from .common import DomainError, commit, forget_calendar, record
from .reminders import recompute_provisional

# Each change of the calendar is one action: the days, the deadlines it moves, one Event, one commit.


def set_day(day: date, *, is_workday: bool, note: str = "", actor) -> int:
    """Mark one day; returns how many provisional deadlines moved."""
    row = db.session.get(CalendarDay, day) or CalendarDay(day=day)
    row.is_workday, row.note, row.set_by_id, row.set_at = is_workday, note, actor.id, clock.now()
    db.session.add(row)
    recomputed = _recompute()
    record(None, "calendar_set_day", actor=actor, day=day, is_workday=is_workday, note=note, recomputed=recomputed)
    commit()
    return recomputed


def confirm_year(year: int, *, source: str, actor) -> int:
    """Mark a year's official days as fully entered: its deadlines stop being provisional."""
    row = db.session.get(CalendarYear, year) or CalendarYear(year=year)
    row.source, row.confirmed_by_id, row.confirmed_at = source, actor.id, clock.now()
    db.session.add(row)
    recomputed = _recompute()
    record(None, "calendar_confirm_year", actor=actor, year=year, source=source, recomputed=recomputed)
    commit()
    return recomputed


def _recompute() -> int:
    db.session.flush()
    forget_calendar()
    return recompute_provisional()


def import_file(path: Path, *, actor) -> tuple[dict[int, int], int]:
    """Import holidays and make-up workdays from CSV (date,workday|holiday[,note]) or iCalendar
    (all-day events; a summary containing 班 or 上班 marks a workday). Confirms the years found.
    Returns the days read per year and how many provisional deadlines moved."""
    days = _read_ics(path) if path.suffix.lower() in (".ics", ".ical") else _read_csv(path)
    if not days:
        raise DomainError(f"{path.name} 中没有读到任何日期。")
    per_year: dict[int, int] = {}
    for day, (is_workday, note) in sorted(days.items()):
        row = db.session.get(CalendarDay, day) or CalendarDay(day=day)
        row.is_workday, row.note, row.set_by_id, row.set_at = is_workday, note, actor.id, clock.now()
        db.session.add(row)
        per_year[day.year] = per_year.get(day.year, 0) + 1
    for year in per_year:
        row = db.session.get(CalendarYear, year) or CalendarYear(year=year)
        row.source, row.confirmed_by_id, row.confirmed_at = path.name, actor.id, clock.now()
        db.session.add(row)
    recomputed = _recompute()
    record(None, "calendar_import", actor=actor, file=path.name, days=len(days), years=sorted(per_year),
           recomputed=recomputed)
    commit()
    return per_year, recomputed


WORKDAY_WORDS = {"workday": True, "工作日": True, "班": True, "上班": True, "holiday": False, "休": False,
                 "假日": False, "节假日": False, "休息": False}


def _read_csv(path: Path) -> dict[date, tuple[bool, str]]:
    days = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line_no, row in enumerate(csv.reader(handle), start=1):
            if not row or row[0].strip().lower() in ("date", "日期") or row[0].startswith("#"):
                continue
            try:
                day = date.fromisoformat(row[0].strip())
                kind = WORKDAY_WORDS[row[1].strip().lower()]
            except (ValueError, IndexError, KeyError):
                raise DomainError(f"{path.name} 第{line_no}行格式不对：应为“2027-10-01,holiday,国庆节”。") from None
            days[day] = (kind, row[2].strip() if len(row) > 2 else "")
    return days


def _read_ics(path: Path) -> dict[date, tuple[bool, str]]:
    from datetime import timedelta

    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
    except ValueError as exc:
        raise DomainError(f"{path.name} 不是有效的 iCalendar 文件：{exc}") from None
    days = {}
    for event in calendar.walk("VEVENT"):
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND") if "DTEND" in event else start + timedelta(days=1)
        summary = str(event.get("SUMMARY", ""))
        is_workday = "班" in summary
        day = start if isinstance(start, date) else start.date()
        while day < (end if isinstance(end, date) else end.date()):
            days[day] = (is_workday, summary)
            day += timedelta(days=1)
    return days
