"""Search over the database: who finds what, and the index following each commit.

Drafts only for those who may see the project; enterprises and practices only inside the
actor's jurisdiction (or their own enterprise); counts and pages that never include the
rest; indexing after commit, as a job, and never after a rollback.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import china_today
from core.people import User
from core.regions import Region
from search import indexer
from search.access import visible_to
from search.query import Criteria, Found, run
from search.store import IndexStore
from standards.drafting import delete_clause
from standards.models import ClauseKind, StandardProject
from standards.versions import working_draft
from tests.factories import World, add_clause, make_enterprise, make_project, make_risk_point

INDEXES = True  # the app indexes each commit (tests.conftest)

DRAFT_TEXT = "作业前应检测受限空间内硫化氢浓度，防止中毒风险。"


def find(session: Session, store: IndexStore, actor: User | None, text: str, **criteria: object) -> Found:
    return run(store, Criteria(text, **criteria), visible_to(session, actor), china_today())  # type: ignore[arg-type]


def titles(found: Found) -> list[str]:
    return sorted(h.title_html.replace("<mark>", "").replace("</mark>", "") for h in found.hits)


@pytest.fixture
def index(app: Flask) -> IndexStore:
    """The app's index (a temporary folder of this test's)."""
    return app.extensions["search"]


@pytest.fixture
def indexed(session: Session, world: World, index: IndexStore) -> World:
    """The world with a draft (张店区 edits it), a risk point in 张店区 and one in 历城区, all indexed."""
    project = make_project(session, world, title="化工企业受限空间作业安全规范")
    add_clause(session, working_draft(session, project), ClauseKind.CHAPTER, title="受限空间作业", body=DRAFT_TEXT)
    make_risk_point(session, world.ent_user, world.ent_zd, name="1#甲醇储罐")
    make_risk_point(session, world.jinan, world.ent_jn, name="2#甲醇储罐")
    indexer.rebuild(session, index)
    return world


@pytest.mark.parametrize(("who", "sees"), [
    ("zhangdian", True), ("expert", True), ("sheng", True), ("committee", True), ("admin", True),
    ("jinan", False), ("zibo", False), ("ent_user", False), (None, False),
])
def test_a_draft_is_found_only_by_those_who_may_see_its_project(session, index, indexed, who, sees):
    actor = getattr(indexed, who) if who else None
    found = find(session, index, actor, '"中毒风险"')
    assert (found.total == 1) == sees
    assert (find(session, index, actor, "受限空间作业安全规范").total >= 1) == sees


@pytest.mark.parametrize(("who", "names"), [
    ("zibo", ["1#甲醇储罐"]), ("zhangdian", ["1#甲醇储罐"]), ("ent_user", ["1#甲醇储罐"]),
    ("jinan", ["2#甲醇储罐"]), ("sheng", ["1#甲醇储罐", "2#甲醇储罐"]), ("admin", ["1#甲醇储罐", "2#甲醇储罐"]),
    ("zhoucun", []), ("expert", []), ("committee", []),
])
def test_practices_outside_the_jurisdiction_never_appear(session, index, indexed, who, names):
    found = find(session, index, getattr(indexed, who), "甲醇储罐", kind="practice")
    assert titles(found) == names
    assert found.total == len(names)  # the count knows nothing of what was filtered out


def test_enterprises_follow_the_same_scope(session, index, indexed):
    assert titles(find(session, index, indexed.zibo, "化工有限公司", kind="enterprise")) == [
        "周村丙化工有限公司", "张店乙化工有限公司", "张店甲化工有限公司"]
    assert titles(find(session, index, indexed.ent_user, "化工有限公司", kind="enterprise")) == ["张店甲化工有限公司"]
    assert find(session, index, None, "化工有限公司").total == 0


def test_paging_counts_only_what_the_actor_may_open(session, index, world):
    for n in range(23):
        make_enterprise(session, "370303", name=f"张店第{n}号精细化工有限公司")
    for n in range(30):
        make_enterprise(session, "370112", name=f"历城第{n}号精细化工有限公司")
    indexer.rebuild(session, index)
    first = find(session, index, world.zhangdian, "精细化工")
    last = find(session, index, world.zhangdian, "精细化工", page=2)
    assert (first.total, first.pages, len(first.hits), len(last.hits)) == (23, 2, 20, 3)
    assert not {h.target for h in first.hits} & {h.target for h in last.hits}
    assert find(session, index, world.zhangdian, "精细化工", page=99).page == 2  # past the end: the last page


def test_filters_narrow_by_kind_and_industry(session, index, indexed):
    make_enterprise(session, "370303", industry="MACH", name="张店机械加工有限公司")
    indexer.rebuild(session, index)
    assert titles(find(session, index, indexed.zibo, "有限公司", industry="MACH")) == ["张店机械加工有限公司"]
    practices = find(session, index, indexed.sheng, "甲醇", kind="practice").hits
    assert practices and all(h.doc_type.kind.value == "practice" for h in practices)


# --- after commit, as a job -------------------------------------------------------------------


def test_a_record_is_indexed_after_its_commit_and_not_before(app, session, index, indexed):
    session.commit()  # the world as it stands
    with app.app_context():
        make_enterprise(session, "370303", name="张店新建涂料有限公司")
        assert find(session, index, indexed.zibo, "涂料").total == 0  # flushed, not committed
        session.commit()
    assert titles(find(session, index, indexed.zibo, "涂料")) == ["张店新建涂料有限公司"]


def test_a_rolled_back_change_is_never_indexed(app, session, index, indexed):
    session.commit()
    with app.app_context():
        make_enterprise(session, "370303", name="张店回滚涂料有限公司")
        session.rollback()
    with app.app_context():
        make_enterprise(session, "370303", name="张店另一家有限公司")
        session.commit()  # a later commit indexes only its own changes
    assert find(session, index, indexed.sheng, "回滚涂料").total == 0
    assert find(session, index, indexed.sheng, "另一家").total == 1


def test_a_deleted_practice_leaves_the_index(app, session, index, indexed):
    session.commit()
    with app.app_context():
        point = make_risk_point(session, indexed.ent_user, indexed.ent_zd, name="3#液氨储罐")
        session.commit()
        assert find(session, index, indexed.zibo, "液氨").total == 1
        session.delete(point)
        session.commit()
    assert find(session, index, indexed.zibo, "液氨").total == 0


def test_an_enterprise_that_moves_takes_its_practices_to_the_new_jurisdiction(app, session, index, indexed):
    session.commit()
    licheng = session.get_one(Region, "370112")
    with app.app_context():
        indexed.ent_zd.region_code, indexed.ent_zd.region_path = licheng.code, licheng.path
        session.commit()
    assert titles(find(session, index, indexed.jinan, "甲醇储罐")) == ["1#甲醇储罐", "2#甲醇储罐"]
    assert find(session, index, indexed.zibo, "甲醇储罐").total == 0


def test_an_edited_draft_clause_is_found_by_its_new_words(app, session, index, indexed):
    session.commit()
    draft = working_draft(session, session.scalars(select(StandardProject)).one())
    with app.app_context():
        clause = add_clause(session, draft, ClauseKind.CLAUSE, title="动火作业", body="动火前清理可燃物。")
        session.commit()
        assert find(session, index, indexed.zhangdian, '"清理可燃物"').total == 1
        clause.body = "动火前办理作业票证。"
        session.commit()
    assert find(session, index, indexed.zhangdian, '"清理可燃物"').total == 0
    assert find(session, index, indexed.zhangdian, "作业票证").total == 1


def test_a_deleted_draft_clause_leaves_the_index_with_everything_below_it(app, session, index, indexed):
    session.commit()
    draft = working_draft(session, session.scalars(select(StandardProject)).one())
    with app.app_context():
        chapter = add_clause(session, draft, ClauseKind.CHAPTER, title="盲板抽堵作业")
        add_clause(session, draft, ClauseKind.CLAUSE, parent=chapter, title="作业票", body="盲板抽堵前办理作业票。")
        session.commit()
        assert find(session, index, indexed.zhangdian, "盲板抽堵").total == 2
        delete_clause(session, indexed.zhangdian, chapter, chapter.lock_version)  # by SQL, unseen by the ORM
        session.commit()
    assert find(session, index, indexed.zhangdian, "盲板抽堵").total == 0
    assert find(session, index, indexed.zhangdian, '"中毒风险"').total == 1  # the rest of the draft stays


def test_the_rebuild_command_indexes_the_whole_database(app, session, index, world):
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "检索索引已重建" in result.output
    assert titles(find(session, index, world.sheng, "张店甲化工")) == ["张店甲化工有限公司"]
