"""Test harness: a real database (SQLite, or PostgreSQL via TEST_DATABASE_URL), migrated
once per run with Alembic, and one rolled-back transaction per test.

Each test's ``session`` and every request the ``client`` makes share one connection;
their commits only release savepoints, and the outer transaction is rolled back at the
end, so tests never see each other's data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app import create_app
from core import migrate
from core.attachments import FileStore
from core.audit import Seal, use_seal
from core.db import make_engine
from core.people import User
from tests import factories
from tests.databases import TEST_DATABASE_URL, scratch_database

AUDIT_KEY = "test-audit-key-of-at-least-32-bytes!"
TEST_SEAL = Seal(AUDIT_KEY.encode())


@pytest.fixture(scope="session", autouse=True)
def jobs_stay_in_the_test(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every app the tests build (the fixture's, a test's own, a live gunicorn's) runs background
    jobs at once and keeps its search index in a temporary folder, never in ``instance/``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOBS_IMMEDIATE", "1")
        patch.setenv("SEARCH_INDEX_DIR", str(tmp_path_factory.mktemp("search-index")))
        yield


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The suite's database (one per xdist worker), migrated to head once."""
    with scratch_database(tmp_path_factory.mktemp("db"), "suite") as url:
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
def transactions(connection: Connection) -> Callable[[], AbstractContextManager[Session]]:
    """Short, separately committed units of work — inside the test's own transaction."""

    @contextmanager
    def unit_of_work() -> Iterator[Session]:
        s = _session_on(connection)
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    return unit_of_work


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    s = _session_on(connection)
    yield s
    s.close()


@pytest.fixture
def app(request: pytest.FixtureRequest, connection: Connection, engine: Engine, tmp_path: Path) -> Flask:
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "AUDIT_KEY": AUDIT_KEY,
        "AUDIT_CHECKPOINTS": "",
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "SESSION_FACTORY": lambda: _session_on(connection),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "WTF_CSRF_ENABLED": False,
        "JOBS_IMMEDIATE": True,  # jobs run at once, on this test's connection
        "SOFFICE": "/nonexistent/soffice",  # PDFs are "unavailable" unless a test asks for LibreOffice
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        # Each commit's index job costs time every test would pay; a module about search says
        # ``INDEXES = True`` (the hostile sweep and the browser keep indexing on, their apps' own).
        "SEARCH_INDEXING": getattr(request.module, "INDEXES", False),
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


# Each of these builds a costly world once per worker (the hostile sweep's stage, the browser's
# live server with the demo): with ``--dist loadgroup`` one worker builds it, once.
SHARED_WORLDS = {"test_hostile_inputs.py": "hostile", "test_authorization.py": "authorization", "browser": "browser"}


# How a test reaches a database: through these fixtures, or (these modules) by making its own
# with ``tests.databases.scratch_database``. A test that does neither gives the same answer on
# either database, so the PostgreSQL run leaves it to the SQLite run (pytest says "deselected").
DATABASE_FIXTURES = frozenset({"engine", "live_server"})
OWN_DATABASES = frozenset({"test_audit.py", "test_jobs.py", "test_live_server.py", "test_migrations.py",
                           "test_redline_demo.py"})


def _uses_database(item: pytest.Item) -> bool:
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))) or item.path.name in OWN_DATABASES


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for part, group in SHARED_WORLDS.items():
            if part in item.path.parts or item.path.name == part:
                item.add_marker(pytest.mark.xdist_group(group))
    if TEST_DATABASE_URL:
        config.hook.pytest_deselected(items=[item for item in items if not _uses_database(item)])
        items[:] = [item for item in items if _uses_database(item)]
