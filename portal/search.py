"""Full-text search over the *public* versions of published messages (R11.2), with Whoosh.

The analyzer (`ChineseTokenizer`) makes quoted phrases exact. At index time it emits every
dictionary word at every offset (rjieba's full mode, jieba-compatible) and every single
character, each at its character offset as its position. A phrase is cut into words that
tile it, and each word must stand exactly len(previous word) positions after the one before
(nested SpanNear2 with slop = mindist). So "噪音扰民" finds the texts that contain those four
characters in a row, and only those, whatever the segmentation around them; two-character
words (噪音, 城管) are found inside longer ones (城管委).

Only the public projection reaches the index: the reviewed public subject, body and reply, the
replying unit, category, topic, channel and dates — never the petitioner.
"""
import html
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path

import rjieba
from flask import current_app
from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.query import And, DateRange, Every, Term
from whoosh.query.spans import SpanNear2
from whoosh.sorting import FieldFacet, MultiFacet, ScoreFacet
from whoosh.writing import CLEAR

WORD = re.compile(r"[0-9a-z]+|[^\W\d_a-z]", re.UNICODE)  # an ASCII run, or one other letter (a 汉字)
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
QUOTED = re.compile(r"[\"“”「」『』]([^\"“”「」『』]+)[\"“”「」『』]")


def _load_domain_terms() -> None:
    for line in resources.files(__package__).joinpath("search_terms.txt").read_text("utf-8").splitlines():
        word, freq, tag = (line.split() + ["", "", ""])[:3]
        if word:
            rjieba.add_word(word, int(freq or 50), tag or "n")


_load_domain_terms()


def normalise(text: str) -> str:
    """Full-width to half-width, lower case: the same on both sides of the index."""
    return unicodedata.normalize("NFKC", text).lower()


def index_tokens(text: str) -> list[tuple[str, int]]:
    """(token, character offset): every dictionary word anywhere, every character, every ASCII run."""
    text = normalise(text)
    tokens = [(match.group(), match.start()) for match in WORD.finditer(text)]
    for run in HAN.finditer(text):  # words never span punctuation, spaces or Latin letters
        tokens.extend((word, run.start() + offset) for word, offset in _full_mode(run.group()) if len(word) > 1)
    return tokens


def _full_mode(run: str):
    """(word, offset) for every dictionary word in a run of 汉字. rjieba's full mode lists, for
    each position in turn, its single character and then the longer words that start there."""
    position = -1
    for word in rjieba.cut_all(run):
        if len(word) == 1 and run.startswith(word, position + 1):
            position += 1
        elif not run.startswith(word, position):  # never seen; keep the index right regardless
            position = run.find(word, max(position, 0))
            if position < 0:
                raise ValueError(f"cannot place {word!r} in {run!r}")
        yield word, position


def query_words(text: str) -> list[tuple[str, int]]:
    """(word, offset): words that tile ``text`` exactly — jieba's accurate mode without HMM guesses
    for 汉字, whole runs of Latin letters and digits — split as the index splits them."""
    words = []
    for match in re.finditer(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9a-z]+|[^\W_]", normalise(text)):
        if HAN.fullmatch(match.group()):
            offset = match.start()
            for word in rjieba.cut(match.group(), hmm=False):
                words.append((word, offset))
                offset += len(word)
        else:
            words.append((match.group(), match.start()))
    return words


class ChineseTokenizer(Tokenizer):
    """Whoosh tokenizer: index mode as above; in query mode, the tiling words."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pairs = index_tokens(value) if mode == "index" else query_words(value)
        for text, offset in pairs:
            token.text = token.original = text
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos + offset
            if chars:
                token.startchar, token.endchar = start_char + offset, start_char + offset + len(text)
            yield token


def schema() -> Schema:
    text = TEXT(analyzer=ChineseTokenizer(), phrase=True)
    return Schema(id=ID(stored=True, unique=True), number=NUMERIC(sortable=True), content=text,
                  subject=STORED, body=STORED, reply=STORED,
                  unit=ID(stored=True), category=ID(stored=True), topic=ID(stored=True),
                  channel=ID(stored=True), published=DATETIME(stored=True, sortable=True),
                  answered=DATETIME(stored=True))


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


@dataclass(frozen=True)
class Document:
    """What the index holds of one published message: its public projection only."""

    id: int
    subject: str
    body: str
    reply: str
    unit: str
    category: str
    topic: str
    channel: str
    published: datetime
    answered: datetime | None


def _fields(doc: Document) -> dict:
    return {"id": str(doc.id), "number": doc.id, "content": f"{doc.subject}\n{doc.body}\n{doc.reply}",
            "subject": doc.subject, "body": doc.body, "reply": doc.reply, "unit": doc.unit,
            "category": doc.category, "topic": doc.topic,
            "channel": doc.channel, "published": doc.published, "answered": doc.answered or doc.published}


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


# --- queries -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    unit: str = ""
    category: str = ""
    topic: str = ""
    channel: str = ""
    start: datetime | None = None
    end: datetime | None = None


@dataclass
class Hit:
    id: int
    subject_html: str
    snippet_html: str
    unit: str
    category: str
    published: datetime
    score: float


@dataclass
class Results:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)
    suggestions: list[tuple[str, int]] = field(default_factory=list)  # for an empty result: (word, count)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# A total order, so that pages never overlap: score, then newest first, then the message number.
ORDER = MultiFacet([ScoreFacet(), FieldFacet("published", reverse=True), FieldFacet("number", reverse=True)])


def parse(text: str):
    """A Whoosh query from what a citizen typed: "quoted phrases" exact, other words all required.
    Returns (query or None, the words to highlight)."""
    parts, highlights = [], []
    for phrase in QUOTED.findall(text):
        words = query_words(phrase)
        if words:
            parts.append(exact_phrase(words))
            highlights.append(normalise(phrase).strip())
    for word, _ in query_words(QUOTED.sub(" ", text)):
        parts.append(Term("content", word))
        highlights.append(word)
    return (And(parts) if parts else None), highlights


def exact_phrase(words: list[tuple[str, int]]):
    """The words in a row, each exactly as many characters after the previous one as in the phrase."""
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


def search(text: str, filters: Filters = Filters(), page: int = 1, per_page: int = 10) -> Results:
    query, highlights = parse(text)
    results = Results(query=text, total=0, page=page, per_page=per_page)
    searcher = _searcher()
    filter_query = _filter_query(filters)
    if query is None:
        query = Every()
    page_hits = searcher.search_page(query, max(page, 1), pagelen=per_page, filter=filter_query, sortedby=ORDER)
    results.total = page_hits.total
    for hit in page_hits:
        results.hits.append(Hit(id=int(hit["id"]), subject_html=highlight(hit["subject"], highlights, 200),
                                snippet_html=highlight(f"{hit['body']} {hit['reply']}", highlights, 120),
                                unit=hit["unit"], category=hit["category"], published=hit["published"],
                                score=-hit.score[0]))  # with sortedby, the score is the sort key
    if not results.total and text.strip():
        results.suggestions = _suggestions(searcher, highlights, filter_query)
    return results


def _suggestions(searcher, words, filter_query) -> list[tuple[str, int]]:
    """For an empty result: each word alone, with how many messages it finds."""
    found = []
    for word in dict.fromkeys(w for phrase in words for w, _ in query_words(phrase)):
        if len(word) > 1 or len(words) == 1:
            count = len(searcher.search(Term("content", word), limit=None, filter=filter_query))
            if count:
                found.append((word, count))
    return sorted(found, key=lambda item: -item[1])[:5]


def highlight(text: str, words: list[str], width: int) -> str:
    """An HTML-escaped excerpt of ``text`` around the first match, every match in <mark>."""
    spans = _match_spans(text, words)
    if len(text) <= width or not spans:
        start, end = 0, min(len(text), width)
    else:
        start = max(0, spans[0][0] - width // 4)
        end = min(len(text), start + width)
    out, cursor = [], start
    for s, e in spans:
        if s < cursor or e > end:
            continue
        out.append(html.escape(text[cursor:s]) + "<mark>" + html.escape(text[s:e]) + "</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


def _match_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    folded = normalise(text)
    if len(folded) != len(text):  # NFKC changed the length: fall back to the text as it is
        folded = text.lower()
    spans = []
    for word in sorted(set(filter(None, words)), key=len, reverse=True):
        spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(word), folded))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
