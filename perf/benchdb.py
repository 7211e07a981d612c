"""The database a benchmark runs on: the one named, emptied, or a scratch SQLite file — migrated."""

from __future__ import annotations

from sqlalchemy import Engine, text

from core import migrate
from core.audit import Seal
from core.db import make_engine

BENCH_SEAL = Seal(b"benchmark-audit-key-of-32-bytes-or-more")


def migrated_engine(database_url: str, tmp: str) -> tuple[str, Engine]:
    """``(url, engine)``: ``database_url`` (a PostgreSQL one is emptied first), else SQLite under ``tmp``."""
    url = database_url or f"sqlite:///{tmp}/bench.db"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine, audit_key=BENCH_SEAL.key)
    return url, engine
