"""Background jobs on Huey: the one queue the web workers and the job consumer share.

Where the queue lives is decided once, from the environment, when this module is imported
(by a web worker, by the CLI, or by ``huey_consumer app.jobs.huey``):

- ``REDIS_URL`` set: Redis, so the web workers and consumers of several hosts share it;
- otherwise SQLite, in ``instance/huey.db`` beside the app's own database (created on first use;
  ``JOBS_SQLITE`` names another file);
- an app built with ``JOBS_IMMEDIATE`` (the tests) or ``TESTING`` switches Huey to immediate
  mode: a job runs at once, in the caller's process, on the app's own sessions — so a test sees
  what its jobs did, inside its own rolled-back transaction.

Adding a job: write a function ``def name(session, *args)`` in your area's ``tasks.py``,
decorate it with ``@job()`` (Huey's task options pass through: ``retries``, ``retry_delay``,
``priority`` …), and add that module to :data:`TASK_MODULES` so the consumer knows it. It
runs inside the app (``current_app.config``) with a session of its own that commits when the
function returns and rolls back if it raises — one short transaction per job. Queue it from
a service's caller with :func:`enqueue_after_commit`, so a rolled-back request queues nothing.
"""

from __future__ import annotations

import functools
import importlib
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey
from huey.api import TaskWrapper
from huey.storage import SqliteStorage
from sqlalchemy.orm import Session

from app.database import database, short_transaction
from core.db import after_commit

INSTANCE = Path(__file__).resolve().parent.parent / "instance"
QUEUE = "biaogan"
P = ParamSpec("P")
R = TypeVar("R")
# Every module that declares jobs: the consumer imports them all, so it can run what the web queued.
TASK_MODULES = ("app.search.tasks", "app.publishing.tasks")


class _SqliteStorage(SqliteStorage):
    """Huey's SQLite storage, creating its file and tables on first use instead of at import,
    so importing the app (tests, the CLI) leaves no queue file behind."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, create_tables=False, **kwargs)

    def _create_connection(self) -> sqlite3.Connection:
        Path(self.filename).parent.mkdir(parents=True, exist_ok=True)
        connection = super()._create_connection()
        for statement in self.ddl:
            connection.execute(statement)
        return connection


def build_huey(environ: Mapping[str, str] = os.environ) -> Huey:
    """The queue the environment asks for: Redis when ``REDIS_URL`` is set, else the SQLite file
    ``JOBS_SQLITE`` (default ``instance/huey.db``)."""
    if url := environ.get("REDIS_URL"):
        return RedisHuey(QUEUE, url=url)
    return Huey(QUEUE, storage_class=_SqliteStorage, filename=environ.get("JOBS_SQLITE") or str(INSTANCE / "huey.db"))


huey = build_huey()


def init_jobs(app: Flask) -> None:
    """Tests (and a one-process development run, ``JOBS_IMMEDIATE=1``) run jobs at once."""
    if app.config.get("JOBS_IMMEDIATE") or app.testing:
        huey.immediate = True


@functools.cache
def _consumer_app() -> Flask:
    """The app a consumer's jobs run in: built once per process, from the same environment."""
    from app import create_app

    return create_app()


@contextmanager
def _in_app() -> Iterator[None]:
    if has_app_context():
        yield
        return
    if huey.immediate:
        raise RuntimeError("an immediate job ran outside any app: queue it with enqueue_after_commit")
    with _consumer_app().app_context():
        yield


@contextmanager
def _reading() -> Iterator[Session]:
    """A read-only session: on SQLite it takes no write lock however long the job reads."""
    session = database().open(read_only=True)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def job(read_only: bool = False, **options: Any) -> Callable[[Callable[Concatenate[Session, P], R]], TaskWrapper]:
    """Declare a job: the function receives its own session first, then the queued arguments.

    The session commits when the function returns (rolls back if it raises). A job that only
    reads (``read_only=True``: the search index's) gets a session that never writes — on SQLite
    a writing transaction holds the database's one write lock from its first statement to its
    commit, so a long job would keep every request that writes waiting. For the same reason a
    job that writes should do its slow part (a conversion, say) outside the transaction.
    """

    def declare(function: Callable[Concatenate[Session, P], R]) -> TaskWrapper:
        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            with _in_app(), (_reading() if read_only else short_transaction()) as session:
                return function(session, *args, **kwargs)

        return huey.task(**options)(run)

    return declare


def enqueue_after_commit(session: Session, task: TaskWrapper, *args: Any) -> None:
    """Queue ``task(*args)`` once ``session`` commits; never if it rolls back.

    The arguments are read when the commit happens, so a collection passed here may still
    grow until then (the search index collects a whole transaction's changes that way).
    """
    app = current_app._get_current_object() if has_app_context() else None  # type: ignore[attr-defined]

    def enqueue() -> None:
        if app is not None and not has_app_context():
            with app.app_context():
                task(*args)
        else:
            task(*args)

    after_commit(session, enqueue)


for _module in TASK_MODULES:
    importlib.import_module(_module)
