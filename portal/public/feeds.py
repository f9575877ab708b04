"""Atom feeds of the latest public replies, built by feedgen (every text escaped as XML wants).
Links start from WENZHENG_PUBLIC_URL: the Host header a client sends never reaches a feed."""
import re
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import current_app, url_for

# Characters XML 1.0 cannot carry at all, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def atom(items, *, title: str, author: str, self_path: str) -> bytes:
    feed = FeedGenerator()
    feed.id(public_url(self_path))
    feed.title(_text(title))
    feed.author({"name": _text(author)})
    feed.link(href=public_url(self_path), rel="self")
    feed.link(href=public_url(url_for("public.messages")), rel="alternate")
    feed.updated(_utc(items[0].published_at if items else None))
    for item in reversed(items):  # feedgen puts the last added entry first
        link = public_url(url_for("public.message", message_id=item.id))
        entry = feed.add_entry()
        entry.id(link)
        entry.link(href=link)
        entry.title(_text(item.subject))
        entry.updated(_utc(item.published_at))
        entry.author({"name": _text(item.reply_unit or author)})
        entry.category(term=_text(item.category))
        entry.summary(_text(_shorten(item.reply_text or "", 300)))
    return feed.atom_str(pretty=True)


def public_url(path: str) -> str:
    return current_app.config["PUBLIC_URL"] + path


def _text(value) -> str:
    return NOT_XML.sub("", str(value or ""))


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


def _utc(moment: datetime | None) -> datetime:
    return (moment or datetime(2000, 1, 1)).replace(tzinfo=UTC)
