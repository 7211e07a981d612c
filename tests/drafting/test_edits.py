"""The clause editor's services: placement, moves and numbers, deletion, the clause lock,
frozen versions, and the warning on a requirement without a requirement verb."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from core.errors import Conflict, PermissionDenied, StaleEdit, ValidationError
from standards.drafting import (
    ClauseInput,
    FrozenVersion,
    Move,
    add_clause,
    delete_clause,
    edit_clause,
    link_practice,
    move_clause,
    outline,
    unlink_practice,
)
from standards.generate import generate_draft
from standards.models import ClauseKind, StandardVersion
from standards.numbering import number_tree
from standards.obligation import REQUIREMENT_WITHOUT_VERB, Obligation
from standards.versions import clauses_of, working_draft
from standards.workflow import StageAction
from tests.drafting.conftest import add, numbers
from tests.factories import World, step, trail
from tests.standards_objects import make_check_item, make_risk_point

K = ClauseKind


# --- placement ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "under", "ok"), [
    (K.CHAPTER, None, True), (K.ANNEX, None, True), (K.CLAUSE, None, False), (K.PARAGRAPH, None, True),  # the 引言
    (K.CHAPTER, K.CHAPTER, False), (K.ANNEX, K.CHAPTER, False),
    (K.CLAUSE, K.CHAPTER, True), (K.CLAUSE, K.ANNEX, True), (K.CLAUSE, K.CLAUSE, True), (K.CLAUSE, K.LIST_ITEM, False),
    (K.TERM, K.CHAPTER, True), (K.TERM, K.CLAUSE, True), (K.TERM, K.TERM, False),
    (K.TABLE, K.ANNEX, True), (K.TABLE, K.NOTE, False),
    (K.LIST_ITEM, K.CLAUSE, True), (K.LIST_ITEM, K.LIST_ITEM, True), (K.NOTE, K.TERM, True), (K.NOTE, K.TABLE, True),
    (K.EXAMPLE, K.PARAGRAPH, True), (K.NOTE, K.NOTE, False), (K.EXAMPLE, K.EXAMPLE, False),
])
def test_where_a_clause_may_stand(session: Session, editor, draft, kind, under, ok) -> None:
    chapter = add(session, editor, draft, K.CHAPTER)
    annex = add(session, editor, draft, K.ANNEX)
    clause = add(session, editor, draft, K.CLAUSE, chapter, "条")
    parents = {None: None, K.CHAPTER: chapter, K.ANNEX: annex, K.CLAUSE: clause,
               K.TERM: add(session, editor, draft, K.TERM, chapter),
               K.LIST_ITEM: add(session, editor, draft, K.LIST_ITEM, clause),
               K.NOTE: add(session, editor, draft, K.NOTE, clause),
               K.EXAMPLE: add(session, editor, draft, K.EXAMPLE, clause),
               K.TABLE: add(session, editor, draft, K.TABLE, clause),
               K.PARAGRAPH: add(session, editor, draft, K.PARAGRAPH, clause)}
    if ok:
        assert add(session, editor, draft, kind, parents[under]).kind == kind
    else:
        with pytest.raises(ValidationError, match="不能放在") as refused:
            add(session, editor, draft, kind, parents[under])
        assert "kind" in refused.value.errors


def test_an_added_clause_is_audited_under_the_project_and_can_go_after_a_sibling(
        session: Session, editor, draft, project) -> None:
    chapter = add(session, editor, draft, K.CHAPTER, title="基本要求")
    first = add(session, editor, draft, K.CLAUSE, chapter, "组织机构")
    last = add(session, editor, draft, K.CLAUSE, chapter, "全员培训")
    between = add_clause(session, editor, draft, K.CLAUSE, chapter, ClauseInput(title="制度"), after=first)
    assert [numbers(session, draft)[c.id] for c in (first, between, last)] == ["1.1", "1.2", "1.3"]
    event = trail(session, project)[-1]
    assert event.action == "clause.add" and event.object_id == str(between.id) and "1.2「制度」" in event.summary


def test_text_rules_apply_to_every_field(session: Session, editor, draft) -> None:
    chapter = add(session, editor, draft, K.CHAPTER)
    with pytest.raises(ValidationError) as refused:
        add_clause(session, editor, draft, K.CLAUSE, chapter, ClauseInput(
            title="a\x00b", body="x" * 100_000, is_requirement=True, points="-1", check_method="evil\u202eexe"))
    assert set(refused.value.errors) == {"title", "body", "points", "check_method"}
    with pytest.raises(ValidationError, match="请填写章标题"):
        add_clause(session, editor, draft, K.CHAPTER, None, ClauseInput(title="  "))
    with pytest.raises(ValidationError, match="请选择附录的性质"):
        add_clause(session, editor, draft, K.ANNEX, None, ClauseInput(title="附录", annex_type="both"))


@pytest.mark.parametrize(("raw", "stored"), [("5", Decimal("5.0")), ("2.5", Decimal("2.5")), ("0", Decimal("0.0")),
                                             (" 10.0 ", Decimal("10.0"))])
def test_points_are_decimals_with_one_place(session: Session, editor, draft, raw, stored) -> None:
    chapter = add(session, editor, draft, K.CHAPTER)
    clause = add(session, editor, draft, K.CLAUSE, chapter, body="企业应……", is_requirement=True, points=raw)
    session.expire(clause)
    assert clause.points == stored and clause.is_requirement


@pytest.mark.parametrize("raw", ["2.55", "-1", "abc", "NaN", "Infinity", "1e3000", ""])
def test_points_that_are_not_one_place_and_not_negative_are_refused(session: Session, editor, draft, raw) -> None:
    chapter = add(session, editor, draft, K.CHAPTER)
    with pytest.raises(ValidationError) as refused:
        add(session, editor, draft, K.CLAUSE, chapter, body="企业应……", is_requirement=True, points=raw)
    assert "points" in refused.value.errors


def test_a_clause_that_is_no_requirement_keeps_no_points_or_veto(session: Session, editor, draft) -> None:
    chapter = add(session, editor, draft, K.CHAPTER)
    clause = add(session, editor, draft, K.CLAUSE, chapter, body="企业宜……", points="5", veto=True)
    assert clause.points is None and clause.veto is False


# --- moving, and numbers after it -----------------------------------------------------------------


@pytest.fixture
def deep(session: Session, editor, draft):
    """1 范围; 2 要求 → 2.1 → 2.1.1 → 2.1.1.1 (depth 4) with a list and a note; 附录A → A.1, 表A.1, 表A.2."""
    one = add(session, editor, draft, K.CHAPTER, title="范围")
    two = add(session, editor, draft, K.CHAPTER, title="要求")
    c21 = add(session, editor, draft, K.CLAUSE, two, "二一")
    c211 = add(session, editor, draft, K.CLAUSE, c21, "二一一")
    c2111 = add(session, editor, draft, K.CLAUSE, c211, "二一一一")
    c2112 = add(session, editor, draft, K.CLAUSE, c211, "二一一二")
    item_a = add(session, editor, draft, K.LIST_ITEM, c2111)
    item_b = add(session, editor, draft, K.LIST_ITEM, c2111)
    note = add(session, editor, draft, K.NOTE, c2111)
    annex = add(session, editor, draft, K.ANNEX, title="清单")
    a1 = add(session, editor, draft, K.CLAUSE, annex, "附录条")
    t1 = add(session, editor, draft, K.TABLE, annex)
    t2 = add(session, editor, draft, K.TABLE, annex)
    return locals()


def test_numbers_at_depth_four_and_in_the_annex(session: Session, draft, deep) -> None:
    n = numbers(session, draft)
    assert [n[deep[k].id] for k in ("one", "two", "c21", "c211", "c2111", "c2112")] == [
        "1", "2", "2.1", "2.1.1", "2.1.1.1", "2.1.1.2"]
    assert (n[deep["item_a"].id], n[deep["item_b"].id], n[deep["note"].id]) == ("a)", "b)", "注：")
    assert [n[deep[k].id] for k in ("annex", "a1", "t1", "t2")] == ["附录A", "A.1", "表A.1", "表A.2"]


def test_moving_up_and_down_renumbers_and_leaves_the_neighbours_versions(session: Session, editor, draft, deep,
                                                                         project) -> None:
    one, two = deep["one"], deep["two"]
    neighbour_version = one.lock_version
    move_clause(session, editor, two, Move.UP, two.lock_version)
    n = numbers(session, draft)
    assert (n[two.id], n[one.id], n[deep["c2111"].id]) == ("1", "2", "1.1.1.1")
    assert one.lock_version == neighbour_version, "a neighbour's text did not change: its editor is not interrupted"
    event = trail(session, project)[-1]
    assert event.action == "clause.up" and "（2 → 1）" in event.summary
    move_clause(session, editor, two, Move.DOWN, two.lock_version)
    assert numbers(session, draft)[two.id] == "2"
    t1, t2 = deep["t1"], deep["t2"]
    move_clause(session, editor, t2, Move.UP, t2.lock_version)
    n = numbers(session, draft)
    assert (n[t2.id], n[t1.id]) == ("表A.1", "表A.2")


def test_the_first_cannot_go_up_nor_the_last_down(session: Session, editor, deep) -> None:
    with pytest.raises(Conflict, match="第一"):
        move_clause(session, editor, deep["one"], Move.UP, deep["one"].lock_version)
    with pytest.raises(Conflict, match="最后"):
        move_clause(session, editor, deep["c2112"], Move.DOWN, deep["c2112"].lock_version)


def test_indent_and_outdent_at_depth_four(session: Session, editor, draft, deep, project) -> None:
    c2112, c2111 = deep["c2112"], deep["c2111"]
    move_clause(session, editor, c2112, Move.INDENT, c2112.lock_version)
    n = numbers(session, draft)
    assert n[c2112.id] == "2.1.1.1.1" and c2112.parent_id == c2111.id
    assert n[deep["note"].id] == "注：", "the note keeps its place among 2.1.1.1's children"
    move_clause(session, editor, c2112, Move.OUTDENT, c2112.lock_version)
    move_clause(session, editor, c2112, Move.OUTDENT, c2112.lock_version)
    n = numbers(session, draft)
    assert n[c2112.id] == "2.1.2", "outdented right after its former parent"
    assert [e.action for e in trail(session, project)[-3:]] == ["clause.indent", "clause.outdent", "clause.outdent"]


def test_a_list_item_indented_becomes_a_second_level_item(session: Session, editor, draft, deep) -> None:
    item_b = deep["item_b"]
    move_clause(session, editor, item_b, Move.INDENT, item_b.lock_version)
    assert numbers(session, draft)[item_b.id] == "1)"


def test_moves_meet_the_placement_rules(session: Session, editor, deep) -> None:
    with pytest.raises(ValidationError, match="章不能放在"):
        move_clause(session, editor, deep["two"], Move.INDENT, deep["two"].lock_version)
    with pytest.raises(ValidationError, match="条不能放在顶层"):
        move_clause(session, editor, deep["c21"], Move.OUTDENT, deep["c21"].lock_version)
    with pytest.raises(ValidationError, match="条不能放在表之下"):
        move_clause(session, editor, deep["t2"], Move.UP, deep["t2"].lock_version)
        move_clause(session, editor, deep["a1"], Move.DOWN, deep["a1"].lock_version)
        move_clause(session, editor, deep["a1"], Move.INDENT, deep["a1"].lock_version)
    with pytest.raises(Conflict, match="顶层"):
        move_clause(session, editor, deep["one"], Move.OUTDENT, deep["one"].lock_version)


def test_moves_offered_are_those_the_service_allows(session: Session, draft, deep) -> None:
    moves = {e.clause.id: e.moves for e in outline(session, draft)}
    assert moves[deep["one"].id] == {Move.DOWN}
    assert moves[deep["two"].id] == {Move.UP, Move.DOWN}, "a chapter can neither indent nor outdent"
    assert moves[deep["c2112"].id] == {Move.UP, Move.INDENT, Move.OUTDENT}
    assert moves[deep["t1"].id] == {Move.UP, Move.DOWN, Move.INDENT}, "a table may go under the clause before it"
    assert moves[deep["t2"].id] == {Move.UP}, "…but not under the table before it"


# --- deleting ------------------------------------------------------------------------------------


def test_deleting_takes_the_descendants_and_the_event_lists_them(session: Session, editor, draft, deep,
                                                                 project) -> None:
    c211 = deep["c211"]
    gone = delete_clause(session, editor, c211, c211.lock_version)
    assert [r.number for r in gone] == ["2.1.1", "2.1.1.1", "a)", "b)", "注：", "2.1.1.2"]
    left = {c.id for c in clauses_of(session, draft)}
    assert not left & {deep[k].id for k in ("c211", "c2111", "c2112", "item_a", "item_b", "note")}
    assert deep["c21"].id in left
    event = trail(session, project)[-1]
    assert event.action == "clause.delete" and "及其下 5 个条款" in event.summary
    assert [r["number"] for r in event.details["removed"]] == ["2.1.1", "2.1.1.1", "a)", "b)", "注：", "2.1.1.2"]
    assert numbers(session, draft)[deep["t2"].id] == "表A.2"


def test_a_stale_delete_is_refused(session: Session, editor, deep) -> None:
    with pytest.raises(StaleEdit):
        delete_clause(session, editor, deep["c21"], deep["c21"].lock_version - 1)


# --- the clause lock ------------------------------------------------------------------------------


def test_an_edit_is_saved_once_and_a_stale_one_is_refused(session: Session, editor, draft, project) -> None:
    chapter = add(session, editor, draft, K.CHAPTER, title="基本要求")
    clause = add(session, editor, draft, K.CLAUSE, chapter, "组织机构", "企业应成立机构。")
    seen = clause.lock_version
    edit_clause(session, editor, clause, ClauseInput(title="组织机构", body="企业应成立领导小组。", is_requirement=True,
                                                     points="5"), seen)
    assert clause.lock_version == seen + 1
    event = trail(session, project)[-1]
    assert event.action == "clause.edit"
    assert event.details["changes"]["body"] == ["企业应成立机构。", "企业应成立领导小组。"]
    with pytest.raises(StaleEdit):
        edit_clause(session, editor, clause, ClauseInput(title="组织机构", body="企业宜成立机构。"), seen)
    session.refresh(clause)
    assert clause.body == "企业应成立领导小组。", "the stale save changed nothing"


def test_saving_what_is_there_writes_no_event(session: Session, editor, draft, project) -> None:
    chapter = add(session, editor, draft, K.CHAPTER, title="基本要求")
    before = len(trail(session, project))
    edit_clause(session, editor, chapter, ClauseInput(title="基本要求"), chapter.lock_version)
    assert len(trail(session, project)) == before


# --- who, and on which version ----------------------------------------------------------------------


def test_only_editors_change_the_text(session: Session, world: World, draft) -> None:
    for outsider in (world.sheng, world.expert, world.admin):
        with pytest.raises(PermissionDenied):
            add_clause(session, outsider, draft, K.CHAPTER, None, ClauseInput(title="章"))


def test_every_service_refuses_a_frozen_version(session: Session, world: World, editor, draft, project) -> None:
    chapter = add(session, editor, draft, K.CHAPTER, title="范围")
    first = add(session, editor, draft, K.CLAUSE, chapter, "一", "企业应……")
    second = add(session, editor, draft, K.CLAUSE, chapter, "二", "企业应……")
    point = make_risk_point(session, world.ent_zd, "液氯储罐区")
    item = make_check_item(session, world.ent_zd, "液位计是否完好", point)
    link = link_practice(session, editor, first, check_item_id=item.id)
    step(session, editor, project, StageAction.OPEN_CONSULTATION)
    frozen = session.get(StandardVersion, draft.id)
    assert frozen.frozen_at is not None
    calls = [
        lambda: add_clause(session, editor, frozen, K.CHAPTER, None, ClauseInput(title="新章")),
        lambda: edit_clause(session, editor, first, ClauseInput(title="改"), first.lock_version),
        lambda: move_clause(session, editor, second, Move.UP, second.lock_version),
        lambda: move_clause(session, editor, second, Move.INDENT, second.lock_version),
        lambda: move_clause(session, editor, second, Move.OUTDENT, second.lock_version),
        lambda: delete_clause(session, editor, first, first.lock_version),
        lambda: link_practice(session, editor, first, risk_point_id=point.id),
        lambda: unlink_practice(session, editor, first, link.id),
        lambda: generate_draft(session, editor, project, frozen),
    ]
    for call in calls:
        with pytest.raises(FrozenVersion, match="已定稿"):
            call()
    assert [n.clause.title for n in number_tree(clauses_of(session, frozen))] == ["范围", "一", "二"]
    new_draft = working_draft(session, project)
    copy = next(c for c in clauses_of(session, new_draft) if c.key == first.key)
    edit_clause(session, editor, copy, ClauseInput(title="改", body="企业应……"), copy.lock_version)
    assert copy.title == "改" and first.title == "一", "the working draft goes on; the frozen copy stays"


# --- obligations ------------------------------------------------------------------------------------


def test_a_requirement_without_a_requirement_verb_is_flagged(session: Session, editor, draft) -> None:
    chapter = add(session, editor, draft, K.CHAPTER, title="基本要求")
    weak = add(session, editor, draft, K.CLAUSE, chapter, body="企业宜开展应急演练。", is_requirement=True, points="5")
    strong = add(session, editor, draft, K.CLAUSE, chapter, body="企业应开展应急演练。", is_requirement=True,
                 points="5")
    plain = add(session, editor, draft, K.CLAUSE, chapter, body="应急演练的组织。")
    entries = {e.clause.id: e for e in outline(session, draft)}
    assert entries[weak.id].warning == REQUIREMENT_WITHOUT_VERB
    assert entries[weak.id].reading.obligation == Obligation.RECOMMENDATION
    assert entries[strong.id].warning == "" and entries[strong.id].reading.obligation == Obligation.REQUIREMENT
    assert entries[plain.id].warning == "" and entries[plain.id].reading.obligation is None
