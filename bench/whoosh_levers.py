"""Whoosh levers on one index, same queries, alternating: phrases as their words (SpanNear2 over
jieba's words, as before issue 15's second pass) or, with ``pairs``, as pairs of characters — against
the search as it is now (pairs of characters, count capped at 1,000).

    .venv/bin/python bench/whoosh_levers.py INDEX_FOLDER N [pairs]

INDEX_FOLDER: a Whoosh index of the N bench documents, as `search_bench.py N --engines whoosh` leaves
it (it prints the folder); the FTS5 baseline it left there (fts.db) is timed in the same run.
"""
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh.query import And, Every, Term  # noqa: E402
from whoosh.query.spans import SpanNear2  # noqa: E402
from whoosh.sorting import FieldFacet, MultiFacet, ScoreFacet  # noqa: E402

from bench.corpus import documents  # noqa: E402
from bench.search_bench import fts_query, p, queries, timed, whoosh_app  # noqa: E402
from portal import search  # noqa: E402
from portal.search import whoosh_backend as new  # noqa: E402
from portal.search.analyzer import highlight, parse  # noqa: E402
from portal.search.documents import Hit, Results  # noqa: E402

PAIRS = len(sys.argv) > 3
ORDER = MultiFacet([ScoreFacet(), FieldFacet("published", reverse=True), FieldFacet("number", reverse=True)])


def old_phrase(words):
    query = Term("content", words[0][0])
    for (_, before), (word, offset) in zip(words, words[1:], strict=False):
        query = SpanNear2([query, Term("content", word)], slop=offset - before, mindist=offset - before)
    return query


def old_search(text, page=1, per_page=10):
    phrases, words, highlights = parse(text)
    parts = [(new.exact_phrase if PAIRS else old_phrase)(ph) for ph in phrases] + [Term("content", w) for w in words]
    query = And(parts) if parts else Every()
    results = Results(query=text, total=0, page=page, per_page=per_page)
    page_hits = new._searcher().search_page(query, page, pagelen=per_page, sortedby=ORDER)
    results.total = page_hits.total
    for hit in page_hits:
        results.hits.append(Hit(id=int(hit["id"]), subject_html=highlight(hit["subject"], highlights, 200),
                                snippet_html=highlight(f"{hit['body']} {hit['reply']}", highlights, 120),
                                unit=hit["unit"], category=hit["category"], published=hit["published"], score=0))
    return results


docs = list(documents(int(sys.argv[2])))
chosen = queries(docs)
app = whoosh_app(sys.argv[1])
with app.app_context():
    search.search("预热")
    old_search("预热")
    t_old, t_new = [], []
    for kind, q in chosen:
        q = f'"{q}"' if kind == "phrase" else q
        for fn, out in ((old_search, t_old), (lambda x: search.search(x), t_new)):
            started = time.perf_counter()
            fn(q)
            out.append((time.perf_counter() - started) * 1000)
    fts = sqlite3.connect(Path(sys.argv[1]) / "fts.db")
    t_fts = timed(lambda q: fts.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10",
                                        (fts_query(*q),)).fetchall(), chosen)
    print(f"{'kind':<8} {'before p50':>9} {'p95':>7} {'now p50':>11} {'p95':>7} {'FTS5 p50':>9} {'p95':>7}")
    for kind in ("two", "long", "pair", "phrase", "all"):
        idx = [i for i, q in enumerate(chosen) if kind == "all" or q[0] == kind]
        print(f"{kind:<8} {p([t_old[i] for i in idx], 50):>9.1f} {p([t_old[i] for i in idx], 95):>7.1f} "
              f"{p([t_new[i] for i in idx], 50):>11.1f} {p([t_new[i] for i in idx], 95):>7.1f} "
              f"{p([t_fts[i] for i in idx], 50):>9.1f} {p([t_fts[i] for i in idx], 95):>7.1f}")
