"""Many web hosts over one PostgreSQL (issue 15 §4): `tick` and `send-notifications` started on two hosts
at the same moment raise each warning and send each notification exactly once. Two threads with their
own connections stand for the two hosts; on SQLite (one host) these are skipped."""
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Notification, OverdueWarning
from portal.services import Conflict, outbox, reminders
from tests.factories import assigned


@pytest.fixture(autouse=True)
def postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("several hosts share PostgreSQL; needs TEST_DATABASE_URL")


def on_two_hosts(app, job):
    """Run ``job`` in two threads released at the same instant; returns what each returned or raised."""
    start, results = threading.Barrier(2), [None, None]

    def host(index):
        with app.app_context():
            start.wait()
            try:
                results[index] = job()
            except Exception as exc:  # noqa: BLE001 - the caller inspects it
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=host, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    db.session.expire_all()
    return results


class SlowRecorder:
    """A sender slow enough for two deliveries to overlap, recording every send."""

    def __init__(self):
        self.sent, self.lock = [], threading.Lock()

    def send(self, recipient, body, *, subject="", name=""):
        time.sleep(0.01)
        with self.lock:
            self.sent.append(body)


def test_two_hosts_delivering_at_once_send_each_notification_once(app):
    senders = app.extensions["wenzheng_senders"]
    saved, recorder = dict(senders), SlowRecorder()
    senders["sms"] = recorder
    try:
        for i in range(30):
            outbox.queue(f"test:{i}", channel="sms", recipient="13900000000", name="李四", body=f"通知{i}")
        db.session.commit()
        reports = on_two_hosts(app, outbox.deliver)
    finally:
        senders.update(saved)
    assert not any(isinstance(report, Exception) for report in reports), reports
    assert sorted(recorder.sent) == sorted(f"通知{i}" for i in range(30)), "each sent once, none twice"
    assert sum(report.sent for report in reports) == 30
    assert db.session.scalar(select(func.count()).where(Notification.status == "sent")) == 30


def test_two_hosts_ticking_at_once_raise_each_warning_once(app, city, monkeypatch):
    for _ in range(3):
        assigned(city, "2026-11-02")
    db.session.commit()
    slow = reminders._supervision_overdue

    def slower(*args):  # keeps the first run busy while the second starts
        time.sleep(0.5)
        return slow(*args)

    monkeypatch.setattr(reminders, "_supervision_overdue", slower)
    results = on_two_hosts(app, lambda: reminders.tick(date(2026, 11, 18)))
    refused = [r for r in results if isinstance(r, Conflict)]
    ran = [r for r in results if isinstance(r, reminders.TickReport)]
    assert len(refused) == 1 and len(ran) == 1, results
    assert "另一台主机" in str(refused[0])
    warnings = db.session.scalars(select(OverdueWarning)).all()
    assert len(warnings) >= 3 * 4 and len(warnings) == sum(ran[0].warnings.values()), "raised by the one run"
    keys = db.session.scalars(select(Notification.dedupe_key)).all()
    assert len(keys) == len(set(keys))
    again = reminders.tick(date(2026, 11, 18))
    assert sum(again.warnings.values()) == 0, "the lock is released after the run"


def test_the_cli_says_so_when_another_host_runs_tick(app, monkeypatch):
    from portal.services import locks

    with locks.exclusive("tick") as mine:
        assert mine
        result = app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 0 and "每日任务正在另一台主机上运行" in result.output
    assert "发送通知：成功" in result.output
