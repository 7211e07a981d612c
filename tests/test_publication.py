"""The committee's steps: approve or return a 报批稿, publish it under a checked number, withdraw it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from core.errors import InvalidTransition, PermissionDenied, ValidationError
from core.notifications import Notification
from core.workflow import transition
from standards.catalogue import catalogue, status_of, supersession
from standards.imprint import standard_number
from standards.models import PublicationStatus, Stage, StandardVersion
from standards.publishing import publish, withdraw
from standards.workflow import StageAction
from tests.factories import World, trail
from tests.publication_helpers import approved, at_approval, fake_render, imprint, published

A = StageAction


def test_the_committee_approves_a_report_draft_and_the_editors_hear_of_it(session: Session, world: World) -> None:
    project = at_approval(session, world)
    asked = session.query(Notification).filter_by(user_id=world.committee.id, task=True).count()
    assert asked == 1, "passing the review meeting asks the committee to approve"
    with pytest.raises(PermissionDenied):
        transition(session, world.zhangdian, project, A.APPROVE, project.lock_version)
    transition(session, world.committee, project, A.APPROVE, project.lock_version)
    assert project.stage == Stage.APPROVED
    events = [e.action for e in trail(session, project)]
    assert events[-1] == "standard.approve"
    told = session.query(Notification).filter_by(user_id=world.zhangdian.id).order_by(Notification.id.desc()).first()
    assert told is not None and "已批准" in told.title


def test_a_returned_report_draft_needs_a_reason_and_comes_back_frozen_again(session: Session, world: World) -> None:
    project = at_approval(session, world)
    with pytest.raises(ValidationError) as refused:
        transition(session, world.committee, project, A.RETURN, project.lock_version)
    assert "退回理由" in str(refused.value.errors)
    transition(session, world.committee, project, A.RETURN, project.lock_version, reason="附录A表格不完整")
    assert project.stage == Stage.DRAFTING
    before = len(project.versions)
    transition(session, world.zhangdian, project, A.RESUBMIT, project.lock_version)
    assert project.stage == Stage.APPROVAL
    assert len(project.versions) == before + 1
    frozen = [v for v in project.versions if v.stage == Stage.APPROVAL]
    assert len(frozen) == 2 and all(v.frozen_at is not None for v in frozen)


def test_a_draft_never_approved_cannot_be_resubmitted_for_approval(session: Session, world: World) -> None:
    project = at_approval(session, world)
    transition(session, world.committee, project, A.RETURN, project.lock_version, reason="重写")
    project.versions  # noqa: B018 — loaded
    session.query(StandardVersion).filter_by(project_id=project.id, stage=Stage.APPROVAL).update(
        {"stage": Stage.REVIEW})
    session.expire_all()
    with pytest.raises(InvalidTransition, match="只有被退回的报批稿"):
        transition(session, world.zhangdian, project, A.RESUBMIT, project.lock_version)


def test_publication_stores_the_rendered_docx_and_records_it(session: Session, world: World) -> None:
    publication = published(session, world, render=fake_render, number="DB37/T 4085-2026")
    assert publication.number == "DB37/T 4085—2026", "a typed hyphen becomes the em dash"
    assert publication.effective_on == dt.date(2026, 3, 31), "30 days after issue unless given"
    assert publication.project.stage == Stage.PUBLISHED
    assert publication.version.stage == Stage.APPROVAL and publication.version.frozen_at is not None
    stored = world.store.path_for(publication.docx_sha256).read_bytes()
    assert stored == fake_render(publication)
    actions = [e.action for e in trail(session, publication.project)]
    assert actions[-2:] == ["publication.issue", "standard.publish"]


@pytest.mark.parametrize(("typed", "field", "message"), [
    ({"number": "DB37 4085—2026"}, "number", "格式"),
    ({"number": "GB/T 1.1—2020"}, "number", "格式"),
    ({"number": "DB37/T 4085—2025"}, "number", "发布年份 2026"),
    ({"ics": "13-100"}, "ics", "ICS"),
    ({"ccs": "67"}, "ccs", "CCS"),
    ({"effective_on": dt.date(2026, 2, 28)}, "effective_on", "不能早于发布日期"),
    ({"issued_on": dt.date(1900, 1, 1)}, "issued_on", "有效范围"),
])
def test_a_malformed_imprint_is_refused_naming_the_field(session: Session, world: World, typed: dict, field: str,
                                                         message: str) -> None:
    project = approved(session, world)
    with pytest.raises(ValidationError) as refused:
        publish(session, world.committee, project, project.lock_version, imprint(**typed), render=fake_render,
                store=world.store)
    assert message in refused.value.errors[field]
    assert project.stage == Stage.APPROVED


def test_numbers_are_normalised_from_what_people_type() -> None:
    assert standard_number(" db37/t 4085 －2026 ") == "DB37/T 4085—2026"
    assert standard_number("DB37/T 123——2026") == "DB37/T 123—2026"
    with pytest.raises(ValidationError):
        standard_number("DB37/T 4085—26")


def test_a_number_in_use_is_refused_and_a_version_is_published_once(session: Session, world: World) -> None:
    first = published(session, world, render=fake_render)
    second = approved(session, world, "机械企业风险分级管控实施指南", panel_prefix="t_pub2")
    with pytest.raises(ValidationError, match="已被使用"):
        publish(session, world.committee, second, second.lock_version, imprint(), render=fake_render,
                store=world.store)
    with pytest.raises(InvalidTransition):
        publish(session, world.committee, first.project, first.project.lock_version, imprint("DB37/T 4086—2026"),
                render=fake_render, store=world.store)


def test_only_the_committee_publishes(session: Session, world: World) -> None:
    project = approved(session, world)
    with pytest.raises(PermissionDenied):
        publish(session, world.sheng, project, project.lock_version, imprint(), render=fake_render,
                store=world.store)


def test_status_follows_the_dates_and_the_replacement(session: Session, world: World) -> None:
    old = published(session, world, render=fake_render, number="DB37/T 3000—2024", issued_on=dt.date(2024, 5, 1))
    new = published(session, world, render=fake_render, title="化工企业风险分级管控指南（修订）", panel_prefix="t_pub2",
                    number="DB37/T 4100—2026", issued_on=dt.date(2026, 6, 1), effective_on=dt.date(2026, 7, 1),
                    replaces_id=old.id, changes="增加了附录B")
    assert status_of(old, dt.date(2026, 6, 30)) == PublicationStatus.CURRENT
    assert status_of(new, dt.date(2026, 6, 30)) == PublicationStatus.UPCOMING
    assert status_of(old, dt.date(2026, 7, 1)) == PublicationStatus.SUPERSEDED
    assert status_of(new, dt.date(2026, 7, 1)) == PublicationStatus.CURRENT
    assert supersession(new) == ([old], []) and supersession(old) == ([], [new])
    for day in (dt.date(2026, 6, 30), dt.date(2026, 7, 1)):
        for status in PublicationStatus:
            found = set(session.scalars(catalogue(status=status, today=day)))
            assert found == {p for p in (old, new) if status_of(p, day) == status}, (day, status)
    withdraw(session, world.committee, new, new.lock_version, "被国家标准取代")
    assert status_of(new, dt.date(2026, 7, 1)) == PublicationStatus.WITHDRAWN
    assert status_of(old, dt.date(2026, 7, 1)) == PublicationStatus.CURRENT, "a withdrawn one replaces nothing"
    assert trail(session, new)[-1].action == "publication.withdraw"


def test_a_standard_is_replaced_once_and_never_by_a_withdrawn_one(session: Session, world: World) -> None:
    old = published(session, world, render=fake_render, number="DB37/T 3000—2024", issued_on=dt.date(2024, 5, 1))
    published(session, world, render=fake_render, title="修订版一", panel_prefix="t_pub2",
              number="DB37/T 4100—2026", replaces_id=old.id)
    third = approved(session, world, "修订版二", panel_prefix="t_pub3")
    with pytest.raises(ValidationError, match="已被 DB37/T 4100—2026 代替"):
        publish(session, world.committee, third, third.lock_version,
                imprint("DB37/T 4101—2026", replaces_id=old.id), render=fake_render, store=world.store)


def test_withdrawal_needs_a_reason_and_the_committee(session: Session, world: World) -> None:
    publication = published(session, world, render=fake_render)
    with pytest.raises(PermissionDenied):
        withdraw(session, world.sheng, publication, publication.lock_version, "过时")
    with pytest.raises(ValidationError):
        withdraw(session, world.committee, publication, publication.lock_version, "")
    withdraw(session, world.committee, publication, publication.lock_version, "过时")
    with pytest.raises(InvalidTransition, match="已废止"):
        withdraw(session, world.committee, publication, publication.lock_version, "再次")


def test_the_committee_sets_the_grading_rules_assessments_will_use(session: Session, world: World) -> None:
    from decimal import Decimal

    project = approved(session, world)
    for grading, field in (({"benchmark_pass": "101"}, "benchmark_pass"), ({"grade_third": "6.05"}, "grade_third"),
                           ({"grade_first": "70", "grade_second": "75"}, "grade_second"),
                           ({"partial_credit": "all"}, "partial_credit")):
        with pytest.raises(ValidationError) as refused:
            publish(session, world.committee, project, project.lock_version, imprint(grading=grading),
                    render=fake_render, store=world.store)
        assert set(refused.value.errors) == {field}
    publication = publish(session, world.committee, project, project.lock_version,
                          imprint(grading={"grade_first": "95", "grade_second": "85.5", "grade_third": "70",
                                           "benchmark_pass": "", "partial_credit": "entered"}),
                          render=fake_render, store=world.store)
    assert (publication.grade_first, publication.grade_second, publication.grade_third) == (
        Decimal("95.0"), Decimal("85.5"), Decimal("70.0"))
    assert publication.benchmark_pass == Decimal(80) and publication.partial_credit == "entered"
