"""Alembic is the only way the schema changes: head must equal the models exactly, and a
database of the previous release reaches head without losing data."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

import benchmarks.models  # noqa: F401
import core.models  # noqa: F401
from benchmarks.models import Campaign, Nomination
from core import audit, migrate
from core.audit import use_seal
from core.audit_verify import verify_chain
from core.db import Base, make_engine
from core.enterprises import Enterprise
from core.migrate import MIGRATIONS, alembic_config, current
from core.notifications import Notification
from tests.conftest import TEST_SEAL
from tests.databases import scratch_database
from tests.factories import credit_code


def _load_revision(filename: str) -> object:
    spec = importlib.util.spec_from_file_location("revision", MIGRATIONS / "versions" / filename)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


OLD_RELEASE = _load_revision("0003_hardening.py")  # it knows how the old chain was hashed


def test_upgrade_head_yields_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_database_is_at_the_newest_revision(engine: Engine) -> None:
    assert current(engine) == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)


# --- an installation of the previous release, upgraded in place ------------------------

OLD_TIME = "2026-11-01 08:00:00.000000"


def _old_installation(engine: Engine, tamper: bool = False) -> None:
    """Rows as release 0002 wrote them: a user, an enterprise, a campaign, a nomination,
    a notification with a URL, and two events in the old plain-SHA-256 chain."""
    migrate.upgrade(engine, "0002")
    events = [
        (1, "enterprise.create", "enterprise", "1", "登记企业“甲化工有限公司”"),
        (2, "nomination.create", "nomination", "1", "推荐“甲化工有限公司”（草稿）"),
    ]
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (id, username, display_name, password_hash, region_code, is_active, failed_logins,"
            " session_token, created_at) VALUES (1, 'zd', '县级', 'x', '370303', :t, 0, 'tok', :at)"),
            {"t": True, "at": OLD_TIME})
        conn.execute(text("INSERT INTO user_roles (user_id, role) VALUES (1, 'bureau')"))
        conn.execute(text(
            "INSERT INTO enterprises (id, name, credit_code, region_code, region_path, industry_code, address,"
            " legal_representative, safety_contact, safety_phone, employee_count, scale, major_hazard, created_at,"
            " updated_at, version) VALUES (1, '甲化工有限公司', :code, '370303', '/370000/370300/370303/', 'CHEM',"
            " '', '', '', '', 10, 'small', :f, :at, :at, 3)"),
            {"code": credit_code(), "f": False, "at": OLD_TIME})
        conn.execute(text(
            "INSERT INTO campaigns (id, title, year, description, county_deadline, city_deadline, province_deadline,"
            " status, created_by_id, created_at, version) VALUES (1, '旧批次', 2026, '', '2026-12-01', '2026-12-10',"
            " '2026-12-20', 'open', 1, :at, 2)"), {"at": OLD_TIME})
        conn.execute(text(
            "INSERT INTO nominations (id, campaign_id, enterprise_id, industry_code, nominator_region_code,"
            " nominator_level, created_by_id, state, risk_control, hidden_danger, informatisation, created_at,"
            " updated_at, version) VALUES (1, 1, 1, 'CHEM', '370303', 'county', 1, 'draft', '甲', '乙', '丙',"
            " :at, :at, 1)"), {"at": OLD_TIME})
        conn.execute(text(
            "INSERT INTO notifications (id, user_id, title, body, link, created_at) VALUES"
            " (1, 1, '待办', '', '/nominations/1', :at), (2, 1, '说明', '', '', :at)"), {"at": OLD_TIME})
        prev = audit.GENESIS_HASH
        for seq, action, object_type, object_id, summary in events:
            row = SimpleNamespace(seq=seq, occurred_at=OLD_TIME, actor_id=1, actor_name="县级（zd）", action=action,
                                  object_type=object_type, object_id=object_id, summary=summary, reason=None,
                                  data="{}", prev_hash=prev)
            seal = OLD_RELEASE._old_hash(row)
            if tamper and seq == 1:
                summary = "改过"
            conn.execute(text(
                "INSERT INTO audit_events (id, seq, occurred_at, actor_id, actor_name, action, object_type,"
                " object_id, summary, data, prev_hash, hash) VALUES (:seq, :seq, :at, 1, '县级（zd）', :action,"
                " :ot, :oid, :summary, '{}', :prev, :hash)"),
                {"seq": seq, "at": OLD_TIME, "action": action, "ot": object_type, "oid": object_id,
                 "summary": summary, "prev": prev, "hash": seal})
            prev = seal
        conn.execute(text("UPDATE audit_chain_head SET seq = 2, last_hash = :h"), {"h": prev})


def test_a_database_of_the_previous_release_upgrades_keeping_its_data(tmp_path: Path) -> None:
    with scratch_database(tmp_path, "upgrade") as url:
        engine = make_engine(url)
        try:
            _old_installation(engine)
            migrate.upgrade(engine, audit_key=TEST_SEAL.key)
            with use_seal(Session(engine), TEST_SEAL) as session:
                nomination = session.get_one(Nomination, 1)
                assert nomination.region_path == "/370000/370300/370303/" and nomination.lock_version == 1
                assert session.get_one(Enterprise, 1).lock_version == 3
                assert session.get_one(Campaign, 1).state == "open"
                notes = {n.id: (n.object_type, n.object_id, n.task) for n in session.scalars(select(Notification))}
                assert notes == {1: ("nomination", "1", False), 2: (None, None, False)}
                report = verify_chain(session)
                assert report.ok and report.checked == 2  # re-sealed under the key, still whole
        finally:
            engine.dispose()


def test_an_altered_trail_of_the_previous_release_is_not_resealed(tmp_path: Path) -> None:
    with scratch_database(tmp_path, "upgrade_tampered") as url:
        engine = make_engine(url)
        try:
            _old_installation(engine, tamper=True)
            with pytest.raises(RuntimeError, match="does not verify at event #1"):
                migrate.upgrade(engine, audit_key=TEST_SEAL.key)
            assert current(engine) == "0002"  # the whole upgrade rolled back
        finally:
            engine.dispose()
