"""The PostgreSQL backend: entries are rows of `search_entry` in the application's database, so every
web host sees the same results and a publication commits together with its entry.

The analyzer runs in Python (the same tokens as Whoosh) and its output is stored as a `tsvector`
literal — no PostgreSQL parser or dictionary touches it, which is what the `simple` configuration
would do at best. Each token's position is its character offset + 1, so a quoted phrase becomes
`'噪音' <2> '扰民'`: each word exactly as many characters after the previous one as in the phrase.
A GIN index serves `@@`; ts_rank orders, then the newest, then the number (a total order).

PostgreSQL keeps positions up to 16,383 and 256 positions per lexeme: beyond that (texts of more
than 16,000 characters) a phrase can be missed in the far end of a text; a word never is.
"""
from itertools import islice

from sqlalchemy import String, cast, delete, exists, func, literal, select, text
from sqlalchemy.dialects.postgresql import TSQUERY, insert

from ..extensions import db
from ..models import Message, SearchEntry
from .analyzer import highlight, parse, suggestion_words, token_positions
from .documents import Document, Filters, Hit, Results

MAX_POSITION, MAX_POSITIONS = 16383, 256


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(text_: str) -> str:
    """The tsvector literal of ``text_``: every token with its positions (character offset + 1). Tokens
    are letters and digits only (analyzer.WORD, HAN), so none needs escaping; the positions of each come
    ascending and distinct."""
    parts = []
    for token, places in token_positions(text_).items():
        if len(places) > MAX_POSITIONS or places[-1] >= MAX_POSITION:
            places = sorted({min(place, MAX_POSITION - 1) for place in places})[:MAX_POSITIONS]
        parts.append(f"'{token}':{','.join([str(place + 1) for place in places])}")
    return " ".join(parts)


def tsquery(phrases: list[list[tuple[str, int]]], words: list[str]) -> str:
    parts = []
    for phrase in phrases:
        out = _lexeme(phrase[0][0])
        for (_, before), (word, offset) in zip(phrase, phrase[1:], strict=False):
            out += f" <{offset - before}> {_lexeme(word)}"
        parts.append(f"({out})")
    parts.extend(_lexeme(word) for word in words)
    return " & ".join(parts)


def _row(doc: Document) -> dict:
    return {"id": doc.id, "subject": doc.subject, "body": doc.body, "reply": doc.reply, "unit": doc.unit,
            "category": doc.category, "topic": doc.topic, "channel": doc.channel, "published": doc.published,
            "answered": doc.answered, "terms": tsvector(doc.content)}


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
    it commits."""
    db.session.execute(delete(SearchEntry))
    columns = [column.name for column in SearchEntry.__table__.columns]
    count, documents = 0, iter(documents)
    cursor = db.session.connection().connection.driver_connection.cursor()  # psycopg's COPY: the fastest way in
    with cursor.copy(f"COPY search_entry ({', '.join(columns)}) FROM STDIN") as copy:
        while batch := list(islice(documents, 1000)):
            for doc in batch:
                row = _row(doc)
                copy.write_row([row[name] for name in columns])
            count += len(batch)
            progress(count)
    db.session.commit()
    return count


def reindex(load, published_ids, progress=lambda n: None, batch_size: int = 500) -> int:
    """Rebuild from the database in short transactions of 500 messages, each reading its messages under
    a share lock: a withdrawal waits for one batch at most and then removes its entry after it, so the
    reindex can never put back what was just withdrawn. Entries no longer published go at the end."""
    ids, count = list(published_ids), 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start:start + batch_size]
        documents = list(load(batch, lock=True))
        _upsert([_row(doc) for doc in documents])
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


def search(text_: str, filters: Filters, page: int, per_page: int, hidden=frozenset()) -> Results:
    phrases, words, highlights = parse(text_)
    results = Results(query=text_, total=0, page=page, per_page=per_page)
    conditions = _conditions(filters)
    if phrases or words:
        query_text = tsquery(phrases, words)
        conditions.append(_matches(query_text))
        score = func.ts_rank(SearchEntry.terms, cast(literal(query_text), TSQUERY))
    else:
        score = literal(0.0)
    rows = db.session.execute(
        select(SearchEntry.id, SearchEntry.subject, SearchEntry.body, SearchEntry.reply, SearchEntry.unit,
               SearchEntry.category, SearchEntry.published, score.label("score"), func.count().over().label("total"))
        .where(*conditions)
        .order_by(text("score DESC"), SearchEntry.published.desc(), SearchEntry.id.desc())
        .limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    if rows:
        results.total = rows[0].total
    elif page > 1:  # a page past the end still says how many there are
        results.total = db.session.scalar(select(func.count()).select_from(SearchEntry).where(*conditions))
    for row in rows:
        results.hits.append(Hit(id=row.id, subject_html=highlight(row.subject, highlights, 200),
                                snippet_html=highlight(f"{row.body} {row.reply}", highlights, 120),
                                unit=row.unit, category=row.category, published=row.published,
                                score=float(row.score)))
    if not results.total and text_.strip():
        base = _conditions(filters)
        found = []
        for word in suggestion_words(highlights):
            count = db.session.scalar(select(func.count()).select_from(SearchEntry)
                                      .where(*base, _matches(tsquery([], [word]))))
            if count:
                found.append((word, count))
        results.suggestions = sorted(found, key=lambda item: -item[1])[:5]
    return results
