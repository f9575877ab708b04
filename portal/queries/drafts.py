"""The user's unsubmitted drafts on one message (portal/services/drafts.py keeps them)."""
import json

from sqlalchemy import select

from ..extensions import db
from ..models import FormDraft


def drafts_of(message, user) -> dict[str, tuple[dict, object]]:
    """action → (typed values, when saved)."""
    rows = db.session.scalars(select(FormDraft).where(FormDraft.message_id == message.id,
                                                      FormDraft.user_id == user.id))
    return {draft.action: (json.loads(draft.data), draft.saved_at) for draft in rows}
