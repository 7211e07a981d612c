"""An enterprise's risk-control practices (双重预防做法), as structured data.

- :class:`RiskPoint` (风险点): where or what the risk is, how it was evaluated (method,
  inputs, computed result, level and colour), who controls it at which levels, and its
  typed :class:`ControlMeasure` rows; it also carries what a post's 告知卡 prints.
- :class:`CheckItem` (隐患排查项): what is checked, against which clause, how often, by
  which level, on site (现场类) or in the paperwork (基础管理类).
- :class:`RiskBand` (reference data): how a method's result becomes a level, by industry,
  with the province's defaults where an industry has none; administrators edit them.

The rules (grading, control levels) are in ``benchmarks.grading``; the services in
``benchmarks.practices``.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from benchmarks.grading import Band, ControlLevel, Method, RiskLevel
from core.db import Base, ExactDecimal, Versioned, created_at, enum_column, intpk, utcnow
from core.enterprises import Enterprise


class RiskPointKind(enum.StrEnum):
    EQUIPMENT = "equipment"
    ACTIVITY = "activity"
    AREA = "area"
    MANAGEMENT = "management"

    @property
    def label(self) -> str:
        return {"equipment": "设备设施", "activity": "作业活动", "area": "场所区域", "management": "管理"}[self.value]


class MeasureKind(enum.StrEnum):
    """Both vocabularies in use: DB37/T 2882's five types and the notice's six."""

    ENGINEERING = "engineering"
    MANAGEMENT = "management"
    TRAINING = "training"
    PROTECTION = "protection"
    EMERGENCY = "emergency"
    RULES = "rules"
    PHYSICAL = "physical"
    MONITORING = "monitoring"
    VIDEO = "video"
    AUTOMATION = "automation"
    EMERGENCY_MANAGEMENT = "emergency_management"

    @property
    def label(self) -> str:
        return MEASURE_LABELS[self]

    @property
    def vocabulary(self) -> str:
        return "DB37/T 2882" if self in DB37_MEASURES else "鲁政办字〔2016〕36号"


MEASURE_LABELS = {
    MeasureKind.ENGINEERING: "工程技术措施",
    MeasureKind.MANAGEMENT: "管理措施",
    MeasureKind.TRAINING: "培训教育措施",
    MeasureKind.PROTECTION: "个体防护措施",
    MeasureKind.EMERGENCY: "应急处置措施",
    MeasureKind.RULES: "制度管理",
    MeasureKind.PHYSICAL: "物理工程",
    MeasureKind.MONITORING: "在线监测",
    MeasureKind.VIDEO: "视频监控",
    MeasureKind.AUTOMATION: "自动化控制",
    MeasureKind.EMERGENCY_MANAGEMENT: "应急管理",
}
DB37_MEASURES = frozenset(list(MeasureKind)[:5])

# GB 6441-1986 企业职工伤亡事故分类: the accident categories a hazard can lead to.
ACCIDENT_TYPES = (
    "物体打击", "车辆伤害", "机械伤害", "起重伤害", "触电", "淹溺", "灼烫", "火灾", "高处坠落", "坍塌",
    "冒顶片帮", "透水", "放炮", "火药爆炸", "瓦斯爆炸", "锅炉爆炸", "容器爆炸", "其他爆炸", "中毒和窒息",
    "其他伤害",
)


class CheckCategory(enum.StrEnum):
    SITE = "site"
    MANAGEMENT = "management"

    @property
    def label(self) -> str:
        return {"site": "现场类", "management": "基础管理类"}[self.value]


class CheckFrequency(enum.StrEnum):
    SHIFT = "shift"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"

    @property
    def label(self) -> str:
        return {"shift": "每班", "day": "每日", "week": "每周", "month": "每月", "quarter": "每季度",
                "half_year": "每半年", "year": "每年"}[self.value]


class RiskPoint(Versioned, Base):
    __tablename__ = "risk_points"
    audit_type = "risk_point"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 4", name="level"),
        Index("ix_risk_points_enterprise_level", "enterprise_id", "level"),
    )

    id: Mapped[intpk]
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[RiskPointKind] = mapped_column(enum_column(RiskPointKind, "kind", 20))
    location: Mapped[str] = mapped_column(String(200), default="")
    hazards: Mapped[str] = mapped_column(Text, default="")  # 危险源（危险有害因素）及潜在事件
    accident_types: Mapped[list[str]] = mapped_column(JSON, default=list)  # from ACCIDENT_TYPES
    method: Mapped[Method] = mapped_column(enum_column(Method, "method", 10))
    inputs: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # factor → scale value, as text
    result: Mapped[Decimal] = mapped_column(ExactDecimal(10, 2))  # the product, computed, never typed
    level: Mapped[int] = mapped_column(Integer)  # 1 重大 … 4 低, from the bands in force
    control_levels: Mapped[list[str]] = mapped_column(JSON, default=list)  # ControlLevel values, top-down
    responsible_unit: Mapped[str] = mapped_column(String(100), default="")
    responsible_person: Mapped[str] = mapped_column(String(50), default="")
    emergency_measures: Mapped[str] = mapped_column(Text, default="")
    # What the post notification card (岗位风险告知卡) prints besides the above.
    post: Mapped[str] = mapped_column(String(100), default="")
    consequences: Mapped[str] = mapped_column(Text, default="")  # 可能导致的后果
    report_phone: Mapped[str] = mapped_column(String(30), default="")
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    measures: Mapped[list[ControlMeasure]] = relationship(
        cascade="all, delete-orphan", order_by="ControlMeasure.position", lazy="selectin")

    @property
    def audit_parent(self) -> Enterprise:
        return self.enterprise

    @property
    def risk_level(self) -> RiskLevel:
        return RiskLevel(self.level)

    @property
    def controls(self) -> list[ControlLevel]:
        return [ControlLevel(c) for c in self.control_levels]

    def measures_of(self, kind: MeasureKind) -> list[ControlMeasure]:
        return [m for m in self.measures if m.kind == kind]


class ControlMeasure(Base):
    """One typed control measure of a risk point (管控措施)."""

    __tablename__ = "control_measures"

    id: Mapped[intpk]
    risk_point_id: Mapped[int] = mapped_column(ForeignKey("risk_points.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MeasureKind] = mapped_column(enum_column(MeasureKind, "kind", 30))
    content: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CheckItem(Versioned, Base):
    """One hidden-danger check item (隐患排查项) of an enterprise's check list."""

    __tablename__ = "check_items"
    audit_type = "check_item"

    id: Mapped[intpk]
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)
    risk_point_id: Mapped[int | None] = mapped_column(ForeignKey("risk_points.id", ondelete="SET NULL"), index=True)
    content: Mapped[str] = mapped_column(Text)  # 排查内容
    basis: Mapped[str] = mapped_column(String(300), default="")  # 排查依据（标准条款）
    frequency: Mapped[CheckFrequency] = mapped_column(enum_column(CheckFrequency, "frequency", 10))
    category: Mapped[CheckCategory] = mapped_column(enum_column(CheckCategory, "category", 10))
    check_level: Mapped[ControlLevel] = mapped_column(enum_column(ControlLevel, "check_level", 10))  # 排查层级
    created_at: Mapped[created_at]

    enterprise: Mapped[Enterprise] = relationship()
    risk_point: Mapped[RiskPoint | None] = relationship()

    @property
    def audit_parent(self) -> Enterprise:
        return self.enterprise


class RiskBand(Base):
    """A level's lower bound for one method, for one industry (or the province's default)."""

    __tablename__ = "risk_bands"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 4", name="level"),
        Index("uq_risk_bands_industry", "industry_code", "method", "level", unique=True,
              sqlite_where=text("industry_code IS NOT NULL"), postgresql_where=text("industry_code IS NOT NULL"),
              info={"conflict": "该行业的分级标准已被他人修改，请刷新后重试。"}),
        Index("uq_risk_bands_default", "method", "level", unique=True,
              sqlite_where=text("industry_code IS NULL"), postgresql_where=text("industry_code IS NULL"),
              info={"conflict": "默认分级标准已被他人修改，请刷新后重试。"}),
    )
    audit_type = "risk_band"

    id: Mapped[intpk]
    industry_code: Mapped[str | None] = mapped_column(ForeignKey("industries.code"))
    method: Mapped[Method] = mapped_column(enum_column(Method, "method", 10))
    level: Mapped[int] = mapped_column(Integer)
    lower: Mapped[Decimal] = mapped_column(ExactDecimal(10, 2))
    inclusive: Mapped[bool] = mapped_column(default=True)

    def as_band(self) -> Band:
        return Band(RiskLevel(self.level), Decimal(self.lower), self.inclusive)
