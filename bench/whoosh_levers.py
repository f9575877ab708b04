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
import importlib.util
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rjieba  # noqa: E402

from bench.corpus import documents  # noqa: E402
from bench.search_bench import fts_query, p, queries, timed, whoosh_app  # noqa: E402
from portal.search import whoosh_backend  # noqa: E402
from portal.search.documents import Filters  # noqa: E402

MODULE = "portal/search/whoosh_backend.py"


def backend_at(rev: str):
    """The Whoosh backend module as it was at ``rev``, loaded beside today's."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{MODULE}"], check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "whoosh_backend_then.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("portal.search.whoosh_backend_then", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    versions = {rev: backend_at(rev), "now": whoosh_backend}
    times = {name: collections.defaultdict(list) for name in versions}
    with whoosh_app(str(Path(folder) / f"whoosh-{n}")).app_context():
        for module in versions.values():
            module.search("预热", Filters(), 1, 10)
        for number, (kind, query) in enumerate(chosen):
            text = f'"{query}"' if kind == "phrase" else query
            answers = {}
            for name in (list(versions) if number % 2 else list(reversed(versions))):
                started = time.perf_counter()
                results = versions[name].search(text, Filters(), 1, 10)
                elapsed = (time.perf_counter() - started) * 1000
                times[name][kind].append(elapsed)
                times[name]["all"].append(elapsed)
                answers[name] = (results.total, [hit.id for hit in results.hits])
            if len(set(map(str, answers.values()))) > 1:
                print(f"differs: {kind} {query} {answers}")
    t_fts = fts_times(folder, docs, chosen)
    times["FTS5"] = collections.defaultdict(list)
    for kind in ("two", "long", "pair", "phrase"):
        times["FTS5"][kind] = [t for (k, _), t in zip(chosen, t_fts, strict=True) if k == kind]
    times["FTS5"]["all"] = t_fts
    print(f"{len(chosen)} queries, ms p50/p95")
    for name, by_kind in times.items():
        print(f"  {name:<10}" + "".join(f"  {kind} {p(t, 50):.1f}/{p(t, 95):.1f}"
                                        for kind, t in sorted(by_kind.items())))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
