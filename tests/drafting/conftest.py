"""The drafting tests' project, its working draft and its editor, and how they add clauses."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from standards.drafting import ClauseInput, add_clause
from standards.models import AnnexType, Clause, ClauseKind, StandardVersion
from standards.numbering import numbers_by_id
from standards.versions import clauses_of, working_draft
from tests.factories import World, make_project

K = ClauseKind


@pytest.fixture
def project(session: Session, world: World):
    return make_project(session, world)


@pytest.fixture
def draft(session: Session, project) -> StandardVersion:
    return working_draft(session, project)


@pytest.fixture
def editor(world: World):
    return world.zhangdian


def add(session: Session, editor, draft, kind: ClauseKind, parent: Clause | None = None, title: str = "",
        body: str = "", **fields: object) -> Clause:
    if kind == K.ANNEX:
        fields.setdefault("annex_type", AnnexType.INFORMATIVE.value)
    if kind in (K.CHAPTER, K.ANNEX, K.TERM, K.TABLE) and not title:
        title = f"{kind.label}标题"
    if kind in (K.PARAGRAPH, K.LIST_ITEM, K.NOTE, K.EXAMPLE, K.TABLE) and not body:
        body = f"{kind.label}内容"
    return add_clause(session, editor, draft, kind, parent, ClauseInput(title=title, body=body, **fields))


def numbers(session: Session, draft) -> dict[int, str]:
    return numbers_by_id(clauses_of(session, draft))


