"""Noticing what a transaction changed that the index shows.

The domain packages know nothing of search (they must not import it); instead this module
listens to SQLAlchemy's ``after_flush`` on every session and names each indexed record
that was added, changed or deleted as a :data:`~search.sources.Ref`. What to do with them
is the caller's business (:func:`watch`): the app collects them per transaction and
queues one indexing job after the commit, so a rolled-back transaction indexes nothing.

Who may see a draft (project members) is decided at query time, so membership changes need
no re-indexing; an enterprise that moves region or industry re-indexes its practices too,
since they carry those facts; a publication re-indexes the standard it replaces, whose status
(被代替 from the day the new one takes effect) its documents carry as a date.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from benchmarks.models import CheckItem, ControlMeasure, RiskPoint
from core.audit import AuditEvent
from core.enterprises import Enterprise
from search.sources import Ref
from standards.models import Clause, Publication, StandardProject, StandardVersion

Sink = Callable[[Session, set[Ref]], None]
_sinks: list[Sink] = []
MOVES = ("region_path", "industry_code")  # an enterprise's facts its practices' documents repeat


def _moved(enterprise: Enterprise) -> bool:
    state = inspect(enterprise)
    return any(state.attrs[name].history.has_changes() for name in MOVES)


def refs_of(record: Any) -> set[Ref]:
    """The documents ``record`` appears in (empty for records the index does not show)."""
    if isinstance(record, Enterprise):
        return {("enterprise_tree" if _moved(record) else "enterprise", record.id)}
    if isinstance(record, RiskPoint):
        return {("risk_point", record.id)}
    if isinstance(record, ControlMeasure) and record.risk_point_id is not None:
        return {("risk_point", record.risk_point_id)}
    if isinstance(record, CheckItem):
        return {("check_item", record.id)}
    if isinstance(record, StandardProject):
        return {("project", record.id)}
    if isinstance(record, StandardVersion):
        return {("version", record.id)}
    if isinstance(record, Clause):
        return {("clause", record.id)}
    if isinstance(record, Publication):
        return {("publication", record.id), *(("publication", i) for i in _replaced(record))}
    if isinstance(record, AuditEvent) and record.action in BULK_EDITS and record.parent_id:
        return {(BULK_EDITS[record.action], int(record.parent_id))}
    return set()


# Edits made with SQL statements rather than through the ORM, which no flush reports; their
# audit event (written in the same transaction, naming the record's parent) stands in for them.
BULK_EDITS = {"clause.delete": "draft_text"}  # a clause and all below it: the working draft again


def _replaced(publication: Publication) -> set[int]:
    """The standards whose status this one's dates and state decide (now, or before this change)."""
    history = inspect(publication).attrs.replaces_id.history
    return {i for i in (publication.replaces_id, *history.deleted) if i is not None}


def _after_flush(session: Session, _context: Any) -> None:
    if not _sinks:
        return
    refs: set[Ref] = set()
    for record in (*session.new, *session.dirty, *session.deleted):
        refs |= refs_of(record)
    if refs:
        for sink in _sinks:
            sink(session, refs)


def watch(sink: Sink) -> None:
    """Call ``sink(session, refs)`` after each flush that touched indexed records (once per sink)."""
    if sink not in _sinks:
        _sinks.append(sink)
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
