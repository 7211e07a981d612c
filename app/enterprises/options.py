"""Select options drawn from the actor's jurisdiction, for registry forms and filters."""

from __future__ import annotations

from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from app.enterprises.forms import EnterpriseForm
from app.forms import options
from core.people import User
from core.regions import Region, list_industries, regions_under
from core.scope import jurisdiction_path
from core.text import filter_text


def _root(session: Session, actor: User) -> Region | None:
    path = jurisdiction_path(actor)
    if path is None:
        return None
    if path == "/":
        return session.get(Region, "370000")
    return actor.region


def county_choices(session: Session, actor: User) -> list[SelectChoice]:
    """Counties grouped by city (an optgroup each), inside the actor's jurisdiction."""
    root = _root(session, actor)
    if root is None:
        return []
    cities = {r.code: r.name for r in regions_under(session, root, ("city",))}
    if root.level == "county":
        cities[root.parent_code or ""] = root.full_name.removesuffix(root.name)
    return [SelectChoice(county.code, county.name, optgroup=cities.get(county.parent_code or ""))
            for county in regions_under(session, root, ("county",))]


def fill_choices(form: EnterpriseForm, session: Session, actor: User) -> None:
    form.county_code.choices = [*options([("", "请选择区县")]), *county_choices(session, actor)]
    county = session.get(Region, filter_text(form.county_code.data, 12))  # any odd input: no such county
    townships = regions_under(session, county, ("township",)) if county and county.level == "county" else []
    form.township_code.choices = options([("", "（不选，登记到区县）"), *((r.code, r.name) for r in townships)])
    form.industry_code.choices = options([("", "请选择行业"), *((i.code, i.name) for i in list_industries(session))])


def region_filter_choices(session: Session, actor: User) -> list[tuple[str, str]]:
    """Cities and counties the list can be narrowed to."""
    root = _root(session, actor)
    if root is None:
        return []
    return [(r.code, r.full_name) for r in regions_under(session, root, ("city", "county"))
            if r.code != root.code]
