"""The dashboards' aggregates equal a fresh recomputation from the records, whatever happened:
random histories of starts, answers, submissions, returns, verifications, rectification steps
and reminders, on the real database (property-based, with hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessments import answers, rectifications, reminders, stats
from assessments.items import requirements_of
from assessments.models import (
    Assessment,
    AssessmentState,
    AssessmentTally,
    ClauseTally,
    Rectification,
    RectificationState,
    RectificationTally,
)
from assessments.workflow import Action, RectificationAction
from core.enterprises import Enterprise
from core.people import Role, User
from core.workflow import transition
from standards.models import Publication
from tests.assessment_helpers import PLAN, standard
from tests.factories import PDF, World, make_user

STEPS = st.lists(st.tuples(st.sampled_from(["start", "fill", "submit", "return", "verify", "complete", "accept",
                                            "reopen", "remind"]),
                           st.integers(0, 2), st.integers(0, 3)), min_size=1, max_size=25)


def _stored(session: Session) -> tuple[dict[Any, Any], dict[Any, Any], dict[Any, Any]]:
    tallies = {(t.county_code, t.publication_id, t.campaign_id, t.state): {
        c: getattr(t, c) for c in ("city_code", "assessments", "scored", "score_sum", "grade_first", "grade_second",
                                   "grade_third", "grade_fail", *(f"band{i}" for i in range(10)))}
        for t in session.scalars(select(AssessmentTally))}
    clauses = {(t.publication_id, t.clause_key): {c: getattr(t, c) for c in (
        "assessed", "conform", "partial", "nonconform", "na", "failed")} for t in session.scalars(select(ClauseTally))}
    rects = {t.county_code: {c: getattr(t, c) for c in ("city_code", "open", "done", "accepted", "overdue")}
             for t in session.scalars(select(RectificationTally))}
    return tallies, clauses, rects


def _without_zeros(rows: dict[Any, dict[str, Any]], keep: str = "city_code") -> dict[Any, dict[str, Any]]:
    """Rows whose every count is back to zero mean the same as no row."""
    return {key: row for key, row in rows.items()
            if any(v for name, v in row.items() if name != keep and v not in (0, Decimal(0)))}


class History:
    """Drives one random history through the services, as the people would."""

    def __init__(self, session: Session, world: World, publication: Publication, staff: list[User]) -> None:
        self.session, self.world, self.publication, self.staff = session, world, publication, staff
        self.items = requirements_of(session, publication).items
        self.today = dt.date(2030, 1, 1)

    def _assessment(self, who: int) -> Assessment | None:
        return self.session.scalars(select(Assessment).where(
            Assessment.enterprise_id == self.staff[who].enterprise_id, Assessment.publication_id == self.publication.id
        ).order_by(Assessment.id.desc())).first()

    def _rectification(self, who: int, state: RectificationState) -> Rectification | None:
        a = self._assessment(who)
        return None if a is None else self.session.scalars(select(Rectification).where(
            Rectification.assessment_id == a.id, Rectification.state == state)).first()

    def step(self, action: str, who: int, n: int) -> None:
        user, a, s = self.staff[who], self._assessment(who), self.session
        if action == "start":
            answers.start(s, user, self.publication, from_previous=n % 2 == 1)
        elif action == "fill" and a is not None and a.is_editable:
            for i, item in enumerate(self.items):
                result = "nonconform" if i < n and not item.veto else ("partial" if i == n else "conform")
                answers.save_answer(s, user, a, item.key, result=result,
                                    seen_revision=a.lock_version)  # any revision: the later one wins
                if result != "conform":
                    plan = rectifications.plan_for(s, a, item.key)
                    if plan is None or plan.state in ("planned", "open"):
                        deadline = self.today + dt.timedelta(days=n * 3 - 4)
                        rectifications.save_plan(s, user, a, item.key, rectifications.PlanInput(
                            PLAN.measure, PLAN.responsible, PLAN.funds, deadline, PLAN.contingency), None)
        elif action == "submit" and a is not None and a.is_editable and a.answered == a.total:
            transition(s, user, a, Action.SUBMIT, a.lock_version)
        elif action in ("return", "verify") and a is not None and a.state == AssessmentState.SUBMITTED:
            step = Action.RETURN if action == "return" else Action.VERIFY
            transition(s, self.world.zhangdian, a, step, a.lock_version, reason="意见")
        elif action == "complete" and (r := self._rectification(who, RectificationState.OPEN)) is not None:
            rectifications.attach(s, user, self.world.store, r, "照片.pdf", PDF)
            transition(s, user, r, RectificationAction.COMPLETE, r.lock_version, reason="完成")
        elif action in ("accept", "reopen") and (r := self._rectification(who, RectificationState.DONE)) is not None:
            step = RectificationAction.ACCEPT if action == "accept" else RectificationAction.REOPEN
            transition(s, self.world.zhangdian, r, step, r.lock_version, reason="意见")
        elif action == "remind":
            reminders.send_reminders(s, self.today + dt.timedelta(days=n * 4))


def test_aggregates_equal_a_fresh_recomputation_after_any_history(session: Session, world: World) -> None:
    publication = standard(session, world)
    other = session.get_one(Enterprise, world.ent_zd2.id)
    staff = [world.ent_user, make_user(session, "t_prop_ent", Role.ENTERPRISE, enterprise=other)]
    staff.append(make_user(session, "t_prop_ent3", Role.ENTERPRISE, enterprise=session.get_one(
        Enterprise, world.ent_zc.id)))
    history = History(session, world, publication, staff)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])
    @given(STEPS)
    @example([("start", 0, 0), ("fill", 0, 2), ("submit", 0, 0), ("return", 0, 0), ("fill", 0, 1),
              ("submit", 0, 0), ("verify", 0, 0), ("remind", 0, 3), ("complete", 0, 0), ("accept", 0, 0),
              ("start", 1, 0), ("fill", 1, 3), ("submit", 1, 0), ("verify", 1, 0), ("complete", 1, 0),
              ("reopen", 1, 0), ("start", 0, 1), ("fill", 0, 0), ("submit", 0, 0), ("verify", 0, 0)])
    def run(steps: list[tuple[str, int, int]]) -> None:
        savepoint = session.begin_nested()
        try:
            for action, who, n in steps:
                history.step(action, who, n)
            session.flush()
            tallies, clauses, rects = _stored(session)
            assert _without_zeros(tallies) == _without_zeros(stats.expected_assessment_tallies(session))
            assert _without_zeros(clauses, "") == _without_zeros(stats.expected_clause_tallies(session), "")
            assert _without_zeros(rects) == _without_zeros(stats.expected_rectification_tallies(session))
        finally:
            savepoint.rollback()
            session.expire_all()

    run()
