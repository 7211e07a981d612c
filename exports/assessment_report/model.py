"""What an assessment report shows, as plain frozen dataclasses.

The renderers take these and nothing else: no session, no ORM object, no request. The
caller (a view or a background job) reads the assessment once and fills them in with the
labels already in Chinese, so a renderer never needs to know the domain's enums and can be
tested by building a report by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

GAP_LABELS = ("部分符合", "不符合")  # results that need a rectification (整改)
RESULT_LABELS = ("符合", "部分符合", "不符合", "不适用")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class ReportRectification:
    """The rectification (整改) planned or done for one gap."""

    measure: str
    responsible: str
    funds: Decimal  # 万元
    deadline: date
    contingency: str  # 应急措施 while the gap stays open
    state_label: str  # 整改中/待验收/已验收销号/整改计划
    overdue: bool


@dataclass(frozen=True)
class ReportItem:
    """One requirement of the standard and the enterprise's answer to it."""

    number: str  # "5.2.1"
    title: str
    chapter: str  # "5 风险辨识评价"
    points: Decimal
    veto: bool
    result_label: str  # 符合/部分符合/不符合/不适用, or "" when unanswered
    earned: Decimal | None
    na_reason: str
    note: str
    evidence: tuple[str, ...]  # file names
    rectification: ReportRectification | None
    returned_reason: str = ""  # the bureau's reason when it returned this item in the last round

    @property
    def is_gap(self) -> bool:
        return self.result_label in GAP_LABELS


@dataclass(frozen=True)
class ReportChapter:
    """A chapter's points: earned, possible (N/A items left out) and the score out of 100."""

    label: str
    earned: Decimal
    possible: Decimal
    score: Decimal | None


@dataclass(frozen=True)
class ReportRound:
    """One submission and the bureau's decision on it (核查)."""

    number: int
    submitted_on: date
    score: Decimal | None
    grade_label: str
    outcome_label: str
    decided_by: str
    reason: str


@dataclass(frozen=True)
class AssessmentReport:
    """Everything the 对标自评估报告 and its workbook show, already in the words they print."""

    enterprise: str
    credit_code: str
    region: str
    industry: str
    standard_number: str  # "DB37/T 4608—2026"
    standard_title: str
    state_label: str  # 填报中/待核查/已退回/已核查
    submitted_on: date | None
    verified_on: date | None
    generated_on: date
    score: Decimal | None
    grade_label: str  # 一级/二级/三级/不达标 or "" when not scored
    vetoed: tuple[str, ...]  # labels "5.3 重大风险管控" of veto items not met
    is_benchmark: bool
    benchmark_pass: bool | None
    benchmark_mark: Decimal  # 80
    answered: int
    total: int
    chapters: tuple[ReportChapter, ...]
    items: tuple[ReportItem, ...]
    rounds: tuple[ReportRound, ...] = ()

    @property
    def gaps(self) -> tuple[ReportItem, ...]:
        """The items 部分符合 or 不符合, in the standard's order: they need a rectification."""
        return tuple(item for item in self.items if item.is_gap)

    @property
    def result_counts(self) -> dict[str, int]:
        """How many items got each result (all four labels present, unanswered left out)."""
        counts = dict.fromkeys(RESULT_LABELS, 0)
        for item in self.items:
            if item.result_label in counts:
                counts[item.result_label] += 1
        return counts


def score_text(value: Decimal | None) -> str:
    """A score with one decimal always ("86.5", "90.0"), rounded half-up as the rule rounds; "—" when none."""
    return "—" if value is None else str(value.quantize(TENTH, rounding=ROUND_HALF_UP))


def number_text(value: Decimal | None) -> str:
    """Points and funds as written by hand: "2", "1.5", "0.25" (no trailing zeros); "—" when none."""
    if value is None:
        return "—"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def number_value(value: Decimal | None) -> float | None:
    """A Decimal as a spreadsheet number (workbooks hold binary floats anyway)."""
    return None if value is None else float(value)
