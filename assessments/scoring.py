"""Scoring and grading of a self-assessment: a pure function of the answers and the rules.

The rule is the one of the Shandong 工贸 evaluation standard and the national 评分细则
(``cn-standards.md`` §4): score = 100 × Σ earned ÷ (Σ points − Σ points of N/A items),
rounded half-up to one decimal; an N/A (缺项) item counts 0 earned *and* leaves the total.
Chapters are scored the same way. A veto item (否决项) not fully met fails the grade
whatever the score. Nothing here touches a database, so the rule is tested by hand.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from core.db import round_half_up

HUNDRED = Decimal(100)
HALF = Decimal("0.5")


class Result(enum.StrEnum):
    """The four answers a requirement can get."""

    CONFORM = "conform"
    PARTIAL = "partial"
    NONCONFORM = "nonconform"
    NOT_APPLICABLE = "na"

    @property
    def label(self) -> str:
        return {"conform": "符合", "partial": "部分符合", "nonconform": "不符合", "na": "不适用"}[self.value]

    @property
    def badge(self) -> str:
        return {"conform": "success", "partial": "warning", "nonconform": "danger", "na": "secondary"}[self.value]

    @property
    def is_gap(self) -> bool:
        """Not fully met: the item needs a rectification (整改)."""
        return self in (Result.PARTIAL, Result.NONCONFORM)


class Grade(enum.StrEnum):
    FIRST = "first"
    SECOND = "second"
    THIRD = "third"
    FAIL = "fail"

    @property
    def label(self) -> str:
        return {"first": "一级", "second": "二级", "third": "三级", "fail": "不达标"}[self.value]

    @property
    def badge(self) -> str:
        return {"first": "success", "second": "primary", "third": "info", "fail": "danger"}[self.value]


class PartialCredit(enum.StrEnum):
    """How the standard credits 部分符合: always half the points, or what the assessor enters."""

    HALF = "half"
    ENTERED = "entered"

    @property
    def label(self) -> str:
        return {"half": "按分值的一半计分", "entered": "由评估人在 0 至分值之间填写"}[self.value]


@dataclass(frozen=True)
class Thresholds:
    """Grade lines of a standard (defaults: 一级 ≥ 90, 二级 ≥ 75, 三级 ≥ 60; 标杆 ≥ 80)."""

    first: Decimal = Decimal(90)
    second: Decimal = Decimal(75)
    third: Decimal = Decimal(60)
    benchmark_pass: Decimal = Decimal(80)

    def grade(self, score: Decimal) -> Grade:
        if score >= self.first:
            return Grade.FIRST
        if score >= self.second:
            return Grade.SECOND
        if score >= self.third:
            return Grade.THIRD
        return Grade.FAIL


@dataclass(frozen=True)
class Item:
    """One requirement as the standard defines it."""

    key: str
    chapter: str  # the key of the chapter (or annex) it belongs to
    points: Decimal
    veto: bool = False


@dataclass(frozen=True)
class Answer:
    result: Result
    earned: Decimal | None = None  # for PARTIAL under entered credit


def credit(item: Item, answer: Answer, partial: PartialCredit = PartialCredit.HALF) -> Decimal:
    """What one answered item earns; clamps entered partial credit into [0, points]."""
    if answer.result == Result.CONFORM:
        return item.points
    if answer.result == Result.PARTIAL:
        if partial == PartialCredit.HALF or answer.earned is None:
            return item.points * HALF
        return min(max(answer.earned, Decimal(0)), item.points)
    return Decimal(0)


@dataclass(frozen=True)
class Tally:
    """Earned and possible points of a set of items, and the score they give."""

    earned: Decimal = Decimal(0)
    possible: Decimal = Decimal(0)  # Σ points − Σ points of N/A items

    def plus(self, earned: Decimal, possible: Decimal) -> Tally:
        return Tally(self.earned + earned, self.possible + possible)

    @property
    def score(self) -> Decimal | None:
        """None when nothing counts (every item N/A or unanswered)."""
        if self.possible <= 0:
            return None
        return round_half_up(HUNDRED * self.earned / self.possible)


@dataclass(frozen=True)
class Scorecard:
    """Everything the pages, the report and the aggregates show about one assessment."""

    total: int  # requirements in the standard
    answered: int
    not_applicable: int
    gaps: int
    tally: Tally
    chapters: dict[str, Tally] = field(default_factory=dict)
    vetoed: tuple[str, ...] = ()  # keys of veto items not fully met
    grade: Grade | None = None
    benchmark_pass: bool | None = None

    @property
    def score(self) -> Decimal | None:
        return self.tally.score

    @property
    def progress(self) -> int:
        """Work done, as a whole percent: answered ÷ total, the same on every screen."""
        return (100 * self.answered // self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    @property
    def all_not_applicable(self) -> bool:
        return self.total > 0 and self.not_applicable == self.total


def score(items: Sequence[Item], answers: dict[str, Answer], thresholds: Thresholds = Thresholds(),
          partial: PartialCredit = PartialCredit.HALF) -> Scorecard:
    """Score answered items; unanswered ones count nowhere yet (the running score of a draft)."""
    tally, chapters = Tally(), {item.chapter: Tally() for item in items}
    answered = na = gaps = 0
    vetoed: list[str] = []
    for item in items:
        answer = answers.get(item.key)
        if answer is None:
            continue
        answered += 1
        if answer.result == Result.NOT_APPLICABLE:
            na += 1
            continue
        earned = credit(item, answer, partial)
        tally = tally.plus(earned, item.points)
        chapters[item.chapter] = chapters[item.chapter].plus(earned, item.points)
        if answer.result.is_gap:
            gaps += 1
            if item.veto:
                vetoed.append(item.key)
    result = tally.score
    grade = None if result is None else (Grade.FAIL if vetoed else thresholds.grade(result))
    passed = None if result is None else (not vetoed and result >= thresholds.benchmark_pass)
    return Scorecard(total=len(items), answered=answered, not_applicable=na, gaps=gaps, tally=tally,
                     chapters=chapters, vetoed=tuple(vetoed), grade=grade, benchmark_pass=passed)


def percentile(value: Decimal, below: int, equal: int, count: int) -> int:
    """Where ``value`` stands among ``count`` scores (mid-rank percentile, whole percent)."""
    if count <= 0:
        return 0
    return int(round_half_up(HUNDRED * (Decimal(below) + Decimal(equal) / 2) / count, 0))


def mean(values: Iterable[Decimal]) -> Decimal | None:
    listed = list(values)
    return round_half_up(sum(listed, Decimal(0)) / len(listed)) if listed else None
