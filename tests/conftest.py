"""Test harness: a real database (SQLite, or PostgreSQL via TEST_DATABASE_URL), migrated
once per run with Alembic, and one rolled-back transaction per test.

Each test's ``session`` and every request the ``client`` makes share one connection;
their commits only release savepoints, and the outer transaction is rolled back at the
end, so tests never see each other's data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app import create_app
from core import migrate
from core.attachments import FileStore
from core.audit import Seal, use_seal
from core.db import make_engine
from core.people import User
from tests import factories

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
AUDIT_KEY = "test-audit-key-of-at-least-32-bytes!"
TEST_SEAL = Seal(AUDIT_KEY.encode())


def reset_postgres(url: str) -> None:
    """Leave the PostgreSQL test database empty (a developer may run the suite twice)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def database_url(tmp_path_factory: pytest.TempPathFactory, name: str) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp(name)}/test.db"


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    url = database_url(tmp_path_factory, "db")
    if make_url(url).get_backend_name() == "postgresql":
        reset_postgres(url)
    engine = make_engine(url)
    migrate.upgrade(engine, audit_key=TEST_SEAL.key)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


def _session_on(connection: Connection) -> Session:
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    return use_seal(session, TEST_SEAL)


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    s = _session_on(connection)
    yield s
    s.close()


@pytest.fixture
def app(connection: Connection, engine: Engine, tmp_path: Path) -> Flask:
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "AUDIT_KEY": AUDIT_KEY,
        "AUDIT_CHECKPOINTS": "",
        "RATELIMIT_ENABLED": False,
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "SESSION_FACTORY": lambda: _session_on(connection),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "WTF_CSRF_ENABLED": False,
    })


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login(app: Flask, client: FlaskClient):
    """Sign ``user`` in on ``client`` without paying for a password hash check."""

    def sign_in(user: User, on: FlaskClient | None = None) -> FlaskClient:
        return factories.sign_in(app, on or client, user)

    return sign_in


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "uploads")


@pytest.fixture
def world(session: Session, store: FileStore) -> factories.World:
    return factories.build_world(session, store)
