"""Repeat hints (重复件, R12.4): the messages most like a text, by the similarity the monthly report
computes (Jaccard over content words, textmining.words), answered from an inverted index.

Each message's distinct words are kept as keyed hashes (BLAKE2b under a key derived from SECRET_KEY)
in `similarity_term`, written by the intake services in the transaction that creates the message;
nothing there reads back as text. `flask repeats reindex` rebuilds it (after a new SECRET_KEY too).

The lookup is exact for every message at or above a threshold t: a message y with J(x, y) >= t shares
at least ceil(t·|x|) words with x, so it shares one of any |x| - ceil(t·|x|) + 1 words of x; those
probed are x's rarest (by the report's background document frequencies), whose postings are short.
The candidates' remaining overlap is then counted from the index by message. For the top k the
threshold starts high and is lowered only while fewer than k messages reach it: any message found at
threshold t beats every one not found.
"""
import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, select

from .extensions import db
from .models import Message, SimilarityTerm
from .textmining import background_idf, words

MIN_OVERLAP = 0.2  # below this two messages are not the same matter
THRESHOLDS = (0.5, 0.35, MIN_OVERLAP)
BATCH = 200
REPEAT_OF = ("to_assign", "assigned", "return_requested", "signoff", "review", "answered", "visited")


def _key() -> bytes:
    app = current_app.extensions.setdefault("wenzheng_similarity", {})
    if "key" not in app:
        secret = str(current_app.config["SECRET_KEY"]).encode()
        app["key"] = hashlib.blake2b(secret, person=b"wz-repeat-index", digest_size=32).digest()
    return app["key"]


def fingerprint(subject: str, body: str) -> list[int]:
    """The text's distinct content words as keyed 63-bit hashes, rarest word first."""
    idf, unseen = background_idf()
    distinct = sorted(set(words(f"{subject} {body}")), key=lambda w: (-idf.get(w, unseen), w))
    key = _key()
    return [int.from_bytes(hashlib.blake2b(w.encode(), key=key, digest_size=8).digest(), "big") >> 1
            for w in distinct]


def index_message(message: Message) -> None:
    """Add ``message``'s entries to the session (the caller commits, with the message)."""
    terms = fingerprint(message.subject, message.body)
    db.session.add_all(SimilarityTerm(term=t, received_at=message.received_at, message=message, size=len(terms))
                       for t in terms)


def reindex_all(batch: int = 2000) -> int:
    """Rebuild the whole index from the messages; returns how many were indexed."""
    db.session.execute(delete(SimilarityTerm))
    done, last = 0, 0
    while True:
        rows = db.session.execute(select(Message.id, Message.subject, Message.body, Message.received_at)
                                  .where(Message.id > last).order_by(Message.id).limit(batch)).all()
        if not rows:
            break
        entries = []
        for message_id, subject, body, received_at in rows:
            terms = fingerprint(subject, body)
            entries += [{"term": t, "received_at": received_at, "message_id": message_id, "size": len(terms)}
                        for t in terms]
        if entries:
            db.session.execute(SimilarityTerm.__table__.insert(), entries)
        done, last = done + len(rows), rows[-1][0]
    db.session.commit()
    return done


@dataclass(frozen=True)
class Hit:
    message_id: int
    score: float  # Jaccard similarity of the content words


def nearest(terms: list[int], *, since: datetime, exclude: int | None = None, limit: int = 5) -> list[Hit]:
    """The ``limit`` messages received since ``since`` most like ``terms`` (a fingerprint), that a repeat
    may join: accepted, open or answered, not withdrawn and not a repeat themselves; best first."""
    found: dict[int, float] = {}
    for threshold in THRESHOLDS:
        found = _at_least(terms, threshold, since, exclude)
        if len(found) >= limit:
            break
    ranked = sorted(found.items(), key=lambda item: (-item[1], -item[0]))[:limit]
    return [Hit(message_id, score) for message_id, score in ranked]


def _at_least(terms: list[int], threshold: float, since: datetime, exclude: int | None) -> dict[int, float]:
    """Every joinable message with J >= threshold, with its J."""
    n = len(terms)
    if n == 0:
        return {}
    probe, rest = terms[:n - math.ceil(threshold * n) + 1], terms[n - math.ceil(threshold * n) + 1:]
    T = SimilarityTerm
    hits = db.session.execute(
        select(T.message_id, T.size, func.count()).where(
            T.term.in_(probe), T.received_at >= since,
            T.size >= math.ceil(threshold * n - 1e-9), T.size <= n / threshold)
        .group_by(T.message_id, T.size)).all()
    candidates = []
    for message_id, size, shared in hits:
        best = min(shared + len(rest), size)  # the most it could share
        if message_id != exclude and best / (n + size - best) >= threshold - 1e-9:
            candidates.append((message_id, size, shared))
    scores = {}
    for start in range(0, len(candidates), BATCH):
        batch = {c[0]: c for c in candidates[start:start + BATCH]}
        joinable = set(db.session.scalars(select(Message.id).where(Message.id.in_(batch), *_joinable())))
        more = dict(db.session.execute(
            select(T.message_id, func.count()).where(T.message_id.in_(joinable), T.term.in_(rest))
            .group_by(T.message_id)).all()) if rest and joinable else {}
        for message_id in joinable:
            _, size, shared = batch[message_id]
            common = shared + more.get(message_id, 0)
            score = common / (n + size - common)
            if score >= threshold - 1e-9:
                scores[message_id] = score
    return scores


def _joinable() -> Iterable:
    return (Message.repeat_of_id.is_(None), Message.withdrawn_at.is_(None),
            Message.status.in_(REPEAT_OF) | ((Message.status == "closed") & Message.answered_at.is_not(None)))
