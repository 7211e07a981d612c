"""Capturing an enterprise's practices: risk points with their typed measures (check items: ``check_items``).

Who may: the enterprise's own safety managers (the enterprise role, on their enterprise)
and bureau staff whose jurisdiction covers it (administrators too). An enterprise outside
the actor's scope answers ``NotFound`` — the same as one that does not exist.

A risk point's evaluation is never typed: the user picks each factor from the method's
scale, :func:`benchmarks.grading.evaluate` computes the result here, and the level comes
from the bands in force for the enterprise's industry (:mod:`benchmarks.bands`). Every
save grades the point afresh under the bands in force. Control levels follow from the
level; the user may add levels to those required, never take one away (the required ones
are always put back). Each change is one audit event whose parent is the enterprise, so
the enterprise's page shows its practices' history. Services flush, never commit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.bands import band_book
from benchmarks.grading import (
    FACTORS,
    REQUIRED_CONTROL,
    ControlLevel,
    Method,
    RiskLevel,
    control_levels,
    evaluate,
    grade,
)
from benchmarks.models import (
    ACCIDENT_TYPES,
    MEASURE_LABELS,
    CheckItem,
    ControlMeasure,
    MeasureKind,
    RiskPoint,
    RiskPointKind,
)
from core import audit
from core.db import utcnow
from core.enterprises import Enterprise
from core.errors import Conflict, PermissionDenied, StaleEdit, ValidationError
from core.people import Role, User
from core.registry import get_enterprise
from core.scope import covers, one_or_404, visible_enterprises
from core.text import Text, clean, clean_all, normalise

STALE = "该记录已被他人修改。为避免覆盖他人的修改，本次保存未生效。"
NO_RIGHT = "只有本企业的安全管理人员或辖区监管部门可以维护该企业的风险管控做法。"
PHONE = re.compile(r"^[0-9+\-()（） 转]{3,30}$")
MEASURE_LINE = 500  # characters in one measure
MEASURES_PER_KIND = 30

POINT_TEXT = {
    "name": Text("风险点名称", 200, required=True),
    "location": Text("所在区域", 200),
    "post": Text("岗位", 100),
    "hazards": Text("危险因素或潜在事件", 2000, required=True, multiline=True),
    "consequences": Text("主要后果", 1000, multiline=True),
    "responsible_unit": Text("责任单位", 100),
    "responsible_person": Text("责任人", 50),
    "emergency_measures": Text("应急措施", 2000, multiline=True),
    "report_phone": Text("报告电话", 30),
}
MEASURE_TEXT = {kind: Text(MEASURE_LABELS[kind], 5000, multiline=True) for kind in MeasureKind}
# What an edit event calls each field it lists as changed.
SNAPSHOT_LABELS = {
    "name": "风险点名称", "kind": "类型", "location": "所在区域", "post": "岗位", "hazards": "危险因素",
    "accident_types": "事故类型", "consequences": "主要后果", "evaluation": "风险评价", "level": "风险等级",
    "control_levels": "管控层级", "responsible_unit": "责任单位", "responsible_person": "责任人",
    "measures": "管控措施", "emergency_measures": "应急措施", "report_phone": "报告电话",
}
audit.name_things(
    objects={"risk_point": "风险点"},
    actions={
        "risk_point.create": "新增风险点", "risk_point.update": "修改风险点", "risk_point.delete": "删除风险点",
        "risk_point.regrade": "按新标准重新分级",
    },
)


# --- who, and which records -----------------------------------------------------------------


def can_manage_practices(actor: User, enterprise: Enterprise) -> bool:
    """The enterprise's own safety managers, and regulators over it, keep its practices."""
    if actor.has_role(Role.ADMIN, Role.BUREAU) and covers(actor, enterprise.region_path):
        return True
    return Role.ENTERPRISE in actor.roles and actor.enterprise_id == enterprise.id


def practice_enterprise(session: Session, actor: User, enterprise_id: int) -> Enterprise:
    """An enterprise whose practices the actor keeps: ``NotFound`` out of scope, else refused."""
    enterprise = get_enterprise(session, actor, enterprise_id)
    if not can_manage_practices(actor, enterprise):
        raise PermissionDenied(NO_RIGHT)
    return enterprise


def get_risk_point(session: Session, actor: User, risk_point_id: int) -> RiskPoint:
    stmt = select(RiskPoint).join(RiskPoint.enterprise).where(RiskPoint.id == risk_point_id,
                                                             visible_enterprises(actor))
    point: RiskPoint = one_or_404(session, stmt)
    if not can_manage_practices(actor, point.enterprise):
        raise PermissionDenied(NO_RIGHT)
    return point


def risk_points(session: Session, enterprise: Enterprise) -> list[RiskPoint]:
    """The register's order: by area, then as entered."""
    stmt = (select(RiskPoint).where(RiskPoint.enterprise_id == enterprise.id)
            .order_by(RiskPoint.location, RiskPoint.id))
    return list(session.scalars(stmt))


# --- risk points ----------------------------------------------------------------------------


@dataclass
class RiskPointInput:
    """A risk point as typed: factor values by letter (``{"L": "3", "S": "5"}``), measures by
    kind (one measure per line, or a list), extra control levels beyond the required ones."""

    name: str = ""
    kind: str = ""
    location: str = ""
    post: str = ""
    hazards: str = ""
    accident_types: Sequence[str] = ()
    consequences: str = ""
    method: str = ""
    inputs: Mapping[str, object] = field(default_factory=dict)
    added_controls: Sequence[str] = ()
    responsible_unit: str = ""
    responsible_person: str = ""
    measures: Mapping[str, str | Sequence[str]] = field(default_factory=dict)
    emergency_measures: str = ""
    report_phone: str = ""


@dataclass(frozen=True)
class _Checked:
    texts: dict[str, str]
    kind: RiskPointKind
    accident_types: list[str]
    method: Method
    inputs: dict[str, str]
    result: Decimal
    added: list[ControlLevel]
    measures: list[tuple[MeasureKind, str]]


def plain(value: Decimal | int | str) -> str:
    """``Decimal("20.00")`` → ``"20"``, ``Decimal("0.50")`` → ``"0.5"``."""
    number = Decimal(value)
    return format(number.normalize(), "f") if number == number else str(value)


def _measure_lines(kind: MeasureKind, value: str | Sequence[str]) -> tuple[list[str], str | None]:
    text = value if isinstance(value, str) else "\n".join(value)
    try:
        cleaned = clean(text, MEASURE_TEXT[kind], f"measures_{kind.value}")
    except ValidationError as exc:
        return [], next(iter(exc.errors.values()))
    lines = [line for line in (normalise(raw) for raw in cleaned.split("\n")) if line]
    label = MEASURE_LABELS[kind]
    if len(lines) > MEASURES_PER_KIND:
        return [], f"{label}最多填写 {MEASURES_PER_KIND} 条（每行一条）"
    for number, line in enumerate(lines, start=1):
        if len(line) > MEASURE_LINE:
            return [], f"{label}第 {number} 条不能超过 {MEASURE_LINE} 个字（当前 {len(line)} 个）"
    return lines, None


def _check_point(data: RiskPointInput) -> _Checked:
    """Every rule of a risk point's input at once; ``ValidationError`` names each bad field."""
    texts, errors = clean_all(vars(data), POINT_TEXT)
    kind = method = None
    try:
        kind = RiskPointKind(str(data.kind))
    except ValueError:
        errors["kind"] = "请选择风险点类型（设备设施、作业活动、场所区域或管理）"
    unknown = [t for t in data.accident_types if t not in ACCIDENT_TYPES]
    if unknown:
        errors["accident_types"] = f"事故类型“{str(unknown[0])[:20]}”不在 GB 6441 的分类中"
    accident_types = [t for t in ACCIDENT_TYPES if t in set(data.accident_types)]
    inputs: dict[str, str] = {}
    result = Decimal(0)
    try:
        method = Method(str(data.method))
    except ValueError:
        errors["method"] = "请选择评价方法（LS、LEC 或 MES）"
    if method is not None:
        try:
            values, result = evaluate(method, data.inputs)
            inputs = {key: plain(value) for key, value in values.items()}
        except ValidationError as exc:
            errors.update(exc.errors)
    added: list[ControlLevel] = []
    for value in data.added_controls:
        try:
            added.append(ControlLevel(str(value)))
        except ValueError:
            errors["added_controls"] = "管控层级应为公司（厂）级、车间（部室）级、班组级或岗位级"
    measures: list[tuple[MeasureKind, str]] = []
    for kind_value, value in data.measures.items():
        try:
            measure_kind = MeasureKind(str(kind_value))
        except ValueError:
            errors["measures"] = "管控措施的类型不正确"
            continue
        lines, problem = _measure_lines(measure_kind, value)
        if problem:
            errors[f"measures_{measure_kind.value}"] = problem
        measures += [(measure_kind, line) for line in lines]
    measures.sort(key=lambda m: list(MeasureKind).index(m[0]))  # stable: each kind keeps its lines' order
    if texts.get("report_phone") and not PHONE.match(texts["report_phone"]):
        errors["report_phone"] = "报告电话格式不正确（应为 3–30 位数字，可含 -、+、括号、“转”）"
    if errors:
        raise ValidationError(errors)
    assert kind is not None and method is not None
    return _Checked(texts, kind, accident_types, method, inputs, result, added, measures)


def _graded(session: Session, enterprise: Enterprise, checked: _Checked) -> RiskLevel:
    return grade(checked.result, band_book(session, enterprise.industry_code)[checked.method])


def _apply(point: RiskPoint, checked: _Checked, level: RiskLevel) -> None:
    for name, value in checked.texts.items():
        setattr(point, name, value)
    point.kind = checked.kind
    point.accident_types = checked.accident_types
    point.method = checked.method
    point.inputs = checked.inputs
    point.result = checked.result
    point.level = level.value
    point.control_levels = [c.value for c in control_levels(level, checked.added)]
    if [(m.kind, m.content) for m in point.measures] != checked.measures:  # unchanged rows stay as they are
        point.measures = [ControlMeasure(kind=kind, content=content, position=position)
                          for position, (kind, content) in enumerate(checked.measures)]


def evaluation_text(point: RiskPoint) -> str:
    """``R = L × S = 4 × 5 = 20``: how the result was computed, from the kept inputs."""
    values = " × ".join(str(point.inputs.get(f.key, "?")) for f in FACTORS[point.method])
    return f"{point.method.formula} = {values} = {plain(point.result)}"


def outcome_text(point: RiskPoint) -> str:
    """What a save tells the user: the computation, the level and colour, who controls it."""
    level = point.risk_level
    controls = "、".join(c.label for c in point.controls)
    return f"{evaluation_text(point)}，评为{level.label}（{level.colour}色），由{controls}管控"


def _snapshot(point: RiskPoint) -> dict[str, str]:
    """A point's fields as a reader compares them (the edit event records what differs)."""
    return {
        "name": point.name, "kind": point.kind.label, "location": point.location, "post": point.post,
        "hazards": point.hazards, "accident_types": "、".join(point.accident_types),
        "consequences": point.consequences, "evaluation": f"{point.method.label} {evaluation_text(point)}",
        "level": point.risk_level.label, "control_levels": "、".join(c.label for c in point.controls),
        "responsible_unit": point.responsible_unit, "responsible_person": point.responsible_person,
        "measures": "；".join(f"{m.kind.label}：{m.content}" for m in point.measures),
        "emergency_measures": point.emergency_measures, "report_phone": point.report_phone,
    }


def add_risk_point(session: Session, actor: User, enterprise: Enterprise, data: RiskPointInput) -> RiskPoint:
    """Record a risk point, graded under the bands in force for the enterprise's industry."""
    if not can_manage_practices(actor, enterprise):
        raise PermissionDenied(NO_RIGHT)
    checked = _check_point(data)
    point = RiskPoint(enterprise=enterprise)
    _apply(point, checked, _graded(session, enterprise, checked))
    session.add(point)
    session.flush()
    audit.record(session, actor, "risk_point.create", point,
                 f"新增风险点“{point.name}”：{outcome_text(point)}", data=_snapshot(point))
    return point


def update_risk_point(session: Session, actor: User, point: RiskPoint, data: RiskPointInput,
                      expected_version: int) -> RiskPoint:
    """Save an edit made on ``expected_version``; the point is graded again under today's bands."""
    if not can_manage_practices(actor, point.enterprise):
        raise PermissionDenied(NO_RIGHT)
    if point.lock_version != expected_version:
        raise StaleEdit(STALE)
    checked = _check_point(data)
    before = _snapshot(point)
    _apply(point, checked, _graded(session, point.enterprise, checked))
    after = _snapshot(point)
    changed = audit.changes(before, after)
    if not changed:
        return point
    point.updated_at = utcnow()  # measures live in their own rows: touch the point so its version moves
    session.flush()
    what = "、".join(SNAPSHOT_LABELS[key] for key in changed)
    level = f"（{before['level']}→{after['level']}）" if "level" in changed else ""
    audit.record(session, actor, "risk_point.update", point, f"修改风险点“{point.name}”：{what}{level}",
                 data={"changes": changed})
    return point


# Later stages (a standard drafted from these practices) say here how they refer to one:
# a practice something refers to cannot be deleted, or its traceability would quietly go.
# ``benchmarks`` may not import ``standards``, so they register themselves (standards.drafting).
Referrer = Callable[[Session, "RiskPoint | CheckItem"], str | None]
REFERRERS: list[Referrer] = []


def refuse_if_referred(session: Session, practice: RiskPoint | CheckItem) -> None:
    """``Conflict`` naming the first thing that refers to ``practice``."""
    for referrer in REFERRERS:
        if why := referrer(session, practice):
            raise Conflict(f"{why}，不能删除。请先在标准中去掉对它的引用，或保留它。")


def delete_risk_point(session: Session, actor: User, point: RiskPoint, expected_version: int) -> None:
    """Remove a risk point with its measures; check items that named it keep their content."""
    if not can_manage_practices(actor, point.enterprise):
        raise PermissionDenied(NO_RIGHT)
    if point.lock_version != expected_version:
        raise StaleEdit(STALE)
    refuse_if_referred(session, point)
    audit.record(session, actor, "risk_point.delete", point,
                 f"删除风险点“{point.name}”（{point.risk_level.label}）", data=_snapshot(point))
    for item in session.scalars(select(CheckItem).where(CheckItem.risk_point_id == point.id)):
        item.risk_point = None
    session.delete(point)
    session.flush()


def added_controls(point: RiskPoint) -> list[ControlLevel]:
    """The control levels the enterprise added beyond those its level requires (the form's ticks)."""
    required = REQUIRED_CONTROL[point.risk_level]
    return [c for c in point.controls if c not in required]


def current_levels(session: Session, enterprise: Enterprise, points: Sequence[RiskPoint]) -> dict[int, RiskLevel]:
    """Points whose level differs from what the bands in force give today: id → that level."""
    book = band_book(session, enterprise.industry_code)
    return {p.id: level for p in points if (level := grade(Decimal(p.result), book[p.method])) != p.risk_level}
