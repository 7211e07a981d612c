"""Risk evaluation (风险评价): the LS, LEC and MES methods, their scales, and the bands.

A risk point is graded by one method: its inputs are chosen from the method's fixed
scales (a value outside a scale is refused, never rounded to the nearest), the result is
their product, computed here and never typed, and a band table turns the result into a
level 1–4 (1 the most dangerous) with its colour. Bands are data — provinces and sectors
band the same matrix differently (cn-standards.md §1.6) — so :func:`grade` takes them as
an argument; :data:`SHANDONG_BANDS` are the defaults. The control levels a risk needs
follow from its level (§1.5: the higher the risk, the higher it is controlled, and
every level below controls it too).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from core.errors import ValidationError


class Method(enum.StrEnum):
    LS = "ls"
    LEC = "lec"
    MES = "mes"

    @property
    def label(self) -> str:
        return {"ls": "风险矩阵分析法（LS）", "lec": "作业条件危险性分析法（LEC）",
                "mes": "风险程度分析法（MES）"}[self.value]

    @property
    def formula(self) -> str:
        return {"ls": "R = L × S", "lec": "D = L × E × C", "mes": "R = M × E × S"}[self.value]


@dataclass(frozen=True)
class Factor:
    """One input of a method: its letter, its name and the values its scale allows."""

    key: str
    label: str
    scale: Mapping[Decimal, str]  # value → what it means

    def parse(self, raw: object, method: Method) -> Decimal:
        """The scale value ``raw`` names, or ``ValidationError`` naming the factor."""
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite() or value not in self.scale:
            allowed = "、".join(_plain(v) for v in self.scale)
            raise ValidationError({f"{method.value}_{self.key}".lower():
                                   f"{self.label}（{self.key}）应取 {allowed} 之一"})
        return value


def _plain(value: Decimal) -> str:
    """``Decimal("0.50")`` → ``"0.5"``, ``Decimal("10")`` → ``"10"``."""
    text = format(value.normalize(), "f")
    return text


def _scale(*pairs: tuple[str, str]) -> dict[Decimal, str]:
    return {Decimal(value): meaning for value, meaning in pairs}


LEC_E = Factor("E", "暴露频率", _scale(
    ("10", "连续暴露"), ("6", "每天工作时间内暴露"), ("3", "每周一次或偶然暴露"),
    ("2", "每月一次暴露"), ("1", "每年几次暴露"), ("0.5", "非常罕见地暴露")))

FACTORS: dict[Method, tuple[Factor, ...]] = {
    Method.LS: (
        Factor("L", "可能性", _scale(
            ("5", "在现场没有采取防范、监测、保护、控制措施，或危害的发生不能被发现，或在正常情况下经常发生此类事故"),
            ("4", "危害的发生不容易被发现，现场没有检测系统，也未作过任何监测，或在现场有控制措施但未有效执行"),
            ("3", "没有保护措施（如没有防护装置、没有个人防护用品等），或未严格按操作程序执行"),
            ("2", "危害一旦发生能及时发现，并定期进行监测，或现场有防范控制措施，并能有效执行"),
            ("1", "有充分、有效的防范、控制、监测、保护措施，或员工安全卫生意识相当高，严格执行操作规程"))),
        Factor("S", "严重性", _scale(
            ("5", "违反法律法规；死亡；直接经济损失 100 万元以上；公司停产；重大国际、国内影响"),
            ("4", "潜在违反法规；丧失劳动能力；直接经济损失 50 万元以上；装置停工；行业内、省内影响"),
            ("3", "不符合上级公司或行业的安全方针、制度、规定；截肢、骨折、听力丧失、慢性病；直接经济损失 1 万元以上；"
                  "部分装置停工；地区影响"),
            ("2", "不符合公司的安全操作程序、规定；轻微受伤、间歇不舒服；直接经济损失 1 万元以下；"
                  "受影响不大，几乎不停工；公司及周边范围"),
            ("1", "完全符合；无伤亡；无损失；没有停工；形象没有受损"))),
    ),
    Method.LEC: (
        Factor("L", "事故发生的可能性", _scale(
            ("10", "完全可以预料"), ("6", "相当可能"), ("3", "可能，但不经常"), ("1", "可能性小，完全意外"),
            ("0.5", "很不可能，可以设想"), ("0.2", "极不可能"), ("0.1", "实际不可能"))),
        LEC_E,
        Factor("C", "事故后果", _scale(
            ("100", "大灾难，许多人死亡"), ("40", "灾难，数人死亡"), ("15", "非常严重，一人死亡"),
            ("7", "严重，重伤"), ("3", "重大，致残"), ("1", "引人注目，需要救护"))),
    ),
    Method.MES: (
        Factor("M", "控制措施的状态", _scale(
            ("5", "无控制措施"), ("3", "有减轻后果的应急措施（如警报系统、个体防护用品）"),
            ("1", "有预防措施（如机器防护装置等），但须保证有效"))),
        LEC_E,
        Factor("S", "事故的可能后果", _scale(
            ("10", "多人死亡"), ("8", "一人死亡"), ("4", "永久失能"), ("2", "需医院治疗，缺工"),
            ("1", "轻微，仅需急救"))),
    ),
}


def evaluate(method: Method, inputs: Mapping[str, object]) -> tuple[dict[str, Decimal], Decimal]:
    """The checked inputs and their product; every factor of the method must be on its scale."""
    values: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    for factor in FACTORS[method]:
        try:
            values[factor.key] = factor.parse(inputs.get(factor.key), method)
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    result = Decimal(1)
    for value in values.values():
        result *= value
    return values, result.normalize() if result == result.to_integral() else result


# --- levels and bands ---------------------------------------------------------------


class RiskLevel(enum.IntEnum):
    """1 is the most dangerous: 重大 (red) … 4 低 (blue)."""

    MAJOR = 1
    SERIOUS = 2
    GENERAL = 3
    LOW = 4

    @property
    def label(self) -> str:
        return ("重大风险", "较大风险", "一般风险", "低风险")[self - 1]

    @property
    def colour(self) -> str:
        return ("红", "橙", "黄", "蓝")[self - 1]

    @property
    def css(self) -> str:
        """The class the four-colour pages draw this level with."""
        return ("risk-red", "risk-orange", "risk-yellow", "risk-blue")[self - 1]


class ControlLevel(enum.StrEnum):
    """Who controls a risk (管控层级), from the top down."""

    COMPANY = "company"
    WORKSHOP = "workshop"
    TEAM = "team"
    POST = "post"

    @property
    def label(self) -> str:
        return {"company": "公司（厂）级", "workshop": "车间（部室）级", "team": "班组级", "post": "岗位级"}[self.value]


REQUIRED_CONTROL = {
    RiskLevel.MAJOR: (ControlLevel.COMPANY, ControlLevel.WORKSHOP, ControlLevel.TEAM, ControlLevel.POST),
    RiskLevel.SERIOUS: (ControlLevel.COMPANY, ControlLevel.WORKSHOP, ControlLevel.TEAM, ControlLevel.POST),
    RiskLevel.GENERAL: (ControlLevel.WORKSHOP, ControlLevel.TEAM, ControlLevel.POST),
    RiskLevel.LOW: (ControlLevel.TEAM, ControlLevel.POST),
}


def control_levels(level: RiskLevel, added: Sequence[ControlLevel] = ()) -> list[ControlLevel]:
    """The levels that control a risk: those its level requires, plus any the enterprise adds,
    top-down. Required levels can never be dropped."""
    chosen = set(REQUIRED_CONTROL[level]) | set(added)
    return [c for c in ControlLevel if c in chosen]


@dataclass(frozen=True)
class Band:
    """Results from ``lower`` up (``inclusive`` or strictly above it) have ``level``."""

    level: RiskLevel
    lower: Decimal
    inclusive: bool = True

    def holds(self, value: Decimal) -> bool:
        return value >= self.lower if self.inclusive else value > self.lower

    @property
    def text(self) -> str:
        return f"{'≥' if self.inclusive else '>'} {_plain(self.lower)}"


# Shandong defaults (cn-standards.md §1.6). Read top-down; the first band that holds wins.
SHANDONG_BANDS: dict[Method, tuple[Band, ...]] = {
    Method.LS: (Band(RiskLevel.MAJOR, Decimal(20)), Band(RiskLevel.SERIOUS, Decimal(15)),
                Band(RiskLevel.GENERAL, Decimal(9)), Band(RiskLevel.LOW, Decimal(1))),
    Method.LEC: (Band(RiskLevel.MAJOR, Decimal(320), inclusive=False),
                 Band(RiskLevel.SERIOUS, Decimal(160), inclusive=False),
                 Band(RiskLevel.GENERAL, Decimal(70), inclusive=False),
                 Band(RiskLevel.LOW, Decimal(0))),  # 20–70 一般危险 and < 20 可接受: both 蓝, level 4
    Method.MES: (Band(RiskLevel.MAJOR, Decimal(180)), Band(RiskLevel.SERIOUS, Decimal(90)),
                 Band(RiskLevel.GENERAL, Decimal(50)), Band(RiskLevel.LOW, Decimal(0))),
}


def check_bands(bands: Sequence[Band]) -> None:
    """A band table must give every level once, top-down with falling lower bounds."""
    levels = [b.level for b in bands]
    if sorted(levels) != list(RiskLevel):
        raise ValidationError({"bands": "分级表应为一至四级各一条"})
    ordered = sorted(bands, key=lambda b: b.level)
    for upper, lower in pairwise(ordered):
        if upper.lower < lower.lower or (upper.lower == lower.lower and upper.inclusive >= lower.inclusive):
            raise ValidationError({"bands": f"{upper.level.label}的下限应高于{lower.level.label}的下限"})


def grade(value: Decimal, bands: Sequence[Band]) -> RiskLevel:
    """The level of a result under ``bands`` (the lowest level when none holds)."""
    for band in sorted(bands, key=lambda b: b.level):
        if band.holds(value):
            return band.level
    return RiskLevel.LOW
