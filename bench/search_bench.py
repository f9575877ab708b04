"""Public search at scale: Whoosh and PostgreSQL full text with our analyzer against a SQLite FTS5
baseline over the same segmented text, on the same documents and the same 200+ distinct queries, in one run.

    .venv/bin/python bench/search_bench.py [N=100000] [--database postgresql+psycopg://…/wenzheng_bench]
                                           [--engines whoosh,postgres] [--scale 1000000] [--keep DIR]

Prints indexing rate, and p50/p95 query time per engine and query kind; the ratio is the figure.
With --scale M, PostgreSQL is then grown to M entries by copying the N in SQL (new numbers, each copy
two years later than the one before: the same texts, so every query finds M/N times as many), in a
database of its own (--scale-database), and the same queries are timed again.
With --keep DIR, the indexes are kept (Whoosh in DIR, PostgreSQL in its databases) with what building
them measured, and a later run with the same N and DIR times the queries on them without rebuilding
(the documents are the same: the corpus is deterministic). FTS5 is always rebuilt (seconds).
"""
import argparse
import json
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


def postgres_app(url, keep: bool = False):
    """A database of its own for the PostgreSQL backend: the search tables only (emptied unless kept)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SEARCH_BACKEND": "postgres"})
    with app.app_context():
        if not keep:
            SearchEntry.__table__.drop(db.engine, checkfirst=True)
        SearchEntry.__table__.create(db.engine, checkfirst=True)
        SearchTask.__table__.create(db.engine, checkfirst=True)
    return app


def entry_count(app) -> int:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            return db.session.scalar(text("SELECT count(*) FROM search_entry"))
        with search.open_index().searcher() as searcher:
            return searcher.doc_count()


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


class Kept:
    """What building each kept index measured (DIR/built.json), so that a later run can reuse it."""

    def __init__(self, folder: str | None):
        self.path = Path(folder) / "built.json" if folder else None
        self.seconds = json.loads(self.path.read_text()) if self.path and self.path.exists() else {}

    def reusable(self, name: str, app, count: int) -> bool:
        return self.path is not None and name in self.seconds and entry_count(app) == count

    def record(self, name: str, seconds: float) -> None:
        if self.path:
            self.seconds[name] = seconds
            self.path.write_text(json.dumps(self.seconds))


def main(n: int, url: str, engines: set[str], scale: int = 0, scale_url: str = "", keep: str | None = None) -> None:
    folder = keep or tempfile.mkdtemp()
    Path(folder).mkdir(parents=True, exist_ok=True)
    kept = Kept(keep)
    docs = list(documents(n))
    print(f"{n} documents, {sum(len(d.body) + len(d.reply) for d in docs) / n:.0f} characters each on average")
    apps, rates = {}, {}
    if "whoosh" in engines:
        apps["Whoosh"] = whoosh_app(str(Path(folder) / f"whoosh-{n}"))
        print(f"Whoosh index in {folder}/whoosh-{n} (for bench/whoosh_levers.py)")
    if "postgres" in engines:
        apps["PostgreSQL"] = postgres_app(url, keep=bool(keep))
    for name, app in apps.items():
        if kept.reusable(name, app, n):
            seconds, note = kept.seconds[name], ", kept from an earlier run"
        else:
            seconds, note = index_with(app, docs), ""
            kept.record(name, seconds)
        rates[name] = f"{name} {n / seconds:.0f} docs/s ({seconds:.0f} s{note})"
    (Path(folder) / "fts.db").unlink(missing_ok=True)  # rebuilt every run (bench/whoosh_levers.py reads it)
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
        grown = postgres_app(scale_url, keep=bool(keep))
        name = f"PostgreSQL at {scale}"
        if kept.reusable(name, grown, scale):
            print(f"PostgreSQL at {scale} entries kept from an earlier run (grown in {kept.seconds[name]:.0f} s)")
        else:
            kept.record(name, grow(apps["PostgreSQL"], grown, n, scale))
        times = search_times(grown, chosen)
        print(f"{'kind':<8} {'PostgreSQL p50':>15} {'p95':>7}   at {scale}")
        for kind in ("two", "long", "pair", "phrase", "all"):
            idx = [i for i, q in enumerate(chosen) if kind == "all" or q[0] == kind]
            print(f"{kind:<8} {p([times[i] for i in idx], 50):>15.1f} {p([times[i] for i in idx], 95):>7.1f}")


COLUMNS = "id, subject, body, reply, unit, category, topic, channel, published, answered, terms"


def grow(source, grown, n: int, scale: int) -> float:
    """Fill ``grown``'s database with ``scale`` entries: the N of ``source`` copied as they are (COPY
    between the two databases, no analysis), then copied again in SQL under new numbers."""
    started = time.perf_counter()
    with grown.app_context():
        target = db.engine
        with target.begin() as connection:  # the GIN index built once at the end, as a rebuild would
            connection.execute(text("DROP INDEX IF EXISTS ix_search_entry_terms"))
            connection.execute(text("TRUNCATE search_entry"))
        with source.app_context():
            out = db.session.connection().connection.driver_connection.cursor()
            with target.begin() as connection:
                into = connection.connection.driver_connection.cursor()
                with out.copy(f"COPY search_entry ({COLUMNS}) TO STDOUT") as reading, \
                        into.copy(f"COPY search_entry ({COLUMNS}) FROM STDIN") as writing:
                    for data in reading:
                        writing.write(data)
            db.session.rollback()
        columns = "subject, body, reply, unit, category, topic, channel"
        for k in range(1, -(-scale // n)):
            with db.engine.begin() as connection:
                connection.execute(text(
                    f"INSERT INTO search_entry (id, {columns}, published, answered, terms) "
                    f"SELECT id + {k * n}, {columns}, published + interval '{730 * k} days', answered, terms "
                    f"FROM search_entry WHERE id <= {min(n, scale - k * n)}"))
            print(f"  grown to {min(scale, (k + 1) * n)} entries ({time.perf_counter() - started:.0f} s)", flush=True)
        with db.engine.begin() as connection:
            connection.execute(text("SET maintenance_work_mem = '1GB'"))
            connection.execute(text("CREATE INDEX ix_search_entry_terms ON search_entry USING gin (terms)"))
        _analyze()
    seconds = time.perf_counter() - started
    print(f"PostgreSQL grown to {scale} entries by copying in SQL ({seconds:.0f} s)")
    return seconds


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("n", type=int, nargs="?", default=100_000)
    arguments.add_argument("--database", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/wenzheng_bench"),
        help="an empty PostgreSQL database for the PostgreSQL backend (its search tables are recreated)")
    arguments.add_argument("--engines", default="whoosh,postgres", help="whoosh,postgres (FTS5 always runs)")
    arguments.add_argument("--scale", type=int, default=0, help="then grow PostgreSQL to this many entries")
    arguments.add_argument("--scale-database", default=os.environ.get(
        "BENCH_SCALE_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/wenzheng_bench_scaled"),
        help="an empty PostgreSQL database for the grown table")
    arguments.add_argument("--keep", help="keep the indexes in this folder and reuse them in a later run")
    options = arguments.parse_args()
    main(options.n, options.database, set(options.engines.split(",")), options.scale, options.scale_database,
         options.keep)
