"""How an assessment compares: with the benchmark enterprise's own assessment of the same
standard, and with the peers of the same industry in the same city and the province.

Peers are the current verified results (one per enterprise). Averages come from the
aggregates; the percentile counts scores below on the ``(publication, current, city, score)``
index; the chapter averages read the submitted chapter tallies.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.orm import Session

from assessments.items import requirements_of
from assessments.models import Assessment, AssessmentState, AssessmentTally, ChapterScore
from assessments.scoring import percentile
from core.db import round_half_up


@dataclass(frozen=True)
class Peers:
    label: str
    count: int
    average: Decimal | None
    percentile: int | None  # where this assessment stands among them


@dataclass(frozen=True)
class Comparison:
    assessment: Assessment
    benchmark: Assessment | None
    city: Peers
    province: Peers
    chapters: list[str]  # labels, the radar's axes
    mine: list[Decimal | None]
    benchmark_chapters: list[Decimal | None]
    peer_chapters: list[Decimal | None]


def benchmark_of(session: Session, assessment: Assessment) -> Assessment | None:
    """The benchmark enterprise's own latest submitted or verified assessment of the publication."""
    return session.scalars(select(Assessment).where(
        Assessment.publication_id == assessment.publication_id, Assessment.is_benchmark.is_(True),
        Assessment.state.in_([AssessmentState.VERIFIED, AssessmentState.SUBMITTED]),
        Assessment.id != assessment.id,
    ).order_by(Assessment.current.desc(), Assessment.submitted_at.desc()).limit(1)).first()


def _peers(session: Session, assessment: Assessment, label: str, city: bool) -> Peers:
    where_tally = AssessmentTally.city_code == assessment.city_code if city else true()
    count, total = session.execute(select(func.sum(AssessmentTally.scored), func.sum(AssessmentTally.score_sum)).where(
        AssessmentTally.publication_id == assessment.publication_id,
        AssessmentTally.state == AssessmentState.VERIFIED.value, where_tally)).one()
    count = int(count or 0)
    average = round_half_up(Decimal(total) / count) if count else None
    rank = None
    if assessment.score is not None and count:
        scope: ColumnElement[bool] = Assessment.city_code == assessment.city_code if city else true()
        base = and_(Assessment.publication_id == assessment.publication_id, Assessment.current.is_(True), scope)
        below = session.scalar(select(func.count()).where(base, Assessment.score < assessment.score)) or 0
        equal = session.scalar(select(func.count()).where(base, Assessment.score == assessment.score)) or 0
        rank = percentile(assessment.score, below, equal, count)
    return Peers(label, count, average, rank)


def _chapter_scores(session: Session, assessment: Assessment | None) -> dict[str, Decimal | None]:
    if assessment is None:
        return {}
    rows = session.execute(select(ChapterScore.chapter_key, ChapterScore.score).where(
        ChapterScore.assessment_id == assessment.id))
    return {key: score for key, score in rows}


def _peer_chapters(session: Session, assessment: Assessment) -> dict[str, Decimal | None]:
    rows = session.execute(
        select(ChapterScore.chapter_key, func.sum(ChapterScore.earned), func.sum(ChapterScore.possible))
        .join(Assessment, Assessment.id == ChapterScore.assessment_id)
        .where(Assessment.publication_id == assessment.publication_id, Assessment.current.is_(True))
        .group_by(ChapterScore.chapter_key))
    return {key: round_half_up(Decimal(100) * Decimal(e) / Decimal(p)) if p else None for key, e, p in rows}


def compare(session: Session, assessment: Assessment) -> Comparison:
    requirements = requirements_of(session, assessment.publication)
    benchmark = benchmark_of(session, assessment)
    mine, theirs, peers = (_chapter_scores(session, assessment), _chapter_scores(session, benchmark),
                           _peer_chapters(session, assessment))
    keys = [c.key for c in requirements.chapters]
    return Comparison(
        assessment, benchmark,
        _peers(session, assessment, f"{assessment.region.full_name.split('市')[0]}市同行业", city=True),
        _peers(session, assessment, "全省同行业", city=False),
        [c.label for c in requirements.chapters], [mine.get(k) for k in keys], [theirs.get(k) for k in keys],
        [peers.get(k) for k in keys])
