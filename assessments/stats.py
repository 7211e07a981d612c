"""Keeping the dashboards' aggregates (``assessments.models.aggregates``) true.

Every change of what an aggregate counts calls one function here in the same transaction:
an assessment's contribution is taken out as it was and put back as it is
(:func:`moved`); a verification adds its answers to the clause tallies
(:func:`count_answers`); a rectification's steps move its county's counters
(:func:`rectification_moved`). Each is one ``INSERT … ON CONFLICT DO UPDATE`` of
increments, so two workers counting at once both count. :func:`recompute` rebuilds all
of it from the records, which the tests compare against after random histories.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assessments.models import (
    BANDS,
    Answer,
    Assessment,
    AssessmentState,
    AssessmentTally,
    ClauseTally,
    Rectification,
    RectificationState,
    RectificationTally,
    Reminder,
    ReminderSent,
)
from assessments.scoring import Grade, Result

GRADE_COLUMN = {Grade.FIRST: "grade_first", Grade.SECOND: "grade_second", Grade.THIRD: "grade_third",
                Grade.FAIL: "grade_fail"}
RESULT_COLUMN = {Result.CONFORM: "conform", Result.PARTIAL: "partial", Result.NONCONFORM: "nonconform",
                 Result.NOT_APPLICABLE: "na"}
RECTIFICATION_COLUMN = {RectificationState.OPEN: "open", RectificationState.DONE: "done",
                        RectificationState.ACCEPTED: "accepted"}


def band_of(score: Decimal) -> int:
    """The 10-point band of a score; 100 belongs to the top band [90, 100]."""
    return min(int(score // 10), BANDS - 1)


@dataclass(frozen=True)
class Contribution:
    """What one assessment adds to its tally row, as it stands."""

    key: tuple[str, int, int, str]  # county, publication, campaign (0: none), state
    city_code: str
    score: Decimal | None
    grade: Grade | None

    def deltas(self, sign: int) -> dict[str, Any]:
        values: dict[str, Any] = {"assessments": sign}
        if self.score is not None:
            values.update(scored=sign, score_sum=sign * self.score)
            values[f"band{band_of(self.score)}"] = sign
        if self.grade is not None:
            values[GRADE_COLUMN[self.grade]] = sign
        return values


def contribution(assessment: Assessment, state: AssessmentState | None = None) -> Contribution | None:
    """Assessments in progress count under their state; a verified one while it is current.

    ``state`` names the state to count it under when the record already moved (a step's source).
    """
    state = AssessmentState(state or assessment.state)
    if state == AssessmentState.VERIFIED and not assessment.current:
        return None
    # A draft's or a returned assessment's running score moves with every autosave: not a result.
    scored = state in (AssessmentState.SUBMITTED, AssessmentState.VERIFIED)
    return Contribution(
        (assessment.county_code, assessment.publication_id, assessment.campaign_id or 0, state.value),
        assessment.city_code, assessment.score if scored else None,
        Grade(assessment.grade) if scored and assessment.grade else None)


def moved(session: Session, before: Contribution | None, assessment: Assessment) -> None:
    """Replace ``before`` (taken with :func:`contribution` ahead of the change) by the current one."""
    after = contribution(assessment)
    if before == after:
        return
    if before is not None:
        _bump_assessments(session, before, -1)
    if after is not None:
        _bump_assessments(session, after, +1)


def _bump_assessments(session: Session, part: Contribution, sign: int) -> None:
    county, publication, campaign, state = part.key
    _upsert(session, AssessmentTally, {"county_code": county, "publication_id": publication,
                                       "campaign_id": campaign, "state": state},
            {"city_code": part.city_code}, part.deltas(sign))


def count_answers(session: Session, assessment: Assessment) -> None:
    """A verification adds each of its answers to its clause's tally (most-failed clauses)."""
    rows = session.execute(select(Answer.clause_key, Answer.result).where(Answer.assessment_id == assessment.id))
    for clause_key, result in rows:
        column = RESULT_COLUMN[Result(result)]
        deltas = {"assessed": 1, column: 1}
        if Result(result).is_gap:
            deltas["failed"] = 1
        _upsert(session, ClauseTally, {"publication_id": assessment.publication_id, "clause_key": clause_key},
                {}, deltas)


def rectification_moved(session: Session, rectification: Rectification, source: RectificationState | None,
                        *, was_counted_overdue: bool = False) -> None:
    """Move a rectification between its county's counters (``source`` None: it is new)."""
    deltas: Counter[str] = Counter()
    if source in RECTIFICATION_COLUMN:
        deltas[RECTIFICATION_COLUMN[source]] -= 1  # type: ignore[index]
    target = RectificationState(rectification.state)
    if target in RECTIFICATION_COLUMN:
        deltas[RECTIFICATION_COLUMN[target]] += 1
    if was_counted_overdue and target != RectificationState.OPEN:
        deltas["overdue"] -= 1
    bump_rectifications(session, rectification, dict(deltas))


def bump_rectifications(session: Session, rectification: Rectification, deltas: Mapping[str, int]) -> None:
    deltas = {k: v for k, v in deltas.items() if v}
    if deltas:
        city = rectification.region_path.strip("/").split("/")[1]
        _upsert(session, RectificationTally, {"county_code": rectification.county_code}, {"city_code": city}, deltas)


def counted_overdue(session: Session, rectification: Rectification) -> bool:
    """Whether the overdue counter holds this rectification (its overdue notice went out)."""
    return session.scalar(select(func.count()).where(
        ReminderSent.rectification_id == rectification.id, ReminderSent.kind == Reminder.OVERDUE,
        ReminderSent.deadline == rectification.deadline)) > 0


def _upsert(session: Session, model: type, key: dict[str, Any], fixed: dict[str, Any],
            deltas: Mapping[str, Any]) -> None:
    """Add ``deltas`` to the row at ``key``, creating it first if need be — atomically."""
    table = model.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table).values(**key, **fixed, **deltas)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key), set_={name: table.c[name] + stmt.excluded[name] for name in deltas})
    session.execute(stmt)


# --- rebuilding from the records ------------------------------------------------------------


def recompute(session: Session) -> None:
    """Rebuild every aggregate from the records (after bulk loads, or to check the counters)."""
    for model in (AssessmentTally, ClauseTally, RectificationTally):
        session.execute(delete(model))
    for key, row in expected_assessment_tallies(session).items():
        session.add(AssessmentTally(**dict(zip(("county_code", "publication_id", "campaign_id", "state"), key,
                                               strict=True)), **row))
    for (publication, clause_key), row in expected_clause_tallies(session).items():
        session.add(ClauseTally(publication_id=publication, clause_key=clause_key, **row))
    for county, row in expected_rectification_tallies(session).items():
        session.add(RectificationTally(county_code=county, **row))
    session.flush()


def _zero_tally() -> dict[str, Any]:
    row: dict[str, Any] = {"assessments": 0, "scored": 0, "score_sum": Decimal(0)}
    row.update({column: 0 for column in GRADE_COLUMN.values()})
    row.update({f"band{i}": 0 for i in range(BANDS)})
    return row


def expected_assessment_tallies(session: Session) -> dict[tuple[str, int, int, str], dict[str, Any]]:
    rows: dict[tuple[str, int, int, str], dict[str, Any]] = {}
    columns = (Assessment.county_code, Assessment.city_code, Assessment.publication_id, Assessment.campaign_id,
               Assessment.state, Assessment.current, Assessment.score, Assessment.grade)
    for assessment in session.execute(select(*columns).execution_options(yield_per=5000)):
        part = contribution(assessment)  # type: ignore[arg-type]  (the row has the fields it reads)
        if part is None:
            continue
        row = rows.setdefault(part.key, {**_zero_tally(), "city_code": part.city_code})
        for name, value in part.deltas(+1).items():
            row[name] += value
    return rows


def expected_clause_tallies(session: Session) -> dict[tuple[int, str], dict[str, int]]:
    stmt = (select(Assessment.publication_id, Answer.clause_key, Answer.result, func.count())
            .join(Answer, Answer.assessment_id == Assessment.id)
            .where(Assessment.state == AssessmentState.VERIFIED)
            .group_by(Assessment.publication_id, Answer.clause_key, Answer.result))
    rows: dict[tuple[int, str], dict[str, int]] = defaultdict(
        lambda: {"assessed": 0, "conform": 0, "partial": 0, "nonconform": 0, "na": 0, "failed": 0})
    for publication, clause_key, result, n in session.execute(stmt):
        row = rows[(publication, clause_key)]
        row["assessed"] += n
        row[RESULT_COLUMN[Result(result)]] += n
        if Result(result).is_gap:
            row["failed"] += n
    return dict(rows)


def expected_rectification_tallies(session: Session) -> dict[str, dict[str, Any]]:
    overdue_sent = {(rid, deadline) for rid, deadline in session.execute(
        select(ReminderSent.rectification_id, ReminderSent.deadline).where(ReminderSent.kind == Reminder.OVERDUE))}
    rows: dict[str, dict[str, Any]] = {}
    columns = (Rectification.id, Rectification.county_code, Rectification.region_path, Rectification.state,
               Rectification.deadline)
    for r in session.execute(select(*columns).execution_options(yield_per=5000)):
        row = rows.setdefault(r.county_code, {"city_code": r.region_path.strip("/").split("/")[1],
                                              "open": 0, "done": 0, "accepted": 0, "overdue": 0})
        state = RectificationState(r.state)
        if state in RECTIFICATION_COLUMN:
            row[RECTIFICATION_COLUMN[state]] += 1
        if state == RectificationState.OPEN and (r.id, r.deadline) in overdue_sent:
            row["overdue"] += 1
    return rows
