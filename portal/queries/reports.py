"""The monthly and quarterly analysis report (R10.1; CZ 第十一条, LN 第二十五条) and the channel
reconciliation of CZ 第九条(一) (R1.4). Read-only: figures for the report page and its exports.

What the report shows of the messages is masked (the personal-data detectors of rules/redaction.py,
with each petitioner's own details), so that no phone number, name or address of a citizen reaches
the report, the page or the files exported.
"""
import hashlib
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import undefer

from .. import clock, textmining
from ..extensions import db
from ..models import Event, Message, MinedPeriod, Petitioner, Rating, Unit
from ..rules import redaction
from ..rules.assessment import percent
from ..rules.periods import Period
from ..rules.workflow import Status
from .common import policy
from .projection import on_time_count

TOP = 12  # rows per breakdown before "其他"


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    previous: int

    @property
    def change(self) -> float | None:
        """Percentage change against the previous period (None when it had none)."""
        return round(100 * (self.count - self.previous) / self.previous, 1) if self.previous else None


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class Example:
    tracking_no: str
    subject: str  # masked
    unit: str


@dataclass(frozen=True)
class HotTopic:
    word: str
    messages: int
    examples: list[Example]


@dataclass(frozen=True)
class SimilarGroup:
    size: int
    examples: list[Example]  # every message of the group


@dataclass(frozen=True)
class ChannelBalance:
    channel: str
    open_at_start: int
    received: int
    closed: int
    open_at_end: int

    @property
    def balanced(self) -> bool:  # 对账：上期结转 + 本期受理 − 本期办结 = 期末在办
        return self.open_at_start + self.received - self.closed == self.open_at_end


@dataclass
class AnalysisReport:
    period: Period
    previous: Period
    received: int
    previous_received: int
    answered: int
    on_time: int
    on_time_rate: float | None
    previous_on_time_rate: float | None
    ratings: int
    satisfied: int
    satisfaction_rate: float | None
    previous_satisfaction_rate: float | None
    previous_answered: int = 0
    previous_ratings: int = 0
    breakdowns: list[Breakdown] = field(default_factory=list)
    hot_topics: list[HotTopic] = field(default_factory=list)
    groups: list[SimilarGroup] = field(default_factory=list)
    reconciliation: list[ChannelBalance] = field(default_factory=list)
    operations: list[Row] = field(default_factory=list)  # R12: each everyday operation, counted

    @property
    def change(self) -> float | None:
        return Row("", self.received, self.previous_received).change


def utc_bounds(period: Period) -> tuple[datetime, datetime]:
    return clock.day_start_utc(period.start), clock.day_start_utc(period.end)


def analysis(period: Period) -> AnalysisReport:
    previous = period.previous()
    current_rows, previous_rows = _volume_rows(period), _volume_rows(previous)
    on_time, answered = _on_time(period)
    previous_on_time, previous_answered = _on_time(previous)
    satisfied, ratings = _satisfaction(period)
    previous_satisfied, previous_ratings = _satisfaction(previous)
    report = AnalysisReport(
        period=period, previous=previous, received=len(current_rows), previous_received=len(previous_rows),
        answered=answered, on_time=on_time, on_time_rate=percent(on_time, answered),
        previous_on_time_rate=percent(previous_on_time, previous_answered),
        ratings=ratings, satisfied=satisfied, satisfaction_rate=percent(satisfied, ratings),
        previous_satisfaction_rate=percent(previous_satisfied, previous_ratings),
        previous_answered=previous_answered, previous_ratings=previous_ratings)
    report.breakdowns = _breakdowns(current_rows, previous_rows)
    report.hot_topics, report.groups = _text_mining(period)
    report.reconciliation = reconciliation(period)
    report.operations = [Row(label, now, before) for (label, now), (_, before)
                         in zip(operations(period), operations(previous), strict=True)]
    return report


# Everyday operations (R12) counted by the moves recorded in the period.
OPERATION_EVENTS = (("answer_on_call", "即时办结"), ("mark_repeat", "重复件"), ("withdraw", "诉求人撤回"),
                    ("supplement", "诉求人补充"), ("reopen", "重新办理"),
                    ("mark_complaint", "标记投诉对象"))


def operations(period: Period) -> list[tuple[str, int]]:
    start, end = utc_bounds(period)
    in_period = (Event.created_at >= start, Event.created_at < end)
    counts = dict(db.session.execute(select(Event.kind, func.count()).where(
        *in_period, Event.kind.in_([kind for kind, _ in OPERATION_EVENTS])).group_by(Event.kind)).all())
    received = (Message.received_at >= start, Message.received_at < end)
    callbacks = db.session.scalar(select(func.count()).select_from(Rating).where(
        Rating.recorded_by_id.is_not(None), Rating.rated_at >= start, Rating.rated_at < end))
    return [
        ("匿名留言", db.session.scalar(select(func.count()).where(Message.anonymous, *received))),
        ("突发类事项", db.session.scalar(select(func.count()).where(Message.is_emergency, *received))),
        *[(label, counts.get(kind, 0)) for kind, label in OPERATION_EVENTS],
        ("电话回访代为评价", callbacks),
    ]


def _volume_rows(period: Period) -> list[tuple]:
    start, end = utc_bounds(period)
    return db.session.execute(
        select(Message.channel, Message.category, Message.topic, Unit.name, Message.region)
        .outerjoin(Unit, Unit.id == Message.lead_unit_id)
        .where(Message.received_at >= start, Message.received_at < end)).all()


DIMENSIONS = (("channel", "按来源渠道"), ("category", "按诉求类别"), ("topic", "按问题领域"),
              ("unit", "按承办单位"), ("region", "按地区"))


def _breakdowns(current_rows, previous_rows) -> list[Breakdown]:
    names = {"channel": _channel_name, "category": _category_label}
    result = []
    for position, (key, title) in enumerate(DIMENSIONS):
        blank = "未交办" if key == "unit" else "未填写"
        label = names.get(key, lambda value, blank=blank: value or blank)
        now, before = (_counted(rows, position, label) for rows in (current_rows, previous_rows))
        rows = [Row(name, count, before.get(name, 0)) for name, count in now.most_common()]
        if len(rows) > TOP:
            shown = {row.label for row in rows[:TOP]}
            rest = Row("其他", sum(r.count for r in rows[TOP:]), sum(v for k, v in before.items() if k not in shown))
            rows = [*rows[:TOP], rest]
        result.append(Breakdown(key, title, rows))
    return result


def _counted(rows, position: int, label) -> Counter:
    """Rows by the label of their value at ``position``: each distinct value labelled once (10,000 rows
    have a few dozen), labels in the order they first occur."""
    counted = Counter()
    for value, count in Counter(row[position] for row in rows).items():
        counted[label(value)] += count
    return counted


def _channel_name(code: str) -> str:
    try:
        return policy().channel(code).name
    except ValueError:
        return code


def _category_label(code: str) -> str:
    try:
        return policy().category_label(code)
    except ValueError:
        return code


def _on_time(period: Period) -> tuple[int, int]:
    start, end = utc_bounds(period)
    return on_time_count(Message.answered_at >= start, Message.answered_at < end)


def _satisfaction(period: Period) -> tuple[int, int]:
    start, end = utc_bounds(period)
    levels = db.session.scalars(select(Rating.level).where(Rating.rated_at >= start, Rating.rated_at < end)).all()
    good = set(policy().satisfied_ratings)
    return sum(level in good for level in levels), len(levels)


@dataclass(frozen=True)
class _Text:
    id: int
    tracking_no: str
    subject: str
    body: str
    unit: str


def period_texts(start: datetime, end: datetime) -> list[_Text]:
    """The messages received in [start, end), in order, with their lead unit — as written (not masked)."""
    rows = db.session.execute(
        select(Message.id, Message.tracking_no, Message.subject, Message.body, Unit.name)
        .outerjoin(Unit, Unit.id == Message.lead_unit_id)
        .where(Message.received_at >= start, Message.received_at < end).order_by(Message.received_at, Message.id))
    return [_Text(*row[:4], row[4] or "未交办") for row in rows]


HOT_TOPICS, GROUPS, GROUP_EXAMPLES = 15, 20, 12


@dataclass
class Mined:
    """What the report mines from a period's texts, by message id (stored as models.MinedPeriod)."""

    digest: str
    corpus: textmining.Corpus | None  # every message's words (None: the stored ones are still right)
    pairs: list[tuple[int, int]]  # every near-duplicate pair
    keywords: list[tuple]  # (word, messages, score, [example message ids])
    groups: list[list[int]]  # the largest groups of near-duplicates


def digest_of(texts: list[_Text]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for text in texts:
        digest.update(f"{text.id}\x1f{text.subject}\x1f{text.body}\x1e".encode())
    return digest.hexdigest()


def _text_hash(text: _Text) -> bytes:
    return hashlib.blake2b(f"{text.subject}\x1f{text.body}".encode(), digest_size=8).digest()


def mine(texts: list[_Text], stored: MinedPeriod | None = None, *, digest: str | None = None) -> Mined:
    """Keywords and groups of similar messages of ``texts``. What ``stored`` holds of the same period
    is reused: all of it while the texts are the same; else its words (`packed`, a textmining.Corpus)
    and pairs, so that only the new or changed messages are segmented and compared with the others,
    and the keywords are counted from each word's list of messages rather than from every text."""
    digest = digest or digest_of(texts)
    if stored is not None and stored.digest == digest:
        return Mined(digest, None, [tuple(p) for p in stored.pairs], stored.keywords, stored.groups)
    known = _unpacked(stored)
    if known is None:
        return _mine_all(texts, digest)
    corpus, new = _brought_up_to_date(known, texts)
    if len(new) > max(len(texts) // 10, 20):  # many new: one join of all is quicker
        pairs = textmining.near_duplicates(*corpus.word_lists())
    else:
        position = {message_id: index for index, message_id in enumerate(corpus.keys)}
        pairs = {(min(position[a], position[b]), max(position[a], position[b])) for a, b in stored.pairs
                 if position.get(a) is not None and position.get(b) is not None
                 and position[a] not in new and position[b] not in new}
        pairs |= corpus.pairs_with(new)
    return _result(digest, corpus, pairs, corpus.keywords(3 * HOT_TOPICS))


def _unpacked(stored: MinedPeriod | None) -> textmining.Corpus | None:
    """The stored words; none if there are none or they are packed as this code cannot read (an older
    version: the period is then mined in full, as if nothing were stored)."""
    if stored is None or stored.packed is None:
        return None
    try:
        return textmining.Corpus.unpack(stored.packed)
    except ValueError:
        return None


def _mine_all(texts: list[_Text], digest: str) -> Mined:
    """Every text segmented, all pairs joined at once, the keywords counted over all the words."""
    subjects = [textmining.words(text.subject) for text in texts]
    bodies = [textmining.words(text.body) for text in texts]
    corpus = textmining.Corpus.of(subjects, bodies, [t.id for t in texts], [_text_hash(t) for t in texts])
    keywords = textmining.keywords([s + b for s, b in zip(subjects, bodies, strict=True)], limit=3 * HOT_TOPICS)
    return _result(digest, corpus, textmining.near_duplicates(subjects, bodies), keywords)


def _brought_up_to_date(corpus: textmining.Corpus, texts: list[_Text]) -> tuple[textmining.Corpus, set[int]]:
    """The stored corpus made that of ``texts``: the positions of the messages new or changed since,
    segmented and put in (the others' words reused)."""
    ids = [text.id for text in texts]
    if ids[:len(corpus)] != corpus.keys:  # a message left the period or came in between others
        corpus = corpus.reordered(ids)
    new = set()
    for position, text in enumerate(texts):
        mark = _text_hash(text)
        if position == len(corpus) or corpus.marks[position] != mark:
            corpus.put(position, text.id, mark, textmining.words(text.subject), textmining.words(text.body))
            new.add(position)
    return corpus, new


def _result(digest: str, corpus: textmining.Corpus, pairs: set, keywords: list) -> Mined:
    ids = corpus.keys
    groups = textmining.groups_of(len(ids), pairs)[:GROUPS]
    return Mined(digest, corpus, sorted((ids[a], ids[b]) for a, b in pairs),
                 [(k.word, k.messages, k.score, [ids[i] for i in k.examples]) for k in keywords],
                 [[ids[i] for i in group] for group in groups])


_mined: OrderedDict[str, Mined] = OrderedDict()  # period and digest → mined; a few periods' worth


def mining(period: Period, texts: list[_Text]) -> Mined:
    """The period's mined texts: from what `flask tick` stored, mining only what came in since; kept
    per process by the digest of the texts (the page and its two files ask for the same period)."""
    digest = digest_of(texts)
    key = f"{period.key}:{digest}"
    if key not in _mined:
        stored = _stored(period, with_words=False)
        if stored is not None and stored.digest != digest:
            stored = _stored(period, with_words=True)
        _mined[key] = replace(mine(texts, stored, digest=digest), corpus=None)  # the view needs no words
        while len(_mined) > 12:
            _mined.popitem(last=False)
    return _mined[key]


def _stored(period: Period, *, with_words: bool) -> MinedPeriod | None:
    """The period's stored mining; with its words in the same statement as its pairs (a tick may store
    the period again between two statements: words and pairs must be of the same run)."""
    query = select(MinedPeriod).where(MinedPeriod.period == period.key)
    if with_words:
        query = query.options(undefer(MinedPeriod.packed)).execution_options(populate_existing=True)
    return db.session.scalar(query)


def _text_mining(period: Period) -> tuple[list[HotTopic], list[SimilarGroup]]:
    """Hot topics and repeated matters. Mining reads the texts as written; what is shown is masked,
    and a keyword that is part of someone's personal data in its messages is left out."""
    texts = period_texts(*utc_bounds(period))
    mined = mining(period, texts)
    position = {text.id: index for index, text in enumerate(texts)}
    keywords = [(word, messages, [position[i] for i in examples]) for word, messages, _, examples in mined.keywords]
    groups = [[position[i] for i in group] for group in mined.groups]
    shown = {i for _, _, examples in keywords for i in examples} | {i for g in groups for i in g[:GROUP_EXAMPLES]}
    masker = _Masker({texts[i].id for i in shown})
    topics = []
    for word, messages, indexes in keywords:
        examples = [texts[i] for i in indexes]
        if not any(masker.is_personal(word, text) for text in examples):
            topics.append(HotTopic(word, messages, [masker.example(t) for t in examples]))
    similar = [SimilarGroup(len(g), [masker.example(texts[i]) for i in g[:GROUP_EXAMPLES]]) for g in groups]
    return topics[:HOT_TOPICS], similar


class _Masker:
    """Masks the few texts a report shows, with the petitioners' own details (R9)."""

    def __init__(self, message_ids: set[int]):
        self.style = policy().redaction
        self.details: dict[int, list[str]] = {}
        for petitioner in db.session.scalars(select(Petitioner).where(Petitioner.message_id.in_(message_ids))):
            self.details[petitioner.message_id] = [petitioner.name, petitioner.phone, petitioner.email,
                                                   petitioner.address, petitioner.id_number]

    def _spans(self, text: str, message_id: int):
        return redaction.detect(text, petitioner=self.details.get(message_id, []))

    def is_personal(self, word: str, text: _Text) -> bool:
        spans = self._spans(f"{text.subject}\n{text.body}", text.id)
        return any(word in span.text for span in spans) or word in self.details.get(text.id, [])

    def example(self, text: _Text) -> Example:
        masked = redaction.mask(text.subject, self._spans(text.subject, text.id), self.style)
        return Example(text.tracking_no, masked, text.unit)


def reconciliation(period: Period) -> list[ChannelBalance]:
    """Per channel: carried over, received, closed (办结 or 不予受理), still open — one query."""
    start, end = utc_bounds(period)
    done_at = case((Message.status.in_([Status.CLOSED, Status.ARCHIVED]), Message.closed_at),
                   (Message.status == Status.REJECTED, Message.screened_at), else_=None)

    def open_at(moment):
        return and_(Message.received_at < moment, or_(done_at.is_(None), done_at >= moment))

    rows = db.session.execute(
        select(Message.channel,
               func.count().filter(open_at(start)),
               func.count().filter(Message.received_at >= start, Message.received_at < end),
               func.count().filter(done_at >= start, done_at < end),
               func.count().filter(open_at(end)))
        .where(Message.received_at < end, or_(done_at.is_(None), done_at >= start))
        .group_by(Message.channel)).all()
    found = {row[0]: row[1:] for row in rows}
    return [ChannelBalance(channel.name, *found.get(channel.code, (0, 0, 0, 0))) for channel in policy().channels]
