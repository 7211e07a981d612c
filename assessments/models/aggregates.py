"""Aggregates the dashboards read, maintained in the transaction that changes what they count.

A dashboard never scans answers or assessments: it sums a few hundred rows of these
tables, however many enterprises the province has (``perf/bench_dashboard.py``).

- :class:`AssessmentTally` — per county, standard, campaign (0 for none) and state: how
  many assessments, their score sum, grade mix and score distribution (ten 10-point
  bands). Assessments in progress count under their state; a verified one counts while
  it is its enterprise's current result for that standard.
- :class:`ClauseTally` — per standard and requirement: how verified assessments answered
  it (the most-failed clauses).
- :class:`RectificationTally` — per county: rectifications open, done, accepted and
  overdue. Overdue is counted when the daily reminder command sends the overdue notice
  (the same event that escalates it) and uncounted when the rectification leaves
  “整改中”; the lists compute it from the dates.

``assessments.stats`` keeps them and can recompute them from scratch.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, ExactDecimal

BANDS = 10  # score bands [0,10) … [80,90), [90,100]


def _count() -> Mapped[int]:
    return mapped_column(Integer, default=0, server_default="0")


class AssessmentTally(Base):
    __tablename__ = "assessment_tallies"

    county_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: started by the enterprise
    state: Mapped[str] = mapped_column(String(10), primary_key=True)
    city_code: Mapped[str] = mapped_column(String(12), index=True)
    assessments: Mapped[int] = _count()
    scored: Mapped[int] = _count()
    score_sum: Mapped[Decimal] = mapped_column(ExactDecimal(14, 1), default=Decimal(0), server_default="0")
    grade_first: Mapped[int] = _count()
    grade_second: Mapped[int] = _count()
    grade_third: Mapped[int] = _count()
    grade_fail: Mapped[int] = _count()
    band0: Mapped[int] = _count()
    band1: Mapped[int] = _count()
    band2: Mapped[int] = _count()
    band3: Mapped[int] = _count()
    band4: Mapped[int] = _count()
    band5: Mapped[int] = _count()
    band6: Mapped[int] = _count()
    band7: Mapped[int] = _count()
    band8: Mapped[int] = _count()
    band9: Mapped[int] = _count()


class ClauseTally(Base):
    __tablename__ = "clause_tallies"

    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"), primary_key=True)
    clause_key: Mapped[str] = mapped_column(String(36), primary_key=True)
    assessed: Mapped[int] = _count()
    conform: Mapped[int] = _count()
    partial: Mapped[int] = _count()
    nonconform: Mapped[int] = _count()
    na: Mapped[int] = _count()
    failed: Mapped[int] = _count()  # partial + nonconform: the ranking key


class RectificationTally(Base):
    __tablename__ = "rectification_tallies"

    county_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    city_code: Mapped[str] = mapped_column(String(12), index=True)
    open: Mapped[int] = _count()
    done: Mapped[int] = _count()
    accepted: Mapped[int] = _count()
    overdue: Mapped[int] = _count()
