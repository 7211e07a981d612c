"""How assessments against a standard are graded: its grade lines, the benchmark pass mark and
how 部分符合 is credited — set by the committee when it publishes (cn-standards.md §4: 工贸
一级 ≥ 90, 二级 ≥ 75, 三级 ≥ 60; 标杆企业 ≥ 80), then frozen with the publication."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.errors import ValidationError

PARTIAL_CREDIT = {"half": "按分值的一半计分", "entered": "由评估人在 0 至分值之间填写"}
FIELDS = {"grade_first": ("一级线", Decimal(90)), "grade_second": ("二级线", Decimal(75)),
          "grade_third": ("三级线", Decimal(60)), "benchmark_pass": ("标杆企业合格线", Decimal(80))}


@dataclass(frozen=True)
class GradingRules:
    grade_first: Decimal = Decimal(90)
    grade_second: Decimal = Decimal(75)
    grade_third: Decimal = Decimal(60)
    benchmark_pass: Decimal = Decimal(80)
    partial_credit: str = "half"


def _line(raw: str | None, field: str) -> Decimal:
    label, default = FIELDS[field]
    if raw is None or not str(raw).strip():
        return default
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        value = Decimal(-1)
    if not value.is_finite() or not 0 <= value <= 100 or value != value.quantize(Decimal("0.1")):
        raise ValidationError({field: f"{label}应为 0 至 100 之间的分数，最多一位小数"})
    return value.quantize(Decimal("0.1"))


def check_rules(typed: dict[str, str]) -> GradingRules:
    """The rules as typed (blank: the default), every problem named on its field."""
    errors: dict[str, str] = {}
    lines: dict[str, Decimal] = {}
    for field in FIELDS:
        try:
            lines[field] = _line(typed.get(field), field)
        except ValidationError as exc:
            errors.update(exc.errors)
    partial = typed.get("partial_credit") or "half"
    if partial not in PARTIAL_CREDIT:
        errors["partial_credit"] = "请选择部分符合的计分方式"
    if not errors and not lines["grade_first"] > lines["grade_second"] > lines["grade_third"]:
        errors["grade_second"] = "等级线应依次降低：一级线 > 二级线 > 三级线"
    if errors:
        raise ValidationError(errors)
    return GradingRules(lines["grade_first"], lines["grade_second"], lines["grade_third"], lines["benchmark_pass"],
                        partial)
