"""Hardening: workflow states, optimistic-lock names, nominations keep their owner, notifications
name their record, and the audit trail is sealed with a key and protected by triggers.

- ``version`` → ``lock_version`` (enterprises, campaigns, nominations); ``campaigns.status``
  → ``state`` (every workflow record has a ``state``).
- ``nominations.region_path``: where the enterprise stood when it was put forward.
- ``notifications``: ``link`` becomes ``object_type``/``object_id``; tasks and ``done_at``.
- ``audit_events``: ``object_id`` wide enough for UUIDs, a parent reference, and every
  existing event re-sealed with HMAC-SHA256 under ``AUDIT_KEY`` — after the old chain has
  been verified, so a tampered trail is never laundered. Triggers then refuse UPDATE and
  DELETE (and TRUNCATE on PostgreSQL).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LINK = re.compile(r"^/(nominations|campaigns|enterprises)/(\d+)$")
LINK_TYPES = {"nominations": "nomination", "campaigns": "campaign", "enterprises": "enterprise"}
GENESIS = "0" * 64


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("enterprises") as batch:
        batch.alter_column("version", new_column_name="lock_version", existing_type=sa.Integer(),
                           existing_nullable=False)
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_constraint(op.f("ck_campaigns_status"), type_="check")
        batch.alter_column("status", new_column_name="state", existing_type=sa.String(10), existing_nullable=False)
        batch.alter_column("version", new_column_name="lock_version", existing_type=sa.Integer(),
                           existing_nullable=False)
        batch.create_check_constraint("state", "state IN ('open', 'closed')")
    _nominations()
    _notifications()
    _audit(dialect)


def _nominations() -> None:
    with op.batch_alter_table("nominations") as batch:
        batch.alter_column("version", new_column_name="lock_version", existing_type=sa.Integer(),
                           existing_nullable=False)
        batch.add_column(sa.Column("region_path", sa.String(60), nullable=True))
    op.execute("UPDATE nominations SET region_path = "
               "(SELECT region_path FROM enterprises WHERE enterprises.id = nominations.enterprise_id)")
    with op.batch_alter_table("nominations") as batch:
        batch.alter_column("region_path", existing_type=sa.String(60), nullable=False)
        batch.create_index("ix_nominations_region_path", ["region_path"], unique=False,
                           postgresql_ops={"region_path": "text_pattern_ops"})


def _notifications() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("object_type", sa.String(30), nullable=True))
        batch.add_column(sa.Column("object_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("task", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
    notes = sa.table("notifications", sa.column("id"), sa.column("link"), sa.column("object_type"),
                     sa.column("object_id"))
    bind = op.get_bind()
    for note_id, link in bind.execute(sa.select(notes.c.id, notes.c.link)).all():
        if match := LINK.match(link or ""):
            bind.execute(notes.update().where(notes.c.id == note_id).values(
                object_type=LINK_TYPES[match.group(1)], object_id=match.group(2)))
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("link")
        batch.alter_column("task", existing_type=sa.Boolean(), server_default=None)
        batch.create_index("ix_notifications_object", ["object_type", "object_id"], unique=False)


def _audit(dialect: str) -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.alter_column("object_id", existing_type=sa.String(30), type_=sa.String(64), existing_nullable=False)
        batch.add_column(sa.Column("parent_type", sa.String(30), nullable=True))
        batch.add_column(sa.Column("parent_id", sa.String(64), nullable=True))
        batch.create_index("ix_audit_events_parent", ["parent_type", "parent_id"], unique=False)
    _reseal()
    if dialect == "postgresql":
        op.execute("""
            CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP;
            END $$""")
        op.execute("CREATE TRIGGER audit_events_no_rewrite BEFORE UPDATE OR DELETE ON audit_events "
                   "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()")
        op.execute("CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()")
    elif dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                       "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")


# --- re-sealing: the old plain SHA-256 chain becomes an HMAC chain ---------------------

COLUMNS = ("id", "seq", "occurred_at", "actor_id", "actor_name", "action", "object_type", "object_id",
           "summary", "reason", "data", "prev_hash", "hash")


def _iso(value: dt.datetime | str) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat()


def _old_hash(row: sa.Row) -> str:
    payload = [row.seq, _iso(row.occurred_at), row.actor_id, row.actor_name, row.action, row.object_type,
               row.object_id, row.summary, row.reason, row.data, row.prev_hash]
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _new_hash(row: sa.Row, prev: str, key: bytes) -> str:
    """``core.audit.event_hash`` as of this revision (kept here so the migration never drifts)."""
    payload = [row.seq, _iso(row.occurred_at), row.actor_id, row.actor_name, row.action, row.object_type,
               row.object_id, None, None, row.summary, row.reason, row.data, prev]
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, raw.encode("utf-8"), hashlib.sha256).hexdigest()


def _reseal() -> None:
    bind = op.get_bind()
    events = sa.table("audit_events", *(sa.column(c) for c in COLUMNS))
    rows = bind.execute(sa.select(*events.c).order_by(events.c.seq)).all()
    if not rows:
        return
    key = context.config.attributes.get("audit_key")
    if not key:
        raise RuntimeError("re-sealing the audit trail needs AUDIT_KEY: run `flask --app wsgi db upgrade`")
    prev_old, prev_new = GENESIS, GENESIS
    for expected_seq, row in enumerate(rows, start=1):
        if row.seq != expected_seq or row.prev_hash != prev_old or _old_hash(row) != row.hash:
            raise RuntimeError(f"the audit trail does not verify at event #{expected_seq}; "
                               "refusing to re-seal a trail that may have been altered")
        prev_old = row.hash
        new = _new_hash(row, prev_new, key)
        bind.execute(events.update().where(events.c.id == row.id).values(prev_hash=prev_new, hash=new))
        prev_new = new
    head = sa.table("audit_chain_head", sa.column("id"), sa.column("last_hash"))
    bind.execute(head.update().where(head.c.id == 1).values(last_hash=prev_new))


def downgrade() -> None:
    raise NotImplementedError("0003 re-seals the audit trail with a key; it cannot be undone")
