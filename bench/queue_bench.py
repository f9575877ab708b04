"""Admin queue pages at scale: N assigned messages (1,000,000 by default) on PostgreSQL, the queue
query and the navigation counts timed for the office and for a unit, with filters, sorts and a
deep page; p50/p95 over repeated runs. A unit's views are timed twice in the same run: reading the
unit's own rows (unit_message, as the app does) and, as the baseline, the semi-join over the unit's
assignments that the queues used before.

    .venv/bin/python bench/queue_bench.py [N=1000000] [DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test]

Drops and recreates the tables in that database.
"""
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.populate import populate  # noqa: E402
from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Message, User  # noqa: E402
from portal.queries import queues  # noqa: E402

VIEWS = [  # (label, queue, filters, sort, direction, page)
    ("all, newest first", "all", {}, "received", "desc", 1),
    ("sorted by deadline", "all", {}, "due", "asc", 1),
    ("filtered by unit", "all", {"unit_id": "UNIT"}, "received", "desc", 1),
    ("red warnings", "all", {"warning": "red"}, "received", "desc", 1),
    ("free text", "all", {"q": "公积金"}, "received", "desc", 1),
    ("page 1,000", "all", {}, "received", "desc", 1000),
    ("page 20,000 (deep)", "all", {}, "received", "desc", 20000),
    ("page 20,000 by its link", "all", {}, "received", "desc", -20000),  # keyset: after the row before it
    ("sorted by subject", "all", {}, "subject", "asc", 1),
    ("待办理 (status queue)", "to_handle", {}, "received", "desc", 1),
    ("已超期 by deadline", "overdue", {}, "due", "asc", 1),
]


def semi_join():
    """The queues as they were: a unit's views filter Message by a semi-join over its assignments."""
    return mock.patch.object(queues, "source", lambda user: Message)


def timings(action, runs: int = 12) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), sorted(times)[-1]


def view(user, queue, filters, sort, direction, page):
    """The page's timing (p50, p95), or None when the queue has fewer pages."""
    cursor = None
    if page < 0:  # the row the previous page ended with, as the "下一页" link carries it
        page = -page
        rows, _, _ = queues.page(user, queue, filters, sort=sort, direction=direction, number=page - 1, size=20)
        if not rows:
            return None
        cursor = queues.cursor_of(rows[-1], sort, forward=True)
    return timings(lambda: queues.page(user, queue, filters, sort=sort, direction=direction, number=page, size=20,
                                       cursor=cursor))


def main(n: int, url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": tempfile.mkdtemp()})
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        units = populate(n)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # as autovacuum leaves a table: statistics, visibility map
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(db.text("VACUUM ANALYZE"))
        print(f"{n} messages inserted in {time.perf_counter() - started:.0f} s ({db.engine.dialect.name})")
        office = db.session.scalar(db.select(User).where(User.role == "dispatcher"))
        handler = db.session.scalar(db.select(User).where(User.unit_id == units[0].id))
        print(f"{'view':<24} {'who':<7} {'p50 ms':>8} {'p95 ms':>8}   {'semi-join p50':>13} {'p95':>8}")

        def show(label, who, new, old=None):
            new_text = f"{new[0]:>8.1f} {new[1]:>8.1f}" if new else f"{'(fewer pages)':>17}"
            old_text = f"   {old[0]:>13.1f} {old[1]:>8.1f}" if old else ""
            print(f"{label:<24} {who:<7} {new_text}{old_text}", flush=True)

        for who, user in (("office", office), ("unit", handler)):
            for label, queue, raw, sort, direction, page in VIEWS:
                filters = queues.TableFilters(**{k: units[0].id if v == "UNIT" else v for k, v in raw.items()})
                new = view(user, queue, filters, sort, direction, page)
                old = None
                if who == "unit":
                    with semi_join():
                        old = view(user, queue, filters, sort, direction, page)
                show(label, who, new, old)
            old = None
            if who == "unit":
                with semi_join():
                    old = timings(lambda user=user: queues.counts(user))
            show("navigation counts", who, timings(lambda user=user: queues.counts(user)), old)
        http(app, office, units[0].id)
        db.session.rollback()  # end the reading transaction first: drop_all waits for its locks
        db.session.close()
        db.drop_all()


PAGES = [  # whole pages through the app (WSGI, signed in): the table, the navigation counts, the template
    ("inbox, all", "/admin/?queue=all"),
    ("inbox, by deadline", "/admin/?queue=all&sort=due&dir=asc"),
    ("inbox, one unit", "/admin/?queue=all&unit={unit}"),
    ("inbox, red warnings", "/admin/?queue=overdue&warning=red"),
    ("inbox, htmx table only", "/admin/?queue=all&sort=subject&dir=asc"),
    ("dashboard", "/admin/dashboard"),
]


def http(app, user, unit_id) -> None:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user.get_id(), True
    print(f"{'page (office, over HTTP/WSGI)':<32} {'p50 ms':>8} {'p95 ms':>8}")
    for label, url in PAGES:
        headers = {"HX-Request": "true"} if "htmx" in label else {}
        times = []
        for _ in range(12):
            started = time.perf_counter()
            response = client.get(url.format(unit=unit_id), headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:<32} {statistics.median(times):>8.1f} {sorted(times)[-1]:>8.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
         sys.argv[2] if len(sys.argv) > 2 else "postgresql+psycopg://postgres@127.0.0.1:5432/test")
