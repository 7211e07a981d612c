"""An assessment's scorecard from its stored answers, and the digest a submission is sealed with."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessments import scoring
from assessments.items import Requirements, requirements_of
from assessments.models import Answer, Assessment


def answers_of(session: Session, assessment: Assessment) -> dict[str, Answer]:
    return {a.clause_key: a for a in session.scalars(select(Answer).where(Answer.assessment_id == assessment.id))}


def scorecard(requirements: Requirements, answers: Iterable[Answer]) -> scoring.Scorecard:
    given = {a.clause_key: scoring.Answer(scoring.Result(a.result), a.entered) for a in answers}
    return scoring.score(requirements.scoring_items, given, requirements.thresholds, requirements.partial)


def rescore(session: Session, assessment: Assessment) -> scoring.Scorecard:
    """Score the stored answers and keep the figures on the assessment (lists read those)."""
    requirements = requirements_of(session, assessment.publication)
    card = scorecard(requirements, answers_of(session, assessment).values())
    assessment.total, assessment.answered, assessment.gaps = card.total, card.answered, card.gaps
    assessment.earned, assessment.possible = card.tally.earned, card.tally.possible
    assessment.score, assessment.grade, assessment.vetoed = card.score, card.grade, bool(card.vetoed)
    return card


def digest(answers: Iterable[Answer]) -> str:
    """SHA-256 over every answer as submitted (result, credit, reasons, note, evidence hashes)."""
    rows = sorted(
        [a.clause_key, a.result, str(a.entered) if a.entered is not None else "", a.na_reason, a.note,
         sorted(e.attachment.sha256 for e in a.evidence)]
        for a in answers
    )
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
