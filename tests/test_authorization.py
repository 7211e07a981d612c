"""Every route in the URL map, for every kind of person, inside and outside their jurisdiction.

For each endpoint the table below says, by hand, who gets through, who gets 404 (may use
the area but the record is outside their jurisdiction) and — implicitly — that everyone
else signed in gets 403 and anonymous visitors are sent to the login page. A new route
without an entry here fails ``test_every_route_is_covered``. The records the table points at
are built once for the module (``tests.hostile.staged``, which the hostile sweep shares) and
every persona's requests run in a savepoint rolled back after them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from benchmarks.models import Nomination
from benchmarks.models import NominationState as S
from core.attachments import FileStore
from core.notifications import Notification
from standards.models import ReviewRound
from tests.assessment_helpers import NO_ASSESSMENTS, AssessmentIds, assessment_ids
from tests.authorization_assessments import ASSESSMENT_SPEC
from tests.authorization_cases import (
    DRAFT_HIDDEN,
    DRAFT_OWNER,
    EVERYONE,
    JN_OUTSIDE,
    JN_SCOPE,
    NOMINATORS,
    OFFICIALS,
    OUTSIDE_HIDDEN,
    OUTSIDE_RECORDS,
    PERSONAS,
    PUB_HIDDEN,
    REGISTER_FILES,
    REVIEW_HIDDEN,
    REVIEW_RECORDS,
    STD_EDITOR,
    STD_HIDDEN,
    STD_VISIBLE,
    ZD_OUTSIDE,
    ZD_PRACTICE,
    ZD_SCOPE,
    Case,
    both,
    c,
)
from tests.factories import World, make_check_item, make_risk_point
from tests.publication_helpers import NO_PUBLICATIONS, PublicationIds, publication_ids
from tests.review_helpers import NO_REVIEW, ReviewIds, review_ids
from tests.standards_objects import NO_STANDARDS, StandardIds, standard_ids

if TYPE_CHECKING:
    from tests.hostile import Stage

COOKIE = "biaogan_session"

@dataclass
class Objects:
    """The records the URLs point at, built fresh for each test."""

    world: World
    submitted: Nomination  # 张店区's, waiting for 淄博市
    draft: Nomination  # 张店区's draft, with a file
    endorsed: Nomination  # 济南市's own, waiting for the province
    note_id: int  # a notification of zhangdian's
    attachment_id: int
    risk_point_id: int = 0  # 张店甲's, recorded by its own safety manager (practices)
    check_item_id: int = 0  # 张店甲's, linked to that risk point
    review: ReviewIds = NO_REVIEW  # consultation rounds and review meetings (tests.review_helpers)
    std: StandardIds = NO_STANDARDS  # a project whose panel leaves out the world's expert (tests.standards_objects)
    # The projects of ``review.consultation`` (frozen 征求意见稿 + draft) and ``review.outside_consultation``.
    redline_projects: tuple[int, int] = (0, 0)
    session: Session | None = None  # for what only some routes need, built when first asked for
    _publications: PublicationIds | None = None
    _assessments: AssessmentIds | None = None

    def assessments(self) -> AssessmentIds:
        """张店甲's assessments, a rectification and 张店区's campaign (tests.assessment_helpers)."""
        if getattr(self, "session", None) is None:
            return NO_ASSESSMENTS
        if self._assessments is None:
            self._assessments = assessment_ids(self.session, self.world)  # type: ignore[arg-type]
        return self._assessments

    def publications(self) -> PublicationIds:
        """Projects before the committee and a published standard (tests.publication_helpers)."""
        if getattr(self, "session", None) is None:
            return NO_PUBLICATIONS  # the table's dummy build, reading methods only
        if self._publications is None:
            self._publications = publication_ids(self.session, self.world)  # type: ignore[arg-type]
        return self._publications


def objects(session: Session, world: World, store: FileStore) -> Objects:
    submitted = world.nomination(session, S.SUBMITTED, world.ent_zd)
    draft = world.nomination(session, S.DRAFT, world.ent_zd2)
    link = draft.attachments[0]
    endorsed = world.nomination(session, S.ENDORSED, world.ent_jn)
    note_id = session.scalar(select(Notification.id).where(Notification.user_id == world.zhangdian.id))
    assert note_id is not None
    found = Objects(world, submitted, draft, endorsed, note_id, link.id, session=session)
    point = make_risk_point(session, world.ent_user, world.ent_zd)
    found.risk_point_id = point.id
    found.check_item_id = make_check_item(session, world.ent_user, world.ent_zd, risk_point_id=point.id).id
    found.review = review_ids(session, world)
    found.std = standard_ids(session, world)
    found.redline_projects = (session.get_one(ReviewRound, found.review.consultation).project_id,
                              session.get_one(ReviewRound, found.review.outside_consultation).project_id)
    return found


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
    "practices.register": lambda o: [
        c("GET", f"/enterprises/{o.world.ent_zd.id}/practices/", ZD_PRACTICE, ZD_OUTSIDE),
        c("GET", f"/enterprises/{o.world.ent_jn.id}/practices/", JN_SCOPE, JN_OUTSIDE | {"ent_user"})],
    "practices.download": lambda o: [
        c("GET", f"/enterprises/{o.world.ent_zd.id}/practices/{name}", ZD_PRACTICE, ZD_OUTSIDE)
        for name in REGISTER_FILES],
    "practices.new_risk_point": lambda o: both(
        f"/enterprises/{o.world.ent_zd.id}/practices/risk-points/new", ZD_PRACTICE, ZD_OUTSIDE),
    "practices.new_check_item": lambda o: both(
        f"/enterprises/{o.world.ent_zd.id}/practices/check-items/new", ZD_PRACTICE, ZD_OUTSIDE),
    "practices.risk_point": lambda o: [c("GET", f"/practices/risk-points/{o.risk_point_id}", ZD_PRACTICE, ZD_OUTSIDE)],
    "practices.edit_risk_point": lambda o: both(f"/practices/risk-points/{o.risk_point_id}/edit", ZD_PRACTICE,
                                                ZD_OUTSIDE),
    "practices.delete_risk_point": lambda o: [
        c("POST", f"/practices/risk-points/{o.risk_point_id}/delete", ZD_PRACTICE, ZD_OUTSIDE)],
    "practices.card": lambda o: [
        c("GET", f"/practices/risk-points/{o.risk_point_id}/card.docx", ZD_PRACTICE, ZD_OUTSIDE)],
    "practices.edit_check_item": lambda o: both(f"/practices/check-items/{o.check_item_id}/edit", ZD_PRACTICE,
                                                ZD_OUTSIDE),
    "practices.delete_check_item": lambda o: [
        c("POST", f"/practices/check-items/{o.check_item_id}/delete", ZD_PRACTICE, ZD_OUTSIDE)],
    "practices.bands": lambda o: [c("GET", "/admin/risk-bands", {"admin"})],
    "practices.edit_bands": lambda o: [*both("/admin/risk-bands/CHEM/ls", {"admin"}),
                                       *both("/admin/risk-bands/default/lec", {"admin"})],
    "practices.regrade": lambda o: [c("POST", "/admin/risk-bands/CHEM/regrade", {"admin"}),
                                    c("POST", "/admin/risk-bands/all/regrade", {"admin"})],
    "review.round": lambda o: [
        c("GET", f"/review/rounds/{o.review.consultation}", REVIEW_RECORDS | {"zibo"}, REVIEW_HIDDEN),
        c("GET", f"/review/rounds/{o.review.meeting}", REVIEW_RECORDS, REVIEW_HIDDEN | {"zibo"}),
        c("GET", f"/review/rounds/{o.review.outside_consultation}", OUTSIDE_RECORDS, OUTSIDE_HIDDEN),
        c("GET", f"/review/rounds/{o.review.outside_meeting}", OUTSIDE_RECORDS, OUTSIDE_HIDDEN)],
    "review.comment": lambda o: [
        *both(f"/review/rounds/{o.review.consultation}/comment?clause={o.review.clause}", {"expert", "zibo"},
              REVIEW_HIDDEN),
        *both(f"/review/rounds/{o.review.outside_consultation}/comment", set(), OUTSIDE_HIDDEN)],
    "review.dispose": lambda o: [
        c("GET", f"/review/comments/{o.review.comment}/dispose", REVIEW_RECORDS, REVIEW_HIDDEN),
        c("POST", f"/review/comments/{o.review.comment}/dispose", {"zhangdian"}, REVIEW_HIDDEN),
        c("GET", f"/review/comments/{o.review.outside_comment}/dispose", OUTSIDE_RECORDS, OUTSIDE_HIDDEN)],
    "review.close": lambda o: [
        c("POST", f"/review/rounds/{o.review.consultation}/close", {"zhangdian"}, REVIEW_HIDDEN)],
    "review.comment_table": lambda o: [
        c("GET", f"/review/rounds/{o.review.consultation}/comments.docx", REVIEW_RECORDS, REVIEW_HIDDEN),
        c("GET", f"/review/rounds/{o.review.outside_consultation}/comments.docx", OUTSIDE_RECORDS, OUTSIDE_HIDDEN)],
    "review.vote": lambda o: [
        *both(f"/review/rounds/{o.review.meeting}/vote", {"expert"}, REVIEW_HIDDEN | {"zibo"}),
        *both(f"/review/rounds/{o.review.outside_meeting}/vote", set(), OUTSIDE_HIDDEN)],
    "review.conclude": lambda o: both(f"/review/rounds/{o.review.meeting}/conclude", {"zhangdian"},
                                      REVIEW_HIDDEN | {"zibo"}),
    "review.minutes": lambda o: [
        c("GET", f"/review/rounds/{o.review.meeting}/minutes.docx", REVIEW_RECORDS, REVIEW_HIDDEN | {"zibo"}),
        c("GET", f"/review/rounds/{o.review.outside_meeting}/minutes.docx", OUTSIDE_RECORDS, OUTSIDE_HIDDEN)],
    "redline.compare": lambda o: [
        c("GET", f"/standards/{o.redline_projects[0]}/redline", REVIEW_RECORDS | {"zibo"}, REVIEW_HIDDEN),
        c("GET", f"/standards/{o.redline_projects[1]}/redline", OUTSIDE_RECORDS, OUTSIDE_HIDDEN)],
    "redline.download": lambda o: [
        c("GET", f"/standards/{o.redline_projects[0]}/redline.docx", REVIEW_RECORDS | {"zibo"}, REVIEW_HIDDEN),
        c("GET", f"/standards/{o.redline_projects[1]}/redline.docx", OUTSIDE_RECORDS, OUTSIDE_HIDDEN)],
    "standards.index": lambda o: [c("GET", "/standards/", EVERYONE)],
    "standards.export": lambda o: [c("GET", "/standards/export.xlsx", EVERYONE)],
    "standards.new": lambda o: both("/standards/new", {"sheng"}),
    "standards.project": lambda o: [c("GET", f"/standards/{o.std.project}", STD_VISIBLE, STD_HIDDEN)],
    "standards.edit": lambda o: both(f"/standards/{o.std.project}/edit", {"sheng", "admin"}, STD_HIDDEN),
    "standards.act": lambda o: [
        c("POST", f"/standards/{o.std.project}/actions/open_consultation", STD_EDITOR, STD_HIDDEN)],
    "standards.text": lambda o: [c("GET", f"/standards/{o.std.project}/text", STD_VISIBLE, STD_HIDDEN),
                                 c("GET", f"/standards/{o.std.empty}/text", STD_VISIBLE, STD_HIDDEN)],
    "standards.version": lambda o: [
        c("GET", f"/standards/{o.std.project}/versions/{o.std.version}", STD_VISIBLE, STD_HIDDEN)],
    "standards.generate": lambda o: [c("POST", f"/standards/{o.std.empty}/generate", STD_EDITOR, STD_HIDDEN)],
    "standards.add_clause": lambda o: both(f"/standards/{o.std.project}/clauses/new?parent={o.std.chapter}",
                                           STD_EDITOR, STD_HIDDEN),
    "standards.edit_clause": lambda o: both(f"/standards/{o.std.project}/clauses/{o.std.requirement}", STD_EDITOR,
                                            STD_HIDDEN),
    "standards.move_clause": lambda o: [
        c("POST", f"/standards/{o.std.project}/clauses/{o.std.chapter}/move/down", STD_EDITOR, STD_HIDDEN)],
    "standards.delete_clause": lambda o: both(f"/standards/{o.std.project}/clauses/{o.std.requirement}/delete",
                                              STD_EDITOR, STD_HIDDEN),
    "standards.link_practice": lambda o: [
        c("POST", f"/standards/{o.std.project}/clauses/{o.std.chapter}/sources", STD_EDITOR, STD_HIDDEN)],
    "standards.unlink_practice": lambda o: [
        c("POST", f"/standards/{o.std.project}/clauses/{o.std.requirement}/sources/{o.std.link}/delete", STD_EDITOR,
          STD_HIDDEN)],
    "publishing.act": lambda o: [
        c("POST", f"/standards/{o.publications().at_approval}/approval/approve", {"committee"}, PUB_HIDDEN),
        c("POST", f"/standards/{o.publications().at_approval}/approval/return", {"committee"}, PUB_HIDDEN),
        # Not the stage for it: whoever sees the project reaches the engine, which refuses (409, stale form).
        c("POST", f"/standards/{o.publications().at_approval}/approval/resubmit", REVIEW_RECORDS, PUB_HIDDEN)],
    "publishing.publish": lambda o: both(f"/standards/{o.publications().approved}/publish", {"committee"}),
    "publishing.withdraw": lambda o: [c("POST", f"/catalogue/{o.publications().slug}/withdraw", {"committee"})],
    "publishing.version_docx": lambda o: [c("GET", "/standards/{0.at_approval}/versions/{0.approval_version}/"
                                             "document.docx".format(o.publications()), REVIEW_RECORDS, PUB_HIDDEN)],
    "catalogue.index": lambda o: [c("GET", "/catalogue/", EVERYONE, public=True)],
    "catalogue.standard": lambda o: [c("GET", f"/catalogue/{o.publications().slug}", EVERYONE, public=True)],
    "catalogue.by_id": lambda o: [c("GET", f"/catalogue/by-id/{o.publications().publication_id}",
                                    EVERYONE, public=True)],
    "catalogue.pdf_status": lambda o: [
        c("GET", f"/catalogue/{o.publications().slug}/pdf-status", EVERYONE, public=True)],
    "catalogue.download": lambda o: [
        c("GET", f"/catalogue/{o.publications().slug}/download/docx", EVERYONE, public=True)],
    "search.index": lambda o: [c("GET", "/search?q=化工", EVERYONE)],  # what each finds: tests/test_search.py
    "admin.users": lambda o: [c("GET", "/admin/users", {"admin"})],
    "admin.export_users": lambda o: [c("GET", "/admin/users/export.xlsx", {"admin"})],
    "admin.new_user": lambda o: both("/admin/users/new", {"admin"}),
    "admin.edit_user": lambda o: both(f"/admin/users/{o.world.zibo.id}", {"admin"}),
    "admin.unlock_user": lambda o: [c("POST", f"/admin/users/{o.world.zibo.id}/unlock", {"admin"})],
    "admin.reset_password": lambda o: [c("POST", f"/admin/users/{o.world.zibo.id}/password", {"admin"})],
    "admin.audit_log": lambda o: [c("GET", "/admin/audit", {"admin"})],
    "admin.export_audit": lambda o: [c("GET", "/admin/audit/export.xlsx", {"admin"})],
    "admin.verify_audit": lambda o: [c("POST", "/admin/audit/verify", {"admin"})],
    **ASSESSMENT_SPEC,
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


@pytest.fixture(scope="module")
def stage(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """The table's world, built once for the module (``tests.hostile.staged``, without the sweep)."""
    from tests.hostile import staged  # it reads this module's table

    with staged(engine, tmp_path_factory, sweep=False) as built:
        yield built


@pytest.mark.parametrize("endpoint", sorted(SPEC))
def test_route_answers_each_persona_as_the_table_says(stage: Stage, endpoint: str) -> None:
    """Every persona in turn, signed in on its own client, inside a savepoint rolled back after
    it, so one persona's successful POST never changes what the next one meets."""
    wrong = []
    for persona in PERSONAS:
        client = stage.clients[persona]
        client.set_cookie(COOKIE, stage.cookies.get(persona, ""))  # as signed in: no flashes, no logout left over
        savepoint = stage.connection.begin_nested()
        try:
            for case in SPEC[endpoint](stage.objs):
                response = client.open(case.path, method=case.method, data={})
                if _outcome(response) != _expected(case, persona):
                    wrong.append(f"{persona} {case.method} {case.path} → {response.status_code} "
                                 f"{response.location or ''} (expected {_expected(case, persona)})")
        finally:
            savepoint.rollback()
    assert not wrong, "\n".join(wrong)
