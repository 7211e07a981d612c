"""What the source enterprises recorded, loaded once, and the risk bands in force for the industry."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.bands import bands_in_force
from benchmarks.grading import Band, Method
from benchmarks.models import CheckItem, RiskPoint
from core.enterprises import Enterprise
from standards.models import StandardProject


@dataclass
class Practices:
    """What the source enterprises recorded, grouped by enterprise in the projects' order."""

    enterprises: list[Enterprise]
    risk_points: dict[int, list[RiskPoint]]
    check_items: dict[int, list[CheckItem]]

    @property
    def methods(self) -> list[Method]:
        """The evaluation methods in use, the most used first."""
        counted = Counter(p.method for points in self.risk_points.values() for p in points)
        return [Method(m) for m, _ in counted.most_common()]


def load_practices(session: Session, project: StandardProject) -> Practices:
    enterprises = list(dict.fromkeys(n.enterprise for n in project.sources))
    ids = [e.id for e in enterprises]
    points = session.scalars(select(RiskPoint).where(RiskPoint.enterprise_id.in_(ids))
                             .order_by(RiskPoint.level, RiskPoint.location, RiskPoint.id)).all()
    checks = session.scalars(select(CheckItem).where(CheckItem.enterprise_id.in_(ids))
                             .order_by(CheckItem.category, CheckItem.id)).all()
    return Practices(enterprises,
                     {e.id: [p for p in points if p.enterprise_id == e.id] for e in enterprises},
                     {e.id: [c for c in checks if c.enterprise_id == e.id] for e in enterprises})


def bands_for(session: Session, industry_code: str, method: Method) -> list[Band]:
    """The bands in force for an industry (the one rule, in ``benchmarks.bands``)."""
    return list(bands_in_force(session, industry_code, method))


def _names(practices: Practices) -> str:
    return "、".join(e.name for e in practices.enterprises)
