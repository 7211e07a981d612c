"""The rate-limit store the workers of one host share (``app.ratelimits``)."""

from __future__ import annotations

import time
from pathlib import Path

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app.ratelimits import SQLiteStorage


def test_two_workers_on_one_file_count_one_clients_attempts_together(tmp_path: Path) -> None:
    uri = f"sqlite://{tmp_path / 'ratelimits.sqlite'}"
    worker_a, worker_b = storage_from_string(uri), storage_from_string(uri)
    assert isinstance(worker_a, SQLiteStorage)
    limit = parse("5 per 15 minutes")
    a, b = FixedWindowRateLimiter(worker_a), FixedWindowRateLimiter(worker_b)
    answers = [(a if n % 2 else b).hit(limit, "203.0.113.7", "wang") for n in range(7)]
    assert answers == [True] * 5 + [False] * 2  # five in all, not five per worker
    assert a.hit(limit, "198.51.100.1", "wang")  # another client is counted apart


def test_counts_expire_with_their_window_and_can_be_cleared(tmp_path: Path) -> None:
    store = SQLiteStorage(f"sqlite://{tmp_path / 'r.sqlite'}")
    assert store.incr("k", expiry=0.2) == 1 and store.incr("k", expiry=0.2) == 2
    assert store.get("k") == 2 and store.get_expiry("k") > time.time()
    time.sleep(0.25)
    assert store.get("k") == 0 and store.incr("k", expiry=10) == 1  # a fresh window
    store.clear("k")
    assert store.get("k") == 0 and store.check()
    store.incr("x", expiry=10)
    assert store.reset() == 1 and store.get("x") == 0
