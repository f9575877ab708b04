"""The daily job inside the app process (`make run`): tick once a China-time day after 07:00, the outbox
every minute, and only one process of the host running it."""
import pytest
from sqlalchemy import select

from portal.models import OverdueWarning
from portal.scheduler import Schedule, hold_lock
from tests.conftest import on
from tests.factories import assigned

pytestmark = pytest.mark.usefixtures("app")


def test_tick_runs_every_half_hour_of_the_day_as_cron_does_and_the_outbox_every_minute(city):
    from portal.extensions import db

    message = assigned(city, "2026-11-02")  # LN complaint, due 9 Nov
    schedule = Schedule()
    with on("2026-11-20", 6):
        assert schedule.step() == ["deliver"], "not before 07:00"
    with on("2026-11-20", 7):
        assert schedule.step() == ["tick", "deliver"]
        assert db.session.scalars(select(OverdueWarning.level).where(OverdueWarning.message_id == message.id)).all()
        assert schedule.step() == ["deliver"], "not again within the half hour"
    with on("2026-11-20", 8):
        assert schedule.step() == ["tick", "deliver"]
    with on("2026-11-20", 22):
        assert schedule.step() == ["deliver"], "not after 21:59"


def test_only_one_process_of_the_host_runs_it(tmp_path):
    first = hold_lock(tmp_path)
    assert first is not None
    assert hold_lock(tmp_path) is None, "a second process finds the lock held"
    first.close()
    assert hold_lock(tmp_path) is not None, "and takes over when the first is gone"
