"""The monthly analysis report, the unit assessment, the dashboard and the supervision proposals over
one month of N real messages (附件3, 附件4 and 附件2's test set of ../shared/data/wenzheng-2020, up to
9,689 distinct ones), each with a lead unit, 70% answered.

    .venv/bin/python bench/report_bench.py [N=5000] [DATABASE_URL] [--save FILE] [--against FILE]

Uses a temporary SQLite database unless a URL is given. Prints seconds per step; --save writes them
to FILE (JSON), --against prints them next to those of an earlier run saved so (say, of the code
before a change: copy this script into a checkout of it and run it there with --save). (The recombined
corpus of bench/corpus.py is no use here: built from 526 messages, every message resembles hundreds
of others, which no real month does.)
"""
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal import clock, create_app, exports, textmining  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Assignment, Message, Unit, User  # noqa: E402
from portal.queries import assessment, dashboard, proposals, reports  # noqa: E402
from portal.rules.periods import Period  # noqa: E402
from portal.services.reports import mine_periods  # noqa: E402

MONTH, QUARTER = Period.parse("2026-10"), Period.parse("2026-Q4")


DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wenzheng-2020"
CATEGORIES = ("consult", "complaint", "report", "help", "suggestion")


def real_messages(n: int) -> list[dict]:
    from portal.services.importing import read_rows

    seen, rows = set(), []
    for name in ("附件3.xlsx", "附件4.xlsx", "附件2_测试数据.xlsx"):
        for row in read_rows(DATA / name):
            if (row["subject"], row["body"]) not in seen:
                seen.add((row["subject"], row["body"]))
                rows.append(row)
    if n > len(rows):
        sys.exit(f"only {len(rows)} distinct real messages in {DATA}; ask for fewer")
    return rows[:n]


def populate(n: int) -> None:
    units = [Unit(name=f"单位{i}", kind="department") for i in range(40)]
    db.session.add_all(units)
    db.session.add(User(username="supervisor", name="督办员", role="supervisor", password_hash="x"))
    db.session.flush()
    add(real_messages(n), units, clock.china_to_utc(datetime(2026, 10, 1)), 30 * 24 * 60)


def add(docs: list[dict], units: list[Unit], start: datetime, minutes: int, first: int = 1) -> None:
    """``docs`` received between ``start`` and ``minutes`` later, each with a lead unit."""
    rng = random.Random(3 if first == 1 else first)
    messages, leads = [], []
    for number, doc in enumerate(docs, first):
        received = start + timedelta(minutes=rng.randint(0, minutes))
        answered = rng.random() < 0.7
        messages.append({"tracking_no": f"R{number:08d}", "query_code_hash": "x", "channel": rng.choice(
            ["website", "wechat", "hotline"]), "channel_level": "city", "category": rng.choice(CATEGORIES),
            "topic": "", "region": rng.choice(["A3区", "A7县", "A9市"]), "subject": doc["subject"], "body": doc["body"],
            "status": "answered" if answered else "assigned", "received_at": received, "updated_at": received,
            "answered_at": received + timedelta(days=rng.randint(1, 9)) if answered else None, "version": 1,
            "publication": "pending", "redo_round": 0, "publish_consent": False, "is_emergency": False,
            "guidance": "", "publication_note": ""})
    db.session.execute(Message.__table__.insert(), messages)
    for message_id, received in db.session.execute(db.select(Message.id, Message.received_at).where(
            Message.tracking_no >= f"R{first:08d}")):
        due = clock.local_date(received) + timedelta(days=7)
        leads.append({"message_id": message_id, "unit_id": rng.choice(units).id, "is_lead": True,
                      "state": "done" if rng.random() < 0.7 else "active", "assigned_at": received,
                      "start_date": due, "clock_start": due, "period_workdays": 5, "due_date": due,
                      "due_provisional": False, "counted_workdays": 5, "extensions_used": 0,
                      "delay_explanation": ""})
    db.session.execute(Assignment.__table__.insert(), leads)
    db.session.commit()


FIGURES: dict[str, float] = {}  # label → seconds, this run
BEFORE: dict[str, float] = {}  # label → seconds, of the run given by --against


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    FIGURES[label] = seconds = time.perf_counter() - started
    before = f"{BEFORE[label]:7.2f} s  →" if label in BEFORE else " " * 11
    print(f"{label:<58} {before} {seconds:7.2f} s" if BEFORE else f"{label:<58} {seconds:7.2f} s")
    return result


def main(n: int, url: str | None) -> None:
    url = url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'report.db'}"
    if BEFORE:
        print(f"{'':<58} {'before':>9}    {'now':>7}")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": tempfile.mkdtemp()})
    with app.app_context():
        db.drop_all()
        db.create_all()
        timed(f"insert {n} messages of {MONTH.label} ({db.engine.dialect.name})", lambda: populate(n))
        texts = timed("  read the month's texts", lambda: reports.period_texts(*reports.utc_bounds(MONTH)))
        words = timed("  segment them", lambda: [(textmining.words(t.subject), textmining.words(t.body))
                                                 for t in texts])
        timed("  keywords", lambda: textmining.keywords([s + b for s, b in words]))
        groups = timed("  similar groups", lambda: textmining.similar_groups(*map(list, zip(*words, strict=True))))
        print(f"  ({len(groups)} groups, largest {len(groups[0]) if groups else 0})")
        report = timed("analysis report, whole (first time)", lambda: reports.analysis(MONTH))
        timed("analysis report again (mined words cached in the process)", lambda: reports.analysis(MONTH))
        timed("  as XLSX", lambda: exports.analysis_xlsx(report, "龙南市"))
        timed("  as Word", lambda: exports.analysis_docx(report, "龙南市", "办公室"))
        stored(n)
        timed("unit assessment (40 units)", lambda: assessment.assess(MONTH))
        user = db.session.scalar(db.select(User).where(User.role == "supervisor"))
        with clock.frozen(clock.china_to_utc(datetime(2026, 10, 31, 10))):
            timed("office dashboard", lambda: dashboard.figures(user))
            timed("supervision proposals (incl. 30-day clusters)", lambda: proposals.proposals())
        db.session.rollback()
        db.session.close()
        db.drop_all()


def stored(n: int, new: int = 20) -> None:
    """The report of the month as `flask tick` leaves it: mined on the last day of the month (open),
    ``new`` messages in since; then the month closed and stored once more. Each view in a fresh process
    (no mining cached in memory)."""
    last_day = clock.china_to_utc(datetime(2026, 10, 31, 9))
    with clock.frozen(last_day):
        timed("tick: mine and store the open month", lambda: mine_periods(clock.today()))
        docs = [dict(d, body=d["body"] + "（补充）") for d in real_messages(n)[:new]]
        add(docs, Unit.query.all(), last_day, 60, first=n + 1)
        reports._mined.clear()
        timed(f"analysis report, open month, {new} new since the tick", lambda: reports.analysis(MONTH))
        timed("  the same view again (cached in the process)", lambda: reports.analysis(MONTH))
        reports._mined.clear()
        timed(f"analysis report, open quarter, {new} new since the tick", lambda: reports.analysis(QUARTER))
        reports._mined.clear()
        timed(f"tick: the open month again ({new} new)", lambda: mine_periods(clock.today()))
    with clock.frozen(clock.china_to_utc(datetime(2026, 11, 1, 7))):
        timed("tick: the month closed, stored once more", lambda: mine_periods(clock.today()))
    reports._mined.clear()
    timed("analysis report, closed month (stored)", lambda: reports.analysis(MONTH))


def option(name: str) -> str | None:
    """The value after ``name`` on the command line (both taken out of it)."""
    if name not in sys.argv:
        return None
    at = sys.argv.index(name)
    value = sys.argv[at + 1]
    del sys.argv[at:at + 2]
    return value


if __name__ == "__main__":
    save, against = option("--save"), option("--against")
    if against:
        BEFORE.update(json.loads(Path(against).read_text()))
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000, sys.argv[2] if len(sys.argv) > 2 else None)
    if save:
        Path(save).write_text(json.dumps(FIGURES, ensure_ascii=False, indent=1))
