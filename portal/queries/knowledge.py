"""The operator's knowledge base for answering during a call (即时办结, R12.2): the active reply
templates and the published, reviewed answers (already free of personal data) that match a query."""
from dataclasses import dataclass

from sqlalchemy import or_, select

from .. import search
from ..extensions import db
from ..models import ReplyTemplate
from .projection import published_message

QUERY_MAX = 50


@dataclass(frozen=True)
class Entry:
    kind: str  # template / reply
    id: int
    title: str
    text: str


def find(query: str, limit: int = 5) -> list[Entry]:
    query = (query or "").strip()[:QUERY_MAX]
    if not query:
        return []
    templates = db.session.scalars(select(ReplyTemplate).where(ReplyTemplate.active, or_(
        ReplyTemplate.title.contains(query), ReplyTemplate.body.contains(query))).order_by(ReplyTemplate.title)
        .limit(limit))
    found = [Entry("template", t.id, t.title, t.body) for t in templates]
    for hit in search.search(query, per_page=limit).hits:
        item = published_message(hit.id)
        if item is not None and item.reply_text:
            found.append(Entry("reply", item.id, item.subject, item.reply_text))
    return found


def text_of(kind: str, entry_id: int) -> str | None:
    """The text an operator picked, or None when it is no longer there (retired or withdrawn)."""
    if kind == "template":
        template = db.session.get(ReplyTemplate, entry_id)
        return template.body if template is not None and template.active else None
    if kind == "reply":
        item = published_message(entry_id)
        return item.reply_text if item is not None else None
    return None
