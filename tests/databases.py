"""Databases the tests may create and drop: one per purpose and per xdist worker.

With ``TEST_DATABASE_URL`` (PostgreSQL) each is a database of its own on that server,
named ``<base>_<purpose>_<worker>``, so parallel workers never share one; otherwise a
SQLite file in a temporary directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@contextmanager
def scratch_database(tmp: Path, purpose: str) -> Iterator[str]:
    """The URL of an empty database that exists for the duration of the block."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp / f'{purpose}.db'}"
        return
    url = make_url(TEST_DATABASE_URL)
    name = f"{url.database}_{purpose}_{worker()}"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    quoted = server.dialect.identifier_preparer.quote(name)

    def run(sql: str) -> None:
        with server.connect() as conn:
            conn.execute(text(sql))

    drop = f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"
    try:
        run(drop)  # left over by an interrupted run
        run(f"CREATE DATABASE {quoted}")
        # A scratch database outlives no crash worth surviving: commits need not wait for the disk.
        run(f"ALTER DATABASE {quoted} SET synchronous_commit = off")
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            run(drop)
    finally:
        server.dispose()
