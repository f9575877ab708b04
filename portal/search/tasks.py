"""Index tasks: the index never falls behind the database.

A decision that changes what is public (publish, withdraw, hide) adds a `SearchTask` in its own
transaction. `apply_pending()` runs right after the commit and from `tick`: it brings each message's
entry to the message's state *at that moment*, then deletes the task; when the index refuses (its lock
is held by a reindex, the disk is full) the task stays and is retried, with growing pauses after real
errors. A worker killed between the commit and the index write leaves the task for the next run.
"""
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, or_, select

from .. import clock
from ..extensions import db
from ..models import Message, SearchTask

log = logging.getLogger(__name__)
RETRY_MINUTES = (1, 5, 25, 125, 600)  # then every 10 hours until it works; `reindex --check` shows it


def enqueue(message_ids) -> None:
    """In the caller's transaction: these messages' entries must follow their new state."""
    db.session.add_all(SearchTask(message_id=message_id) for message_id in message_ids)


def _load(message_ids, lock=False):
    from ..queries.projection import search_documents

    return search_documents(message_ids, lock=lock)


@dataclass
class Applied:
    applied: int = 0
    waiting: int = 0  # the index is busy (a reindex): left for the next run
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def apply_pending(backend, limit: int = 500, timeout: float = 1.0, rounds: int | None = None) -> Applied:
    """Apply due tasks, ``limit`` at a time, until none is left (or ``rounds`` batches). Several workers
    or hosts may run it at once: on PostgreSQL each takes rows the others have not locked."""
    report = Applied()
    while rounds is None or rounds > 0:
        rounds = None if rounds is None else rounds - 1
        now = clock.now()
        query = (select(SearchTask).where(or_(SearchTask.next_try_at.is_(None), SearchTask.next_try_at <= now))
                 .order_by(SearchTask.id).limit(limit))
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        tasks = db.session.scalars(query).all()
        if not tasks:
            db.session.commit()
            break
        message_ids = sorted({task.message_id for task in tasks})
        try:
            backend.apply(message_ids, _load, timeout=timeout)
        except Exception as error:  # the decision stands; the task keeps what went wrong
            if _is_lock_error(error):
                report.waiting += len(tasks)
            else:
                log.exception("search index not updated for messages %s", message_ids[:10])
                report.failed += len(tasks)
                report.errors.append(str(error)[:200])
            db.session.rollback()
            _postpone([task.id for task in tasks], now, str(error), count=not _is_lock_error(error))
            break
        db.session.execute(delete(SearchTask).where(SearchTask.id.in_([task.id for task in tasks])))
        db.session.commit()
        report.applied += len(tasks)
    return report


def _is_lock_error(error: Exception) -> bool:
    from whoosh.index import LockError

    return isinstance(error, LockError)


def _postpone(task_ids: list[int], now, error: str, count: bool) -> None:
    for task in db.session.scalars(select(SearchTask).where(SearchTask.id.in_(task_ids))):
        if count:
            task.attempts += 1
            task.next_try_at = now + timedelta(minutes=RETRY_MINUTES[min(task.attempts, len(RETRY_MINUTES)) - 1])
        task.last_error = error[:500] or type(error).__name__
    db.session.commit()


def pending_removals() -> set[int]:
    """Messages no longer published whose entry may still be in the index: searches hide them."""
    return set(db.session.scalars(select(SearchTask.message_id).join(Message, Message.id == SearchTask.message_id)
                                  .where(Message.publication != "published")))


def pending_count() -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).select_from(SearchTask))


@dataclass
class Drift:
    missing: list[int]  # published, not in the index
    extra: list[int]  # in the index, no longer published
    stale: list[int]  # in both, but the index holds another text or other facets
    pending: int = 0

    @property
    def ids(self) -> list[int]:
        return sorted({*self.missing, *self.extra, *self.stale})

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.stale)


def check(backend) -> Drift:
    """Compare every published public version with the index entry."""
    truth = {doc.id: doc.fingerprint() for doc in _load(None)}
    held = dict(backend.entries())
    return Drift(missing=sorted(truth.keys() - held.keys()), extra=sorted(held.keys() - truth.keys()),
                 stale=sorted(i for i in truth.keys() & held.keys() if truth[i] != held[i]), pending=pending_count())


def repair(backend, drift: Drift) -> Applied:
    """Queue a task for every drifted message and apply them all now."""
    ids = drift.ids
    for start in range(0, len(ids), 1000):
        enqueue(ids[start:start + 1000])
        db.session.commit()
    return apply_pending(backend, timeout=30)
