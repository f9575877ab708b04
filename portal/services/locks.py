"""One run at a time across every host: the scheduled jobs take a PostgreSQL advisory lock (on
SQLite there is only one host, and the lock is a no-op)."""
import zlib
from contextlib import contextmanager

from sqlalchemy import text

from ..extensions import db


@contextmanager
def exclusive(name: str):
    """Yield True when this run holds the lock called ``name``, False when another run (any host) does.
    A session lock on a connection of its own, so the job's commits do not release it; PostgreSQL
    releases it too if the process dies."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    key = zlib.crc32(f"wenzheng:{name}".encode())
    with db.engine.connect() as connection:
        held = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        connection.commit()
        try:
            yield bool(held)
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
