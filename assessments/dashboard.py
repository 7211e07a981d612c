"""What the regulator's dashboard (工作台) shows, read from the aggregates only.

Every figure here sums rows of ``assessment_tallies`` / ``rectification_tallies`` /
``clause_tallies`` — a few hundred rows for the whole province — so a page costs the same
with a hundred enterprises or two hundred thousand. Only the county's enterprise list
reads assessments, one indexed page of one county.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import Session

from assessments.items import requirements_of
from assessments.models import (
    BANDS,
    Assessment,
    AssessmentState,
    AssessmentTally,
    ClauseTally,
    RectificationTally,
)
from assessments.scoring import Grade
from benchmarks.grading import RiskLevel
from benchmarks.models import Nomination, NominationState
from benchmarks.risk_picture import four_colour
from core.db import Page, round_half_up
from core.enterprises import Enterprise
from core.regions import Region, RegionLevel
from standards.models import Publication

GRADE_COLUMNS = {Grade.FIRST: "grade_first", Grade.SECOND: "grade_second", Grade.THIRD: "grade_third",
                 Grade.FAIL: "grade_fail"}


@dataclass
class Row:
    """One region's (or the whole view's) figures."""

    code: str
    name: str
    states: dict[str, int] = field(default_factory=dict)
    scored: int = 0
    score_sum: Decimal = Decimal(0)
    grades: dict[Grade, int] = field(default_factory=lambda: dict.fromkeys(Grade, 0))
    bands: list[int] = field(default_factory=lambda: [0] * BANDS)
    rectifications: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("open", "done", "accepted", "overdue"), 0))

    @property
    def assessments(self) -> int:
        return sum(self.states.values())

    @property
    def verified(self) -> int:
        return self.states.get(AssessmentState.VERIFIED.value, 0)

    @property
    def average(self) -> Decimal | None:
        return round_half_up(self.score_sum / self.scored) if self.scored else None

    def add_tally(self, state: str, values: dict[str, Any]) -> None:
        self.states[state] = self.states.get(state, 0) + values["assessments"]
        if state != AssessmentState.VERIFIED.value:
            return  # the score mix shows verified results only
        self.scored += values["scored"]
        self.score_sum += Decimal(values["score_sum"] or 0)
        for grade, column in GRADE_COLUMNS.items():
            self.grades[grade] += values[column]
        for i in range(BANDS):
            self.bands[i] += values[f"band{i}"]


@dataclass
class Overview:
    region: Region
    publication: Publication | None
    total: Row
    children: list[Row]
    child_level: str  # what a child row is: 市 / 县（区）


TALLY_SUMS = ("assessments", "scored", "score_sum", *GRADE_COLUMNS.values(), *(f"band{i}" for i in range(BANDS)))


def _within(region: Region, city: Any, county: Any) -> ColumnElement[bool]:
    if region.level == RegionLevel.PROVINCE:
        return true()
    if region.level == RegionLevel.CITY:
        return city == region.code  # type: ignore[no-any-return]
    return county == _county_of(region)  # type: ignore[no-any-return]


def _county_of(region: Region) -> str:
    parts = region.path.strip("/").split("/")
    return parts[2] if len(parts) > 2 else region.code


def overview(session: Session, region: Region, publication: Publication | None) -> Overview:
    """The region's totals and one row per child region (cities of the province, counties of a city)."""
    by_city = region.level == RegionLevel.PROVINCE
    group = AssessmentTally.city_code if by_city else AssessmentTally.county_code
    sums = (func.sum(getattr(AssessmentTally, c)) for c in TALLY_SUMS)
    stmt: Select[Any] = select(group, AssessmentTally.state, *sums).where(
        _within(region, AssessmentTally.city_code, AssessmentTally.county_code))
    if publication is not None:
        stmt = stmt.where(AssessmentTally.publication_id == publication.id)
    names = _child_names(session, region)
    rows: dict[str, Row] = {}
    total = Row(region.code, region.full_name)
    for code, state, *sums in session.execute(stmt.group_by(group, AssessmentTally.state)):
        values = dict(zip(TALLY_SUMS, (v or 0 for v in sums), strict=True))
        rows.setdefault(code, Row(code, names.get(code, code))).add_tally(state, values)
        total.add_tally(state, values)
    rect_group = RectificationTally.city_code if by_city else RectificationTally.county_code
    rect_stmt = select(rect_group, *(func.sum(getattr(RectificationTally, c)) for c in total.rectifications)).where(
        _within(region, RectificationTally.city_code, RectificationTally.county_code)).group_by(rect_group)
    for code, *sums in session.execute(rect_stmt):
        row = rows.setdefault(code, Row(code, names.get(code, code)))
        for name, value in zip(total.rectifications, sums, strict=True):
            row.rectifications[name] += value or 0
            total.rectifications[name] += value or 0
    children = [rows.get(code) or Row(code, name) for code, name in names.items()]
    return Overview(region, publication, total, children, "市" if by_city else "县（市、区）")


def _child_names(session: Session, region: Region) -> dict[str, str]:
    if region.level == RegionLevel.PROVINCE:
        level = RegionLevel.CITY
    elif region.level == RegionLevel.CITY:
        level = RegionLevel.COUNTY
    else:
        return {}
    rows = session.execute(select(Region.code, Region.name).where(
        Region.parent_code == region.code, Region.level == level).order_by(Region.code))
    return {code: name for code, name in rows}


@dataclass(frozen=True)
class CountyRow:
    """One line of the county's enterprise list: only what the table shows."""

    id: int
    enterprise: str
    standard: str
    state: AssessmentState
    answered: int
    total: int
    score: Decimal | None
    grade: Grade | None
    gaps: int
    is_benchmark: bool

    @property
    def progress(self) -> int:
        return (100 * self.answered // self.total) if self.total else 0

    @property
    def result(self) -> Decimal | None:
        """A draft's running score is not a result."""
        return self.score if self.state in (AssessmentState.SUBMITTED, AssessmentState.VERIFIED) else None


def county_assessments(region: Region, publication: Publication | None) -> Select[Any]:
    """The enterprises' assessments of one county: the ones in progress and the current results."""
    stmt = (select(Assessment.id, Enterprise.name, Publication.number, Assessment.state, Assessment.answered,
                   Assessment.total, Assessment.score, Assessment.grade, Assessment.gaps, Assessment.is_benchmark)
            .join(Enterprise, Enterprise.id == Assessment.enterprise_id)
            .join(Publication, Publication.id == Assessment.publication_id)
            .where(Assessment.county_code == _county_of(region),
                   (Assessment.state != AssessmentState.VERIFIED) | Assessment.current.is_(True)))
    if publication is not None:
        stmt = stmt.where(Assessment.publication_id == publication.id)
    return stmt.order_by(Assessment.score.desc().nulls_last(), Assessment.id)


def county_page(session: Session, region: Region, publication: Publication | None, page: int,
                per_page: int = 50) -> Page[CountyRow]:
    """One page of the county list; its total comes from the tallies, which count exactly these."""
    counted = select(func.sum(AssessmentTally.assessments)).where(AssessmentTally.county_code == _county_of(region))
    if publication is not None:
        counted = counted.where(AssessmentTally.publication_id == publication.id)
    total = int(session.scalar(counted) or 0)
    page = min(max(page, 1), max(1, -(-total // per_page)))
    rows = session.execute(county_assessments(region, publication).limit(per_page).offset((page - 1) * per_page))
    items = [CountyRow(i, name, number, AssessmentState(state), answered, total_items, score,
                       Grade(grade) if grade else None, gaps, benchmark)
             for i, name, number, state, answered, total_items, score, grade, gaps, benchmark in rows]
    return Page(items=items, page=page, per_page=per_page, total=total)


@dataclass(frozen=True)
class FailedClause:
    label: str
    chapter: str
    assessed: int
    failed: int
    nonconform: int
    partial: int
    na: int

    @property
    def rate(self) -> Decimal:
        return round_half_up(Decimal(100) * self.failed / self.assessed) if self.assessed else Decimal(0)


def most_failed(session: Session, publication: Publication, limit: int = 20) -> list[FailedClause]:
    """The requirements verified assessments most often found not (fully) met."""
    rows = session.scalars(select(ClauseTally)
                           .where(ClauseTally.publication_id == publication.id, ClauseTally.failed > 0)
                           .order_by(ClauseTally.failed.desc(), ClauseTally.clause_key).limit(limit))
    items = requirements_of(session, publication).by_key()
    found = []
    for row in rows:
        item = items.get(row.clause_key)
        found.append(FailedClause(item.label if item else row.clause_key, item.chapter if item else "", row.assessed,
                                  row.failed, row.nonconform, row.partial, row.na))
    return found


@dataclass(frozen=True)
class BenchmarkRisk:
    enterprise: Enterprise
    by_level: dict[RiskLevel, int]


def benchmark_risks(session: Session, region: Region, limit: int = 50) -> list[BenchmarkRisk]:
    """The four-colour summary of the selected benchmark enterprises in the region."""
    enterprises: Iterable[Enterprise] = session.scalars(
        select(Enterprise).join(Nomination, Nomination.enterprise_id == Enterprise.id).where(
            Nomination.state == NominationState.SELECTED, Enterprise.region_path.like(f"{region.path}%"))
        .distinct().order_by(Enterprise.name).limit(limit))
    return [BenchmarkRisk(e, four_colour(session, e).by_level) for e in enterprises]
