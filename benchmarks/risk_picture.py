"""What an enterprise's risk points add up to: the four-colour picture (四色分布), and the
points the bands in force would grade differently, re-graded on the administrator's word.

Apart from ``benchmarks.practices`` (recording one risk point) because these read or change
many points at once, from the enterprise page and the bands page.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.bands import band_book, can_edit_bands
from benchmarks.grading import Method, RiskLevel, control_levels, grade
from benchmarks.models import CheckItem, RiskPoint
from benchmarks.practices import added_controls, evaluation_text
from core import audit
from core.enterprises import Enterprise
from core.errors import PermissionDenied
from core.people import User

# --- the four-colour picture ----------------------------------------------------------------


@dataclass(frozen=True)
class FourColour:
    """How many risk points of each level, overall and per area (四色分布)."""

    by_level: dict[RiskLevel, int]
    by_location: list[tuple[str, dict[RiskLevel, int]]]
    check_items: int

    @property
    def total(self) -> int:
        return sum(self.by_level.values())


def four_colour(session: Session, enterprise: Enterprise) -> FourColour:
    rows = session.execute(
        select(RiskPoint.location, RiskPoint.level, func.count())
        .where(RiskPoint.enterprise_id == enterprise.id)
        .group_by(RiskPoint.location, RiskPoint.level)
        .order_by(RiskPoint.location)
    )
    by_level = dict.fromkeys(RiskLevel, 0)
    places: dict[str, dict[RiskLevel, int]] = {}
    for location, level, count in rows:
        by_level[RiskLevel(level)] += count
        places.setdefault(location or "（未填写区域）", dict.fromkeys(RiskLevel, 0))[RiskLevel(level)] += count
    items = session.scalar(select(func.count()).where(CheckItem.enterprise_id == enterprise.id)) or 0
    return FourColour(by_level, list(places.items()), items)


# --- after the bands change -----------------------------------------------------------------


def stale_counts(session: Session) -> dict[str, int]:
    """Industry code → how many of its risk points the bands in force would grade differently.

    Grouped by (industry, method, result, level) in the database, graded here: the number of
    distinct results a method can give is small, so this stays one query however many points.
    """
    rows = session.execute(
        select(Enterprise.industry_code, RiskPoint.method, RiskPoint.result, RiskPoint.level, func.count())
        .join(RiskPoint.enterprise)
        .group_by(Enterprise.industry_code, RiskPoint.method, RiskPoint.result, RiskPoint.level)
    )
    books: dict[str, dict[Method, tuple]] = {}
    counts: dict[str, int] = {}
    for industry_code, method, result, level, count in rows:
        book = books.get(industry_code) or books.setdefault(industry_code, band_book(session, industry_code))
        if grade(Decimal(result), book[Method(method)]) != level:
            counts[industry_code] = counts.get(industry_code, 0) + count
    return counts


def regrade(session: Session, actor: User, industry_code: str | None) -> list[RiskPoint]:
    """按新标准重新分级: grade an industry's risk points (every industry's, for None) under the bands
    in force; each point whose level changes gets its new level and control levels (the
    enterprise's added levels kept) and one audit event. Returns the points changed."""
    if not can_edit_bands(actor):
        raise PermissionDenied("按新标准重新分级由系统管理员执行。")
    stmt = select(RiskPoint).join(RiskPoint.enterprise).order_by(RiskPoint.id)
    if industry_code is not None:
        stmt = stmt.where(Enterprise.industry_code == industry_code)
    books: dict[str, dict[Method, tuple]] = {}
    changed: list[RiskPoint] = []
    entries: list[audit.Entry] = []
    for point in session.scalars(stmt):
        code = point.enterprise.industry_code
        book = books.get(code) or books.setdefault(code, band_book(session, code))
        level = grade(Decimal(point.result), book[point.method])
        if level == point.risk_level:
            continue
        before = point.risk_level
        extras = added_controls(point)
        point.level = level.value
        point.control_levels = [c.value for c in control_levels(level, extras)]
        changed.append(point)
        entries.append(audit.Entry(
            "risk_point.regrade", point,
            f"按现行分级标准重新分级：“{point.name}”由{before.label}调整为{level.label}（{evaluation_text(point)}）",
            data={"level": [before.label, level.label], "evaluation": evaluation_text(point)}))
    session.flush()
    audit.record_many(session, actor, entries)
    return changed
