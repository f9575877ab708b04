"""`tick` over many open messages: N assigned messages with deadlines spread around today (a share
overdue at every warning level), bulk-inserted, then one timed run and a second (idempotent) one.

    .venv/bin/python bench/tick_bench.py [N=100000] [DATABASE_URL]

Uses a temporary SQLite database unless a URL is given (e.g. the PostgreSQL test database).
"""
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal import clock, create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Assignment, Message, Unit, User  # noqa: E402
from portal.services.reminders import tick  # noqa: E402


def populate(n: int) -> None:
    rng = random.Random(5)
    units = [Unit(name=f"单位{i}", kind="department") for i in range(40)]
    db.session.add_all(units)
    db.session.flush()
    db.session.add_all(User(username=f"h{u.id}", name=f"承办人{u.id}", role="handler", unit_id=u.id,
                            phone=f"1380000{u.id:04d}", password_hash="x") for u in units)
    today = clock.today()
    now = clock.now()
    messages = [{"tracking_no": f"B{i:09d}", "query_code_hash": "x", "channel": "website", "channel_level": "city",
                 "category": "complaint", "subject": "噪音扰民", "body": "夜间施工。", "status": "assigned",
                 "received_at": now, "updated_at": now, "version": 1, "publication": "pending", "redo_round": 0,
                 "publish_consent": False, "is_emergency": False, "guidance": "", "publication_note": "",
                 "topic": "", "region": ""} for i in range(n)]
    db.session.execute(Message.__table__.insert(), messages)
    ids = db.session.scalars(db.select(Message.id).order_by(Message.id)).all()
    assignments = []
    for message_id in ids:
        due = today + timedelta(days=rng.randint(-20, 10))
        assignments.append({"message_id": message_id, "unit_id": rng.choice(units).id, "is_lead": True,
                            "state": "active", "assigned_at": now, "start_date": due - timedelta(days=7),
                            "clock_start": due - timedelta(days=7), "period_workdays": 5, "due_date": due,
                            "due_provisional": False, "counted_workdays": 5, "extensions_used": 0,
                            "delay_explanation": ""})
    db.session.execute(Assignment.__table__.insert(), assignments)
    db.session.commit()


def main(n: int, url: str | None) -> None:
    url = url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'tick.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": tempfile.mkdtemp()})
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        populate(n)
        print(f"{n} open messages inserted in {time.perf_counter() - started:.1f} s ({db.engine.dialect.name})")
        for run in ("first", "second"):
            started = time.perf_counter()
            report = tick()
            seconds = time.perf_counter() - started
            print(f"tick, {run} run: {seconds:.1f} s ({n / seconds:.0f} messages/s); reminders {report.reminders}, "
                  f"warnings {sum(report.warnings.values())}, notifications {report.notifications}")
        db.drop_all()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, sys.argv[2] if len(sys.argv) > 2 else None)
