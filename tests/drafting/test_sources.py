"""Traceability: clauses linked to the practices they generalise, followed across moves and
versions; and the outline that reads a big text in two queries."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Conflict, ValidationError
from standards.drafting import (
    Move,
    clauses_using,
    link_practice,
    move_clause,
    outline,
    unlink_practice,
)
from standards.models import ClauseKind, ClauseSource
from standards.versions import clauses_of, working_draft
from standards.workflow import StageAction
from tests.drafting.conftest import add
from tests.factories import World, step, trail
from tests.standards_objects import make_check_item, make_risk_point

K = ClauseKind


# --- traceability ------------------------------------------------------------------------------------


def test_a_clause_links_to_practices_and_the_practice_knows_where_it_is_used(
        session: Session, world: World, editor, draft, project) -> None:
    chapter = add(session, editor, draft, K.CHAPTER, title="基本要求")
    add(session, editor, draft, K.CLAUSE, chapter, "组织机构")
    clause = add(session, editor, draft, K.CLAUSE, chapter, "储罐区管控", "企业应对储罐区实施管控。")
    point = make_risk_point(session, world.ent_zd, "液氯储罐区")
    item = make_check_item(session, world.ent_zd, "液位计是否完好", point)
    link_practice(session, editor, clause, risk_point_id=point.id)
    link_practice(session, editor, clause, check_item_id=item.id)
    entry = next(e for e in outline(session, draft) if e.clause.id == clause.id)
    assert [(s.kind, s.label) for s in entry.sources] == [("risk_point", "液氯储罐区"),
                                                          ("check_item", "液位计是否完好")]
    used = clauses_using(session, point)
    assert [(u.project_title, u.number, u.title) for u in used] == [(project.title, "1.2", "储罐区管控")]
    assert [u.number for u in clauses_using(session, item)] == ["1.2"]
    assert clauses_using(session, point, actor=world.zhoucun) == [], "a project the reader cannot see is left out"
    assert len(clauses_using(session, point, actor=world.sheng)) == 1
    with pytest.raises(Conflict, match="已关联"):
        link_practice(session, editor, clause, risk_point_id=point.id)
    assert [e.action for e in trail(session, project)[-2:]] == ["clause.link", "clause.link"]


def test_after_a_move_and_a_new_version_the_practice_follows_the_clause(
        session: Session, world: World, editor, draft, project) -> None:
    chapter = add(session, editor, draft, K.CHAPTER, title="基本要求")
    other = add(session, editor, draft, K.CLAUSE, chapter, "其他")
    clause = add(session, editor, draft, K.CLAUSE, chapter, "储罐区管控", "企业应……")
    point = make_risk_point(session, world.ent_zd, "液氯储罐区")
    link_practice(session, editor, clause, risk_point_id=point.id)
    step(session, editor, project, StageAction.OPEN_CONSULTATION)
    copy = next(c for c in clauses_of(session, working_draft(session, project)) if c.key == clause.key)
    move_clause(session, editor, copy, Move.UP, copy.lock_version)
    assert [u.number for u in clauses_using(session, point)] == ["1.1"], "numbered in the newest version"
    assert other.id != copy.id


def test_only_the_source_enterprises_practices_can_be_linked(session: Session, world: World, editor, draft,
                                                             project) -> None:
    chapter = add(session, editor, draft, K.CHAPTER, title="基本要求")
    elsewhere = make_risk_point(session, world.ent_jn, "别家的储罐区")
    with pytest.raises(ValidationError, match="只能关联本项目标杆企业"):
        link_practice(session, editor, chapter, risk_point_id=elsewhere.id)
    point = make_risk_point(session, world.ent_zd, "液氯储罐区")
    link = link_practice(session, editor, chapter, risk_point_id=point.id)
    unlink_practice(session, editor, chapter, link.id)
    assert session.scalars(select(ClauseSource).where(ClauseSource.project_id == project.id)).all() == []
    assert trail(session, project)[-1].action == "clause.unlink"


def test_the_outline_reads_a_big_text_in_two_queries(session: Session, editor, draft, project) -> None:
    from sqlalchemy import event

    chapter = add(session, editor, draft, K.CHAPTER, title="章")
    for n in range(30):
        add(session, editor, draft, K.CLAUSE, chapter, f"条{n}", "企业应……")
    session.expire_all()
    draft = working_draft(session, project)
    _ = draft.project.sources
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.connection(), "before_cursor_execute", listener)
    try:
        entries = outline(session, draft)
    finally:
        event.remove(session.connection(), "before_cursor_execute", listener)
    assert len(entries) == 31 and len(statements) == 2, statements
