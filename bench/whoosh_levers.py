"""Whoosh levers on one index, same queries, alternating per query: the search as committed (every
match ranked through `sortedby` score, newest, number) against a top-N collector ranking by score alone
(ties in index order), which lets Whoosh skip blocks of postings that cannot reach the page, with the
count taken apart and stopped at COUNT_CAP + 1.

    .venv/bin/python bench/whoosh_levers.py FOLDER N

FOLDER: where `search_bench.py N --keep FOLDER` (or without --keep, the folder it prints) left the
Whoosh index of the N bench documents (FOLDER/whoosh-N) and the FTS5 baseline (FOLDER/fts.db), which
is timed in the same run.
"""
import sqlite3
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rjieba  # noqa: E402
from whoosh.query import And, Every, Term  # noqa: E402

from bench.corpus import documents  # noqa: E402
from bench.search_bench import fts_query, p, queries, timed, whoosh_app  # noqa: E402
from portal import search  # noqa: E402
from portal.search import whoosh_backend as backend  # noqa: E402
from portal.search.analyzer import highlight, parse  # noqa: E402
from portal.search.documents import COUNT_CAP, Hit, Results  # noqa: E402


def top_n_search(text, page=1, per_page=10):
    phrases, words, highlights = parse(text)
    searcher = backend._searcher()
    parts = [backend.exact_phrase(ph) for ph in phrases] + [Term("content", w) for w in words]
    query = And(parts) if parts else Every()
    results = Results(query=text, total=0, page=page, per_page=per_page)
    results.total = sum(1 for _ in islice(searcher.docs_for_query(query), COUNT_CAP + 1))
    start = (page - 1) * per_page
    for hit in searcher.search(query, limit=start + per_page, terms=False)[start:]:
        results.hits.append(Hit(id=int(hit["id"]), subject_html=highlight(hit["subject"], highlights, 200),
                                snippet_html=highlight(f"{hit['body']} {hit['reply']}", highlights, 120),
                                unit=hit["unit"], category=hit["category"], published=hit["published"],
                                score=hit.score))
    return results


def main(folder: str, n: int) -> None:
    docs = list(documents(n))
    chosen = queries(docs)
    app = whoosh_app(str(Path(folder) / f"whoosh-{n}"))
    with app.app_context():
        search.search("预热")
        top_n_search("预热")
        t_now, t_lever = [], []
        for kind, q in chosen:
            q = f'"{q}"' if kind == "phrase" else q
            for function, out in ((lambda x: search.search(x), t_now), (top_n_search, t_lever)):
                started = time.perf_counter()
                function(q)
                out.append((time.perf_counter() - started) * 1000)
    fts = sqlite3.connect(Path(folder) / "fts.db")
    if not fts.execute("SELECT 1 FROM sqlite_master WHERE name = 'docs'").fetchone():  # not left by search_bench
        fts.execute("CREATE VIRTUAL TABLE docs USING fts5(content, tokenize='unicode61')")
        fts.executemany("INSERT INTO docs(rowid, content) VALUES (?, ?)",
                        ((d.id, " ".join(rjieba.cut_for_search(d.content))) for d in docs))
        fts.commit()
    t_fts = timed(lambda q: fts.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10",
                                        (fts_query(*q),)).fetchall(), chosen)
    print(f"{'kind':<8} {'sortedby p50':>12} {'p95':>7} {'top-N p50':>10} {'p95':>7} {'FTS5 p50':>9} {'p95':>7}")
    for kind in ("two", "long", "pair", "phrase", "all"):
        idx = [i for i, q in enumerate(chosen) if kind == "all" or q[0] == kind]
        print(f"{kind:<8} {p([t_now[i] for i in idx], 50):>12.1f} {p([t_now[i] for i in idx], 95):>7.1f} "
              f"{p([t_lever[i] for i in idx], 50):>10.1f} {p([t_lever[i] for i in idx], 95):>7.1f} "
              f"{p([t_fts[i] for i in idx], 50):>9.1f} {p([t_fts[i] for i in idx], 95):>7.1f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
