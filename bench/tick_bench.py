"""`tick` over many open messages: N assigned messages with deadlines spread around today (a share
overdue at every warning level), bulk-inserted, then one timed run and a second (idempotent) one.

    .venv/bin/python bench/tick_bench.py [N=100000] [DATABASE_URL]

Uses a temporary SQLite database unless a URL is given (e.g. the PostgreSQL test database).
"""
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.populate import populate  # noqa: E402
from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.services.reminders import tick  # noqa: E402


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
        db.session.rollback()  # end the reading transaction first: drop_all waits for its locks
        db.session.close()
        db.drop_all()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, sys.argv[2] if len(sys.argv) > 2 else None)
