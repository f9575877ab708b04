"""Whoosh search now against the Whoosh backend at an earlier commit, on one index, the same queries,
alternating per query (which version goes first alternates too), with the FTS5 baseline timed in the
same run. Prints p50/p95 per query kind and any query whose count or first page differs.

    .venv/bin/python bench/whoosh_levers.py FOLDER N REV

FOLDER: where `search_bench.py N --keep FOLDER` (or without --keep, the folder it prints) left the
Whoosh index of the N bench documents (FOLDER/whoosh-N) and the FTS5 baseline (FOLDER/fts.db).
(An earlier version of this script measured a top-N collector by score alone against `sortedby`: it was
slower, see RESULTS.md, third pass.)
"""
import collections
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rjieba  # noqa: E402

from bench.corpus import documents  # noqa: E402
from bench.search_against import alternate, module_at, print_times  # noqa: E402
from bench.search_bench import fts_query, queries, timed, whoosh_app  # noqa: E402
from portal.search import whoosh_backend  # noqa: E402


def fts_times(folder: str, docs, chosen) -> list[float]:
    fts = sqlite3.connect(Path(folder) / "fts.db")
    if not fts.execute("SELECT 1 FROM sqlite_master WHERE name = 'docs'").fetchone():  # not left by search_bench
        fts.execute("CREATE VIRTUAL TABLE docs USING fts5(content, tokenize='unicode61')")
        fts.executemany("INSERT INTO docs(rowid, content) VALUES (?, ?)",
                        ((d.id, " ".join(rjieba.cut_for_search(d.content))) for d in docs))
        fts.commit()
    return timed(lambda q: fts.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10",
                                       (fts_query(*q),)).fetchall(), chosen)


def main(folder: str, n: int, rev: str) -> None:
    docs = list(documents(n))
    chosen = queries(docs)
    app = whoosh_app(str(Path(folder) / f"whoosh-{n}"))
    versions = {rev: module_at(rev, "portal/search/whoosh_backend.py"), "now": whoosh_backend}
    times = alternate(versions, {name: app for name in versions}, chosen)
    t_fts = fts_times(folder, docs, chosen)
    times["FTS5"] = collections.defaultdict(list)
    for (kind, _), elapsed in zip(chosen, t_fts, strict=True):
        times["FTS5"][kind].append(elapsed)
    times["FTS5"]["all"] = t_fts
    print(f"{len(chosen)} queries, ms p50/p95")
    print_times(times)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
