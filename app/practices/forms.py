"""Forms of the practices area: a risk point, a check item, a band table.

The forms only carry what was typed; every rule (scales, text, control levels, bands) is
the services' (``benchmarks.practices``, ``benchmarks.bands``), whose refusals come back
onto the fields by name — ``ls_l``, ``measures_engineering``, ``lower_3``….
"""

from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

from app.forms import Form, MultiCheckboxField, options
from app.nominations.forms import VersionedForm
from benchmarks import bands as band_rules
from benchmarks import check_items, practices
from benchmarks.grading import FACTORS, Band, ControlLevel, Method, RiskLevel
from benchmarks.models import (
    ACCIDENT_TYPES,
    MEASURE_LABELS,
    CheckCategory,
    CheckFrequency,
    CheckItem,
    MeasureKind,
    RiskPoint,
    RiskPointKind,
)
from core.text import bounded_int

PICK = ("", "请选择")


def _select(label: str, choices: list, **kwargs: object) -> UnboundField:
    """A choice whose value the service checks (its message names the field and the allowed values)."""
    return SelectField(label, choices=choices, validate_choice=False, **kwargs)


def _boxes(label: str, choices: list, **kwargs: object) -> UnboundField:
    return MultiCheckboxField(label, choices=choices, validate_choice=False, **kwargs)


def factor_field(method: Method, index: int) -> str:
    """The form field of a method's factor: ``ls_l``, ``lec_e`` … (the names the grading refuses under)."""
    return f"{method.value}_{FACTORS[method][index].key.lower()}"


def measure_field(kind: MeasureKind) -> str:
    return f"measures_{kind.value}"


class RiskPointForm(VersionedForm):
    name = StringField("风险点名称",
                       description="设备设施、作业活动、场所区域或管理环节的名称，如“1#液氯储罐”“动火作业”")
    kind = _select("类型", choices=options([PICK, *((k.value, k.label) for k in RiskPointKind)]))
    location = StringField("所在区域", description="所属区域、装置或单元，如“储罐区”“合成车间”")
    post = StringField("岗位", description="告知卡张贴的岗位，如“罐区操作工”")
    hazards = TextAreaField("危险因素或潜在事件", render_kw={"rows": 3},
                            description="人、物、环境、管理方面的危险源及可能发生的事件")
    accident_types = _boxes("事故类型（GB 6441）", choices=options([(t, t) for t in ACCIDENT_TYPES]))
    consequences = TextAreaField("主要后果", render_kw={"rows": 2})
    method = _select("评价方法", choices=options([(m.value, f"{m.label}：{m.formula}") for m in Method]), default="ls")
    added_controls = _boxes("增加管控层级", choices=options((c.value, c.label) for c in ControlLevel),
                                        description="按风险等级确定的管控层级自动列入，不能减少；如需更高层级共同管控，可在此勾选增加")
    responsible_unit = StringField("责任单位")
    responsible_person = StringField("责任人")
    emergency_measures = TextAreaField("应急措施", render_kw={"rows": 3},
                                       description="发生险情或事故时岗位人员的处置步骤，印在告知卡上")
    report_phone = StringField("报告电话", description="发现险情时报告的电话，印在告知卡上")

    def to_input(self) -> practices.RiskPointInput:
        chosen = self.method.data or ""
        inputs: dict[str, object] = {}
        if chosen in Method.__members__.values():
            method = Method(chosen)
            inputs = {f.key: self[factor_field(method, i)].data for i, f in enumerate(FACTORS[method])}
        return practices.RiskPointInput(
            name=self.name.data or "", kind=self.kind.data or "", location=self.location.data or "",
            post=self.post.data or "", hazards=self.hazards.data or "",
            accident_types=list(self.accident_types.data or []), consequences=self.consequences.data or "",
            method=chosen, inputs=inputs, added_controls=list(self.added_controls.data or []),
            responsible_unit=self.responsible_unit.data or "", responsible_person=self.responsible_person.data or "",
            measures={kind.value: self[measure_field(kind)].data or "" for kind in MeasureKind},
            emergency_measures=self.emergency_measures.data or "", report_phone=self.report_phone.data or "",
        )

    def fill_from(self, point: RiskPoint) -> None:
        """What ``obj=`` cannot fill: the factors of the point's method, the measures, added levels."""
        for index, factor in enumerate(FACTORS[point.method]):
            self[factor_field(point.method, index)].data = str(point.inputs.get(factor.key, ""))
        for kind in MeasureKind:
            self[measure_field(kind)].data = "\n".join(m.content for m in point.measures_of(kind))
        self.added_controls.data = [c.value for c in practices.added_controls(point)]

    def factor_fields(self, method: Method) -> list:
        return [self[factor_field(method, i)] for i in range(len(FACTORS[method]))]

    def measure_fields(self, kinds: frozenset[MeasureKind] | None = None) -> list:
        return [self[measure_field(k)] for k in MeasureKind if kinds is None or k in kinds]


for _method in Method:
    for _index, _factor in enumerate(FACTORS[_method]):
        setattr(RiskPointForm, factor_field(_method, _index), _select(
            f"{_factor.key}（{_factor.label}）",
            choices=options([PICK, *((practices.plain(v), f"{practices.plain(v)} — {m}")
                                     for v, m in _factor.scale.items())])))
for _kind in MeasureKind:
    setattr(RiskPointForm, measure_field(_kind), TextAreaField(MEASURE_LABELS[_kind], render_kw={"rows": 2}))


class CheckItemForm(VersionedForm):
    content = TextAreaField("排查内容", render_kw={"rows": 3})
    basis = StringField("排查依据", description="标准条款、规章或制度，如“GB 50160-2008 第 6.2.8 条”")
    frequency = _select("排查频次", choices=options([PICK, *((f.value, f.label) for f in CheckFrequency)]))
    category = _select("类别", choices=options([PICK, *((c.value, c.label) for c in CheckCategory)]))
    check_level = _select("排查层级", choices=options([PICK, *((c.value, c.label) for c in ControlLevel)]))
    risk_point_id = _select("关联风险点", choices=options([("", "（不关联）")]))

    def to_input(self) -> check_items.CheckItemInput:
        return check_items.CheckItemInput(
            content=self.content.data or "", basis=self.basis.data or "", frequency=self.frequency.data or "",
            category=self.category.data or "", check_level=self.check_level.data or "",
            risk_point_id=bounded_int(self.risk_point_id.data))

    def offer_points(self, points: list[RiskPoint]) -> None:
        self.risk_point_id.choices = options([("", "（不关联）"), *((str(p.id), _point_label(p)) for p in points)])

    def fill_from(self, item: CheckItem) -> None:
        self.risk_point_id.data = str(item.risk_point_id or "")


def _point_label(point: RiskPoint) -> str:
    return f"{point.location}／{point.name}" if point.location else point.name


INCLUSIVE = (("1", "≥（含下限）"), ("0", "＞（不含下限）"))


class BandForm(Form):
    """A method's four bands: each level's lower bound and whether the bound belongs to it."""

    fingerprint = HiddenField()
    lower_1 = StringField("重大风险（红）下限")
    inclusive_1 = _select("重大风险（红）", choices=options(INCLUSIVE))
    lower_2 = StringField("较大风险（橙）下限")
    inclusive_2 = _select("较大风险（橙）", choices=options(INCLUSIVE))
    lower_3 = StringField("一般风险（黄）下限")
    inclusive_3 = _select("一般风险（黄）", choices=options(INCLUSIVE))
    lower_4 = StringField("低风险（蓝）下限")
    inclusive_4 = _select("低风险（蓝）", choices=options(INCLUSIVE))

    def rows(self) -> dict[RiskLevel, band_rules.BandInput]:
        return {level: band_rules.BandInput(self[f"lower_{level.value}"].data,
                                            self[f"inclusive_{level.value}"].data == "1") for level in RiskLevel}

    def fill_from(self, table: tuple[Band, ...]) -> None:
        for band in table:
            self[f"lower_{band.level.value}"].data = practices.plain(band.lower)
            self[f"inclusive_{band.level.value}"].data = "1" if band.inclusive else "0"
        self.fingerprint.data = band_rules.fingerprint(table)

    def levels(self) -> list[tuple[RiskLevel, object, object]]:
        return [(level, self[f"lower_{level.value}"], self[f"inclusive_{level.value}"]) for level in RiskLevel]
