"""Every route in the URL map, for every kind of person, inside and outside their jurisdiction.

For each endpoint the table below says, by hand, who gets through, who gets 404 (may use
the area but the record is outside their jurisdiction) and — implicitly — that everyone
else signed in gets 403 and anonymous visitors are sent to the login page. A new route
without an entry here fails ``test_every_route_is_covered``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from benchmarks.models import Nomination
from benchmarks.models import NominationState as S
from core.attachments import FileStore
from core.notifications import Notification
from tests.factories import World

PERSONAS = ("anonymous", "admin", "sheng", "zibo", "jinan", "zhangdian", "zhoucun",
            "expert", "committee", "ent_user")
EVERYONE = frozenset(PERSONAS) - {"anonymous"}
OFFICIALS = frozenset({"admin", "sheng", "zibo", "jinan", "zhangdian", "zhoucun"})
# Who may see a record in 张店区 (淄博市), and who in 历城区 (济南市), by jurisdiction alone.
ZD_SCOPE = frozenset({"admin", "sheng", "zibo", "zhangdian"})
ZD_OUTSIDE = frozenset({"jinan", "zhoucun"})
JN_SCOPE = frozenset({"admin", "sheng", "jinan"})
JN_OUTSIDE = frozenset({"zibo", "zhangdian", "zhoucun"})
# A county's draft is its own: the levels above do not see it until it is put forward.
DRAFT_OWNER = frozenset({"zhangdian"})
DRAFT_HIDDEN = ZD_OUTSIDE | {"zibo", "sheng"}
NOMINATORS = frozenset({"zibo", "jinan", "zhangdian", "zhoucun"})


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    ok: frozenset[str]
    not_found: frozenset[str] = field(default_factory=frozenset)
    public: bool = False


@dataclass
class Objects:
    """The records the URLs point at, built fresh for each test."""

    world: World
    submitted: Nomination  # 张店区's, waiting for 淄博市
    draft: Nomination  # 张店区's draft, with a file
    endorsed: Nomination  # 济南市's own, waiting for the province
    note_id: int  # a notification of zhangdian's
    attachment_id: int


def objects(session: Session, world: World, store: FileStore) -> Objects:
    submitted = world.nomination(session, S.SUBMITTED, world.ent_zd)
    draft = world.nomination(session, S.DRAFT, world.ent_zd2)
    link = draft.attachments[0]
    endorsed = world.nomination(session, S.ENDORSED, world.ent_jn)
    note_id = session.scalar(select(Notification.id).where(Notification.user_id == world.zhangdian.id))
    assert note_id is not None
    return Objects(world, submitted, draft, endorsed, note_id, link.id)


def c(method: str, path: str, ok: frozenset[str] | set[str], not_found: frozenset[str] | set[str] = frozenset(),
      public: bool = False) -> Case:
    return Case(method, path, frozenset(ok), frozenset(not_found), public)


def both(path: str, ok: frozenset[str] | set[str], not_found: frozenset[str] | set[str] = frozenset()) -> list[Case]:
    return [c("GET", path, ok, not_found), c("POST", path, ok, not_found)]


SPEC: dict[str, Callable[[Objects], list[Case]]] = {
    "auth.login": lambda o: [c("GET", "/login", EVERYONE, public=True), c("POST", "/login", EVERYONE, public=True)],
    "auth.logout": lambda o: [c("POST", "/logout", EVERYONE)],
    "auth.change_password": lambda o: both("/account/password", EVERYONE),
    "home.index": lambda o: [c("GET", "/", EVERYONE)],
    "home.notifications": lambda o: [c("GET", "/notifications", EVERYONE)],
    "home.open_notification": lambda o: [
        c("POST", f"/notifications/{o.note_id}/open", {"zhangdian"}, EVERYONE - {"zhangdian"})],
    "home.read_all": lambda o: [c("POST", "/notifications/read-all", EVERYONE)],
    "enterprises.index": lambda o: [c("GET", "/enterprises/", OFFICIALS)],
    "enterprises.export": lambda o: [c("GET", "/enterprises/export.xlsx", OFFICIALS)],
    "enterprises.new": lambda o: both("/enterprises/new", OFFICIALS),
    "enterprises.import_file": lambda o: both("/enterprises/import", OFFICIALS),
    "enterprises.import_template": lambda o: [c("GET", "/enterprises/import-template.xlsx", OFFICIALS)],
    "enterprises.show": lambda o: [
        c("GET", f"/enterprises/{o.world.ent_zd.id}", ZD_SCOPE | {"ent_user"}, ZD_OUTSIDE),
        c("GET", f"/enterprises/{o.world.ent_jn.id}", JN_SCOPE, JN_OUTSIDE | {"ent_user"}),
    ],
    "enterprises.edit": lambda o: both(f"/enterprises/{o.world.ent_zd.id}/edit", ZD_SCOPE, ZD_OUTSIDE),
    "enterprises.region_children": lambda o: [
        c("GET", "/enterprises/regions/children?code=370303", ZD_SCOPE, EVERYONE - ZD_SCOPE)],
    "nominations.campaigns": lambda o: [c("GET", "/campaigns/", OFFICIALS)],
    "nominations.new_campaign": lambda o: both("/campaigns/new", {"sheng"}),
    "nominations.campaign": lambda o: [c("GET", f"/campaigns/{o.world.campaign.id}", OFFICIALS)],
    "nominations.edit_campaign": lambda o: both(f"/campaigns/{o.world.campaign.id}/edit", {"sheng"}),
    "nominations.campaign_act": lambda o: [
        c("POST", f"/campaigns/{o.world.campaign.id}/actions/close", {"sheng"})],
    "nominations.selection": lambda o: [
        c("GET", f"/campaigns/{o.world.campaign.id}/industries/CHEM", {"sheng", "admin"})],
    "nominations.new": lambda o: both(f"/campaigns/{o.world.campaign.id}/nominations/new", NOMINATORS),
    "nominations.eligible": lambda o: [
        c("GET", f"/campaigns/{o.world.campaign.id}/nominations/eligible.json?q=化工", NOMINATORS)],
    "nominations.index": lambda o: [c("GET", "/nominations/", OFFICIALS)],
    "nominations.export": lambda o: [c("GET", "/nominations/export.xlsx", OFFICIALS)],
    "nominations.show": lambda o: [
        c("GET", f"/nominations/{o.submitted.id}", ZD_SCOPE, ZD_OUTSIDE),
        c("GET", f"/nominations/{o.endorsed.id}", JN_SCOPE, JN_OUTSIDE),
    ],
    "nominations.edit": lambda o: both(f"/nominations/{o.draft.id}/edit", DRAFT_OWNER, DRAFT_HIDDEN),
    "nominations.act": lambda o: [
        c("POST", f"/nominations/{o.submitted.id}/actions/endorse", {"zibo"}, ZD_OUTSIDE),
        c("POST", f"/nominations/{o.endorsed.id}/actions/select", {"sheng"}, JN_OUTSIDE),
    ],
    "nominations.upload": lambda o: [
        c("POST", f"/nominations/{o.draft.id}/attachments", DRAFT_OWNER, DRAFT_HIDDEN)],
    "nominations.download": lambda o: [
        c("GET", f"/nominations/{o.draft.id}/attachments/{o.attachment_id}", DRAFT_OWNER | {"admin"}, DRAFT_HIDDEN),
        c("GET", f"/nominations/{o.submitted.id}/attachments/{o.submitted.attachments[0].id}", ZD_SCOPE,
          ZD_OUTSIDE)],
    "nominations.delete_attachment": lambda o: [
        c("POST", f"/nominations/{o.draft.id}/attachments/{o.attachment_id}/delete", DRAFT_OWNER, DRAFT_HIDDEN)],
    "admin.users": lambda o: [c("GET", "/admin/users", {"admin"})],
    "admin.export_users": lambda o: [c("GET", "/admin/users/export.xlsx", {"admin"})],
    "admin.new_user": lambda o: both("/admin/users/new", {"admin"}),
    "admin.edit_user": lambda o: both(f"/admin/users/{o.world.zibo.id}", {"admin"}),
    "admin.unlock_user": lambda o: [c("POST", f"/admin/users/{o.world.zibo.id}/unlock", {"admin"})],
    "admin.reset_password": lambda o: [c("POST", f"/admin/users/{o.world.zibo.id}/password", {"admin"})],
    "admin.audit_log": lambda o: [c("GET", "/admin/audit", {"admin"})],
    "admin.export_audit": lambda o: [c("GET", "/admin/audit/export.xlsx", {"admin"})],
    "admin.verify_audit": lambda o: [c("POST", "/admin/audit/verify", {"admin"})],
}


def test_every_route_is_covered(app: Flask) -> None:
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
              for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    assert {endpoint for endpoint, _ in routes} == set(SPEC)
    assert routes == {(endpoint, method) for endpoint in SPEC for method in _methods(endpoint)}


def _methods(endpoint: str) -> set[str]:
    """The methods a spec entry exercises (read from a dummy build of its cases)."""
    dummy = Objects.__new__(Objects)
    dummy.world = type("W", (), {})()  # type: ignore[assignment]
    for name in ("ent_zd", "ent_jn", "campaign", "zibo"):
        setattr(dummy.world, name, type("X", (), {"id": 0})())
    for name in ("submitted", "draft", "endorsed"):
        setattr(dummy, name, type("X", (), {"id": 0, "attachments": [type("A", (), {"id": 0})()]})())
    dummy.note_id = dummy.attachment_id = 0
    return {case.method for case in SPEC[endpoint](dummy)}


def _expected(case: Case, persona: str) -> int | str:
    if persona == "anonymous":
        return "ok" if case.public else "login"
    if persona in case.ok:
        return "ok"
    return 404 if persona in case.not_found else 403


def _outcome(response) -> int | str:
    if response.status_code in (401, 403, 404, 405, 500):
        return response.status_code
    if response.status_code == 302 and "/login" in response.location and "next=" in response.location:
        return "login"
    return "ok"


@pytest.mark.parametrize("endpoint", sorted(SPEC))
def test_route_answers_each_persona_as_the_table_says(
    app: Flask, connection: Connection, session: Session, world: World, login, endpoint: str
) -> None:
    """Every persona in turn, each on a fresh client and inside a savepoint rolled back after it,
    so one persona's successful POST never changes what the next one meets."""
    objs = objects(session, world, FileStore(Path(app.config["UPLOAD_DIR"])))
    session.commit()
    wrong = []
    for persona in PERSONAS:
        client = app.test_client()
        if persona != "anonymous":
            login(getattr(world, persona), client)
        savepoint = connection.begin_nested()
        try:
            for case in SPEC[endpoint](objs):
                response = client.open(case.path, method=case.method, data={})
                if _outcome(response) != _expected(case, persona):
                    wrong.append(f"{persona} {case.method} {case.path} → {response.status_code} "
                                 f"{response.location or ''} (expected {_expected(case, persona)})")
        finally:
            savepoint.rollback()
    assert not wrong, "\n".join(wrong)
