"""The scheduled jobs inside the app process, for `make run` (WENZHENG_SCHEDULER=1): warnings are never stale
because nobody ran `flask tick`. Production runs the same commands from cron instead (deploy/wenzheng.cron),
on the same timetable: `tick` every half hour from 07:00 to 21:59 China time, the outbox every minute here
(SMS wait for the end of the quiet hours in the outbox itself). A file lock keeps a second app process on
the host (a second `flask run`) from running them too; `tick` itself holds an advisory lock on PostgreSQL,
so hosts never double it either.
"""
import fcntl
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from . import clock
from .extensions import db

TICK_HOURS = range(7, 22)  # as deploy/wenzheng.cron: */30 7-21
TICK_EVERY = timedelta(minutes=30)
log = logging.getLogger(__name__)


@dataclass
class Schedule:
    ticked_at: datetime | None = None
    runs: list[str] = field(default_factory=list)  # what the last step ran, for the log and the tests

    def step(self) -> list[str]:
        """Run what is due now; return what ran."""
        from .services import DomainError, outbox, reminders

        self.runs = []
        now = clock.now()
        local = clock.local_time(now)
        if local.hour in TICK_HOURS and (self.ticked_at is None or now - self.ticked_at >= TICK_EVERY):
            try:
                reminders.tick(local.date())
                self.runs.append("tick")
            except DomainError as exc:  # another host holds it now
                log.info("%s", exc)
            self.ticked_at = now
        outbox.deliver()
        self.runs.append("deliver")
        return self.runs


def hold_lock(instance: Path):
    """The host-wide lock file, held open for the life of the process; None when another process has it."""
    instance.mkdir(parents=True, exist_ok=True)
    handle = open(instance / "scheduler.lock", "w")  # noqa: SIM115 (kept open: closing it releases the lock)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def start(app, interval: float = 60.0) -> threading.Thread | None:
    """Start the scheduler thread when this process wins the host's lock."""
    lock = hold_lock(Path(app.instance_path))
    if lock is None:
        return None
    schedule, stopped = Schedule(), threading.Event()

    def loop():
        delay = 0.0  # the first run at once: the warnings are right as soon as the portal is up
        while not stopped.wait(delay):
            delay = interval
            with app.app_context():
                try:
                    schedule.step()
                except Exception:  # logged and tried again next minute; the thread never dies of it
                    log.exception("定时任务运行失败，一分钟后重试")
                    db.session.rollback()
                finally:
                    db.session.remove()

    thread = threading.Thread(target=loop, name="wenzheng-scheduler", daemon=True)
    thread._lock_file = lock  # keep the lock open as long as the thread lives
    thread.start()
    return thread
