"""The demo's standard projects: one at each stage, made through the services, all in the trail."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo import seed
from core import migrate
from core.audit import AuditEvent, use_seal
from core.audit_verify import verify_chain
from core.db import make_engine
from standards.catalogue import status_of
from standards.models import (
    Disposition,
    Publication,
    PublicationStatus,
    RoundKind,
    RoundState,
    Stage,
    StandardProject,
)
from standards.redline import redline
from standards.versions import latest_frozen, working_draft
from tests.conftest import TEST_SEAL
from tests.databases import scratch_database


def test_demo_seeds_a_standard_project_at_every_stage(tmp_path: Path) -> None:
    with scratch_database(tmp_path, "demo") as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, audit_key=TEST_SEAL.key)
            with use_seal(Session(engine), TEST_SEAL) as session:
                assert seed(session, str(tmp_path / "uploads"))
                session.commit()
            with use_seal(Session(engine), TEST_SEAL) as session:
                _check(session)
        finally:
            engine.dispose()


def _check(session: Session) -> None:
    projects = {p.stage: p for p in session.scalars(select(StandardProject))}
    assert set(projects) == {Stage.DRAFTING, Stage.CONSULTATION, Stage.REVIEW, Stage.APPROVAL, Stage.PUBLISHED}
    old, new = session.scalars(select(Publication).order_by(Publication.issued_on)).all()
    assert (old.number, new.number) == ("DB37/T 3012—2024", "DB37/T 4608—2026")
    assert new.replaces == old and status_of(old) == PublicationStatus.SUPERSEDED
    assert status_of(new) == PublicationStatus.CURRENT and "管控层级" in new.changes

    drafting = projects[Stage.DRAFTING]
    assert drafting.title == "化工企业储罐区风险分级管控实施指南"
    assert len(working_draft(session, drafting).clauses) >= 10 and latest_frozen(session, drafting) is None

    consultation = projects[Stage.CONSULTATION]
    (round_,) = [r for r in _rounds(consultation) if r.kind == RoundKind.CONSULTATION]
    assert round_.state == RoundState.OPEN and len(round_.comments) == 4
    assert [c.disposition for c in round_.comments] == [Disposition.ACCEPTED, Disposition.REJECTED, None, None]

    review = projects[Stage.REVIEW]
    meeting = next(r for r in _rounds(review) if r.kind == RoundKind.MEETING)
    assert meeting.state == RoundState.OPEN and len(meeting.votes) == 2 and len(review.members) >= 5

    approval = projects[Stage.APPROVAL]
    passed = next(r for r in _rounds(approval) if r.kind == RoundKind.MEETING)
    assert passed.outcome is not None and passed.outcome.value == "passed" and len(passed.votes) == 4
    assert [v.stage for v in approval.versions if not v.is_draft] == [Stage.CONSULTATION, Stage.REVIEW,
                                                                     Stage.APPROVAL]
    # what the comments changed shows in the redline of 征求意见稿 → 送审稿
    frozen = [v for v in approval.versions if not v.is_draft]
    changed = redline(session, frozen[0], frozen[1]).touched
    assert {e.current.title for e in changed} >= {"危险源辨识", "风险点排查"}
    # and the working drafts of the projects under way differ from their last frozen text
    for project in (consultation, review):
        assert not redline(session, latest_frozen(session, project), working_draft(session, project)).identical

    # every step is in the trail, under its project, and the chain verifies
    for project in projects.values():
        actions = set(session.scalars(select(AuditEvent.action).where(
            AuditEvent.parent_type == "standard_project", AuditEvent.parent_id == str(project.id))))
        actions |= set(session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_type == "standard_project", AuditEvent.object_id == str(project.id))))
        assert "standard.raise" in actions, actions
        assert actions & {"clause.add", "standard.generate"}, actions
    approval_actions = set(session.scalars(select(AuditEvent.action).where(
        AuditEvent.parent_id == str(approval.id), AuditEvent.parent_type == "standard_project")))
    assert {"review.comment", "review.dispose", "review.close", "review.vote", "review.conclude",
            "standard.freeze", "clause.edit"} <= approval_actions
    assert verify_chain(session).ok


def _rounds(project: StandardProject):
    from standards.review import rounds_of

    return rounds_of(Session.object_session(project), project)
