"""The index never falls behind the database (issue 15 §3): each publication decision queues its index
task in its own transaction; the task is applied after the commit, by the next run when a worker died
before it, while a reindex holds the index; `reindex --check` reports drift and `--repair` fixes it."""
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import clock, search
from portal.extensions import db
from portal.models import SearchEntry, SearchTask
from portal.queries.projection import search_documents
from portal.rules.workflow import Role
from portal.search import whoosh_backend
from portal.services import publication
from portal.services.reminders import tick
from tests.factories import answered

BACKENDS = ["whoosh", "postgres"]


@pytest.fixture(params=BACKENDS)
def backend(request, app):
    if request.param == "postgres" and db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL full text needs TEST_DATABASE_URL")
    before = app.config.get("SEARCH_BACKEND", "")
    app.config["SEARCH_BACKEND"] = request.param
    search.rebuild([])
    yield request.param
    app.config["SEARCH_BACKEND"] = before


@pytest.fixture
def whoosh(app):
    before = app.config.get("SEARCH_BACKEND", "")
    app.config["SEARCH_BACKEND"] = "whoosh"
    search.rebuild([])
    yield
    app.config["SEARCH_BACKEND"] = before


def publish(city, message, body="夜间施工噪音扰民。"):
    return publication.publish(message, actor=city.user(Role.REVIEWER), subject=message.subject, body=body,
                               reply_text="已责令施工单位停止夜间施工。")


def hide(city, message):
    publication.hide(message, actor=city.user(Role.REVIEWER), reason="涉及个人隐私")


def pending() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchTask))


def found(query='"噪音扰民"') -> set[int]:
    return {hit.id for hit in search.search(query, per_page=100).hits}


def test_publishing_and_hiding_reach_the_index_at_once(city, backend):
    message = answered(city, "2026-11-02", category="consult")
    publish(city, message)
    assert found() == {message.id} and pending() == 0
    hide(city, message)
    assert found() == set() and pending() == 0


def test_the_task_is_written_in_the_decisions_own_transaction(city, whoosh, monkeypatch):
    message = answered(city, "2026-11-02", category="consult")
    monkeypatch.setattr(publication, "_apply_index_tasks", lambda: None)  # the worker dies after the commit
    publish(city, message)
    db.session.rollback()  # nothing more of that request survives
    task = db.session.scalar(select(SearchTask))
    assert task is not None and task.message_id == message.id
    assert found() == set(), "not yet in the index"


def test_a_task_left_by_a_killed_worker_is_applied_by_the_next_run(city, whoosh, monkeypatch):
    first, second = (answered(city, "2026-11-02", category="consult") for _ in range(2))
    with monkeypatch.context() as patched:
        patched.setattr(publication, "_apply_index_tasks", lambda: None)
        publish(city, first)
    assert pending() == 1 and found() == set()
    publish(city, second)  # the next request applies every due task, its own and the one left behind
    assert found() == {first.id, second.id} and pending() == 0


def test_tick_applies_the_tasks_left_behind(city, whoosh, monkeypatch):
    message = answered(city, "2026-11-02", category="consult")
    with monkeypatch.context() as patched:
        patched.setattr(publication, "_apply_index_tasks", lambda: None)
        publish(city, message)
    tick()
    assert found() == {message.id} and pending() == 0


def test_a_withdrawal_during_a_reindex_is_hidden_at_once_and_applied_after(city, whoosh):
    message = answered(city, "2026-11-02", category="consult")
    publish(city, message)
    reindexing = whoosh_backend.open_index().writer(timeout=1)  # a reindex holds the index lock
    try:
        hide(city, message)  # does not wait for the reindex: the task queues
        assert pending() == 1
        assert found() == set() and search.search('"噪音扰民"').total == 0, "hidden from search already"
        assert message.id in dict(whoosh_backend.entries()), "still in the index files until the task runs"
    finally:
        reindexing.cancel()
    assert search.apply_pending().applied == 1 and pending() == 0
    assert message.id not in dict(whoosh_backend.entries())


def test_a_failing_index_write_is_retried_later_with_the_error_kept(city, whoosh, monkeypatch):
    message = answered(city, "2026-11-02", category="consult")

    def broken(*args, **kwargs):
        raise OSError("磁盘已满")

    with monkeypatch.context() as patched:
        patched.setattr(whoosh_backend, "apply", broken)
        publish(city, message)
        task = db.session.scalar(select(SearchTask))
        assert task.attempts == 1 and "磁盘已满" in task.last_error and task.next_try_at > clock.now()
        assert search.apply_pending().applied == 0, "not due again yet"
    assert search.apply_pending().applied == 0 and found() == set()
    with clock.frozen(clock.now() + timedelta(minutes=2)):
        assert search.apply_pending().applied == 1
    assert found() == {message.id} and pending() == 0


def test_reindex_check_reports_drift_and_repair_fixes_it(city, app, backend):
    kept, changed, dropped = (answered(city, "2026-11-02", category="consult") for _ in range(3))
    for message in (kept, changed, dropped):
        publish(city, message)
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["reindex", "--check"])
    assert clean.exit_code == 0 and "缺少 0 件，多出 0 件，内容不一致 0 件" in clean.output
    stale = replace(next(search_documents([changed.id])), subject="旧标题")
    extra = replace(stale, id=99_999)
    search.write(add=[stale, extra], remove=[dropped.id])
    drift = runner.invoke(args=["reindex", "--check"])
    assert drift.exit_code == 1, drift.output
    assert "缺少 1 件，多出 1 件，内容不一致 1 件" in drift.output and str(dropped.id) in drift.output
    repaired = runner.invoke(args=["reindex", "--repair"])
    assert repaired.exit_code == 0 and "修正后差异 0 件" in repaired.output, repaired.output
    assert runner.invoke(args=["reindex", "--check"]).exit_code == 0
    assert found() == {kept.id, changed.id, dropped.id}


def test_on_postgresql_the_entry_commits_with_the_publication(city, app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL full text needs TEST_DATABASE_URL")
    message = answered(city, "2026-11-02", category="consult")
    publish(city, message)
    assert pending() == 0, "no task: the entry was written in the publication's transaction"
    assert db.session.get(SearchEntry, message.id).subject == message.subject
    hide(city, message)
    assert db.session.get(SearchEntry, message.id) is None


@pytest.mark.parametrize(("setting", "expected"), [("whoosh", "whoosh"), ("postgres", "postgres"), ("", None)])
def test_wenzheng_search_chooses_the_backend(app, setting, expected):
    before = app.config.get("SEARCH_BACKEND", "")
    app.config["SEARCH_BACKEND"] = setting
    try:
        default = "postgres" if db.engine.dialect.name == "postgresql" else "whoosh"
        assert search.backend_name() == (expected or default)
    finally:
        app.config["SEARCH_BACKEND"] = before


def test_on_postgresql_a_withdrawal_during_a_reindex_is_never_put_back(city, app):
    """The reindex reads each batch under a share lock: a hide that commits meanwhile waits for the batch
    and removes the entry after it, instead of the batch writing back what it read before the hide."""
    import threading
    import time

    from portal.models import Message, User
    from portal.search import postgres_backend

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL full text needs TEST_DATABASE_URL")
    hidden, other = (answered(city, "2026-11-02", category="consult") for _ in range(2))
    for message in (hidden, other):
        publish(city, message)
    reviewer_id, hidden_id = city.user(Role.REVIEWER).id, hidden.id
    db.session.commit()
    seen_between_batches = []

    def hide_elsewhere():
        with app.app_context():
            publication.hide(db.session.get(Message, hidden_id), actor=db.session.get(User, reviewer_id),
                             reason="涉及个人隐私")
            db.session.remove()

    hider = threading.Thread(target=hide_elsewhere)

    def load(ids, lock=False):
        if ids == [hidden_id]:  # the first batch: the hide starts after this read, before the write
            documents = list(search_documents(ids, lock=lock))
            hider.start()
            time.sleep(0.5)
            return documents
        hider.join(30)  # the second batch: the hide is done; is the first batch's stale entry back?
        with app.app_context():
            seen_between_batches.append(db.session.get(SearchEntry, hidden_id) is not None)
            db.session.remove()
        return list(search_documents(ids, lock=lock))

    postgres_backend.reindex(load, sorted([hidden_id, other.id]), batch_size=1)
    assert seen_between_batches == [False], "the withdrawn message was never back in the index"
    db.session.expire_all()
    assert found() == {other.id}


def test_on_postgresql_a_large_reindex_analyses_in_processes(city, app, monkeypatch):
    from portal.search import postgres_backend

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL full text needs TEST_DATABASE_URL")
    messages = [answered(city, "2026-11-02", category="consult") for _ in range(3)]
    for message in messages:
        publish(city, message)
    pools, real_pool = [], postgres_backend._pool

    def pool(count):
        pools.append(count)
        return real_pool(count)

    monkeypatch.setattr(postgres_backend, "POOL_FROM", 2)
    monkeypatch.setattr(postgres_backend, "_pool", pool)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert pools and pools[0] >= 3, "the documents were analysed in a pool of processes"
    assert runner.invoke(args=["reindex", "--check"]).exit_code == 0
    assert {message.id for message in messages} <= found()
