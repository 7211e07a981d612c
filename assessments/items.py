"""The requirements an assessment scores: the assessable clauses of the publication's frozen
version, in reading order, each with its number and chapter.

A published version never changes, so its requirement list is read once per process and
kept (autosave scores on every answer, and must not re-read 300 clauses each time).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessments.scoring import Item, PartialCredit, Thresholds
from standards.models import Clause, ClauseKind, Publication
from standards.numbering import number_tree

TOP = frozenset({ClauseKind.CHAPTER, ClauseKind.ANNEX})


@dataclass(frozen=True)
class Requirement:
    key: str
    number: str  # 5.2.1
    title: str
    body: str
    points: Decimal
    veto: bool
    waivable: bool  # may be answered 不适用: never a veto item
    check_method: str
    evidence: str
    chapter_key: str
    chapter: str  # “5 风险辨识评价”

    @property
    def item(self) -> Item:
        return Item(self.key, self.chapter_key, self.points, self.veto)

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()


@dataclass(frozen=True)
class Chapter:
    key: str
    label: str


@dataclass(frozen=True)
class Requirements:
    """A publication's requirements and chapters, and its scoring rules."""

    items: tuple[Requirement, ...]
    chapters: tuple[Chapter, ...]
    thresholds: Thresholds
    partial: PartialCredit

    def by_key(self) -> dict[str, Requirement]:
        return {r.key: r for r in self.items}

    @property
    def scoring_items(self) -> list[Item]:
        return [r.item for r in self.items]

    @property
    def chapter_labels(self) -> dict[str, str]:
        return {c.key: c.label for c in self.chapters}


def requirements_of(session: Session, publication: Publication) -> Requirements:
    items, chapters = _read(session, publication.version_id)
    thresholds = Thresholds(publication.grade_first, publication.grade_second, publication.grade_third,
                            publication.benchmark_pass)
    return Requirements(items, chapters, thresholds, PartialCredit(publication.partial_credit))


def _read(session: Session, version_id: int) -> tuple[tuple[Requirement, ...], tuple[Chapter, ...]]:
    # Keyed by what identifies the frozen rows too (their random keys): a rolled-back test
    # database hands the same ids to other rows.
    count, first, last = session.execute(select(func.count(), func.min(Clause.key), func.max(Clause.key)).where(
        Clause.version_id == version_id)).one()
    bind = session.get_bind()
    key = (str(getattr(bind, "engine", bind).url), version_id, count, f"{first}:{last}")
    cached = _CACHE.get(key)
    if cached is None:
        if len(_CACHE) > 200:
            _CACHE.clear()
        cached = _CACHE[key] = _load(session, version_id)
    return cached


_CACHE: dict[tuple[str, int, int, str], tuple[tuple[Requirement, ...], tuple[Chapter, ...]]] = {}


def _load(session: Session, version_id: int) -> tuple[tuple[Requirement, ...], tuple[Chapter, ...]]:
    clauses = list(session.scalars(select(Clause).where(Clause.version_id == version_id)))
    by_id = {c.id: c for c in clauses}
    items: list[Requirement] = []
    chapters: dict[str, Chapter] = {}
    numbers = {n.clause.id: n for n in number_tree(clauses)}
    for numbered in number_tree(clauses):
        clause = by_id[numbered.clause.id]
        if not clause.is_requirement or clause.points is None:
            continue
        top = by_id[numbered.path[0]]
        label = f"{numbers[top.id].number} {top.title}".strip()
        chapters.setdefault(top.key, Chapter(top.key, label))
        items.append(Requirement(
            key=clause.key, number=numbered.number, title=clause.title, body=clause.body, points=clause.points,
            veto=clause.veto, waivable=clause.waivable and not clause.veto, check_method=clause.check_method,
            evidence=clause.evidence, chapter_key=top.key, chapter=label))
    return tuple(items), tuple(chapters.values())
