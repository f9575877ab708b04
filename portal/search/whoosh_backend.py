"""The Whoosh backend: an index on this host's disk (one host, or SQLite). Quoted phrases are exact
through nested SpanNear2 queries with slop = mindist = the characters between two words.

Only the public projection reaches the index: the reviewed public subject, body and reply, the
replying unit, category, topic, channel and dates — never the petitioner.
"""
import heapq
import pickle
import threading
from functools import partial
from itertools import islice
from pathlib import Path

from flask import current_app
from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.query import And, AndNot, DateRange, Every, Or, Term
from whoosh.query.spans import SpanNear2
from whoosh.sorting import FieldFacet, MultiFacet, ScoreFacet
from whoosh.system import pack_uint
from whoosh.writing import CLEAR

from .analyzer import highlight, index_positions, index_tokens, parse, phrase_pairs, query_words, suggestion_words
from .documents import COUNT_CAP, Document, Filters, Hit, Results


class ChineseTokenizer(Tokenizer):
    """Whoosh tokenizer: index mode as in analyzer.py; in query mode, the tiling words."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        tokens = index_tokens(value) if mode == "index" else query_words(value)
        for text, offset in tokens:
            token.text = token.original = text
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos + offset
            if chars:
                token.startchar, token.endchar = start_char + offset, start_char + offset + len(text)
            yield token


class ChineseText(TEXT):
    """The content field: the postings Whoosh's TEXT writes with ChineseTokenizer (same terms, positions
    and weights, byte for byte), built straight from index_positions() instead of one Token object per
    token and again per term: adding 5,000 documents 87.5 → 74 s (the commit, ~90 s, unchanged)."""

    def __init__(self):
        super().__init__(analyzer=ChineseTokenizer(), phrase=True)

    def index(self, value, **kwargs):
        for token, places in index_positions(value).items():
            deltas = [places[0]] + [after - before for before, after in zip(places, places[1:], strict=False)]
            # formats.Positions.encode: the count, then the pickled gaps between positions
            yield token.encode(), len(places), float(len(places)), pack_uint(len(deltas)) + pickle.dumps(deltas, 2)


def schema() -> Schema:
    text = ChineseText()
    return Schema(id=ID(stored=True, unique=True), number=NUMERIC(sortable=True), content=text,
                  subject=STORED, body=STORED, reply=STORED,
                  unit=ID(stored=True), category=ID(stored=True), topic=ID(stored=True),
                  channel=ID(stored=True), published=DATETIME(stored=True, sortable=True),
                  answered=DATETIME(stored=True), pairs=STORED)  # `pairs`: the index holds pairs of 汉字


# --- the index on disk: one writer at a time, a searcher per thread -------------------------------

_local = threading.local()


def index_dir() -> Path:
    return Path(current_app.config["SEARCH_INDEX_DIR"])


def open_index():
    folder = index_dir()
    if not whoosh_index.exists_in(folder):
        folder.mkdir(parents=True, exist_ok=True)
        return whoosh_index.create_in(folder, schema())
    return whoosh_index.open_dir(folder)


def _searcher():
    """A searcher kept per thread and per index folder, reopened when the index changed.
    (Whoosh's own refresh() can keep a stale reader after a commit that cleared the index.)"""
    key = str(index_dir())
    cached = getattr(_local, "searchers", {}).get(key)
    if cached is None or not cached.up_to_date():
        if cached is not None:
            cached.close()
        cached = open_index().searcher()
        _local.searchers = {**getattr(_local, "searchers", {}), key: cached}
    return cached


def _fields(doc: Document) -> dict:
    return {"id": str(doc.id), "number": doc.id, "content": doc.content,
            "subject": doc.subject, "body": doc.body, "reply": doc.reply, "unit": doc.unit,
            "category": doc.category, "topic": doc.topic,
            "channel": doc.channel, "published": doc.published, "answered": doc.answered or doc.published}


def apply(message_ids: list[int], load, timeout: float = 30) -> None:
    """Bring the entries of ``message_ids`` up to date: ``load(ids)`` (the documents still published)
    is called once the index lock is held, so that two workers never write an older state last.
    Raises whoosh.index.LockError when the lock stays busy for ``timeout`` seconds (a reindex)."""
    writer = open_index().writer(timeout=timeout)
    try:
        documents = list(load(message_ids))
        found = {doc.id for doc in documents}
        for message_id in message_ids:
            if message_id not in found:
                writer.delete_by_term("id", str(message_id))
        for doc in documents:
            writer.update_document(**_fields(doc))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def write(add: list[Document] = (), remove: list[int] = ()) -> None:
    """Add or replace and remove documents; waits for the index lock (one writer at a time)."""
    writer = open_index().writer(timeout=30)
    try:
        for message_id in remove:
            writer.delete_by_term("id", str(message_id))
        for doc in add:
            writer.update_document(**_fields(doc))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def rebuild(documents, progress=lambda n: None) -> int:
    """Replace the whole index with ``documents`` (an iterable), calling progress(count) as it goes.

    The old segments are dropped at commit (CLEAR), so the index generation moves on and every
    worker's searcher sees the change; searches keep working on the old index meanwhile."""
    writer = open_index().writer(timeout=30, limitmb=256)
    if "pairs" not in writer.schema:  # written before the pairs of 汉字: every document gets them now
        writer.add_field("pairs", STORED)
    if not isinstance(writer.schema["content"], ChineseText):  # the same postings, written faster
        writer.remove_field("content")
        writer.add_field("content", ChineseText())
    count = 0
    try:
        for count, doc in enumerate(documents, start=1):
            writer.add_document(**_fields(doc))
            progress(count)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=CLEAR)
    return count


def entries():
    """(id, fingerprint) of every entry, for the drift check."""
    with open_index().searcher() as searcher:
        for fields in searcher.reader().all_stored_fields():
            doc = Document(id=int(fields["id"]), subject=fields["subject"], body=fields["body"], reply=fields["reply"],
                           unit=fields["unit"], category=fields["category"], topic=fields["topic"],
                           channel=fields["channel"], published=fields["published"], answered=None)
            yield doc.id, doc.fingerprint()


def dump() -> str:
    """Everything the index files hold, read back through Whoosh (the files are compressed): every
    stored field and every term of every field."""
    with open_index().reader() as reader:
        stored = " ".join(str(value) for fields in reader.all_stored_fields() for value in fields.values())
        terms = " ".join(term.decode() for field, term in reader.all_terms()
                         if field in ("id", "content", "unit", "category", "topic", "channel"))
    return stored + " " + terms


# --- queries -----------------------------------------------------------------------------------

def exact_phrase(words: list[tuple[str, int]], pairs: bool = True):
    """The words in a row, each exactly as many characters after the previous one as in the phrase
    (a phrase of 汉字 as its pairs of characters, far fewer candidates to check, when the index holds
    them: an index written before them has no `pairs` field until `flask reindex`)."""
    if pairs:
        words = phrase_pairs(words)
    query = Term("content", words[0][0])
    for (_, before), (word, offset) in zip(words, words[1:], strict=False):
        query = SpanNear2([query, Term("content", word)], slop=offset - before, mindist=offset - before)
    return query


def _filter_query(filters: Filters):
    parts = [Term(name, value) for name in ("unit", "category", "topic", "channel")
             if (value := getattr(filters, name))]
    if filters.start or filters.end:
        parts.append(DateRange("published", filters.start, filters.end))
    return And(parts) if parts else None


# A query with more than COUNT_CAP matches: ranking every one of them (BM25F in Python) is what costs. As
# in PostgreSQL, its newest RANKED matches are ranked and the others follow newest first ("列出最新的
# 1,000 条").
RANKED = 100
# A total order, so that pages never overlap: score, then newest first, then the message number.
ORDER = MultiFacet([ScoreFacet(), FieldFacet("published", reverse=True), FieldFacet("number", reverse=True)])


def search(text: str, filters: Filters, page: int, per_page: int, hidden: set[int] = frozenset()) -> Results:
    """``hidden``: entries whose removal is still queued (withdrawn while the index was busy). One
    total order, PostgreSQL's: up to COUNT_CAP matches, by score, then newest, then number; with more,
    the newest RANKED by score first, then the others newest first, and the count and pages stop at
    COUNT_CAP ("超过 1,000 条，列出最新的 1,000 条")."""
    phrases, words, highlights = parse(text)
    searcher = _searcher()
    parts = ([exact_phrase(phrase, "pairs" in searcher.schema) for phrase in phrases]
             + [Term("content", word) for word in dict.fromkeys(words)])
    query = And(parts) if parts else Every()
    page = max(page, 1)
    results = Results(query=text, total=0, page=page, per_page=per_page)
    filter_query = _filter_query(filters)
    mask = Or([Term("id", str(i)) for i in hidden]) if hidden else None
    start = (page - 1) * per_page
    need = min(start + per_page, COUNT_CAP)
    if not phrases and _expected(searcher, words) > COUNT_CAP:
        # listed unscored (65,000 matches of a common word in ~0.1 s), only what the order needs scored:
        # scoring every match through `sortedby` took 3–7 times as long (1.3 s for 下有何)
        matching = And([query, filter_query]) if filter_query is not None else query
        matches = list(searcher.docs_for_query(AndNot(matching, mask) if mask is not None else matching))
        ordered, scores_of = None, partial(_scores, searcher, query)
    else:  # rarer words, phrases: one pass through `sortedby` costs less
        every = searcher.search(query, filter=filter_query, mask=mask, limit=None, sortedby=ORDER)
        ordered = [(docnum, -key[0]) for key, docnum in every.top_n]  # with sortedby, the key holds the score
        matches, scores_of = [docnum for docnum, _ in ordered], partial(_scores_among, dict(ordered))
    results.total = min(len(matches), COUNT_CAP + 1)
    if start >= need:
        found = []
    elif ordered is not None and not results.more:
        found = ordered[:need]
    else:
        found = _in_order(searcher, matches, scores_of, need)
    for docnum, score in found[start:]:
        hit = searcher.stored_fields(docnum)
        results.hits.append(Hit(id=int(hit["id"]), subject_html=highlight(hit["subject"], highlights, 200),
                                snippet_html=highlight(f"{hit['body']} {hit['reply']}", highlights, 120),
                                unit=hit["unit"], category=hit["category"], published=hit["published"],
                                score=score))
    if not results.total and text.strip():
        results.suggestions = _suggestions(searcher, highlights, filter_query, mask)
    return results


def _expected(searcher, words: list[str]) -> float:
    """How many texts hold all ``words``, were they independent: which way of searching will be cheaper."""
    total = max(searcher.doc_count_all(), 1)
    expected = float(total)
    for word in dict.fromkeys(words):
        expected *= searcher.doc_frequency("content", word) / total
    return expected


def _in_order(searcher, matches: list[int], scores_of, need: int) -> list[tuple[int, float]]:
    """(docnum, score), the first ``need`` in the total order; ``scores_of(docnums)`` scores only those
    the order needs: every match up to COUNT_CAP, past it the newest RANKED."""
    rank = _date_rank(searcher)
    if len(matches) <= COUNT_CAP:
        return _by_score(scores_of(matches), rank)[:need]
    newest = heapq.nsmallest(max(need, RANKED), matches, key=rank.__getitem__)
    ranked = _by_score(scores_of(newest[:RANKED]), rank)
    return (ranked + [(docnum, 0.0) for docnum in newest[RANKED:]])[:need]


def _scores_among(scored: dict[int, float], docnums: list[int]) -> dict[int, float]:
    return {docnum: scored[docnum] for docnum in docnums}


def _by_score(scores: dict[int, float], rank: list[int]) -> list[tuple[int, float]]:
    """ORDER: score, then newest, then the higher number."""
    return sorted(scores.items(), key=lambda item: (-item[1], rank[item[0]]))


def _scores(searcher, query, docnums: list[int]) -> dict[int, float]:
    """The score of each of ``docnums`` (all matches of ``query``), segment by segment as a search does."""
    scores, wanted = {}, sorted(docnums)
    for leaf, offset in searcher.leaf_searchers():
        matcher = query.matcher(leaf, searcher.context())
        for docnum in (d for d in wanted if offset <= d < offset + leaf.doc_count_all()):
            if matcher.is_active() and matcher.id() < docnum - offset:
                matcher.skip_to(docnum - offset)
            if matcher.is_active() and matcher.id() == docnum - offset:
                scores[docnum] = matcher.score()
    return scores


def _date_rank(searcher) -> list[int]:
    """Each document's place in the index, newest first (then the higher number), kept with the searcher
    (a new one after each change of the index): built in ~0.4 s per 100,000 entries."""
    rank = getattr(searcher, "wenzheng_date_rank", None)
    if rank is None:
        reader = searcher.reader()
        published = reader.column_reader("published", translate=False)
        numbers = reader.column_reader("number", translate=False)
        keys = [(date << 32) | number for date, number in zip(published, numbers, strict=True)]
        rank = [0] * len(keys)
        for place, docnum in enumerate(sorted(range(len(keys)), key=keys.__getitem__, reverse=True)):
            rank[docnum] = place
        searcher.wenzheng_date_rank = rank
    return rank


def _suggestions(searcher, highlights, filter_query, mask) -> list[tuple[str, int]]:
    """For an empty result: each word alone, with how many messages it finds (up to COUNT_CAP + 1)."""
    allowed = set(searcher.docs_for_query(filter_query)) if filter_query else None
    masked = set(searcher.docs_for_query(mask)) if mask else set()
    found = []
    for word in suggestion_words(highlights):
        matches = (d for d in searcher.docs_for_query(Term("content", word))
                   if (allowed is None or d in allowed) and d not in masked)
        if count := sum(1 for _ in islice(matches, COUNT_CAP + 1)):
            found.append((word, count))
    return sorted(found, key=lambda item: -item[1])[:5]
