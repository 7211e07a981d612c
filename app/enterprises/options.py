"""Select options drawn from the actor's jurisdiction, for registry forms and filters."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.enterprises.forms import EnterpriseForm
from core.people import User
from core.regions import Region, list_industries, regions_under
from core.scope import jurisdiction_path


def _root(session: Session, actor: User) -> Region | None:
    path = jurisdiction_path(actor)
    if path is None:
        return None
    if path == "/":
        return session.get(Region, "370000")
    return actor.region


def county_choices(session: Session, actor: User) -> dict[str, list[tuple[str, str]]]:
    """Counties grouped by city (an optgroup each), inside the actor's jurisdiction."""
    root = _root(session, actor)
    if root is None:
        return {}
    groups: dict[str, list[tuple[str, str]]] = {}
    if root.level == "county":
        return {root.full_name: [(root.code, root.name)]}
    cities = {r.code: r for r in regions_under(session, root, ("city",))}
    for county in regions_under(session, root, ("county",)):
        city = cities.get(county.parent_code or "")
        groups.setdefault(city.name if city else "", []).append((county.code, county.name))
    return groups


def fill_choices(form: EnterpriseForm, session: Session, actor: User) -> None:
    form.county_code.choices = {"": [("", "请选择区县")], **county_choices(session, actor)}
    county = session.get(Region, form.county_code.data or "")
    townships = regions_under(session, county, ("township",)) if county and county.level == "county" else []
    form.township_code.choices = [("", "（不选，登记到区县）")] + [(r.code, r.name) for r in townships]
    form.industry_code.choices = [("", "请选择行业")] + [(i.code, i.name) for i in list_industries(session)]


def region_filter_choices(session: Session, actor: User) -> list[tuple[str, str]]:
    """Cities and counties the list can be narrowed to."""
    root = _root(session, actor)
    if root is None:
        return []
    return [(r.code, r.full_name) for r in regions_under(session, root, ("city", "county"))
            if r.code != root.code]
