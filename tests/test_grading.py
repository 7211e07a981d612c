"""Risk evaluation by LS, LEC and MES: scales refused when off, products computed, bands at their edges."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.grading import (
    SHANDONG_BANDS,
    Band,
    ControlLevel,
    Method,
    RiskLevel,
    check_bands,
    control_levels,
    evaluate,
    grade,
)
from benchmarks.models import RiskBand
from core.errors import ValidationError

D = Decimal


@pytest.mark.parametrize(("method", "inputs", "result"), [
    (Method.LS, {"L": 4, "S": 5}, D(20)),
    (Method.LS, {"L": "2", "S": "4"}, D(8)),
    (Method.LEC, {"L": "0.5", "E": "6", "C": "40"}, D(120)),
    (Method.LEC, {"L": "0.1", "E": "0.5", "C": "1"}, D("0.05")),
    (Method.MES, {"M": 3, "E": 6, "S": 10}, D(180)),
])
def test_each_method_multiplies_its_factors(method: Method, inputs: dict, result: Decimal) -> None:
    _values, value = evaluate(method, inputs)
    assert value == result


@pytest.mark.parametrize(("method", "inputs", "field"), [
    (Method.LS, {"L": 6, "S": 1}, "ls_l"),
    (Method.LS, {"L": "2.5", "S": 1}, "ls_l"),
    (Method.LEC, {"L": 10, "E": 4, "C": 1}, "lec_e"),
    (Method.LEC, {"L": 10, "E": 1, "C": "NaN"}, "lec_c"),
    (Method.MES, {"M": 2, "E": 1, "S": 1}, "mes_m"),
    (Method.MES, {"M": 1, "E": 1}, "mes_s"),
])
def test_a_value_off_the_methods_scale_is_refused_naming_the_factor(method: Method, inputs: dict, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        evaluate(method, inputs)
    assert field in refused.value.errors and "应取" in refused.value.errors[field]


@pytest.mark.parametrize(("method", "value", "level"), [
    (Method.LS, D(8), RiskLevel.LOW), (Method.LS, D(9), RiskLevel.GENERAL),
    (Method.LS, D(12), RiskLevel.GENERAL), (Method.LS, D(15), RiskLevel.SERIOUS),
    (Method.LS, D(16), RiskLevel.SERIOUS), (Method.LS, D(20), RiskLevel.MAJOR),
    (Method.LEC, D(70), RiskLevel.LOW), (Method.LEC, D("70.1"), RiskLevel.GENERAL),
    (Method.LEC, D(160), RiskLevel.GENERAL), (Method.LEC, D("160.5"), RiskLevel.SERIOUS),
    (Method.LEC, D(320), RiskLevel.SERIOUS), (Method.LEC, D(321), RiskLevel.MAJOR),
    (Method.LEC, D(19), RiskLevel.LOW),
    (Method.MES, D(49), RiskLevel.LOW), (Method.MES, D(50), RiskLevel.GENERAL),
    (Method.MES, D(90), RiskLevel.SERIOUS), (Method.MES, D(180), RiskLevel.MAJOR),
])
def test_the_shandong_bands_at_their_edges(method: Method, value: Decimal, level: RiskLevel) -> None:
    assert grade(value, SHANDONG_BANDS[method]) is level


def test_a_province_may_band_the_same_matrix_differently() -> None:
    other = (Band(RiskLevel.MAJOR, D(17)), Band(RiskLevel.SERIOUS, D(11)), Band(RiskLevel.GENERAL, D(5)),
             Band(RiskLevel.LOW, D(1)))
    check_bands(other)
    assert grade(D(16), other) is RiskLevel.SERIOUS and grade(D(16), SHANDONG_BANDS[Method.LS]) is RiskLevel.SERIOUS
    assert grade(D(5), other) is RiskLevel.GENERAL and grade(D(5), SHANDONG_BANDS[Method.LS]) is RiskLevel.LOW


@pytest.mark.parametrize("bands", [
    (Band(RiskLevel.MAJOR, D(20)), Band(RiskLevel.SERIOUS, D(15)), Band(RiskLevel.GENERAL, D(9))),
    (Band(RiskLevel.MAJOR, D(9)), Band(RiskLevel.SERIOUS, D(15)), Band(RiskLevel.GENERAL, D(3)),
     Band(RiskLevel.LOW, D(1))),
])
def test_a_band_table_missing_a_level_or_out_of_order_is_refused(bands: tuple[Band, ...]) -> None:
    with pytest.raises(ValidationError):
        check_bands(bands)


@pytest.mark.parametrize(("level", "required"), [
    (RiskLevel.MAJOR, ["company", "workshop", "team", "post"]),
    (RiskLevel.SERIOUS, ["company", "workshop", "team", "post"]),
    (RiskLevel.GENERAL, ["workshop", "team", "post"]),
    (RiskLevel.LOW, ["team", "post"]),
])
def test_control_levels_follow_the_risk_level(level: RiskLevel, required: list[str]) -> None:
    assert [c.value for c in control_levels(level)] == required


def test_an_enterprise_may_add_control_levels_but_never_drop_the_required_ones() -> None:
    assert control_levels(RiskLevel.LOW, [ControlLevel.WORKSHOP]) == [
        ControlLevel.WORKSHOP, ControlLevel.TEAM, ControlLevel.POST]
    assert ControlLevel.TEAM in control_levels(RiskLevel.LOW, [])


def test_the_migration_seeds_exactly_the_shandong_bands(session: Session) -> None:
    rows = session.scalars(select(RiskBand).where(RiskBand.industry_code.is_(None))).all()
    seeded = {(r.method, r.level): (r.lower, r.inclusive) for r in rows}
    expected = {(m, b.level.value): (b.lower, b.inclusive) for m, table in SHANDONG_BANDS.items() for b in table}
    assert seeded == expected
