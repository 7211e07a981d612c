"""The indexing jobs. They run on the job consumer — the index's one writer — or at once
in tests (Huey's immediate mode)."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy.orm import Session

from app.jobs import job
from search import indexer
from search.sources import Ref

log = logging.getLogger(__name__)


@job(read_only=True, retries=3, retry_delay=10)
def index_changes(session: Session, refs: set[Ref] | list[Ref]) -> None:
    """Re-index the records one commit touched (the whole index, if it is missing or damaged)."""
    outcome = indexer.update(session, current_app.extensions["search"], list(refs))
    log.info("search index: %d documents written, %d deletions%s", outcome.written, outcome.deleted_terms,
             " (rebuilt)" if outcome.rebuilt else "")


@job(read_only=True, retries=1, retry_delay=60)
def rebuild_index(session: Session) -> None:
    """Rebuild the whole index from the database (asked for by a search that met a damaged one)."""
    written = indexer.rebuild(session, current_app.extensions["search"])
    log.info("search index rebuilt: %d documents", written)
