"""The one source of the current time, so that tests and the demo seed can set it.

Times are stored as naive UTC; working days are counted on China's calendar dates (UTC+8,
no daylight saving).
"""
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

CHINA = timedelta(hours=8)
_frozen: list[datetime] = []


def now() -> datetime:
    """Naive UTC now (or the frozen time)."""
    return _frozen[-1] if _frozen else datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in China."""
    return local_date(now())


def local_date(moment: datetime) -> date:
    return (moment + CHINA).date()


def local_time(moment: datetime) -> datetime:
    return moment + CHINA


def china_to_utc(moment: datetime) -> datetime:
    """A naive China-local time (as typed by an operator) to naive UTC for storage."""
    return moment - CHINA


def day_start_utc(day: date) -> datetime:
    """Midnight at the start of a China calendar day, as naive UTC: the bound of date filters."""
    return china_to_utc(datetime.combine(day, datetime.min.time()))


@contextmanager
def frozen(moment: datetime):
    """Freeze now() at ``moment`` (naive UTC) inside the block."""
    _frozen.append(moment)
    try:
        yield
    finally:
        _frozen.pop()
