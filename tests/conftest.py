"""Fixtures: one app per policy preset over one test database, emptied after every test.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is set
(.ci/run sets it when a server answers on 127.0.0.1:5432).
"""
import os
from contextlib import contextmanager
from datetime import date, datetime, time

import pytest
from sqlalchemy import text

from portal import clock, create_app, search
from portal.extensions import db

# The day every test runs on unless it says otherwise: a Wednesday, 10:00 China time.
DEFAULT_DAY = date(2026, 12, 2)


def pytest_configure(config):
    clock.require_frozen()  # a test that reads the real time fails loudly


@pytest.fixture(scope="session", autouse=True)
def frozen_clock():
    """Every test (and every fixture) runs on DEFAULT_DAY; ``on(...)`` moves it inside a block."""
    with on(DEFAULT_DAY):
        yield


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def apps(database_url, tmp_path_factory):
    uploads = tmp_path_factory.mktemp("uploads")
    index = tmp_path_factory.mktemp("search_index")
    routing_model = tmp_path_factory.mktemp("routing") / "topic_model.joblib"  # none until a test trains one
    made = {}
    for name in ("chizhou", "longnan"):
        made[name] = create_app({
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WENZHENG_POLICY": name,
            "QUERY_CODE_HASH": "pbkdf2:sha256:1000",
            "PASSWORD_HASH": "pbkdf2:sha256:1000",
            "UPLOAD_DIR": str(uploads),
            "SEARCH_INDEX_DIR": str(index),
            "ROUTING_MODEL": str(routing_model),
            "WTF_CSRF_ENABLED": False,
        })
    with made["longnan"].app_context():
        _fresh_schema()
        db.create_all()
    return made


@pytest.fixture
def policy_name():
    """Override with @pytest.mark.parametrize("policy_name", [...]) to run under another preset."""
    return "longnan"


@pytest.fixture
def app(apps, policy_name):
    app = apps[policy_name]
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_tables()
        db.session.remove()
        search.rebuild([])


def _fresh_schema():
    """Whatever an earlier run left behind (an older schema too) goes."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()


def _empty_tables():
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@contextmanager
def on(day: str | date, hour: int = 10):
    """Run the block as if it were ``day`` at ``hour`` o'clock, China time."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    with clock.frozen(clock.china_to_utc(datetime.combine(day, time(hour)))):
        yield


@pytest.fixture
def city(app):
    from tests.factories import make_city

    return make_city()
