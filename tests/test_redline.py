"""The redline: two versions compared clause by clause by key, text differences by character."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy.orm import Session

from standards.models import AnnexType, ClauseKind, Stage
from standards.projects import ProjectInput, raise_project
from standards.redline import Op, compare, redline
from standards.versions import clauses_of, freeze, working_draft
from tests.factories import World, add_clause, make_project

K = ClauseKind


@dataclass
class C:
    """A clause as ``compare`` reads it (no database needed for the rules themselves)."""

    id: int
    key: str
    parent_id: int | None
    position: int
    kind: ClauseKind
    title: str = ""
    body: str = ""
    annex_type: AnnexType | None = None
    is_requirement: bool = False
    points: Decimal | None = None
    veto: bool = False
    waivable: bool = True
    check_method: str = ""
    evidence: str = ""


def base() -> list[C]:
    return [
        C(1, "scope", None, 0, K.CHAPTER, "范围", "本文件规定了化工企业储罐区风险分级管控的基本要求。"),
        C(2, "basic", None, 1, K.CHAPTER, "基本要求"),
        C(3, "org", 2, 0, K.CLAUSE, "组织机构", "企业应成立由主要负责人牵头的风险分级管控工作组。"),
        C(4, "rules", 2, 1, K.CLAUSE, "制度建设", "企业应建立风险分级管控制度。"),
        C(5, "training", 2, 2, K.CLAUSE, "培训教育", "企业应每年组织全员风险管控培训。"),
        C(6, "steps", None, 2, K.CHAPTER, "工作程序"),
        C(7, "points", 6, 0, K.CLAUSE, "风险点确定", "储罐区按罐组划分风险点。"),
        C(8, "hazards", 6, 1, K.CLAUSE, "危险源辨识", "应采用工作危害分析法辨识作业活动危险源。"),
    ]


def by_key(entries):
    return {e.key: e for e in entries}


def test_identical_versions_give_no_changes() -> None:
    result = compare(base(), [replace(c, id=c.id + 100, parent_id=c.parent_id and c.parent_id + 100)
                              for c in base()])
    assert result.identical and not result.touched
    assert result.counts.unchanged == 8 and (result.counts.added, result.counts.removed, result.counts.moved,
                                             result.counts.changed) == (0, 0, 0, 0)
    assert [e.current.place for e in result.entries] == ["1", "2", "2.1", "2.2", "2.3", "3", "3.1", "3.2"]


def test_added_removed_and_a_moved_and_edited_clause() -> None:
    new = [c for c in base() if c.key != "training"]  # 2.3 培训教育 removed
    org = next(c for c in new if c.key == "org")
    org.parent_id, org.position = 6, 2  # 2.1 moves to the end of chapter 3 …
    org.body = "企业应成立由主要负责人任组长的风险分级管控领导小组。"  # … and is reworded
    new.append(C(9, "it", 2, 5, K.CLAUSE, "信息化", "企业宜建立风险管控信息平台。"))  # added at the end of 2
    result = compare(base(), new)
    entries = by_key(result.entries)

    moved = entries["org"]
    assert moved.moved and moved.changed, "a moved-and-edited clause reports both"
    assert (moved.before.number, moved.after.number) == ("2.1", "3.3")
    body = moved.change("body")
    assert body is not None and body.old == "企业应成立由主要负责人牵头的风险分级管控工作组。"
    assert body.deleted and body.inserted and "风险分级管控" not in body.inserted, "the unchanged phrase stays equal"
    assert entries["it"].added and entries["it"].after.number == "2.2"
    assert entries["training"].removed and entries["training"].before.number == "2.3"
    # rules shifted from 2.2 to 2.1 because org left — renumbered, not moved
    assert not entries["rules"].moved and entries["rules"].renumbered
    assert (entries["rules"].before.number, entries["rules"].after.number) == ("2.2", "2.1")
    assert not entries["points"].touched and not entries["hazards"].touched
    assert result.counts == type(result.counts)(added=1, removed=1, moved=1, changed=1, unchanged=6)
    # reading order of the new text, the removed clause where it stood (after 制度建设)
    assert [e.key for e in result.entries] == ["scope", "basic", "rules", "training", "it", "steps", "points",
                                               "hazards", "org"]
    assert entries["org"].labels == ["移动", "修改"]


def test_a_swap_among_siblings_moves_one_clause_not_every_one() -> None:
    new = base()
    for c in new:
        if c.key == "points":
            c.position = 1
        if c.key == "hazards":
            c.position = 0
    result = compare(base(), new)
    assert [e.key for e in result.touched] == ["hazards"] or [e.key for e in result.touched] == ["points"]
    assert result.counts.moved == 1


def test_inserting_a_clause_before_others_does_not_move_them() -> None:
    new = base()
    for c in new:
        if c.parent_id == 2:
            c.position += 1
    new.append(C(9, "duty", 2, 0, K.CLAUSE, "职责", "主要负责人是风险管控第一责任人。"))
    result = compare(base(), new)
    assert [e.key for e in result.touched] == ["duty"]
    assert [(e.before.number, e.after.number) for e in result.entries if e.renumbered] == [
        ("2.1", "2.2"), ("2.2", "2.3"), ("2.3", "2.4")]


def test_a_removed_subtree_stays_together_where_it_was() -> None:
    old = [*base(), C(9, "tank", 7, 0, K.CLAUSE, "罐组", "每个罐组为一个风险点。"),
           C(10, "note", 9, 0, K.NOTE, body="防火堤内的管线并入罐组。")]
    new = [c for c in old if c.key not in ("points", "tank", "note")]
    result = compare(old, new)
    assert [e.key for e in result.entries] == ["scope", "basic", "org", "rules", "training", "steps", "points",
                                               "tank", "note", "hazards"]
    assert [e.before.place for e in result.entries if e.removed] == ["3.1", "3.1.1", "3.1.1 注："]


def test_chinese_edit_is_highlighted_by_character_with_whole_phrases() -> None:
    old = base()
    new = base()
    new[6].body = "储罐区按罐组和装卸区分别划分风险点。"
    new[6].title = "风险点划分"
    result = compare(old, new)
    entry = by_key(result.entries)["points"]
    body = entry.change("body")
    assert body is not None
    assert [(p.op, p.text) for p in body.pieces] == [
        (Op.EQUAL, "储罐区按罐组"), (Op.INSERT, "和装卸区分别"), (Op.EQUAL, "划分风险点。")]
    title = entry.change("title")
    assert title is not None and title.deleted == "确定" and title.inserted == "划分"
    # the pieces rebuild both texts exactly
    assert "".join(p.text for p in body.pieces if p.op != Op.INSERT) == old[6].body
    assert "".join(p.text for p in body.pieces if p.op != Op.DELETE) == new[6].body


def test_semantic_cleanup_replaces_a_phrase_not_scattered_characters() -> None:
    old, new = base(), base()
    new[2].body = "企业应设立以总经理为组长的安全风险管控委员会。"
    change = by_key(compare(old, new).entries)["org"].change("body")
    assert change is not None
    # without the cleanup the diff keeps shared scraps such as 立/的/风险/管控 as equalities
    assert [(p.op, p.text) for p in change.pieces] == [
        (Op.EQUAL, "企业应"), (Op.DELETE, "成立由主要负责人牵头的风险分级管控工作组"),
        (Op.INSERT, "设立以总经理为组长的安全风险管控委员会"), (Op.EQUAL, "。")]


def test_requirement_fields_are_compared() -> None:
    old, new = base(), base()
    old[3].is_requirement, old[3].points = True, Decimal("5")
    new[3].is_requirement, new[3].points, new[3].veto = True, Decimal("10"), True
    new[3].check_method = "查阅制度文本及发布文件"
    entry = by_key(compare(old, new).entries)["rules"]
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("分值", "5.0", "10.0"), ("否决项", "否", "是"), ("评估方法", "", "查阅制度文本及发布文件")]


def test_redline_of_two_stored_versions(session: Session, world: World) -> None:
    project = make_project(session, world)
    draft = working_draft(session, project)
    chapter = add_clause(session, draft, K.CHAPTER, title="基本要求")
    first = add_clause(session, draft, K.CLAUSE, chapter, "组织机构", "企业应成立风险分级管控工作组。")
    add_clause(session, draft, K.CLAUSE, chapter, "制度建设", "企业应建立风险分级管控制度。")
    frozen = freeze(session, world.zhangdian, project, Stage.CONSULTATION)
    session.expire_all()
    draft = working_draft(session, project)
    clauses = {c.key: c for c in clauses_of(session, draft)}
    clauses[first.key].body = "企业应成立由主要负责人牵头的风险分级管控工作组。"
    session.flush()
    result = redline(session, frozen, draft)
    assert result.old_label == "第 1 版 · 征求意见稿" and result.new_label == "第 2 版 · 草案（编辑中）"
    assert [(e.current.number, e.labels) for e in result.touched] == [("1.1", ["修改"])]
    assert result.touched[0].change("body").inserted == "由主要负责人牵头的"


def _two_versions(session: Session, world: World):
    """A project whose 征求意见稿 (version 1) has two clauses; the draft (version 2) rewords one,
    removes the other and adds a third."""
    project = make_project(session, world)
    draft = working_draft(session, project)
    chapter = add_clause(session, draft, K.CHAPTER, title="基本要求")
    first = add_clause(session, draft, K.CLAUSE, chapter, "组织机构", "企业应成立风险分级管控工作组。")
    second = add_clause(session, draft, K.CLAUSE, chapter, "制度建设", "企业应建立风险分级管控制度。")
    frozen = freeze(session, world.zhangdian, project, Stage.CONSULTATION)
    session.expire_all()
    draft = working_draft(session, project)
    clauses = {c.key: c for c in clauses_of(session, draft)}
    clauses[first.key].body = "企业应成立由主要负责人牵头的风险分级管控工作组。"
    session.delete(clauses[second.key])
    add_clause(session, draft, K.CLAUSE, clauses[chapter.key], "培训教育", "企业应每年组织全员培训。")
    session.flush()
    return project, frozen, draft


def test_compare_page_defaults_to_the_last_frozen_version_against_the_draft(
        session: Session, world: World, client, login) -> None:
    project, frozen, draft = _two_versions(session, world)
    login(world.zhangdian)
    shown = client.get(f"/standards/{project.id}").get_data(as_text=True)
    assert f'href="/standards/{project.id}/redline"' in shown, "the project page links to its redline"
    assert f"/standards/{project.id}/redline?old={frozen.id}&amp;new={draft.id}" in shown  # 与上一版对照
    page = client.get(f"/standards/{project.id}/redline")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'<option value="{frozen.id}" selected>' in html and f'<option value="{draft.id}" selected>' in html
    assert '<ins class="rl-ins">由主要负责人牵头的</ins>' in html
    assert "制度建设" in html and "培训教育" in html
    assert html.count('data-testid="redline-entry"') == 3  # changes only: the chapter is unchanged
    everything = client.get(f"/standards/{project.id}/redline?all=1&old={frozen.id}&new={draft.id}")
    assert everything.get_data(as_text=True).count('data-testid="redline-entry"') == 4
    docx_file = client.get(f"/standards/{project.id}/redline.docx?old={frozen.id}&new={draft.id}")
    assert docx_file.status_code == 200 and docx_file.data[:2] == b"PK"
    assert "attachment" in docx_file.headers["Content-Disposition"]


def test_compare_page_is_hidden_like_the_project(session: Session, world: World, client, login) -> None:
    project, frozen, _ = _two_versions(session, world)
    other = raise_project(session, world.sheng, ProjectInput(
        title="危险化学品企业隐患排查治理实施指南", industry_code="CHEM", source_ids=[project.sources[0].id],
        editor_ids=[world.zhangdian.id]))
    login(world.zhoucun)  # a county bureau outside the project
    assert client.get(f"/standards/{project.id}/redline").status_code == 404
    assert client.get(f"/standards/{project.id}/redline.docx").status_code == 404
    login(world.zhangdian)
    # a version of another project is not a version of this one
    assert client.get(f"/standards/{other.id}/redline?old={frozen.id}").status_code == 404
    only_draft = client.get(f"/standards/{other.id}/redline?old=x&new=")  # malformed ids: the defaults
    assert only_draft.status_code == 200 and "本项目尚只有工作草案" in only_draft.get_data(as_text=True)
