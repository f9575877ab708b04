"""Public search at scale: Whoosh with our analyzer against a SQLite FTS5 baseline over the same
segmented text, on the same documents and the same 200+ distinct queries, in one run.

    .venv/bin/python bench/search_bench.py [N=100000]

Prints indexing rate, and p50/p95 query time per engine and query kind; the ratio is the figure.
"""
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rjieba  # noqa: E402

from bench.corpus import documents  # noqa: E402
from portal import create_app, search  # noqa: E402


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


def main(n: int) -> None:
    folder = tempfile.mkdtemp()
    app = create_app({"SEARCH_INDEX_DIR": folder, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    docs = list(documents(n))
    print(f"{n} documents, {sum(len(d.body) + len(d.reply) for d in docs) / n:.0f} characters each on average")
    with app.app_context():
        started = time.perf_counter()
        search.rebuild(docs)
        whoosh_seconds = time.perf_counter() - started
    db = sqlite3.connect(Path(folder) / "fts.db")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(content, tokenize='unicode61')")
    started = time.perf_counter()
    db.executemany("INSERT INTO docs(rowid, content) VALUES (?, ?)",
                   ((d.id, " ".join(rjieba.cut_for_search(f"{d.subject}\n{d.body}\n{d.reply}"))) for d in docs))
    db.commit()
    fts_seconds = time.perf_counter() - started
    print(f"indexing: Whoosh {n / whoosh_seconds:.0f} docs/s ({whoosh_seconds:.0f} s), "
          f"FTS5 {n / fts_seconds:.0f} docs/s ({fts_seconds:.0f} s, segmentation included)")

    chosen = queries(docs)
    with app.app_context():
        search.search("预热")
        whoosh = timed(lambda q: search.search(q[1] if q[0] != "phrase" else f'"{q[1]}"', per_page=10), chosen)
    fts = timed(lambda q: db.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10",
                                     (fts_query(*q),)).fetchall(), chosen)
    print(f"{len(chosen)} distinct queries; times in ms (first page of 10, ranked, with total count for Whoosh)")
    print(f"{'kind':<8} {'Whoosh p50':>11} {'p95':>8} {'FTS5 p50':>10} {'p95':>8}")
    for kind in ("two", "long", "pair", "phrase", "all"):
        idx = [i for i, q in enumerate(chosen) if kind == "all" or q[0] == kind]
        w, f = [whoosh[i] for i in idx], [fts[i] for i in idx]
        print(f"{kind:<8} {p(w, 50):>11.1f} {p(w, 95):>8.1f} {p(f, 50):>10.1f} {p(f, 95):>8.1f}")
    print(f"ratio Whoosh/FTS5: p50 {p(whoosh, 50) / p(fts, 50):.1f}×, p95 {p(whoosh, 95) / p(fts, 95):.1f}×")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
