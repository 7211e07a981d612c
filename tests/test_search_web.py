"""The search page: highlighted results linking to each record's page, filters, hostile
queries answered plainly, and a missing or damaged index rebuilt instead of a 500."""

from __future__ import annotations

import re
import shutil

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from search import indexer
from search.store import IndexStore
from standards.models import ClauseKind
from standards.versions import working_draft
from tests.factories import World, add_clause, make_project, make_risk_point

INDEXES = True  # the app indexes each commit (tests.conftest)


@pytest.fixture
def index(app: Flask) -> IndexStore:
    return app.extensions["search"]


@pytest.fixture
def indexed(session: Session, world: World, index: IndexStore) -> World:
    make_risk_point(session, world.ent_user, world.ent_zd, name="1#甲醇储罐",
                    hazards="储罐液位计失灵导致冒罐，甲醇泄漏遇点火源<b>")
    make_risk_point(session, world.jinan, world.ent_jn, name="2#甲醇储罐")
    project = make_project(session, world, title="化工企业受限空间作业安全规范")
    add_clause(session, working_draft(session, project), ClauseKind.CHAPTER, title="受限空间作业",
               body="作业前应检测硫化氢浓度，防止中毒风险。")
    indexer.rebuild(session, index)
    return world


def hits(html: str) -> list[str]:
    return re.findall(r'data-testid="search-hit" data-type="(\w+)"', html)


def test_the_search_page_needs_a_signed_in_user(client):
    answer = client.get("/search?q=甲醇")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_results_show_highlights_and_link_to_the_record(client, login, indexed):
    login(indexed.zibo)
    page = client.get("/search?q=甲醇储罐").get_data(as_text=True)
    assert hits(page) == ["risk_point"]  # 历城区's risk point is outside 淄博市
    assert "<mark>甲醇储罐</mark>" in page and "共 1 条结果" in page
    assert "&lt;b&gt;" in page and "遇点火源<b>" not in page  # the record's text is escaped
    risk_point = re.search(r'href="(/practices/risk-points/\d+)"', page)
    assert risk_point is not None and client.get(risk_point.group(1)).status_code == 200


def test_a_draft_clause_links_to_its_place_in_the_working_draft(client, login, indexed):
    login(indexed.zhangdian)
    page = client.get('/search?q="中毒风险"').get_data(as_text=True)
    assert hits(page) == ["draft_clause"]
    link = re.search(r'href="(/standards/\d+/text)#k-[0-9a-f-]{36}"', page)
    assert link is not None and client.get(link.group(1)).status_code == 200


def test_the_kind_filter_keeps_one_kind(client, login, indexed):
    login(indexed.sheng)
    page = client.get("/search?q=化工&kind=enterprise").get_data(as_text=True)
    assert hits(page) and set(hits(page)) == {"enterprise"}


def test_the_search_box_is_in_the_navigation_bar(client, login, indexed):
    login(indexed.ent_user)
    page = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in page and 'name="q"' in page


@pytest.mark.parametrize("q", ['"中毒风险', "AND NOT", "NOT", "中毒\x00风险", "((", "*", "public:1", "x" * 100_000,
                               "<script>alert(1)</script>", "\u202e储罐"])
def test_a_hostile_query_gets_a_plain_answer(client, login, indexed, q):
    login(indexed.zibo)
    answer = client.get("/search", query_string={"q": q, "page": "-1", "kind": "x", "status": "y", "industry": "!"})
    assert answer.status_code == 200
    assert "<script>alert(1)</script>" not in answer.get_data(as_text=True)


def test_a_long_query_is_searched_by_its_first_characters_and_the_page_says_so(client, login, indexed):
    login(indexed.zibo)
    page = client.get("/search", query_string={"q": "甲醇储罐" + "啊" * 1000}).get_data(as_text=True)
    assert 'data-testid="search-truncated"' in page


def test_a_damaged_index_is_rebuilt_not_a_500(client, login, indexed, index):
    for name in index.path.iterdir():
        if name.suffix in (".seg", ".toc"):
            name.write_bytes(b"\0damaged" * 8)
    login(indexed.zibo)
    answer = client.get("/search?q=甲醇储罐")
    assert answer.status_code == 200
    assert hits(answer.get_data(as_text=True)) == ["risk_point"]  # rebuilt at once (jobs are immediate in tests)


def test_a_missing_index_is_rebuilt_not_a_500(client, login, indexed, index):
    shutil.rmtree(index.path)
    login(indexed.zibo)
    answer = client.get("/search?q=甲醇储罐")
    assert answer.status_code == 200 and hits(answer.get_data(as_text=True)) == ["risk_point"]
