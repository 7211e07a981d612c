"""The region tree loaded by migration, and jurisdiction as one indexed prefix match."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.enterprises import Enterprise
from core.people import Role
from core.regions import Industry, Region
from core.scope import visible_enterprises
from tests.factories import make_enterprise, make_user


def test_the_whole_shandong_tree_is_loaded(session: Session) -> None:
    counts = dict(session.execute(select(Region.level, func.count()).group_by(Region.level)).all())
    assert counts == {"province": 1, "city": 16, "county": 151, "township": 1853}
    assert session.scalar(select(func.count()).select_from(Industry)) == 16


def test_paths_and_full_names_follow_the_parents(session: Session) -> None:
    town = session.get_one(Region, "370303001")
    assert town.path == "/370000/370300/370303/370303001/"
    assert town.full_name == "淄博市张店区车站街道"
    assert session.get_one(Region, "370303").contains(town.path)
    assert not session.get_one(Region, "370306").contains(town.path)


def test_a_city_sees_its_townships_but_not_the_next_city(session: Session) -> None:
    zibo = make_user(session, "u_zibo", Role.BUREAU, region="370300")
    inside = make_enterprise(session, "370303001")
    outside = make_enterprise(session, "370112")
    visible = set(session.scalars(select(Enterprise.id).where(visible_enterprises(zibo))))
    assert inside.id in visible and outside.id not in visible


def test_jurisdiction_is_one_indexed_prefix_match(session: Session) -> None:
    zibo = make_user(session, "u_zibo", Role.BUREAU, region="370300")
    stmt = select(Enterprise.id).where(visible_enterprises(zibo))
    compiled = stmt.compile(session.bind, compile_kwargs={"literal_binds": True})
    if session.bind.dialect.name == "sqlite":
        plan = " ".join(row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    else:  # tiny tables favour a scan; forbid it to see whether the index can serve the LIKE
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in session.execute(text(f"EXPLAIN {compiled}")))
    assert "ix_enterprises_region_path" in plan, plan
