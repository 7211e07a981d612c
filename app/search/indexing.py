"""Keeping the index current: each commit that touched indexed records queues one job.

``search.changes`` names the records each flush touched; here they are gathered per
transaction and handed to :func:`app.search.tasks.index_changes` after the commit
(:func:`app.jobs.enqueue_after_commit`), so a rolled-back request queues nothing and the job
consumer stays the index's only writer — web workers never wait on Whoosh's lock.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from app.jobs import enqueue_after_commit
from app.search import tasks
from core.db import transaction_scoped
from search import changes, tokenizer
from search.sources import Ref
from search.store import IndexStore

PENDING = "search_refs"


def init_search(app: Flask) -> None:
    """The app's index folder, jieba's cache in the instance folder, and the change listener."""
    app.extensions["search"] = IndexStore(Path(app.config["SEARCH_INDEX_DIR"]))
    tokenizer.configure(Path(app.instance_path))
    changes.watch(collect)


def index_store() -> IndexStore:
    return current_app.extensions["search"]


def collect(session: Session, refs: set[Ref]) -> None:
    """Add ``refs`` to the transaction's pending changes; the first ones queue the job."""
    if not has_app_context() or "search" not in current_app.extensions:
        return  # a session outside any app (a script, a test's own session) indexes nothing
    if not current_app.config.get("SEARCH_INDEXING", True):
        return  # tests that are not about search leave the index alone
    scratch = transaction_scoped(session)
    pending: set[Ref] | None = scratch.get(PENDING)
    if pending is None:
        pending = scratch[PENDING] = set()
        enqueue_after_commit(session, tasks.index_changes, pending)
    pending |= refs
