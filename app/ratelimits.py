"""A rate-limit store every worker on one host shares: a small SQLite file.

Flask-Limiter keeps its counters in memory by default, which is per process: with two
gunicorn workers each saw only half of one client's wrong passwords, so the per-client
throttle let through twice what it promised. This store registers the ``sqlite://``
scheme with the ``limits`` library (its documented way to add a backend) and keeps the
fixed-window counters in a file under ``instance/``; several hosts use Redis instead
(``RATELIMIT_STORAGE_URI=redis://…``). Each call opens its own connection and takes the
write lock for the few statements it needs, so workers never see a torn count.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from limits.storage import Storage

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS ix_counters_expires ON counters (expires);
"""


class SQLiteStorage(Storage):
    """``sqlite:///absolute/path/file.sqlite``: fixed-window counters in one SQLite file."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = Path((uri or "").removeprefix("sqlite://"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as conn:
            conn.executescript(SCHEMA)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    @contextmanager
    def _connection(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection for one operation; ``write`` holds the write lock until it ends."""
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            if write:
                conn.execute("BEGIN IMMEDIATE")
            yield conn
            if write:
                conn.execute("COMMIT")
        finally:
            conn.close()  # an unfinished write transaction is rolled back with it

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._connection(write=True) as conn:
            conn.execute("DELETE FROM counters WHERE expires <= ?", (now,))
            (value,) = conn.execute(
                "INSERT INTO counters (key, value, expires) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value RETURNING value",
                (key, amount, now + expiry),
            ).fetchone()
        return int(value)

    def get(self, key: str) -> int:
        with self._connection() as conn:
            row = conn.execute("SELECT value FROM counters WHERE key = ? AND expires > ?",
                               (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        with self._connection() as conn:
            row = conn.execute("SELECT expires FROM counters WHERE key = ?", (key,)).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        with self._connection() as conn:
            conn.execute("SELECT 1").fetchone()
        return True

    def reset(self) -> int | None:
        with self._connection(write=True) as conn:
            return conn.execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        with self._connection(write=True) as conn:
            conn.execute("DELETE FROM counters WHERE key = ?", (key,))
