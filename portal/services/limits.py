"""Limits on attempts (web messages, tracking tries), counted in the database so every worker
agrees. A hit is recorded only when it is allowed, so a blocked client does not extend its ban."""
from datetime import timedelta

from sqlalchemy import delete, func, select

from .. import clock
from ..extensions import db
from ..models import RateLimitHit


def allow(key: str, *, limit: int, per_seconds: int) -> bool:
    """True, and the attempt recorded, when fewer than ``limit`` were made in the window."""
    since = clock.now() - timedelta(seconds=per_seconds)
    used = db.session.scalar(select(func.count()).where(RateLimitHit.key == key, RateLimitHit.at >= since))
    if used >= limit:
        return False
    db.session.add(RateLimitHit(key=key))
    db.session.commit()
    return True


def forget_older_than(days: int = 2) -> int:
    """Housekeeping for `tick`: old hits count for nothing."""
    result = db.session.execute(delete(RateLimitHit).where(RateLimitHit.at < clock.now() - timedelta(days=days)))
    return result.rowcount
