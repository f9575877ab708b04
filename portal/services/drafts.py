"""Drafts of action forms: what a user typed and has not submitted yet, kept so nothing typed is lost.
A draft is the user's own scratch, not a step of the case: it is not an event of the timeline."""
import json

from sqlalchemy import delete, select

from .. import clock
from ..extensions import db
from ..models import FormDraft
from .common import commit

FIELD_MAX_CHARS = 10_000  # twice what a field accepts: a draft keeps even text too long to submit


def save_draft(message, *, actor, action: str, values: dict[str, str]) -> None:
    """Keep ``values`` (the typed text fields of ``action``'s form); an empty form drops the draft."""
    kept = {name: value[:FIELD_MAX_CHARS] for name, value in values.items()
            if isinstance(value, str) and value.strip()}
    draft = db.session.scalar(select(FormDraft).where(
        FormDraft.message_id == message.id, FormDraft.user_id == actor.id, FormDraft.action == action))
    if not kept:
        if draft is not None:
            db.session.delete(draft)
            commit()
        return
    data = json.dumps(kept, ensure_ascii=False)
    if draft is None:
        draft = FormDraft(message_id=message.id, user_id=actor.id, action=action, data=data)
        db.session.add(draft)
    draft.data, draft.saved_at = data, clock.now()
    commit()


def discard_draft(message, *, actor, action: str) -> None:
    """The form was submitted: its draft is done with."""
    db.session.execute(delete(FormDraft).where(
        FormDraft.message_id == message.id, FormDraft.user_id == actor.id, FormDraft.action == action))
    commit()
