"""Full-text search over the *public* versions of published messages (R11.2).

Two backends answer the same calls with the same analyzer (analyzer.py): Whoosh, an index on this
host's disk (the default over SQLite), and PostgreSQL full text in the application's own database
(the default over PostgreSQL: every host sees the same entries, and an entry commits with its
publication). `WENZHENG_SEARCH=whoosh|postgres` chooses otherwise.

Callers: `search()` to read; `queue(message_id)` inside a decision's transaction and `apply_pending()`
after its commit to keep the index in step (tasks.py); `reindex()`/`check()`/`repair()` for the CLI.
"""
from flask import current_app

from ..extensions import db
from . import tasks
from .analyzer import HAN, QUOTED, WORD, _full_mode, highlight, index_tokens, normalise, query_words
from .documents import Document, Filters, Hit, Results

__all__ = ["HAN", "QUOTED", "WORD", "Document", "Filters", "Hit", "Results", "_full_mode", "apply_pending",
           "backend_name", "check", "dump", "highlight", "index_tokens", "normalise", "queue", "query_words",
           "rebuild", "reindex", "repair", "search", "write"]

BACKENDS = ("whoosh", "postgres")


def backend_name() -> str:
    chosen = current_app.config.get("SEARCH_BACKEND") or ""
    if chosen in BACKENDS:
        return chosen
    return "postgres" if db.engine.dialect.name == "postgresql" else "whoosh"


def backend():
    if backend_name() == "postgres":
        from . import postgres_backend

        return postgres_backend
    from . import whoosh_backend

    return whoosh_backend


def search(text: str, filters: Filters = Filters(), page: int = 1, per_page: int = 10) -> Results:
    chosen = backend()
    # Whoosh may still hold a withdrawn message whose task waits (a reindex holds the lock): hide it.
    hidden = tasks.pending_removals() if backend_name() == "whoosh" else frozenset()
    return chosen.search(text, filters, page, per_page, hidden=hidden)


def queue(message_id: int) -> None:
    """Inside a decision's transaction: the message's entry must follow. On PostgreSQL the entry is
    written right here and commits with the decision; Whoosh gets a task applied after the commit."""
    if backend_name() == "postgres":
        db.session.flush()
        backend().apply([message_id], tasks._load)
    else:
        tasks.enqueue([message_id])


def apply_pending(timeout: float = 1.0, rounds: int | None = None) -> tasks.Applied:
    """Apply the queued index tasks; never raises (the decision that queued them stands)."""
    try:
        return tasks.apply_pending(backend(), timeout=timeout, rounds=rounds)
    except Exception:  # the database itself failed: the tasks wait for the next run
        tasks.log.exception("search tasks not applied")
        db.session.rollback()
        return tasks.Applied()


def write(add: list[Document] = (), remove: list[int] = ()) -> None:
    backend().write(add, remove)


def rebuild(documents, progress=lambda n: None) -> int:
    """Replace the whole index with ``documents``."""
    return backend().rebuild(documents, progress)


def reindex(progress=lambda n: None) -> int:
    """Rebuild the index from the published public versions; tasks queued meanwhile still apply after."""
    from ..queries.projection import published_ids, search_documents

    if backend_name() == "postgres":
        return backend().reindex(search_documents, published_ids(), progress)
    count = backend().rebuild(search_documents(), progress)
    apply_pending(timeout=30)  # what changed while the rebuild read the database
    return count


def check() -> tasks.Drift:
    return tasks.check(backend())


def repair(drift: tasks.Drift) -> tasks.Applied:
    return tasks.repair(backend(), drift)


def dump() -> str:
    """Everything the index holds, as text (the no-leak tests read it)."""
    return backend().dump()


def open_index():
    from . import whoosh_backend

    return whoosh_backend.open_index()
