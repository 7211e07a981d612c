"""Every list sorts by its columns, pages, and exports exactly what it shows.

For each list — the enterprise registry, the nominations, a campaign's page, the users
and the audit trail — a population of 23 rows is built under a filter of its own, then:
each sortable header sorts both ways (ties broken by creation, rows without a value
last); hostile ``sort``/``page``/``size`` values fall back to the defaults; a page can be
jumped to and its size chosen; and the list's own "导出 Excel" link gives every row of
the filtered, sorted list, all pages, in the same order.

Expected orders are computed here in Python by code point, which is how SQLite and the
project's PostgreSQL (C collation) compare text.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import io
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from benchmarks import services
from benchmarks.models import Nomination
from benchmarks.models import NominationState as S
from benchmarks.workflow import Action
from core import audit
from core.db import utcnow
from core.enterprises import Enterprise, Scale
from core.people import Role
from tests.factories import FULL_REASONS, PDF, World, make_enterprise, make_user, step

ROWS = 23  # more than one page of the smallest size (20)
Values = dict[str, Any]  # sort key → the value the database sorts by, plus "id" and "label"


@dataclass(frozen=True)
class ListCase:
    name: str
    who: str
    url: Callable[[World], str]  # the list's path
    filters: dict[str, str]  # what narrows it to the rows built for it
    build: Callable[[Session, World], list[Values]]
    link: str  # the URL pattern of a row's link, with one (\d+) for its id
    exported_label: Callable[[tuple[Any, ...]], str]  # a row of the export → the row's label
    table: str = "<table"  # where the list's table begins on its page

    def part(self, html: str, tag: str) -> str:
        """The list table's ``<thead>`` or ``<tbody>``."""
        table = html.split(self.table, 1)[1]
        return table.split(f"<{tag}>", 1)[1].split(f"</{tag}>", 1)[0]

    def ids(self, html: str) -> list[int]:
        return [int(i) for i in re.findall(self.link, self.part(html, "tbody"))]


def rng() -> random.Random:
    return random.Random(20260430)


# --- the populations ----------------------------------------------------------------------


ENTERPRISE_REGIONS = ("370303", "370303001", "370306", "370306")


def _enterprise_values(e: Enterprise) -> Values:
    return {"id": e.id, "label": e.name, "name": e.name, "credit_code": e.credit_code, "region": e.region_path,
            "industry": e.industry_code, "scale": e.scale.value, "employees": e.employee_count,
            "hazard": e.major_hazard}


def build_enterprises(session: Session, world: World) -> list[Values]:
    r = rng()
    tags = r.sample([a + b for a in "ABCDEFGH" for b in "XYZ"], ROWS)
    made = [make_enterprise(session, r.choice(ENTERPRISE_REGIONS), industry=r.choice(("CHEM", "MACH")),
                            name=f"排序{tag}化工有限公司", employee_count=r.choice((0, 50, 50, 300, 1200)),
                            scale=r.choice(list(Scale)), major_hazard=r.random() < 0.4) for tag in tags]
    return [_enterprise_values(e) for e in made]


def _nomination_values(n: Nomination) -> Values:
    return {"id": n.id, "label": n.enterprise.name, "enterprise": n.enterprise.name, "region": n.region_path,
            "industry": n.industry_code, "nominator": n.nominator_region_code, "state": n.state.value,
            "updated": n.updated_at}


def build_nominations(session: Session, world: World) -> list[Values]:
    """Drafts of 淄博市's own, and its counties' submitted and endorsed ones: all 淄博市 sees."""
    made = []
    for index, values in enumerate(build_enterprises(session, world)):
        enterprise = session.get_one(Enterprise, values["id"])
        county = world.zhangdian if enterprise.region_path.split("/")[3] == "370303" else world.zhoucun
        nominator = world.zibo if index % 3 == 0 else county
        n = services.nominate(session, nominator, world.campaign, enterprise.id, FULL_REASONS)
        if nominator is county:
            services.add_attachment(session, county, world.store, n, "证明材料.pdf", PDF)
            step(session, county, n, Action.SUBMIT)
            if index % 3 == 2:
                step(session, world.zibo, n, Action.ENDORSE, "同意")
        made.append(n)
    session.flush()
    for n in made:
        session.refresh(n)
    return [_nomination_values(n) for n in made]


def build_users(session: Session, world: World) -> list[Values]:
    r = rng()
    made = []
    for number in r.sample(range(100), ROWS):
        user = make_user(session, f"lst_{number:02d}", r.choice(list(Role)), region="370303",
                         name=f"排序用户{r.choice('ABCDE')}{number % 7}")
        user.region_code = "370303" if Role.BUREAU in user.roles else None
        user.is_active = r.random() < 0.7
        user.last_login_at = None if r.random() < 0.3 else utcnow() - dt.timedelta(minutes=r.randrange(10_000))
        made.append(user)
    session.flush()
    return [{"id": u.id, "label": u.username, "username": u.username, "name": u.display_name,
             "active": u.is_active, "last_login": u.last_login_at} for u in made]


def build_events(session: Session, world: World) -> list[Values]:
    r = rng()
    actors = [world.zibo, world.sheng, world.zhangdian, world.admin, None]
    targets = [world.ent_zd, world.ent_zc, world.zibo, world.campaign]
    made = []
    for index in range(ROWS):
        target = r.choice(targets)
        action = f"{target.audit_type}.update"
        made.append(audit.record(session, r.choice(actors), action, target, f"排序探针第{index}条"))
    session.flush()
    # The page names an event by its seq; ids and seqs grow together, so either breaks ties.
    return [{"id": e.seq, "label": str(e.seq), "seq": e.seq, "time": e.occurred_at, "actor": e.actor_name,
             "action": e.action, "object": e.object_type} for e in made]


CASES = [
    ListCase("enterprises", "zibo", lambda w: "/enterprises/", {"q": "排序"}, build_enterprises,
             r'href="/enterprises/(\d+)"', lambda row: str(row[0])),
    ListCase("nominations", "zibo", lambda w: "/nominations/", {"q": "排序"}, build_nominations,
             r'href="/nominations/(\d+)"', lambda row: str(row[0])),
    ListCase("campaign page", "zibo", lambda w: f"/campaigns/{w.campaign.id}", {}, build_nominations,
             r'href="/nominations/(\d+)"', lambda row: str(row[0]), table='data-testid="nomination-list"'),
    ListCase("users", "admin", lambda w: "/admin/users", {"q": "lst_"}, build_users,
             r'href="/admin/users/(\d+)"', lambda row: str(row[0])),
    ListCase("audit trail", "admin", lambda w: "/admin/audit", {"q": "排序探针"}, build_events,
             r'<td class="small text-body-secondary">(\d+)</td>', lambda row: str(row[0])),
]
SORTABLE = {
    "enterprises": {"name", "credit_code", "region", "industry", "scale", "employees", "hazard"},
    "nominations": {"enterprise", "region", "industry", "nominator", "state", "updated"},
    "campaign page": {"enterprise", "region", "industry", "nominator", "state", "updated"},
    "users": {"username", "name", "active", "last_login"},
    "audit trail": {"seq", "time", "actor", "action", "object"},
}
DEFAULT_ORDER = {"enterprises": "region", "nominations": "-updated", "campaign page": "-updated",
                 "users": "username", "audit trail": "-seq"}


@dataclass
class Built:
    case: ListCase
    client: FlaskClient
    rows: list[Values]
    url: str

    def get(self, **args: str) -> tuple[str, list[int]]:
        response = self.client.get(self.url, query_string={**self.case.filters, **args})
        assert response.status_code == 200, (self.case.name, args, response.status_code)
        html = response.get_data(as_text=True)
        return html, self.case.ids(html)

    def expected(self, key: str, descending: bool) -> list[int]:
        present = sorted((r for r in self.rows if r[key] is not None), key=lambda r: (r[key], r["id"]),
                         reverse=descending)
        absent = sorted((r for r in self.rows if r[key] is None), key=lambda r: r["id"], reverse=descending)
        return [r["id"] for r in present + absent]

    def by_label(self, labels: list[str]) -> list[int]:
        ids = {r["label"]: r["id"] for r in self.rows}
        return [ids[label] for label in labels if label in ids]


@pytest.fixture(params=CASES, ids=lambda c: c.name)
def built(request: pytest.FixtureRequest, client: FlaskClient, login, session: Session, world: World) -> Built:
    case: ListCase = request.param
    rows = case.build(session, world)
    session.commit()
    login(getattr(world, case.who))
    return Built(case, client, rows, case.url(world))


# --- sorting --------------------------------------------------------------------------------


def test_the_headers_offered_for_sorting_are_the_lists_columns(built: Built) -> None:
    html, _ = built.get()
    head = built.case.part(html, "thead")
    offered = {key.lstrip("-") for key in re.findall(r"[?&;]sort=(-?\w+)", html_lib.unescape(head))}
    assert offered == SORTABLE[built.case.name]


def test_each_column_sorts_both_ways(built: Built) -> None:
    for key in sorted(SORTABLE[built.case.name]):
        for descending in (False, True):
            _, shown = built.get(sort=f"-{key}" if descending else key, size="200")
            assert shown == built.expected(key, descending), f"{built.case.name}: sort by {key} desc={descending}"


def test_clicking_a_sorted_header_again_reverses_it(built: Built) -> None:
    key = sorted(SORTABLE[built.case.name])[0]
    html, _ = built.get(sort=key)
    head = html_lib.unescape(built.case.part(html, "thead"))
    assert re.search(rf'aria-sort="ascending"[^>]*>\s*<a [^>]*href="[^"]*sort=-{key}\b', head)
    html, _ = built.get(sort=f"-{key}")
    head = html_lib.unescape(built.case.part(html, "thead"))
    assert re.search(rf'aria-sort="descending"[^>]*>\s*<a [^>]*href="[^"]*sort={key}\b', head)


@pytest.mark.parametrize(("sort", "page", "size"), [
    ("name;DROP TABLE users", "-5", "7"), ("--name", "0", "-1"), ("-", "abc", "abc"), ("\x00", "1e9", "100000"),
    ("名称", "99999999999999999999", "50.0"), ("__class__", "", ""), ("x" * 5000, "1" * 400, "2" * 400),
    ("username%27%20OR%201=1", "\u202e1", "\x0020"),
])
def test_hostile_sort_page_and_size_fall_back_to_the_defaults(built: Built, sort: str, page: str,
                                                              size: str) -> None:
    _, default = built.get()
    _, shown = built.get(sort=sort, page=page, size=size)
    assert shown == default
    assert default == built.expected(DEFAULT_ORDER[built.case.name].lstrip("-"),
                                     DEFAULT_ORDER[built.case.name].startswith("-"))


# --- paging ---------------------------------------------------------------------------------


def test_a_page_can_be_jumped_to_and_its_size_chosen(built: Built) -> None:
    key = sorted(SORTABLE[built.case.name])[0]
    everything = built.expected(key, False)
    html, first = built.get(sort=key, size="20")
    assert first == everything[:20] and f"共 {ROWS} 条" in html and "第 1 / 2 页" in html
    html, second = built.get(sort=key, size="20", page="2")
    assert second == everything[20:] and "第 2 / 2 页" in html
    _, beyond = built.get(sort=key, size="20", page="9")
    assert beyond == everything[20:], "a page past the end shows the last page"
    _, whole = built.get(sort=key, size="50")
    assert whole == everything
    html, _ = built.get(sort=key, size="20", page="2")
    pager = html.split('data-testid="list-pager"', 1)[1]
    assert re.search(r'<option value="20" selected>', pager) and 'name="page" value="2"' in pager
    assert 'name="sort" value="' + key + '"' in pager, "the jump form keeps the order"


# --- export ---------------------------------------------------------------------------------


def test_the_export_link_holds_exactly_the_filtered_sorted_list_all_pages(built: Built) -> None:
    for key in sorted(SORTABLE[built.case.name]):
        html, second_page = built.get(sort=f"-{key}", size="20", page="2")
        link = re.search(r'href="([^"]+)"[^>]*data-testid="export"', html)
        assert link, f"{built.case.name} offers no export"
        response = built.client.get(html_lib.unescape(link.group(1)))
        assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
        sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
        labels = [built.case.exported_label(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
        exported = built.by_label(labels)
        assert len(exported) == len(labels), "the export holds rows the list does not"
        assert exported == built.expected(key, True), f"{built.case.name}: export sorted by -{key}"
        assert exported[20:] == second_page


# --- the province narrows nominations by city and county -------------------------------


def test_the_province_filters_nominations_by_city_and_by_county(client: FlaskClient, login, session: Session,
                                                                world: World) -> None:
    zd = world.nomination(session, S.SUBMITTED, world.ent_zd)
    zc = world.nomination(session, S.ENDORSED, world.ent_zc)
    jn = world.nomination(session, S.ENDORSED, world.ent_jn)
    session.commit()
    login(world.sheng)
    listing = CASES[1]

    def shown(**args: str) -> set[int]:
        response = client.get("/nominations/", query_string={"size": "200", **args})
        assert response.status_code == 200
        return set(listing.ids(response.get_data(as_text=True)))

    page = client.get("/nominations/").get_data(as_text=True)
    assert '<option value="370300">淄博市</option>' in page and '<option value="370303">淄博市张店区</option>' in page
    assert shown() == {zd.id, zc.id, jn.id}
    assert shown(region="370300") == {zd.id, zc.id}
    assert shown(region="370303") == {zd.id}
    assert shown(region="370306") == {zc.id}
    assert shown(region="370100") == {jn.id}
    assert shown(region="370303", state="endorsed") == set()
    assert shown(region="999999") == {zd.id, zc.id, jn.id}, "an unknown region narrows nothing"
    exported = client.get("/nominations/export.xlsx", query_string={"region": "370300"})
    names = {row[0] for row in load_workbook(io.BytesIO(exported.data)).active.iter_rows(min_row=2, values_only=True)}
    assert names == {world.ent_zd.name, world.ent_zc.name}


def test_a_city_cannot_widen_its_list_with_another_citys_region(client: FlaskClient, login, session: Session,
                                                                world: World) -> None:
    world.nomination(session, S.ENDORSED, world.ent_jn)
    mine = world.nomination(session, S.SUBMITTED, world.ent_zd)
    session.commit()
    login(world.zibo)
    html = client.get("/nominations/", query_string={"region": "370100"}).get_data(as_text=True)
    assert CASES[1].ids(html) == []
    html = client.get("/nominations/").get_data(as_text=True)
    assert CASES[1].ids(html) == [mine.id]
    assert 'value="370100"' not in html, "济南市 is not offered to 淄博市"
