"""One database session per request, committed once before the response leaves.

The rule is simple: a response below 400 commits; anything else (a refused action, a
form with errors, a crash) rolls back. Views and services never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.db import make_engine


@dataclass
class Database:
    engine: Engine
    session_factory: Callable[[], Session]


def init_db(app: Flask) -> None:
    factory = app.config.get("SESSION_FACTORY")
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db"] = Database(
        engine=engine,
        session_factory=factory or sessionmaker(bind=engine, expire_on_commit=False),
    )
    app.after_request(_finish)
    app.teardown_appcontext(_close)


def db() -> Session:
    """The current request's session (opened on first use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db"].session_factory()
    return g.db_session


def _finish(response: Response) -> Response:
    session: Session | None = g.get("db_session")
    if session is not None:
        if response.status_code < 400:
            session.commit()  # commit-ok: the request's one commit
        else:
            session.rollback()
    return response


def _close(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
