"""The trail (痕迹化): append-only audit events, sealed in a keyed hash chain.

This module writes and reads the trail: the event and chain-head tables, sealing
(``record``/``record_many``), checkpoints, and the queries behind history pages and the
administrator's browser. Checking a whole chain lives in :mod:`core.audit_verify`, which
builds on what is here; it is a separate job (the CLI, the admin page, a benchmark) that
no service calls while it writes.

Each service writes its event in the same transaction as the change it records, so a
change without its event (or the reverse) cannot be committed. Every event stores the
HMAC-SHA256 of its content and its predecessor's seal, under a key that lives outside
the database (``AUDIT_KEY``): someone who can write to the database can delete or edit
events, but cannot compute seals that verify. Two holes remain for a database writer —
cutting off the newest events, or emptying the table — and checkpoints close them:
after every commit that wrote events, the head of the chain (seq, seal, time, and an
HMAC over those) is appended to a file outside the database, and
:func:`core.audit_verify.verify_chain` requires the newest checkpoint to still be in the
chain. On PostgreSQL a trigger also refuses ``UPDATE``/``DELETE``/``TRUNCATE`` on the
table (migration 0003).

Appends are serialised through one "chain head" row: ``UPDATE … RETURNING`` takes its
row lock on PostgreSQL (held to commit) and SQLite's writer lock does the same job, so
two concurrent transactions can never link to the same predecessor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import ForeignKey, Index, Integer, Select, String, Text, event, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, after_commit, intpk, transaction_scoped, utcnow

GENESIS_HASH = "0" * 64
SEAL_INFO = "audit_seal"


class Actor(Protocol):
    id: int
    username: str
    display_name: str


class Audited(Protocol):
    """A model that can be the subject of an event: it names its own type.

    A model may also have an ``audit_parent`` (another audited record) so its events
    show in the parent's history too — a clause edit belongs to its standard project.
    """

    audit_type: str
    id: Any


@dataclass(frozen=True)
class Seal:
    """How this installation seals its trail: the key, and where checkpoints go."""

    key: bytes
    checkpoints: Path | None = None  # None: keep no checkpoint file (tests)


def use_seal(session: Session, seal: Seal) -> Session:
    """Attach the installation's seal to a session that will write or verify events."""
    session.info[SEAL_INFO] = seal
    return session


def seal_of(session: Session) -> Seal:
    seal = session.info.get(SEAL_INFO)
    if seal is None:
        raise RuntimeError("this session has no audit seal (AUDIT_KEY); open it through the app's session factory")
    return seal


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("ix_audit_events_parent", "parent_type", "parent_id"),
    )

    id: Mapped[intpk]
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[dt.datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50), index=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(64))
    parent_type: Mapped[str | None] = mapped_column(String(30))
    parent_id: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    @property
    def details(self) -> dict[str, Any]:
        return json.loads(self.data)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def object_label(self) -> str:
        return OBJECT_LABELS.get(self.object_type, self.object_type)


class AuditChainHead(Base):
    """One row: how long the chain is and the seal of its last event."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_rewrite(_mapper: Any, _connection: Any, target: AuditEvent) -> None:
    raise RuntimeError(f"audit event #{target.seq} is append-only")


# --- words: what the trail's codes mean to a reader ---------------------------------

ACTION_LABELS: dict[str, str] = {}
OBJECT_LABELS: dict[str, str] = {}


def name_things(objects: Mapping[str, str] | None = None, actions: Mapping[str, str] | None = None) -> None:
    """Give object types and actions their Chinese names (each package names its own)."""
    OBJECT_LABELS.update(objects or {})
    ACTION_LABELS.update(actions or {})


name_things(
    objects={"user": "用户", "enterprise": "企业"},
    actions={
        "user.create": "创建用户", "user.update": "修改用户", "user.login": "登录",
        "user.login_failed": "登录失败", "user.lock": "账户锁定", "user.logout": "退出登录",
        "user.password": "修改密码", "user.unlock": "解锁用户", "user.reset_password": "重置密码",
        "enterprise.create": "登记企业", "enterprise.update": "修改企业信息",
        "enterprise.import": "导入企业", "enterprise.import_update": "导入更新企业信息",
    },
)


# --- sealing ------------------------------------------------------------------------


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


def event_hash(ev: AuditEvent, key: bytes) -> str:
    """The HMAC over every field a reader relies on, plus the predecessor's seal."""
    payload = [
        ev.seq,
        ev.occurred_at.astimezone(dt.UTC).isoformat(),
        ev.actor_id,
        ev.actor_name,
        ev.action,
        ev.object_type,
        ev.object_id,
        ev.parent_type,
        ev.parent_id,
        ev.summary,
        ev.reason,
        ev.data,
        ev.prev_hash,
    ]
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, raw.encode("utf-8"), hashlib.sha256).hexdigest()


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
    seal = seal_of(session)
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
        parent = getattr(entry.target, "audit_parent", None)
        ev = AuditEvent(
            seq=start + offset,
            occurred_at=now,
            actor_id=actor.id if actor else None,
            actor_name=actor_name,
            action=entry.action,
            object_type=entry.target.audit_type,
            object_id=str(entry.target.id),
            parent_type=parent.audit_type if parent is not None else None,
            parent_id=str(parent.id) if parent is not None else None,
            summary=entry.summary[:500],
            reason=entry.reason or None,
            data=canonical_json(entry.data),
            prev_hash=prev_hash,
        )
        ev.hash = prev_hash = event_hash(ev, seal.key)
        events.append(ev)
    session.add_all(events)
    session.execute(
        update(AuditChainHead).where(AuditChainHead.id == 1).values(last_hash=prev_hash)
    )
    _checkpoint_after_commit(session, seal, events[-1])
    return events


# --- checkpoints: the head, kept where a database writer cannot reach it --------------


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str  # ISO time, UTC
    mac: str

    @staticmethod
    def mac_for(key: bytes, seq: int, seal: str, at: str) -> str:
        return hmac.new(key, f"{seq}|{seal}|{at}".encode(), hashlib.sha256).hexdigest()

    @classmethod
    def make(cls, key: bytes, seq: int, seal: str) -> Checkpoint:
        at = utcnow().isoformat(timespec="seconds")
        return cls(seq, seal, at, cls.mac_for(key, seq, seal, at))

    def line(self) -> str:
        return f"{self.seq}\t{self.hash}\t{self.at}\t{self.mac}\n"

    def genuine(self, key: bytes) -> bool:
        return hmac.compare_digest(self.mac, self.mac_for(key, self.seq, self.hash, self.at))


def _checkpoint_after_commit(session: Session, seal: Seal, last: AuditEvent) -> None:
    """Once this transaction commits, file its newest event as a checkpoint (one per commit)."""
    if seal.checkpoints is None:
        return
    pending = transaction_scoped(session)
    if "audit_head" not in pending:
        after_commit(session, lambda: append_checkpoint(seal, *pending["audit_head"]))
    pending["audit_head"] = (last.seq, last.hash)


def append_checkpoint(seal: Seal, seq: int, seal_hash: str) -> Checkpoint:
    """Append one line with ``O_APPEND``: concurrent workers' lines never interleave."""
    assert seal.checkpoints is not None
    checkpoint = Checkpoint.make(seal.key, seq, seal_hash)
    seal.checkpoints.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(seal.checkpoints, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, checkpoint.line().encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return checkpoint


def read_checkpoints(path: Path) -> list[Checkpoint | int]:
    """The file's checkpoints in order; a line that cannot be parsed is its line number."""
    found: list[Checkpoint | int] = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        parts = line.split("\t")
        if len(parts) == 4 and parts[0].isdigit():
            found.append(Checkpoint(int(parts[0]), parts[1], parts[2], parts[3]))
        elif line.strip():
            found.append(number)
    return found


def head_checkpoint(session: Session) -> Checkpoint:
    """A signed statement of the chain's current head, to be filed outside this system."""
    seal = seal_of(session)
    head = session.get_one(AuditChainHead, 1)
    return Checkpoint.make(seal.key, head.seq, head.last_hash)


# --- reading ------------------------------------------------------------------------


def history(target: Audited) -> Select[tuple[AuditEvent]]:
    """The events about one record and the records under it, newest first."""
    object_id = str(target.id)
    return (
        select(AuditEvent)
        .where(or_(
            (AuditEvent.object_type == target.audit_type) & (AuditEvent.object_id == object_id),
            (AuditEvent.parent_type == target.audit_type) & (AuditEvent.parent_id == object_id),
        ))
        .order_by(AuditEvent.seq.desc())
    )


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
