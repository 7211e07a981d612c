"""One database session per request, and the request's one transaction boundary.

The rule, as in Indico's request handler: the session commits when the view returns
without raising — whatever status it answers — and rolls back on any exception *before*
an error page is rendered, so an error page never touches a failed session. Views and
services never commit. Work that must outlive the request independently (counting a
failed sign-in) runs in a short transaction of its own: :func:`short_transaction`.

Reads (GET/HEAD/OPTIONS) open a deferred transaction; anything else begins ``IMMEDIATE``
on SQLite, so concurrent writers queue on the busy timeout instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.audit import Seal, use_seal
from core.db import make_engine, reader

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RequestApp(Flask):
    """Flask with the request's single commit at the end of a successful view."""

    def dispatch_request(self) -> Any:
        result = super().dispatch_request()
        commit()  # inside Flask's exception handling: a failed commit gets a proper error page
        return result


@dataclass
class Database:
    engine: Engine
    seal: Seal
    writer: Callable[[], Session]
    reader: Callable[[], Session]

    def open(self, read_only: bool = False) -> Session:
        session = (self.reader if read_only else self.writer)()
        return use_seal(session, self.seal)


def init_db(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    checkpoints = app.config.get("AUDIT_CHECKPOINTS")
    seal = Seal(key=app.config["AUDIT_KEY"].encode(), checkpoints=Path(checkpoints) if checkpoints else None)
    override = app.config.get("SESSION_FACTORY")  # tests: every session on one connection
    app.extensions["db"] = Database(
        engine=engine,
        seal=seal,
        writer=override or sessionmaker(bind=engine, expire_on_commit=False),
        reader=override or sessionmaker(bind=reader(engine), expire_on_commit=False),
    )
    app.teardown_appcontext(_close)


def database() -> Database:
    return current_app.extensions["db"]


def db() -> Session:
    """The current request's session (opened on first use; read-only requests read only)."""
    if "db_session" not in g:
        read_only = has_request_context() and request.method in READ_METHODS
        g.db_session = database().open(read_only=read_only)
    return g.db_session


def commit() -> None:
    """The request's one commit (a no-op when the request never used the database)."""
    session: Session | None = g.get("db_session")
    if session is not None:
        session.commit()  # commit-ok: the request's one commit


def abandon() -> None:
    """Roll back and drop the request's session: whatever follows starts clean.

    Everything loaded through it is gone too — the signed-in user included, whom
    Flask-Login loads again (in a fresh session) the next time anyone asks.
    """
    g.pop("_login_user", None)
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        try:
            session.rollback()
        finally:
            session.close()


@contextmanager
def short_transaction() -> Iterator[Session]:
    """A separate, immediately committed transaction (sign-in counting, say)."""
    session = database().open()
    try:
        yield session
        session.commit()  # commit-ok: a deliberately separate unit of work
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _close(_exc: BaseException | None) -> None:
    abandon()
