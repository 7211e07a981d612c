"""Writing the index: the changes of one commit, or everything from the database.

Both run where the index has one writer — a job on the queue, or the operator's
``flask --app wsgi search rebuild`` — never in a web request. An index that is missing or
unreadable cannot take a partial update (nobody knows what it holds), so an update
then rebuilds it whole.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from search import sources
from search.documents import Document
from search.sources import Ref
from search.store import IndexStore, IndexUnavailable

log = logging.getLogger(__name__)
BATCH = 2000  # documents per commit during a rebuild: searchers see progress, memory stays bounded


@dataclass(frozen=True)
class Outcome:
    """What a job did, for its log line (and the tests)."""

    rebuilt: bool
    written: int
    deleted_terms: int


def update(session: Session, store: IndexStore, refs: Iterable[Ref]) -> Outcome:
    """Bring the documents of ``refs`` in line with the database (a rebuild if the index is gone)."""
    if not store.exists():
        return Outcome(True, rebuild(session, store), 0)
    plan = sources.plan(session, list(refs))
    try:
        with store.writer() as writer:
            for fieldname, value in sorted(plan.delete_terms):
                writer.delete_by_term(fieldname, value)
            for document in plan.documents.values():
                writer.update_document(**document)
    except IndexUnavailable:
        log.warning("search index in %s is unreadable: rebuilding it", store.path)
        return Outcome(True, rebuild(session, store), 0)
    return Outcome(False, len(plan.documents), len(plan.delete_terms))


def rebuild(session: Session, store: IndexStore, progress: Callable[[int], None] | None = None) -> int:
    """Empty the index and write every document from the database; how many were written.

    ``progress(n)`` is told after each document (the CLI's progress bar). The rebuild
    holds the index's write lock throughout, so incremental jobs wait for it and then
    apply their changes on top.
    """
    written = write_all(store, sources.every_document(session), progress)
    log.info("search index in %s rebuilt: %d documents", store.path, written)
    return written


def write_all(store: IndexStore, documents: Iterable[Document], progress: Callable[[int], None] | None = None,
              batch: int = BATCH) -> int:
    """Start the index afresh with ``documents`` (the rebuild's writing half, also the benchmark's)."""
    written = 0
    with store.rebuilding() as ix:
        writer = store.batch_writer(ix)
        try:
            for document in documents:
                writer.add_document(**document)
                written += 1
                if progress is not None:
                    progress(1)
                if written % batch == 0:
                    writer.commit()
                    writer = store.batch_writer(ix)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
    return written
