"""The one source of the current time, so that tests and the demo seed can set it.

Times are stored as naive UTC; working days are counted on China's calendar dates (UTC+8,
no daylight saving).
"""
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

CHINA = timedelta(hours=8)
_frozen: list[datetime] = []
_must_be_frozen = False


class UnfrozenClock(RuntimeError):
    """The real time was asked for where only a frozen clock may answer (the test suite)."""


def now() -> datetime:
    """Naive UTC now (or the frozen time)."""
    if _frozen:
        return _frozen[-1]
    if _must_be_frozen:
        raise UnfrozenClock("测试中读取了真实时间：请用 clock.frozen(...) 或 tests.conftest.on(...) 固定时钟。")
    return datetime.now(UTC).replace(tzinfo=None)


def require_frozen(required: bool = True) -> None:
    """From now on refuse to read the real time unless frozen: the suite must pass on any date."""
    global _must_be_frozen
    _must_be_frozen = required


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
