"""The trail (痕迹化): append-only, hash-chained audit events.

Each service writes its event in the same transaction as the change it records, so a
change without its event (or the reverse) cannot be committed. Every event stores the
hash of the one before; :func:`verify_chain` recomputes the chain and names the first
event that was altered or removed.

Appends are serialised through one "chain head" row: ``UPDATE … RETURNING`` takes its
row lock on PostgreSQL (held to commit) and SQLite's writer lock does the same job, so
two concurrent transactions can never link to the same predecessor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ForeignKey, Index, Integer, Select, String, Text, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, intpk, utcnow

GENESIS_HASH = "0" * 64


class Actor(Protocol):
    id: int
    username: str
    display_name: str


class Audited(Protocol):
    """A model that can be the subject of an event: it names its own type."""

    audit_type: str
    id: Any


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[intpk]
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[dt.datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50), index=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    @property
    def details(self) -> dict[str, Any]:
        return json.loads(self.data)


class AuditChainHead(Base):
    """One row: how long the chain is and the hash of its last event."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_rewrite(_mapper: Any, _connection: Any, target: AuditEvent) -> None:
    raise RuntimeError(f"audit event #{target.seq} is append-only")


@dataclass(frozen=True)
class Entry:
    """What a service wants recorded; the trail adds who, when and the chain."""

    action: str
    target: Audited
    summary: str
    reason: str | None = None
    data: Mapping[str, Any] | None = None


def canonical_json(data: Mapping[str, Any] | None) -> str:
    return json.dumps(data or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def event_hash(ev: AuditEvent) -> str:
    """The hash over every field a reader relies on, plus the predecessor's hash."""
    payload = [
        ev.seq,
        ev.occurred_at.astimezone(dt.UTC).isoformat(),
        ev.actor_id,
        ev.actor_name,
        ev.action,
        ev.object_type,
        ev.object_id,
        ev.summary,
        ev.reason,
        ev.data,
        ev.prev_hash,
    ]
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields that differ: what an edit event records."""
    return {key: [before[key], after[key]] for key in before if before[key] != after.get(key)}


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    target: Audited,
    summary: str,
    *,
    reason: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event about ``target`` in the caller's transaction."""
    return record_many(session, actor, [Entry(action, target, summary, reason, data)])[0]


def record_many(session: Session, actor: Actor | None, entries: list[Entry]) -> list[AuditEvent]:
    """Append several events at once (an import), reserving their places in one step."""
    if not entries:
        return []
    if any(entry.target.id is None for entry in entries):
        session.flush()
    start, prev_hash = session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .values(seq=AuditChainHead.seq + len(entries))
        .returning(AuditChainHead.seq, AuditChainHead.last_hash)
    ).one()
    start -= len(entries)
    now = utcnow()
    actor_name = f"{actor.display_name}（{actor.username}）" if actor else "系统"
    events = []
    for offset, entry in enumerate(entries, start=1):
        ev = AuditEvent(
            seq=start + offset,
            occurred_at=now,
            actor_id=actor.id if actor else None,
            actor_name=actor_name,
            action=entry.action,
            object_type=entry.target.audit_type,
            object_id=str(entry.target.id),
            summary=entry.summary[:500],
            reason=entry.reason or None,
            data=canonical_json(entry.data),
            prev_hash=prev_hash,
        )
        ev.hash = prev_hash = event_hash(ev)
        events.append(ev)
    session.add_all(events)
    session.execute(
        update(AuditChainHead).where(AuditChainHead.id == 1).values(last_hash=prev_hash)
    )
    return events


def history(session: Session, target: Audited) -> list[AuditEvent]:
    """The events about one record, oldest first: what its page shows as its history."""
    stmt = (
        select(AuditEvent)
        .where(
            AuditEvent.object_type == target.audit_type,
            AuditEvent.object_id == str(target.id),
        )
        .order_by(AuditEvent.seq)
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    bad_seq: int | None = None
    problem: str = ""


def verify_chain(session: Session) -> ChainReport:
    """Recompute the whole chain; report the first event that is missing or altered."""
    stmt = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000)
    with session.scalars(stmt) as events:  # closes the server-side cursor on an early return
        return _check(session, events)


def _check(session: Session, events: Iterable[AuditEvent]) -> ChainReport:
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for ev in events:
        if ev.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"事件 #{expected_seq} 缺失（已被删除）")
        if ev.prev_hash != prev_hash:
            return ChainReport(False, checked, ev.seq, f"事件 #{ev.seq} 的前序哈希与事件 #{ev.seq - 1} 不符")
        if event_hash(ev) != ev.hash:
            return ChainReport(False, checked, ev.seq, f"事件 #{ev.seq} 的内容被改动（哈希不符）")
        prev_hash, expected_seq, checked = ev.hash, expected_seq + 1, checked + 1
    head = session.get(AuditChainHead, 1)
    if head is None:
        return ChainReport(False, checked, None, "链头记录缺失")
    if head.seq != checked or head.last_hash != prev_hash:
        missing = checked + 1
        return ChainReport(False, checked, missing, f"事件 #{missing} 缺失（链尾事件已被删除）")
    return ChainReport(True, checked)


@dataclass(frozen=True)
class AuditFilter:
    text: str = ""
    action: str = ""
    object_type: str = ""
    actor: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def browse(flt: AuditFilter) -> Select[tuple[AuditEvent]]:
    """All events matching ``flt``, newest first (the administrator's view of the trail)."""
    stmt = select(AuditEvent)
    if flt.text:
        stmt = stmt.where(AuditEvent.summary.contains(flt.text, autoescape=True))
    if flt.action:
        stmt = stmt.where(AuditEvent.action.startswith(flt.action, autoescape=True))
    if flt.object_type:
        stmt = stmt.where(AuditEvent.object_type == flt.object_type)
    if flt.actor:
        stmt = stmt.where(AuditEvent.actor_name.contains(flt.actor, autoescape=True))
    if flt.since:
        stmt = stmt.where(AuditEvent.occurred_at >= flt.since)
    if flt.until:
        stmt = stmt.where(AuditEvent.occurred_at < flt.until)
    return stmt.order_by(AuditEvent.seq.desc())
