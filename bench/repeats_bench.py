"""Repeat hints at intake: the five most similar accepted messages of the last 90 days, open or answered,
by the old scan (the 2,000 newest of the category, words cut and compared one by one) and by the
similarity index (portal/similarity.py), side by side over N messages.

    .venv/bin/python bench/repeats_bench.py [N=100000] [QUERIES=40] [DATABASE_URL]

The messages are the distinct real ones of ../shared/data/wenzheng-2020 (附件3, 附件4, 附件2's test set:
9,689) recombined: each keeps a real subject and most of its real body, with one sentence of another
message, so every real matter comes back about ten times, as repeats do. All received over the last
120 days (three quarters of them inside the 90-day window), 80% accepted. The queries are new
variations of real messages, as an operator types them. Uses a temporary SQLite database unless a URL
is given. Prints milliseconds per lookup (median, 95th percentile, worst) and how often the two agree.
"""
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from bench.report_bench import real_messages  # noqa: E402
from portal import clock, create_app, similarity  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Message, SimilarityTerm  # noqa: E402
from portal.queries import repeats  # noqa: E402
from portal.textmining import jaccard, words  # noqa: E402

STATUSES = ["received"] * 2 + ["to_assign", "assigned", "assigned", "assigned", "review", "answered", "visited",
                                "closed"]
CATEGORIES = ("consult", "complaint", "report", "help", "suggestion")


def old_candidates(message: Message, limit: int = 5) -> list[Message]:
    """portal/queries/repeats.candidates before the index (main at d5e27f8)."""
    since = message.received_at - timedelta(days=90)
    recent = db.session.scalars(
        select(Message).where(Message.id != message.id, Message.category == message.category,
                              Message.repeat_of_id.is_(None), Message.withdrawn_at.is_(None),
                              Message.status.not_in(["received", "rejected"]), Message.received_at >= since)
        .order_by(Message.received_at.desc()).limit(2000))
    mine = set(words(f"{message.subject} {message.body}"))
    scored = [(jaccard(mine, set(words(f"{m.subject} {m.body}"))), m) for m in recent]
    return [m for score, m in sorted(scored, key=lambda pair: -pair[0]) if score >= 0.2][:limit]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？])", re.sub(r"\s+", "", text)) if s]


def variant(rng, row, other) -> tuple[str, str]:
    mine = _sentences(row["body"]) or [row["body"]]
    if len(mine) > 2:
        mine.pop(rng.randrange(len(mine)))
    mine.insert(rng.randrange(len(mine) + 1), rng.choice(_sentences(other["body"]) or [other["body"]]))
    return row["subject"], "".join(mine)


def populate(n: int, rows: list[dict]) -> float:
    rng = random.Random(11)
    now = clock.now()
    started = time.perf_counter()
    for start in range(0, n, 10_000):
        batch = []
        for i in range(start, min(n, start + 10_000)):
            subject, body = variant(rng, rows[i % len(rows)], rng.choice(rows))
            status = rng.choice(STATUSES)
            received = now - timedelta(minutes=rng.randint(0, 120 * 1440))
            batch.append({"tracking_no": f"B{i:09d}", "query_code_hash": "x", "channel": "hotline",
                          "channel_level": "city", "category": rng.choice(CATEGORIES), "subject": subject[:200],
                          "body": body, "status": status, "received_at": received,
                          "answered_at": now if status == "closed" else None, "updated_at": now, "version": 1,
                          "publication": "pending", "redo_round": 0, "publish_consent": False, "is_emergency": False,
                          "anonymous": False, "guidance": "", "publication_note": "", "topic": "", "region": ""})
        db.session.execute(Message.__table__.insert(), batch)
        db.session.commit()
    inserted = time.perf_counter() - started
    started = time.perf_counter()
    similarity.reindex_all()
    indexed = time.perf_counter() - started
    return inserted, indexed


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


def summary(times: list[float]) -> str:
    times = sorted(times)
    return (f"median {statistics.median(times):7.1f} ms   p95 {times[int(len(times) * 0.95) - 1]:7.1f} ms   "
            f"worst {times[-1]:7.1f} ms")


def main(n: int, queries: int, url: str | None) -> None:
    folder = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder}/bench.db", "TESTING": True,
                      "SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        rows = real_messages(9689)
        inserted, indexed = populate(n, rows)
        entries = db.session.query(SimilarityTerm).count()
        print(f"{n} messages ({db.engine.dialect.name}): inserted in {inserted:.0f} s, indexed in {indexed:.0f} s, "
              f"{entries} index entries ({entries / n:.1f} per message)")
        rng = random.Random(5)
        probes = []
        for k in range(queries):
            subject, body = variant(rng, rows[rng.randrange(min(n, len(rows)))], rng.choice(rows))
            probes.append(Message(id=10**9 + k, subject=subject, body=body, received_at=clock.now(),
                                  category=rng.choice(CATEGORIES)))
        old, new, unbounded, agree, found, same, answered = [], [], [], 0, 0, 0, 0
        since = clock.now() - timedelta(days=90)
        for probe in probes:
            spent, before = timed(old_candidates, probe)
            old.append(spent)
            spent, after = timed(lambda p: repeats.hints(p.subject, p.body, at=p.received_at), probe)
            new.append(spent)
            terms = similarity.fingerprint(probe.subject, probe.body)
            spent, exact = timed(lambda t: similarity.nearest(t, since=since, budget=None), terms)
            unbounded.append(spent)
            found += bool(after)
            same += [h.message.id for h in after] == [h.message_id for h in exact]
            answered += bool(before)
            agree += bool(before) and before[0].id in {h.message.id for h in after}
        print(f"old scan (2,000 newest of the category): {summary(old)}")
        print(f"index, bounded (all categories, 90 days): {summary(new)}")
        print(f"index, always exact:                      {summary(unbounded)}")
        print(f"{found}/{queries} lookups found a hint; bounded = exact top 5 in {same}/{queries}; the old scan's best "
              f"is among the index's five in {agree}/{answered} of those the old scan answered")
        db.session.remove()
        db.drop_all()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 100_000, int(args[1]) if len(args) > 1 else 40, args[2] if len(args) > 2 else None)
