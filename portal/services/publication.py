"""Publication decisions (R9.1): only reviewed replies, only in a reviewed public version,
only when the citizen allowed it; published items can be hidden again. Each decision queues its
search index task in its own transaction (portal/search/tasks.py), applied right after the commit."""
from contextlib import contextmanager
from contextvars import ContextVar

from .. import clock, search
from ..extensions import db
from ..models import PublicVersion
from ..rules.workflow import Action
from .common import check_version, commit, flush, move, require, require_text


def publish(message, *, actor, subject: str, body: str, reply_text: str, version: int | None = None,
            published_at=None) -> PublicVersion:
    """Publish the reviewed public text, stored as its own version (the original is never altered),
    under the name of the unit that answered (the lead assignment in force). ``published_at``: an archive
    imported from another platform keeps the day its reply was published there."""
    check_version(message, version)
    require(actor, Action.PUBLISH, message)
    from .redaction import check_public_text

    check_public_text(message, {"subject": subject, "body": body, "reply": reply_text})
    public = PublicVersion(message_id=message.id, subject=require_text(subject, "公开标题"),
                           body=require_text(body, "公开正文"), reply_text=require_text(reply_text, "公开答复"),
                           reply_unit=message.lead_in_force().unit.name, reviewer_id=actor.id)
    db.session.add(public)
    message.public_version = public
    message.publication, message.published_at, message.publication_note = "published", published_at or clock.now(), ""
    move(message, Action.PUBLISH, actor=actor)
    flush()  # a stale version is refused here, before the index entry is written
    search.queue(message.id)
    commit()
    _apply_index_tasks()
    return public


def withhold(message, *, actor, reason: str, version: int | None = None) -> None:
    """Decide not to publish, with a reason."""
    check_version(message, version)
    require(actor, Action.WITHHOLD, message)
    _unpublish(message, Action.WITHHOLD, "withheld", reason, actor=actor)


def hide(message, *, actor, reason: str, version: int | None = None) -> None:
    """Take a published item down again, with a reason."""
    check_version(message, version)
    require(actor, Action.HIDE, message)
    _unpublish(message, Action.HIDE, "hidden", reason, actor=actor)


def _unpublish(message, action, state, reason, *, actor) -> None:
    message.publication, message.publication_note = state, require_text(reason, "理由")
    move(message, action, actor=actor, reason=message.publication_note)
    flush()  # a stale version is refused here, before the index entry is written
    search.queue(message.id)
    commit()
    _apply_index_tasks()


_deferred: ContextVar[bool] = ContextVar("defer_index_updates", default=False)


@contextmanager
def index_afterwards():
    """Publish many (loading an archive): the queued index tasks are applied once at the end."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
        search.apply_pending(timeout=30)


def _apply_index_tasks() -> None:
    """Right after the commit: the task written with the decision is applied now, unless the index is
    busy (a reindex): then it waits for the next request or `tick`, and searches hide a withdrawn message."""
    if not _deferred.get():
        search.apply_pending(timeout=1.0, rounds=1)
