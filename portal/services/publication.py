"""Publication decisions (R9.1): only reviewed replies, only in a reviewed public version,
only when the citizen allowed it; published items can be hidden again. The search index
follows each decision right after the database commit."""
import logging
from contextlib import contextmanager
from contextvars import ContextVar

from .. import clock
from ..extensions import db
from ..models import PublicVersion
from ..rules.workflow import Action
from .common import check_version, commit, move, require, require_text


def publish(message, *, actor, subject: str, body: str, reply_text: str, version: int | None = None) -> PublicVersion:
    """Publish the reviewed public text, stored as its own version (the original is never altered),
    under the name of the unit that answered (the lead assignment in force)."""
    check_version(message, version)
    require(actor, Action.PUBLISH, message)
    from .redaction import check_public_text

    check_public_text(message, {"subject": subject, "body": body, "reply": reply_text})
    public = PublicVersion(message_id=message.id, subject=require_text(subject, "公开标题"),
                           body=require_text(body, "公开正文"), reply_text=require_text(reply_text, "公开答复"),
                           reply_unit=message.lead_in_force().unit.name, reviewer_id=actor.id)
    db.session.add(public)
    message.public_version = public
    message.publication, message.published_at, message.publication_note = "published", clock.now(), ""
    move(message, Action.PUBLISH, actor=actor)
    commit()
    update_search_index(message.id)
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
    commit()
    update_search_index(message.id)


_deferred: ContextVar[list[int] | None] = ContextVar("deferred_index_updates", default=None)


@contextmanager
def index_afterwards():
    """Publish many (loading an archive): the index is written once at the end, not per message."""
    pending: list[int] = []
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
        for start in range(0, len(pending), 500):
            _write_index(pending[start:start + 500])


def update_search_index(message_id: int) -> None:
    """Put the message's public version in the index, or take it out. The database is the truth:
    if the index cannot be written now, `flask reindex` rebuilds it."""
    pending = _deferred.get()
    if pending is not None:
        pending.append(message_id)
        return
    _write_index([message_id])


def _write_index(message_ids: list[int]) -> None:
    from .. import search
    from ..queries.projection import search_documents

    try:
        documents = list(search_documents(message_ids))
        found = {document.id for document in documents}
        search.write(add=documents, remove=[i for i in message_ids if i not in found])
    except Exception:  # the decision stands; say so loudly and let reindex repair the index
        logging.getLogger(__name__).exception("search index not updated for messages %s", message_ids[:10])
