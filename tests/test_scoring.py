"""The scoring rule, worked by hand (cn-standards.md §4: 100 × Σ earned ÷ (Σ points − Σ N/A points),
half-up to one decimal; a veto item not met fails the grade; grade lines on the standard)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments.scoring import (
    Answer,
    Grade,
    Item,
    PartialCredit,
    Result,
    Thresholds,
    credit,
    percentile,
    score,
)

D = Decimal
C, P, N, NA = Result.CONFORM, Result.PARTIAL, Result.NONCONFORM, Result.NOT_APPLICABLE


def items(*points: str, veto: tuple[int, ...] = (), chapters: tuple[str, ...] = ()) -> list[Item]:
    return [Item(f"k{i}", chapters[i] if chapters else "ch", D(p), i in veto) for i, p in enumerate(points)]


def answered(*results: Result, earned: dict[int, str] | None = None) -> dict[str, Answer]:
    earned = earned or {}
    return {f"k{i}": Answer(r, D(earned[i]) if i in earned else None) for i, r in enumerate(results)}


def test_every_item_na_but_one_scores_that_one_alone() -> None:
    card = score(items("10", "20", "30", "40"), answered(NA, NA, N, NA))
    assert card.tally.possible == D(30)  # 100 − 70 of N/A
    assert card.score == D("0.0") and card.grade == Grade.FAIL
    card = score(items("10", "20", "30", "40"), answered(NA, NA, C, NA))
    assert card.score == D("100.0") and card.grade == Grade.FIRST


def test_every_item_na_leaves_nothing_to_score() -> None:
    card = score(items("10", "20"), answered(NA, NA))
    assert card.score is None and card.grade is None and card.all_not_applicable and card.complete


def test_partial_credit_is_half_the_points_or_what_was_entered_within_the_points() -> None:
    half = score(items("10", "10"), answered(C, P))
    assert half.tally.earned == D(15) and half.score == D("75.0") and half.grade == Grade.SECOND
    entered = score(items("10", "10"), answered(C, P, earned={1: "3"}), partial=PartialCredit.ENTERED)
    assert entered.tally.earned == D(13) and entered.score == D("65.0") and entered.grade == Grade.THIRD
    assert credit(Item("x", "c", D(4)), Answer(P, D(9)), PartialCredit.ENTERED) == D(4)  # clamped to the points
    assert credit(Item("x", "c", D(4)), Answer(P, D(-1)), PartialCredit.ENTERED) == D(0)


def test_a_veto_item_not_met_fails_whatever_the_score() -> None:
    card = score(items("1", *["11"] * 9, veto=(0,)), answered(N, *[C] * 9))
    assert card.score == D("99.0")  # 99 of 100
    assert card.grade == Grade.FAIL and card.vetoed == ("k0",) and card.benchmark_pass is False
    partly = score(items("1", *["11"] * 9, veto=(0,)), answered(P, *[C] * 9))
    assert partly.grade == Grade.FAIL, "a veto item only partly met is not met"


@pytest.mark.parametrize(("earned", "possible", "expected"), [
    ("2", "3", "66.7"),  # 66.666…
    ("1", "8", "12.5"),  # exact
    ("179", "2000", "9.0"),  # 8.95: half-up, where banker's rounding gives 8.9… on binary floats
    ("1793", "2000", "89.7"),  # 89.65 → 89.7
    ("1", "16", "6.3"),  # 6.25 → 6.3, not 6.2
])
def test_rounding_is_half_up_to_one_decimal(earned: str, possible: str, expected: str) -> None:
    card = score([Item("k0", "c", D(earned)), Item("k1", "c", D(possible) - D(earned))], answered(C, N))
    assert card.score == D(expected)


@pytest.mark.parametrize(("value", "grade"), [
    ("59.9", Grade.FAIL), ("60.0", Grade.THIRD), ("74.9", Grade.THIRD), ("75.0", Grade.SECOND),
    ("89.9", Grade.SECOND), ("90.0", Grade.FIRST), ("100.0", Grade.FIRST),
])
def test_grade_edges(value: str, grade: Grade) -> None:
    earned = D(value) * 10  # out of 1000 points
    card = score([Item("k0", "c", earned), Item("k1", "c", D(1000) - earned)], answered(C, N))
    assert card.score == D(value) and card.grade == grade


def test_the_standard_sets_its_own_lines_and_the_benchmark_pass_mark() -> None:
    lines = Thresholds(first=D(95), second=D(85), third=D(70), benchmark_pass=D(85))
    card = score(items("80", "20"), answered(C, P), lines)  # 90.0
    assert card.grade == Grade.SECOND and card.benchmark_pass is True
    card = score(items("80", "20"), answered(C, N), lines)  # 80.0
    assert card.grade == Grade.THIRD and card.benchmark_pass is False
    assert score(items("80", "20"), answered(C, N)).benchmark_pass is True  # default mark 80


def test_chapters_are_scored_the_same_way_and_progress_counts_work_done() -> None:
    card = score(items("10", "10", "5", "5", chapters=("a", "a", "b", "b")), answered(C, N, NA))
    assert card.chapters["a"].score == D("50.0") and card.chapters["b"].score is None  # b's one answer is N/A
    assert (card.answered, card.total, card.progress, card.gaps) == (3, 4, 75, 1)
    assert card.score == D("50.0"), "an unanswered item counts nowhere yet"


def test_percentile_is_mid_rank() -> None:
    assert percentile(D(80), below=3, equal=2, count=10) == 40
    assert percentile(D(80), below=0, equal=1, count=1) == 50
    assert percentile(D(80), below=0, equal=0, count=0) == 0
