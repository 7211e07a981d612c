"""The trail: events in the same transaction as the change, hash-chained, verifiable."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from app import create_app
from core import audit
from core.audit import AuditEvent
from core.errors import ValidationError
from core.people import Role
from core.registry import EnterpriseInput, register_enterprise
from tests.factories import credit_code, make_enterprise, make_user


def _events(session: Session, n: int) -> list[AuditEvent]:
    user = make_user(session, "auditor", Role.ADMIN)
    enterprise = make_enterprise(session)
    return [audit.record(session, user, "test.touch", enterprise, f"第 {i} 次") for i in range(n)]


def test_an_intact_chain_verifies(session: Session) -> None:
    _events(session, 3)
    report = audit.verify_chain(session)
    assert report.ok and report.checked >= 3


def test_each_event_holds_the_hash_of_the_one_before(session: Session) -> None:
    first, second = _events(session, 2)
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1


def test_an_altered_event_is_named(session: Session) -> None:
    events = _events(session, 3)
    session.execute(text("UPDATE audit_events SET summary = '改过' WHERE seq = :s"), {"s": events[1].seq})
    session.expire_all()
    report = audit.verify_chain(session)
    assert not report.ok and report.bad_seq == events[1].seq
    assert "被改动" in report.problem


def test_a_removed_event_in_the_middle_is_named(session: Session) -> None:
    seq = _events(session, 3)[1].seq
    session.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": seq})
    session.expire_all()
    report = audit.verify_chain(session)
    assert not report.ok and report.bad_seq == seq and "缺失" in report.problem


def test_a_removed_last_event_is_noticed(session: Session) -> None:
    seq = _events(session, 2)[-1].seq
    session.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": seq})
    session.expire_all()
    report = audit.verify_chain(session)
    assert not report.ok and report.bad_seq == seq


def test_the_orm_refuses_to_rewrite_an_event(session: Session) -> None:
    event = _events(session, 1)[0]
    event.summary = "篡改"
    try:
        session.flush()
    except RuntimeError as exc:
        assert "append-only" in str(exc)
    else:
        raise AssertionError("an audit event was updated through the ORM")


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
    [event] = audit.history(session, enterprise)
    assert event.action == "enterprise.create" and event.actor_id == registrar.id
    assert event.details["name"] == "乙化工有限公司"


def _cli_app(engine: Engine, tmp_path) -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "x", "UPLOAD_DIR": str(tmp_path),
                       "DATABASE_URL": engine.url.render_as_string(hide_password=False)})


def test_the_verify_command_says_ok_then_names_a_tampered_event(engine: Engine, tmp_path) -> None:
    """Runs against committed data, so it cleans up after itself."""
    with Session(engine) as session:
        events = _events(session, 2)
        session.commit()
        seq = events[0].seq
    app = _cli_app(engine, tmp_path)
    runner = app.test_cli_runner()
    try:
        ok = runner.invoke(args=["audit", "verify"])
        assert ok.exit_code == 0 and ok.output.startswith("OK")
        with engine.begin() as conn:
            conn.execute(text("UPDATE audit_events SET reason = 'x' WHERE seq = :s"), {"s": seq})
        bad = runner.invoke(args=["audit", "verify"])
        assert bad.exit_code != 0
        assert f"#{seq}" in bad.output
    finally:
        app.extensions["db"].engine.dispose()
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_events"))
            conn.execute(text("UPDATE audit_chain_head SET seq = 0, last_hash = :h"), {"h": "0" * 64})
            conn.execute(text("DELETE FROM enterprises"))
            conn.execute(text("DELETE FROM user_roles"))
            conn.execute(text("DELETE FROM users"))
