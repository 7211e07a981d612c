"""The trail: events in the same transaction as the change, sealed with a key, anchored
by checkpoints outside the database, verifiable — and what an attacker with write access
to the database can no longer hide (an edit, a deletion, a cut-off tail, an emptied
table, a chain rewritten with fresh hashes)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app import create_app
from core import audit, migrate
from core.audit import AuditEvent, Seal, use_seal
from core.audit_verify import ChainReport, verify_chain
from core.db import make_engine
from core.errors import ValidationError
from core.people import Role
from core.registry import EnterpriseInput, register_enterprise
from tests.conftest import TEST_SEAL
from tests.databases import scratch_database
from tests.factories import credit_code, make_enterprise, make_user, trail


def _events(session: Session, n: int) -> list[AuditEvent]:
    user = make_user(session, "auditor", Role.ADMIN)
    enterprise = make_enterprise(session)
    return [audit.record(session, user, "test.touch", enterprise, f"第 {i} 次") for i in range(n)]


def _as_the_database_owner(session: Session, sql: str, **params: object) -> None:
    """Tamper as someone with write access to the database would: triggers off, then SQL.

    Both databases undo the DDL with the test's transaction.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER audit_events_no_update"))
        session.execute(text("DROP TRIGGER audit_events_no_delete"))
    session.execute(text(sql), params)
    session.expire_all()


def _verify(session: Session, checkpoints: Path | None = None) -> ChainReport:
    use_seal(session, Seal(TEST_SEAL.key, checkpoints))
    try:
        return verify_chain(session)
    finally:
        use_seal(session, TEST_SEAL)


def test_an_intact_chain_verifies(session: Session) -> None:
    _events(session, 3)
    report = verify_chain(session)
    assert report.ok and report.checked >= 3


def test_each_event_holds_the_seal_of_the_one_before(session: Session) -> None:
    first, second = _events(session, 2)
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1


def test_a_seal_is_keyed_so_the_same_event_under_another_key_does_not_verify(session: Session) -> None:
    event = _events(session, 1)[0]
    assert audit.event_hash(event, TEST_SEAL.key) == event.hash
    assert audit.event_hash(event, b"another-key-of-enough-length-000") != event.hash


def test_an_altered_event_is_named(session: Session) -> None:
    events = _events(session, 3)
    _as_the_database_owner(session, "UPDATE audit_events SET summary = '改过' WHERE seq = :s", s=events[1].seq)
    report = verify_chain(session)
    assert not report.ok and report.bad_seq == events[1].seq
    assert "被改动" in report.problem


def test_a_removed_event_in_the_middle_is_named(session: Session) -> None:
    seq = _events(session, 3)[1].seq
    _as_the_database_owner(session, "DELETE FROM audit_events WHERE seq = :s", s=seq)
    report = verify_chain(session)
    assert not report.ok and report.bad_seq == seq and "缺失" in report.problem


def test_a_removed_last_event_is_noticed(session: Session) -> None:
    seq = _events(session, 2)[-1].seq
    _as_the_database_owner(session, "DELETE FROM audit_events WHERE seq = :s", s=seq)
    report = verify_chain(session)
    assert not report.ok and report.bad_seq == seq


def _rewrite_from(session: Session, seq: int, key: bytes | None) -> None:
    """Edit event ``seq`` and recompute every later seal — with a guessed key, or plain SHA-256."""
    _as_the_database_owner(session, "UPDATE audit_events SET summary = '改过' WHERE seq = :s", s=seq)
    prev = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq - 1)) or audit.GENESIS_HASH
    stored = session.scalars(select(AuditEvent).where(AuditEvent.seq >= seq).order_by(AuditEvent.seq)).all()
    columns = [c.key for c in AuditEvent.__table__.columns]
    for original in stored:
        event = AuditEvent(**{c: getattr(original, c) for c in columns})  # a loose copy, never flushed
        event.prev_hash = prev
        if key is None:
            raw = json.dumps([event.seq, event.summary, prev], ensure_ascii=False)
            new = hashlib.sha256(raw.encode()).hexdigest()
        else:
            new = audit.event_hash(event, key)
        session.execute(text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE seq = :s"),
                        {"p": prev, "h": new, "s": event.seq})
        prev = new
    session.execute(text("UPDATE audit_chain_head SET last_hash = :h"), {"h": prev})
    session.expire_all()


@pytest.mark.parametrize("key", [None, b"a-guessed-key-that-is-not-the-real-one"], ids=["sha256", "wrong-key"])
def test_a_chain_rewritten_with_fresh_hashes_does_not_verify(session: Session, key: bytes | None) -> None:
    events = _events(session, 4)
    _rewrite_from(session, events[1].seq, key)
    report = verify_chain(session)
    assert not report.ok and report.bad_seq == events[1].seq and "签名不符" in report.problem


def test_the_database_refuses_updates_and_deletes_of_events(session: Session) -> None:
    seq = _events(session, 1)[0].seq
    for sql in ("UPDATE audit_events SET summary = 'x' WHERE seq = :s", "DELETE FROM audit_events WHERE seq = :s"):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text(sql), {"s": seq})
    if session.get_bind().dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text("TRUNCATE audit_events CASCADE"))


def test_the_orm_refuses_to_rewrite_an_event(session: Session) -> None:
    event = _events(session, 1)[0]
    event.summary = "篡改"
    with pytest.raises(RuntimeError, match="append-only"):
        session.flush()


# --- checkpoints --------------------------------------------------------------------------


def test_a_commit_that_wrote_events_files_one_checkpoint_of_its_newest_event(session: Session, tmp_path: Path) -> None:
    checkpoints = tmp_path / "checkpoints.log"
    use_seal(session, Seal(TEST_SEAL.key, checkpoints))
    events = _events(session, 3)
    assert not checkpoints.exists()  # nothing before the commit
    session.commit()
    [line] = audit.read_checkpoints(checkpoints)
    assert isinstance(line, audit.Checkpoint)
    assert (line.seq, line.hash) == (events[-1].seq, events[-1].hash) and line.genuine(TEST_SEAL.key)


def test_a_rolled_back_transaction_files_no_checkpoint(session: Session, tmp_path: Path) -> None:
    checkpoints = tmp_path / "checkpoints.log"
    use_seal(session, Seal(TEST_SEAL.key, checkpoints))
    _events(session, 2)
    session.rollback()
    assert not checkpoints.exists()


def _checkpointed(session: Session, tmp_path: Path, n: int) -> tuple[list[AuditEvent], Path]:
    checkpoints = tmp_path / "checkpoints.log"
    use_seal(session, Seal(TEST_SEAL.key, checkpoints))
    events = _events(session, n)
    session.commit()
    use_seal(session, TEST_SEAL)
    assert _verify(session, checkpoints).ok
    return events, checkpoints


def test_a_cut_off_tail_with_the_head_rewound_is_caught_by_the_checkpoint(session: Session, tmp_path: Path) -> None:
    events, checkpoints = _checkpointed(session, tmp_path, 5)
    cut, kept = events[2].seq, events[1]
    kept_seq, kept_hash = kept.seq, kept.hash
    _as_the_database_owner(session, "DELETE FROM audit_events WHERE seq >= :s", s=cut)
    session.execute(text("UPDATE audit_chain_head SET seq = :s, last_hash = :h"), {"s": kept_seq, "h": kept_hash})
    assert verify_chain(session).ok, "without checkpoints a cut-off tail looks whole"
    report = _verify(session, checkpoints)
    assert not report.ok and report.bad_seq == cut and "已被删除" in report.problem


def test_an_emptied_trail_is_caught_by_the_checkpoint(session: Session, tmp_path: Path) -> None:
    events, checkpoints = _checkpointed(session, tmp_path, 2)
    last_seq = events[-1].seq
    _as_the_database_owner(session, "DELETE FROM audit_events")
    session.execute(text("UPDATE audit_chain_head SET seq = 0, last_hash = :h"), {"h": audit.GENESIS_HASH})
    report = _verify(session, checkpoints)
    assert not report.ok and report.checked == 0
    assert f"已有 {last_seq} 条事件" in report.problem


def test_an_edited_checkpoint_file_is_caught(session: Session, tmp_path: Path) -> None:
    _, checkpoints = _checkpointed(session, tmp_path, 2)
    seq, seal, at, mac = checkpoints.read_text().strip().split("\t")
    checkpoints.write_text(f"{int(seq) + 5}\t{seal}\t{at}\t{mac}\n")
    report = _verify(session, checkpoints)
    assert not report.ok and "签名不符" in report.problem


def test_a_refused_change_leaves_no_event(session: Session) -> None:
    registrar = make_user(session, "reg", Role.BUREAU, region="370303")
    before = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    bad = EnterpriseInput(name="甲", credit_code="91350100M000100Y44", region_code="370303",
                          industry_code="CHEM")
    with pytest.raises(ValidationError):
        register_enterprise(session, registrar, bad)
    after = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    assert before == after


def test_the_change_and_its_event_commit_together(session: Session) -> None:
    registrar = make_user(session, "reg", Role.BUREAU, region="370303")
    enterprise = register_enterprise(session, registrar, EnterpriseInput(
        name="乙化工有限公司", credit_code=credit_code(), region_code="370303", industry_code="CHEM"))
    [event] = trail(session, enterprise)
    assert event.action == "enterprise.create" and event.actor_id == registrar.id
    assert event.details["name"] == "乙化工有限公司"


def test_a_records_history_includes_its_childrens_events_newest_first(session: Session) -> None:
    user = make_user(session, "auditor", Role.ADMIN)
    parent = make_enterprise(session)

    class Child:
        audit_type, id, audit_parent = "clause", "3f2b6a1e-2c1d-4a51-9f0e-7c7d9f1a2b3c", parent

    audit.record(session, user, "test.parent", parent, "父记录")
    audit.record(session, user, "test.child", Child(), "子记录")
    events = session.scalars(audit.history(parent)).all()
    assert [e.action for e in events] == ["test.child", "test.parent"]
    assert events[0].object_id == Child.id and events[0].parent_id == str(parent.id)


def test_the_trail_speaks_chinese(session: Session) -> None:
    event = _events(session, 1)[0]
    assert event.object_label == "企业"
    assert audit.ACTION_LABELS["nomination.return"] == "退回县级"
    assert audit.OBJECT_LABELS["nomination"] == "推荐"


# --- the command line, on a database of its own -------------------------------------------


@pytest.fixture
def committed(tmp_path: Path) -> Iterator[Engine]:
    with scratch_database(tmp_path, "audit_cli") as url:
        engine = make_engine(url)
        migrate.upgrade(engine, audit_key=TEST_SEAL.key)
        yield engine
        engine.dispose()


def _cli_app(engine: Engine, tmp_path: Path) -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "x", "UPLOAD_DIR": str(tmp_path / "uploads"),
                       "AUDIT_KEY": TEST_SEAL.key.decode(), "AUDIT_CHECKPOINTS": str(tmp_path / "cp.log"),
                       "RATELIMIT_STORAGE_URI": "memory://",
                       "DATABASE_URL": engine.url.render_as_string(hide_password=False)})


def test_the_verify_command_confirms_then_names_what_was_done(committed: Engine, tmp_path: Path) -> None:
    app = _cli_app(committed, tmp_path)
    seal = Seal(TEST_SEAL.key, tmp_path / "cp.log")
    with use_seal(Session(committed), seal) as session:
        events = _events(session, 3)
        session.commit()
        seqs = [e.seq for e in events]
    runner = app.test_cli_runner()
    try:
        ok = runner.invoke(args=["audit", "verify"])
        assert ok.exit_code == 0 and ok.output.startswith("OK: 3 events") and "1 checkpoints" in ok.output
        checkpoint = runner.invoke(args=["audit", "checkpoint"])
        seq, seal_hash, at, mac = checkpoint.output.strip().split("\t")
        assert int(seq) == seqs[-1] and audit.Checkpoint(int(seq), seal_hash, at, mac).genuine(TEST_SEAL.key)
        with use_seal(Session(committed), seal) as session:
            _as_the_database_owner(session, "DELETE FROM audit_events WHERE seq = :s", s=seqs[-1])
            session.execute(text("UPDATE audit_chain_head SET seq = :s, last_hash = :h"),
                            {"s": seqs[-2], "h": events[-2].hash})
            session.commit()
        bad = runner.invoke(args=["audit", "verify"])
        assert bad.exit_code == 1 and f"#{seqs[-1]}" in bad.output and "已被删除" in bad.output
    finally:
        app.extensions["db"].engine.dispose()
