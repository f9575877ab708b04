"""Limits on attempts (web messages, tracking tries), counted in fixed windows by one atomic
increment, so that concurrent requests cannot overshoot and every worker and host agrees.

The counts live in the database by default (nothing to install on a laptop), or in Redis when
``WENZHENG_REDIS_URL`` is set. Keys are keyed hashes (HMAC with the secret key): neither a phone
number nor a client address is ever stored. Every attempt counts, blocked ones too, but a window
ends on time whatever happens in it, so a blocked client never extends its own ban.
"""
import hashlib
import hmac
import re
import unicodedata
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import clock
from ..extensions import db
from ..models import RateLimitCounter

NON_DIGITS = re.compile(r"\D")


def allow(kind: str, value: str, *, limit: int, per_seconds: int) -> bool:
    """True when this attempt is within ``limit`` attempts of ``kind`` for ``value`` in the window."""
    key = hashed_key(kind, value)
    window = _epoch_seconds() // per_seconds
    redis_url = current_app.config.get("REDIS_URL")
    count = _redis_count(redis_url, key, window, per_seconds) if redis_url else _database_count(
        key, window, per_seconds)
    return count <= limit


def exhausted(kind: str, value: str, *, limit: int, per_seconds: int) -> bool:
    """True when ``limit`` attempts were already counted in this window (counting nothing itself)."""
    key, window = hashed_key(kind, value), _epoch_seconds() // per_seconds
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        used = int(_redis(redis_url).get(f"wenzheng:limit:{key}:{window}") or 0)
    else:
        used = db.session.scalar(select(RateLimitCounter.count).where(
            RateLimitCounter.key == key, RateLimitCounter.window == window)) or 0
    return used >= limit


def window_end(per_seconds: int) -> datetime:
    """When the current window of ``per_seconds`` ends (naive UTC)."""
    start = _epoch_seconds() // per_seconds * per_seconds
    return datetime.fromtimestamp(start + per_seconds, UTC).replace(tzinfo=None)


def _epoch_seconds() -> int:
    return int(clock.now().replace(tzinfo=UTC).timestamp())  # the clock is naive UTC


def hashed_key(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{kind}:{value}".encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def canonical_phone(phone: str) -> str:
    """One form for one phone: full-width digits, spaces, dashes and a +86 prefix do not make another."""
    digits = NON_DIGITS.sub("", unicodedata.normalize("NFKC", phone or ""))
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def _database_count(key: str, window: int, per_seconds: int) -> int:
    """Insert the window's row or add one to it, in one statement that returns the new count."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    expires = clock.now() + timedelta(seconds=2 * per_seconds)
    statement = insert(RateLimitCounter).values(key=key, window=window, count=1, expires_at=expires)
    statement = statement.on_conflict_do_update(
        index_elements=["key", "window"], set_={"count": RateLimitCounter.count + 1}).returning(
        RateLimitCounter.count)
    count = db.session.execute(statement).scalar_one()
    db.session.commit()
    return count


def _redis_count(url: str, key: str, window: int, per_seconds: int) -> int:
    name = f"wenzheng:limit:{key}:{window}"
    with _redis(url).pipeline() as pipe:
        count, _ = pipe.incr(name).expire(name, 2 * per_seconds).execute()
    return count


def _redis(url: str):
    clients = current_app.extensions.setdefault("wenzheng_redis", {})
    if url not in clients:
        import redis  # optional: only a deployment that names WENZHENG_REDIS_URL needs it

        clients[url] = redis.Redis.from_url(url)
    return clients[url]


def forget_older_than(days: int = 2) -> int:
    """Housekeeping for `tick`: windows that have ended count for nothing (Redis expires its own)."""
    result = db.session.execute(delete(RateLimitCounter).where(
        RateLimitCounter.expires_at < clock.now() - timedelta(days=days)))
    return result.rowcount
