"""Repeat hints (重复件, R12.4): the messages most like a text, by the similarity the monthly report
computes (Jaccard over content words, textmining.words), answered from an inverted index.

Each message's distinct words are kept as keyed hashes (BLAKE2b under a key derived from SECRET_KEY)
in `similarity_term`, written by the intake services in the transaction that creates the message;
nothing there reads back as text. `flask repeats reindex` rebuilds it (after a new SECRET_KEY too).

The lookup is exact for every message at or above a threshold t: a message y with J(x, y) >= t shares
at least ceil(t·|x|) words with x, so it shares one of any |x| - ceil(t·|x|) + 1 words of x; those
probed are x's rarest (by the report's background document frequencies), whose postings are short.
For the top k the threshold starts high and more postings are read only while fewer than k checked
messages reach it: any message found at threshold t beats every one not found (see ``nearest``).
"""
import hashlib
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select

from .extensions import db
from .models import Message, SimilarityTerm
from .textmining import background_idf, words

MIN_OVERLAP = 0.2  # below this two messages are not the same matter
STAGES = (0.8, 0.6, 0.45, 0.3, MIN_OVERLAP)  # read the postings of more words only while fewer than k reach it
BATCH = 50
BUDGET = (40_000, 300)  # postings read, candidates checked: see ``nearest``
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


def nearest(terms: list[int], *, since: datetime, exclude: int | None = None, limit: int = 5,
            budget: tuple[int, int] | None = BUDGET) -> list[Hit]:
    """The ``limit`` messages received since ``since`` most like ``terms`` (a fingerprint) with a Jaccard
    similarity of MIN_OVERLAP or more, that a repeat may join: accepted, open or answered, not withdrawn
    and not a repeat themselves; best first.

    Postings are read rarest word first, in stages: after the stage of threshold t every message with
    J >= t has been seen. The candidates are checked (joinable, then their exact J from their own
    entries) in order of the best J they could still reach; the search stops as soon as ``limit``
    checked messages score t or more and no unchecked one could beat the last of them.

    ``budget`` (postings read, candidates checked) bounds the work for a text like many others in
    common words only: no further stage is read once the postings read exceed the first, no more
    candidates are checked past the second. The answer is then exact down to the last stage read
    and, below it, the best of the candidates checked (bench/repeats_bench.py counts how often that
    differs from the exact answer). None: always exact."""
    n, wanted = len(terms), set(terms)
    if n == 0:
        return []
    shared: Counter[int] = Counter()
    sizes: dict[int, int] = {}
    exact: dict[int, float] = {}
    settled: set[int] = set() if exclude is None else {exclude}
    read, postings, checked = 0, 0, 0
    most_postings, most_checked = budget or (2**62, 2**62)
    for threshold in STAGES:
        if postings > most_postings or checked >= most_checked:
            break
        upto = n - math.ceil(threshold * n - 1e-9) + 1
        for message_id, size in _postings(terms[read:upto], since, n):
            shared[message_id] += 1
            sizes[message_id] = size
            postings += 1
        read, left = upto, n - upto

        def could_reach(message_id: int, left: int = left) -> float:
            common = shared[message_id]
            more = min(left, sizes[message_id] - common)
            return (common + more) / (n + sizes[message_id] - common - more)

        floor = max(threshold, _kth(exact, limit)) - 1e-9
        queue = sorted((m for m in shared if m not in settled and could_reach(m) >= floor), key=could_reach,
                       reverse=True)
        for start in range(0, len(queue), BATCH):
            bar = max(threshold, _kth(exact, limit))
            batch = [m for m in queue[start:start + BATCH] if could_reach(m) >= bar - 1e-9][:most_checked - checked]
            if not batch:
                break
            settled.update(batch)
            checked += len(batch)
            for message_id, their in _entries(_joinable_among(batch)).items():
                common = len(wanted & their)
                score = common / (n + len(their) - common)
                if score >= MIN_OVERLAP - 1e-9:
                    exact[message_id] = score
        if _kth(exact, limit) >= threshold - 1e-9:
            break  # every message not yet checked scores below the last of the ``limit`` found
    ranked = sorted(exact.items(), key=lambda item: (-item[1], -item[0]))[:limit]
    return [Hit(message_id, score) for message_id, score in ranked]


def _kth(scores: dict[int, float], k: int) -> float:
    return sorted(scores.values(), reverse=True)[k - 1] if len(scores) >= k else 0.0


def _postings(terms: list[int], since: datetime, n: int) -> list[tuple[int, int]]:
    """(message, its size) for each entry of ``terms`` received since ``since``, of a size that can reach
    MIN_OVERLAP with n words. Plain SQL: tens of thousands of rows come back, read without row objects.
    The terms are integers and the date is formatted here, so both are written into the statement."""
    if not terms:
        return []
    low, high = math.ceil(MIN_OVERLAP * n - 1e-9), math.floor(n / MIN_OVERLAP)
    sql = (f"SELECT message_id, size FROM similarity_term WHERE term IN ({','.join(str(int(t)) for t in terms)}) "
           f"AND received_at >= '{since:%Y-%m-%d %H:%M:%S}' AND size BETWEEN {low} AND {high}")
    return db.session.connection().exec_driver_sql(sql).all()


def _joinable_among(ids: list[int]) -> list[int]:
    return list(db.session.scalars(select(Message.id).where(Message.id.in_(ids), *_joinable())))


def _entries(ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        sql = f"SELECT message_id, term FROM similarity_term WHERE message_id IN ({','.join(str(int(i)) for i in ids)})"
        for message_id, term in db.session.connection().exec_driver_sql(sql):
            found[message_id].add(term)
    return found


def _joinable() -> Iterable:
    return (Message.repeat_of_id.is_(None), Message.withdrawn_at.is_(None),
            Message.status.in_(REPEAT_OF) | ((Message.status == "closed") & Message.answered_at.is_not(None)))
