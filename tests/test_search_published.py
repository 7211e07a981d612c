"""Published standards in search: public to everyone, their status read from the indexed
dates by the catalogue's own rule, and the index following publication, replacement and
withdrawal after each commit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from whoosh.query import Every

from core.db import china_today
from core.people import User
from search import indexer
from search.access import visible_to
from search.query import Criteria, Found, run
from search.status import status_filter
from search.store import IndexStore
from standards.catalogue import status_of
from standards.models import Publication, PublicationStatus
from standards.publishing import withdraw
from tests.factories import World
from tests.publication_helpers import fake_render, published

INDEXES = True  # the app indexes each commit (tests.conftest)

PHRASE = '"风险辨识培训"'  # in the text of tests.review_helpers.write_text: 企业宜每年组织一次风险辨识培训。


@pytest.fixture
def index(app: Flask) -> IndexStore:
    return app.extensions["search"]


def find(session: Session, index: IndexStore, actor: User | None, text: str, today: dt.date | None = None,
         **criteria: object) -> Found:
    return run(index, Criteria(text, **criteria), visible_to(session, actor), today or china_today())  # type: ignore[arg-type]


def types(found: Found) -> list[str]:
    return sorted(h.doc_type.value for h in found.hits)


def publish(session: Session, world: World, **imprint: object) -> Publication:
    return published(session, world, render=fake_render, **imprint)


def test_a_published_standard_and_its_clauses_are_found_by_anyone(session, index, world):
    standard = publish(session, world, issued_on=china_today() - dt.timedelta(days=60))
    indexer.rebuild(session, index)
    for actor in (None, world.ent_user, world.jinan):
        assert types(find(session, index, actor, PHRASE)) == ["clause"]  # the project's draft stays hidden
        assert types(find(session, index, actor, "DB37/T 4085", kind="standard")) == ["standard"]
    hit = find(session, index, None, PHRASE).hits[0]
    assert hit.number == standard.number and hit.status == PublicationStatus.CURRENT
    assert hit.title_html.startswith("4.2") and hit.context == f"{standard.number}《{standard.title}》"
    assert types(find(session, index, world.zhangdian, PHRASE)) == ["clause", "draft_clause"]  # its editor sees both


def test_the_status_filter_and_the_catalogue_agree_on_every_day(session, index, world):
    issued = dt.date(2026, 1, 10)
    old = publish(session, world, number="DB37/T 4085—2026", issued_on=issued, effective_on=dt.date(2026, 2, 10))
    new = publish(session, world, title="化工企业风险分级管控实施指南（修订）", panel_prefix="t_pub2",
                  number="DB37/T 4090—2026", issued_on=dt.date(2026, 5, 1), effective_on=dt.date(2026, 6, 1),
                  replaces_id=old.id)
    days = [dt.date(2026, 2, 9), dt.date(2026, 2, 10), dt.date(2026, 5, 31), dt.date(2026, 6, 1)]

    def agree() -> None:
        indexer.rebuild(session, index)
        with index.open().searcher() as searcher:
            for today in days:
                for status in PublicationStatus:
                    found = {searcher.stored_fields(n)["target"]
                             for n in searcher.docs_for_query(status_filter(status, today))
                             if searcher.stored_fields(n)["type"] == "standard"}
                    expected = {p.id for p in (old, new) if status_of(p, today) == status}
                    assert found == expected, (today, status)

    agree()
    assert status_of(old, dt.date(2026, 6, 1)) == PublicationStatus.SUPERSEDED
    withdraw(session, world.committee, new, new.lock_version, "技术内容已不适用。")
    session.expire_all()
    agree()  # withdrawn: the replaced one is no longer superseded by it


def test_the_status_filter_keeps_only_standards_in_that_status(session, index, world):
    publish(session, world, issued_on=china_today() + dt.timedelta(days=5))
    indexer.rebuild(session, index)
    assert find(session, index, None, PHRASE, status="upcoming").total == 1
    assert find(session, index, None, PHRASE, status="current").total == 0
    later = find(session, index, None, PHRASE, today=china_today() + dt.timedelta(days=60))
    assert [h.status for h in later.hits] == [PublicationStatus.CURRENT]  # no re-indexing: the date did it


def test_publishing_indexes_the_standard_after_the_commit(app, session, index, world):
    indexer.rebuild(session, index)
    session.commit()
    with app.app_context():
        standard = publish(session, world, issued_on=china_today() - dt.timedelta(days=40))
        assert find(session, index, None, "DB37/T 4085").total == 0  # not committed yet
        session.commit()
        assert types(find(session, index, None, "DB37/T 4085", kind="standard")) == ["standard"]
        withdraw(session, world.committee, standard, standard.lock_version, "已不适用。")
        session.commit()
    assert [h.status for h in find(session, index, None, "DB37/T 4085", kind="standard").hits] == [
        PublicationStatus.WITHDRAWN]


def test_the_search_page_links_a_standard_clause_to_the_catalogue(app, client, login, session, index, world):
    publish(session, world, issued_on=china_today() - dt.timedelta(days=60))
    indexer.rebuild(session, index)
    login(world.ent_user)
    page = client.get("/search", query_string={"q": PHRASE}).get_data(as_text=True)
    link = re.search(r'href="(/catalogue/DB37T4085-2026)#c-[0-9a-f-]{36}"', page)
    assert link is not None and "现行" in page
    assert client.get(link.group(1)).status_code == 200


def test_nothing_unpublished_is_public(session, index, world):
    publish(session, world, issued_on=china_today() - dt.timedelta(days=60))
    indexer.rebuild(session, index)
    with index.open().searcher() as searcher:
        public = {searcher.stored_fields(n)["type"] for n in searcher.docs_for_query(visible_to(session, None))}
        everything = {searcher.stored_fields(n)["type"] for n in searcher.docs_for_query(Every())}
    assert public == {"standard", "clause"} and everything > public
