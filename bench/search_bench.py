"""Public search at scale: Whoosh and PostgreSQL full text with our analyzer against a SQLite FTS5
baseline over the same segmented text, on the same documents and the same 200+ distinct queries, in one run.

    .venv/bin/python bench/search_bench.py [N=100000] [--database postgresql+psycopg://…/wenzheng_bench]
                                           [--engines whoosh,postgres] [--scale 1000000]

Prints indexing rate, and p50/p95 query time per engine and query kind; the ratio is the figure.
With --scale M, PostgreSQL is then grown to M entries by copying the N in SQL (new numbers, each copy
two years later than the one before: the same texts, so every query finds M/N times as many) and
the same queries are timed again.
"""
import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rjieba  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bench.corpus import documents  # noqa: E402
from portal import create_app, search  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import SearchEntry, SearchTask  # noqa: E402


def queries(docs, count=240, seed=3):
    """Two-character words, longer words, quoted phrases and two-word queries taken from the corpus."""
    rng = random.Random(seed)
    words = sorted({w for d in docs[:2000] for w in rjieba.cut(d.body) if len(w) >= 2 and w.isalpha()})
    two = [w for w in words if len(w) == 2]
    longer = [w for w in words if len(w) >= 3]
    chosen = set()
    while len(chosen) < count:
        kind = rng.choice(["two", "long", "phrase", "pair"])
        if kind == "two":
            chosen.add(("two", rng.choice(two)))
        elif kind == "long":
            chosen.add(("long", rng.choice(longer)))
        elif kind == "phrase":
            body = rng.choice(docs[:2000]).body
            at = rng.randrange(max(1, len(body) - 6))
            phrase = "".join(ch for ch in body[at:at + rng.randint(4, 6)] if ch.isalpha())
            if len(phrase) >= 4:
                chosen.add(("phrase", phrase))
        else:
            chosen.add(("pair", f"{rng.choice(two)} {rng.choice(two)}"))
    return sorted(chosen)


def fts_query(kind, text):
    if kind == "phrase":
        return '"' + " ".join(rjieba.cut(text, hmm=False)) + '"'
    return " AND ".join(f'"{w}"' for w in text.split())


def timed(function, items):
    times = []
    for item in items:
        started = time.perf_counter()
        function(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def p(values, q):
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 2 else max(values)


def whoosh_app(folder):
    app = create_app({"SEARCH_INDEX_DIR": folder, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SEARCH_BACKEND": "whoosh"})
    with app.app_context():
        db.create_all()  # searches look for pending removals (an empty queue here)
    return app


def postgres_app(url):
    """A database of its own for the PostgreSQL backend: the search tables only."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SEARCH_BACKEND": "postgres"})
    with app.app_context():
        SearchEntry.__table__.drop(db.engine, checkfirst=True)
        SearchEntry.__table__.create(db.engine)
        SearchTask.__table__.create(db.engine, checkfirst=True)
    return app


def index_with(app, docs):
    with app.app_context():
        started = time.perf_counter()
        search.rebuild(docs)
        seconds = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            _analyze()
    return seconds


def _analyze():
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE search_entry"))


def search_times(app, chosen):
    with app.app_context():
        search.search("预热")
        return timed(lambda q: search.search(q[1] if q[0] != "phrase" else f'"{q[1]}"', per_page=10), chosen)


def main(n: int, url: str, engines: set[str], scale: int = 0) -> None:
    folder = tempfile.mkdtemp()
    docs = list(documents(n))
    print(f"{n} documents, {sum(len(d.body) + len(d.reply) for d in docs) / n:.0f} characters each on average")
    apps, rates = {}, {}
    if "whoosh" in engines:
        apps["Whoosh"] = whoosh_app(folder)
        print(f"Whoosh index in {folder} (for bench/whoosh_levers.py)")
    if "postgres" in engines:
        apps["PostgreSQL"] = postgres_app(url)
    for name, app in apps.items():
        seconds = index_with(app, docs)
        rates[name] = f"{name} {n / seconds:.0f} docs/s ({seconds:.0f} s)"
    db_fts = sqlite3.connect(Path(folder) / "fts.db")
    db_fts.execute("CREATE VIRTUAL TABLE docs USING fts5(content, tokenize='unicode61')")
    started = time.perf_counter()
    db_fts.executemany("INSERT INTO docs(rowid, content) VALUES (?, ?)",
                       ((d.id, " ".join(rjieba.cut_for_search(d.content))) for d in docs))
    db_fts.commit()
    fts_seconds = time.perf_counter() - started
    print("indexing: " + ", ".join(rates.values())
          + f", FTS5 {n / fts_seconds:.0f} docs/s ({fts_seconds:.0f} s); segmentation included everywhere")

    chosen = queries(docs)
    times = {name: search_times(app, chosen) for name, app in apps.items()}
    times["FTS5"] = timed(lambda q: db_fts.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10",
                                                   (fts_query(*q),)).fetchall(), chosen)
    print(f"{len(chosen)} distinct queries; times in ms (first page of 10, ranked; Whoosh and PostgreSQL "
          "with the total count and highlighted snippets, FTS5 ids only)")
    print(f"{'kind':<8}" + "".join(f" {name + ' p50':>15} {'p95':>7}" for name in times))
    for kind in ("two", "long", "pair", "phrase", "all"):
        idx = [i for i, q in enumerate(chosen) if kind == "all" or q[0] == kind]
        print(f"{kind:<8}" + "".join(f" {p([t[i] for i in idx], 50):>15.1f} {p([t[i] for i in idx], 95):>7.1f}"
                                     for t in times.values()))
    for name in apps:
        print(f"ratio {name}/FTS5: p50 {p(times[name], 50) / p(times['FTS5'], 50):.1f}×, "
              f"p95 {p(times[name], 95) / p(times['FTS5'], 95):.1f}×")
    if scale > n and "PostgreSQL" in apps:
        grow(apps["PostgreSQL"], n, scale, chosen)


def grow(app, n: int, scale: int, chosen) -> None:
    with app.app_context():
        started = time.perf_counter()
        columns = "subject, body, reply, unit, category, topic, channel"
        with db.engine.begin() as connection:  # the GIN index built once at the end, as a rebuild would
            connection.execute(text("DROP INDEX ix_search_entry_terms"))
        for k in range(1, -(-scale // n)):
            with db.engine.begin() as connection:
                connection.execute(text(
                    f"INSERT INTO search_entry (id, {columns}, published, answered, terms) "
                    f"SELECT id + {k * n}, {columns}, published + interval '{730 * k} days', answered, terms "
                    f"FROM search_entry WHERE id <= {min(n, scale - k * n)}"))
        with db.engine.begin() as connection:
            connection.execute(text("SET maintenance_work_mem = '256MB'"))
            connection.execute(text("CREATE INDEX ix_search_entry_terms ON search_entry USING gin (terms)"))
        _analyze()
        seconds = time.perf_counter() - started
    print(f"PostgreSQL grown to {scale} entries by copying in SQL ({seconds:.0f} s)")
    times = search_times(app, chosen)
    print(f"{'kind':<8} {'PostgreSQL p50':>15} {'p95':>7}   at {scale}")
    for kind in ("two", "long", "pair", "phrase", "all"):
        idx = [i for i, q in enumerate(chosen) if kind == "all" or q[0] == kind]
        print(f"{kind:<8} {p([times[i] for i in idx], 50):>15.1f} {p([times[i] for i in idx], 95):>7.1f}")


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("n", type=int, nargs="?", default=100_000)
    arguments.add_argument("--database", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/wenzheng_bench"),
        help="an empty PostgreSQL database for the PostgreSQL backend (its search tables are recreated)")
    arguments.add_argument("--engines", default="whoosh,postgres", help="whoosh,postgres (FTS5 always runs)")
    arguments.add_argument("--scale", type=int, default=0, help="then grow PostgreSQL to this many entries")
    options = arguments.parse_args()
    main(options.n, options.database, set(options.engines.split(",")), options.scale)
