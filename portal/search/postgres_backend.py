"""The PostgreSQL backend: entries are rows of `search_entry` in the application's database, so every
web host sees the same results and a publication commits together with its entry.

The analyzer runs in Python (the same tokens as Whoosh) and its output is stored as a `tsvector`
literal — no PostgreSQL parser or dictionary touches it, which is what the `simple` configuration
would do at best. Each token's position is its character offset + 1, so a quoted phrase becomes
`'噪音' <2> '扰民'`: each word exactly as many characters after the previous one as in the phrase; a
phrase of 汉字 only is looked up by its pairs of characters, `'噪音' <1> '音扰' <1> '扰民'` (the
tsvector holds every pair). A GIN index serves `@@`. A search counts up to COUNT_CAP matches (a word
the planner expects in far more entries is not counted) and ranks (ts_rank) the newest RANKED of them,
then the rest newest first: one total order.

PostgreSQL keeps positions up to 16,383 and 256 positions per lexeme: beyond that (texts of more
than 16,000 characters) a phrase can be missed in the far end of a text; a word never is.
"""
import multiprocessing
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from sqlalchemy import Connection, Engine, String, cast, create_engine, delete, exists, func, literal, select, text
from sqlalchemy.dialects.postgresql import TSQUERY, insert

from ..extensions import db
from ..models import Message, SearchEntry
from .analyzer import highlight, index_positions, parse, phrase_pairs, suggestion_words
from .documents import COUNT_CAP, Document, Filters, Hit, Results

MAX_POSITION, MAX_POSITIONS = 16383, 256


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


_POSITION = [str(place + 1) for place in range(MAX_POSITION)]  # "1"… : formatting positions is the hot loop


def tsvector(text_: str) -> str:
    """The tsvector literal of ``text_``: every token of the analyzer with its positions (character
    offset + 1). Tokens are letters and digits only (analyzer.WORD, HAN), so none needs escaping."""
    parts = []
    for token, places in index_positions(text_).items():
        if len(places) > MAX_POSITIONS or places[-1] >= MAX_POSITION:
            places = sorted({min(place, MAX_POSITION - 1) for place in places})[:MAX_POSITIONS]
        parts.append(f"'{token}':" + ",".join([_POSITION[place] for place in places]))
    return " ".join(parts)


def tsquery(phrases: list[list[tuple[str, int]]], words: list[str]) -> str:
    parts = []
    for phrase in map(phrase_pairs, phrases):
        out = _lexeme(phrase[0][0])
        for (_, before), (word, offset) in zip(phrase, phrase[1:], strict=False):
            out += f" <{offset - before}> {_lexeme(word)}"
        parts.append(f"({out})")
    parts.extend(_lexeme(word) for word in words)
    return " & ".join(parts)


def _row(doc: Document, terms: str | None = None) -> dict:
    return {"id": doc.id, "subject": doc.subject, "body": doc.body, "reply": doc.reply, "unit": doc.unit,
            "category": doc.category, "topic": doc.topic, "channel": doc.channel, "published": doc.published,
            "answered": doc.answered, "terms": tsvector(doc.content) if terms is None else terms}


# Analysing a text in Python (≈ 600 texts/s on one core) is half of what a rebuild costs (the GIN
# index the other half): past this many documents, one process per core analyses them.
POOL_FROM = 1000


@contextmanager
def _pool(count: int):
    """A pool of analysing processes, one per core, or None when ``count`` documents are too few."""
    cores = os.cpu_count() or 1
    if count < POOL_FROM or cores < 2:
        yield None
        return
    # spawn, not fork: a web process's threads may hold locks a forked child would inherit
    with multiprocessing.get_context("spawn").Pool(cores) as pool:
        yield pool


def _analyse(pool, batch: list[Document]):
    """Start analysing ``batch``; the returned function gives its rows (waiting for the pool)."""
    if pool is None:
        return lambda: [_row(doc) for doc in batch]
    terms = pool.map_async(tsvector, [doc.content for doc in batch], chunksize=50)
    return lambda: [_row(doc, doc_terms) for doc, doc_terms in zip(batch, terms.get(), strict=True)]


def _bulk_settings() -> None:
    """For a rebuild's transaction: the GIN index takes new entries in a larger pending list and merges
    them with more memory (COPY 687 rows/s instead of 513 with the index, measured)."""
    db.session.execute(text("SELECT set_config('work_mem', '256MB', true), "
                            "set_config('gin_pending_list_limit', '65536', true)"))


def _upsert(rows: list[dict]) -> None:
    if not rows:
        return
    statement = insert(SearchEntry.__table__)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["id"], set_={name: statement.excluded[name] for name in rows[0] if name != "id"}), rows)


def apply(message_ids: list[int], load, timeout: float = 30) -> None:
    """Bring the entries of ``message_ids`` up to date in the caller's transaction (not committed here)."""
    documents = list(load(message_ids))
    found = {doc.id for doc in documents}
    gone = [i for i in message_ids if i not in found]
    if gone:
        db.session.execute(delete(SearchEntry).where(SearchEntry.id.in_(gone)))
    _upsert([_row(doc) for doc in documents])


def write(add: list[Document] = (), remove: list[int] = ()) -> None:
    if remove:
        db.session.execute(delete(SearchEntry).where(SearchEntry.id.in_(list(remove))))
    _upsert([_row(doc) for doc in add])
    db.session.commit()


def rebuild(documents, progress=lambda n: None) -> int:
    """Replace every entry with ``documents``, in one transaction: searches see the old entries until
    it commits. The next batch is analysed while this one is written."""
    db.session.execute(delete(SearchEntry))
    _bulk_settings()
    columns = [column.name for column in SearchEntry.__table__.columns]
    documents = iter(documents)
    batch, count = list(islice(documents, POOL_FROM)), 0
    cursor = db.session.connection().connection.driver_connection.cursor()  # psycopg's COPY: the fastest way in
    with _pool(len(batch)) as pool, cursor.copy(f"COPY search_entry ({', '.join(columns)}) FROM STDIN") as copy:
        rows = _analyse(pool, batch)
        while batch:
            batch = list(islice(documents, POOL_FROM))
            written, rows = rows(), _analyse(pool, batch)
            for row in written:
                copy.write_row([row[name] for name in columns])
            count += len(written)
            progress(count)
    db.session.commit()
    return count


def reindex(load, published_ids, progress=lambda n: None, batch_size: int = 500) -> int:
    """Rebuild from the database in short transactions of 500 messages, each reading its messages under
    a share lock: a withdrawal waits for one batch at most and then removes its entry after it, so the
    reindex can never put back what was just withdrawn. Entries no longer published go at the end."""
    ids, count = list(published_ids), 0
    with _pool(len(ids)) as pool:
        for start in range(0, len(ids), batch_size):
            documents = list(load(ids[start:start + batch_size], lock=True))
            _bulk_settings()
            _upsert(_analyse(pool, documents)())
            db.session.commit()
            count += len(documents)
            progress(count)
    published = exists().where(Message.id == SearchEntry.id, Message.publication == "published")
    db.session.execute(delete(SearchEntry).where(~published))
    db.session.commit()
    return count


def entries():
    rows = db.session.execute(select(SearchEntry.id, SearchEntry.subject, SearchEntry.body, SearchEntry.reply,
                                     SearchEntry.unit, SearchEntry.category, SearchEntry.topic, SearchEntry.channel,
                                     SearchEntry.published).execution_options(yield_per=1000))
    for row in rows:
        doc = Document(*row, answered=None)
        yield doc.id, doc.fingerprint()


def dump() -> str:
    """Everything the entries hold: every stored column and every lexeme."""
    rows = db.session.execute(select(SearchEntry.id, SearchEntry.subject, SearchEntry.body, SearchEntry.reply,
                                     SearchEntry.unit, SearchEntry.category, SearchEntry.topic, SearchEntry.channel,
                                     cast(SearchEntry.terms, String)))
    return " ".join(str(value) for row in rows for value in row)


def _conditions(filters: Filters) -> list:
    conditions = [getattr(SearchEntry, name) == value for name in ("unit", "category", "topic", "channel")
                  if (value := getattr(filters, name))]
    if filters.start:
        conditions.append(SearchEntry.published >= filters.start)
    if filters.end:
        conditions.append(SearchEntry.published <= filters.end)
    return conditions


def _matches(query_text: str):
    return SearchEntry.terms.op("@@")(cast(literal(query_text), TSQUERY))


# Of more matches than this, only the newest RANKED are ranked (pages 1–10 by relevance); the rest
# follow newest first. ts_rank has to read each entry's tsvector (~10 KB, stored out of line): ranking
# 65,000 matches of a common word took 0.4 s; 200 took 25–80 ms on the shared bench machine, 100 half.
RANKED = 100
# A query matching more than this share of the entries (the planner's estimate) finds its newest
# matches along the date index, checking each entry's tsvector until it has enough: at 1,000,000
# entries the GIN index alone takes 80–140 ms to list the 650,000 entries of 问题, the newest 100 of
# which the date index finds in 2–3 ms. A rarer query looks in windows of the newest entries (below).
COMMON = 0.05


# PostgreSQL does not know that testing `@@` on an entry costs reading its 6–10 KB tsvector: left alone
# it scans the whole table to count a common word, or walks the date index through thousands of entries
# to find ten rare ones. Searches therefore run on connections of their own with these settings (no
# parallel workers either: a search's scans are short, and on a web host other searches need the cores).
_SEARCHING = {"enable_seqscan": "off", "max_parallel_workers_per_gather": "0"}
PLANS = {"bitmap": {**_SEARCHING, "enable_indexscan": "off", "enable_bitmapscan": "on"},
         "by date": {**_SEARCHING, "enable_indexscan": "on", "enable_bitmapscan": "off"}}
_engines: dict[tuple[str, str], Engine] = {}


def _connection(plan: str) -> Connection:
    """A connection planning as ``plan`` says, from a small pool kept for searches: each statement
    commits on its own (a search only reads), so no round trip is spent on settings or transactions."""
    url = db.engine.url
    key = (url.render_as_string(hide_password=False), plan)
    if key not in _engines:
        options = " ".join(f"-c {name}={value}" for name, value in PLANS[plan].items())
        _engines[key] = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=3,
                                      pool_pre_ping=True, hide_parameters=True, connect_args={"options": options})
    return _engines[key].connect()


def _capped_count(connection: Connection, conditions: list) -> int:
    """How many entries match, counted up to COUNT_CAP + 1, from the GIN index without reading a
    tsvector unless a phrase needs its positions checked."""
    inner = select(literal(1)).select_from(SearchEntry).where(*conditions).limit(COUNT_CAP + 1).subquery()
    return connection.scalar(select(func.count()).select_from(inner))


def _planned_rows(connection: Connection, statement) -> float:
    compiled = statement.compile(dialect=connection.dialect)
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar()
    return plan[0]["Plan"]["Plan Rows"]


# A single word, unfiltered, that the planner expects in more than ESTIMATED × COUNT_CAP entries is
# taken as "超过 1,000" without counting: at 1,000,000 entries, counting even the first 1,001 matches of
# 问题 takes 80–140 ms (the GIN index lists all 650,000), and the planner's statistics of one word are
# not 20 times off. Everything else is counted: the planner multiplies the shares of several words, or
# of a word and a filter, as if independent (交通 in category B, 交通 学校: 0 matches, estimated
# thousands), and the estimate of a phrase's pairs says nothing of their positions. Should the
# statistics be stale (a table just emptied), finding fewer than the page needs sets the count.
ESTIMATED = 20


@dataclass
class _Query:
    """A search's conditions: the filters, what the GIN index answers exactly (every lexeme, positions
    aside), the phrases' positions checked on each candidate's tsvector, and the whole tsquery. The
    positions are kept apart so that a search narrows the candidates (by date, by filter) before it
    reads any tsvector."""

    base: list
    found: list
    exact: list
    text: str
    single_word: bool = False
    _expected: float | None = field(default=None, init=False, repr=False)

    @classmethod
    def of(cls, filters: Filters, phrases: list[list[tuple[str, int]]], words: list[str]) -> "_Query":
        if not (phrases or words):
            return cls(_conditions(filters), [], [], "")
        whole = tsquery(phrases, words)
        looked_up = list(map(phrase_pairs, phrases))
        lexemes = [word for phrase in looked_up for word, _ in phrase] + words
        positioned = any(len(phrase) > 1 for phrase in looked_up)  # a quoted pair is the pair's lexeme
        # the function behind @@, which the planner never turns into an index condition: a Filter, last
        exact = [func.ts_match_vq(SearchEntry.terms, cast(literal(whole), TSQUERY))] if positioned else []
        return cls(_conditions(filters), [_matches(tsquery([], lexemes))], exact, whole,
                   single_word=not positioned and len(set(lexemes)) == 1)

    def expected(self, connection: Connection) -> float:
        """The planner's estimate of the matches, asked once."""
        if self._expected is None:
            self._expected = _planned_rows(connection, select(SearchEntry.id).where(*self.base, *self.found))
        return self._expected

    def surely_more(self, connection: Connection) -> bool:
        return self.single_word and not self.base and self.expected(connection) > ESTIMATED * COUNT_CAP

    def common(self, connection: Connection) -> bool:
        among = _planned_rows(connection, select(SearchEntry.id).where(*self.base))  # what the filters leave
        return self.expected(connection) > COMMON * max(among, 1.0)


def search(text_: str, filters: Filters, page: int, per_page: int, hidden=frozenset()) -> Results:
    """One total order: when a query has at most RANKED matches, by relevance (ts_rank), then newest,
    then number; with more, the newest RANKED by relevance first, then the others newest first. A
    common word costs two estimates, its newest matches found along the date index, RANKED entries
    read and ranked, and ten rows."""
    phrases, words, highlights = parse(text_)
    results = Results(query=text_, total=0, page=page, per_page=per_page)
    query = _Query.of(filters, phrases, words)
    with _connection("bitmap") as connection:
        matched, ordered = _matched(connection, query)
        results.total = COUNT_CAP + 1 if matched is None else len(matched)
        start = (max(page, 1) - 1) * per_page
        end = min(start + per_page, COUNT_CAP) if results.more else start + per_page
        page_ids: list[int] = []
        scores: dict[int, float] = {}
        if start < min(end, results.total):
            if matched is None or (results.more and not ordered):  # not the newest: find them
                need, uncounted = max(end, RANKED), matched is None
                matched = _newest(connection, query, need)
                if uncounted and len(matched) < need:  # fewer than expected: these are all of them
                    results.total = len(matched)
            page_ids, scores = _ranked_page(connection, matched, query.text, start, end)
        rows = {row.id: row for row in connection.execute(
            select(SearchEntry.id, SearchEntry.subject, SearchEntry.body, SearchEntry.reply, SearchEntry.unit,
                   SearchEntry.category, SearchEntry.published).where(SearchEntry.id.in_(page_ids)))}
        for entry_id in page_ids:
            if (row := rows.get(entry_id)) is None:  # removed between the two statements
                continue
            results.hits.append(Hit(id=row.id, subject_html=highlight(row.subject, highlights, 200),
                                    snippet_html=highlight(f"{row.body} {row.reply}", highlights, 120),
                                    unit=row.unit, category=row.category, published=row.published,
                                    score=float(scores.get(entry_id, 0.0))))
        if not results.total and text_.strip():
            results.suggestions = _suggestions(connection, query.base, highlights)
    return results


def _matched(connection: Connection, query: _Query) -> tuple[list | None, bool]:
    """Up to COUNT_CAP + 1 matches (id, published), and whether they are the newest in order: for
    words the planner expects in at most ESTIMATED × COUNT_CAP entries, yes — from the GIN index
    without reading a tsvector, each match's row read to sort them (one pass counts and orders);
    otherwise the first found, the pass stopping there (a phrase's positions checked on each
    candidate until there are enough). None for a word taken as more without counting."""
    if query.surely_more(connection):
        return None, False
    matches = select(SearchEntry.id, SearchEntry.published).where(*query.base, *query.found, *query.exact)
    ordered = not query.exact and query.expected(connection) <= ESTIMATED * COUNT_CAP
    if ordered:
        matches = matches.order_by(SearchEntry.published.desc(), SearchEntry.id.desc())
    return connection.execute(matches.limit(COUNT_CAP + 1)).all(), ordered


def _ranked_page(connection: Connection, matched, query_text: str, start: int, end: int):
    """The page of ``matched`` (all the matches, or the newest ones): the newest RANKED by ts_rank,
    the rest newest first."""
    by_date = [row.id for row in sorted(matched, key=lambda row: (row.published, row.id), reverse=True)]
    newest = by_date[:RANKED]
    scores = {}
    if query_text:
        score = func.ts_rank(SearchEntry.terms, cast(literal(query_text), TSQUERY))
        scores = dict(connection.execute(select(SearchEntry.id, score).where(SearchEntry.id.in_(newest))).all())
    position = {entry_id: n for n, entry_id in enumerate(newest)}
    newest.sort(key=lambda entry_id: (-scores.get(entry_id, 0.0), position[entry_id]))
    return (newest + by_date[RANKED:])[start:end], scores


# A query with more than COUNT_CAP matches looks for its newest ``need`` among the newest need × 20
# entries first, then need × 160, need × 1,280, then all: each window is a bitmap of the GIN index and
# the date index, so a phrase's positions are checked only on the candidates inside it (sorting all
# 60,000 matches of a phrase by date read every one's tsvector).
WINDOWS = (20, 160, 1280)
_since_cache: dict[tuple[str, int], tuple[float, datetime | None]] = {}
SINCE_FOR = 300  # seconds: a window a little off holds more or fewer entries, never other results


def _newest(connection: Connection, query: _Query, need: int):
    """The newest ``need`` matches of ``query``: (id, published), newest first."""
    newest_first = (SearchEntry.published.desc(), SearchEntry.id.desc())
    if query.common(connection):
        with _connection("by date") as by_date:  # one condition: each entry's tsvector is read once
            whole = [_matches(query.text)] if query.text else []
            return by_date.execute(select(SearchEntry.id, SearchEntry.published).where(*query.base, *whole)
                                   .order_by(*newest_first).limit(need)).all()
    for size in [*(need * times for times in WINDOWS), None]:
        since = _since(size) if size else None
        window = [SearchEntry.published >= since] if since else []
        rows = connection.execute(select(SearchEntry.id, SearchEntry.published)
                                  .where(*query.base, *query.found, *window, *query.exact)
                                  .order_by(*newest_first).limit(need)).all()
        if len(rows) == need or since is None:
            break
    return rows


def _since(size: int) -> datetime | None:
    """The date of the ``size``-th newest entry (None when there are fewer), kept a few minutes."""
    key = (db.engine.url.render_as_string(hide_password=False), size)
    kept_at, since = _since_cache.get(key, (0.0, None))
    if time.monotonic() - kept_at > SINCE_FOR:
        with _connection("by date") as by_date:
            since = by_date.scalar(select(SearchEntry.published).order_by(SearchEntry.published.desc())
                                   .offset(size - 1).limit(1))
        _since_cache[key] = (time.monotonic(), since)
    return since


def _suggestions(connection: Connection, base: list, highlights: list[str]) -> list[tuple[str, int]]:
    """For an empty result: each word alone, with how many messages it finds (up to COUNT_CAP + 1)."""
    found = []
    for word in suggestion_words(highlights):
        if count := _capped_count(connection, [*base, _matches(tsquery([], [word]))]):
            found.append((word, count))
    return sorted(found, key=lambda item: -item[1])[:5]
