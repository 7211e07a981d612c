"""The clause tree of a version: chapters, clauses, paragraphs, list items, notes, examples,
tables, terms and annexes, with assessable requirements, and their traceability to practices.
A clause's ``key`` is stable across versions."""

from __future__ import annotations

import enum
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from benchmarks.models import CheckItem, RiskPoint
from core.db import Base, ExactDecimal, Versioned, enum_column, intpk
from standards.models.projects import StandardProject, StandardVersion, new_key


class ClauseKind(enum.StrEnum):
    CHAPTER = "chapter"  # 章
    CLAUSE = "clause"  # 条 (any depth below a chapter or annex)
    PARAGRAPH = "paragraph"  # 段: unnumbered text
    LIST_ITEM = "list_item"  # 列项 a) b) / 1) 2)
    NOTE = "note"  # 注 / 注1：
    EXAMPLE = "example"  # 示例 / 示例1：
    TABLE = "table"  # 表1 / 表A.1, body a Markdown table
    TERM = "term"  # 术语条目 3.1 …
    ANNEX = "annex"  # 附录A（规范性/资料性）

    @property
    def label(self) -> str:
        return {"chapter": "章", "clause": "条", "paragraph": "段", "list_item": "列项", "note": "注",
                "example": "示例", "table": "表", "term": "术语", "annex": "附录"}[self.value]


class AnnexType(enum.StrEnum):
    NORMATIVE = "normative"
    INFORMATIVE = "informative"

    @property
    def label(self) -> str:
        return {"normative": "规范性", "informative": "资料性"}[self.value]


class Clause(Versioned, Base):
    """One node of a version's clause tree."""

    __tablename__ = "clauses"
    audit_type = "clause"
    __table_args__ = (
        UniqueConstraint("version_id", "key"),
        Index("ix_clauses_version_parent", "version_id", "parent_id", "position"),
        CheckConstraint("kind <> 'annex' OR annex_type IS NOT NULL", name="annex_has_type"),
        CheckConstraint("NOT is_requirement OR points IS NOT NULL", name="requirement_has_points"),
    )

    id: Mapped[intpk]
    version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(36), default=new_key)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("clauses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)  # among its siblings
    kind: Mapped[ClauseKind] = mapped_column(enum_column(ClauseKind, "kind", 10))
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown
    annex_type: Mapped[AnnexType | None] = mapped_column(enum_column(AnnexType, "annex_type", 12))
    # An assessable requirement (评估要求): what a self-assessment scores.
    is_requirement: Mapped[bool] = mapped_column(default=False)
    points: Mapped[Decimal | None] = mapped_column(ExactDecimal(6, 1))
    veto: Mapped[bool] = mapped_column(default=False)  # 否决项
    # May an assessment answer it 不适用 (缺项)? A veto item never may.
    waivable: Mapped[bool] = mapped_column(default=True, server_default=true())
    check_method: Mapped[str] = mapped_column(Text, default="")  # 评估方法
    evidence: Mapped[str] = mapped_column(Text, default="")  # 证据要求

    version: Mapped[StandardVersion] = relationship(back_populates="clauses")

    @property
    def audit_parent(self) -> StandardProject:
        return self.version.project


class ClauseSource(Base):
    """Traceability: a clause (by key) was generalised from a practice — one row of a
    table clause may stand for one risk point or check item (``row``, from 1)."""

    __tablename__ = "clause_sources"
    __table_args__ = (
        CheckConstraint("(risk_point_id IS NULL) <> (check_item_id IS NULL)", name="one_practice"),
        Index("ix_clause_sources_clause", "project_id", "clause_key"),
    )

    id: Mapped[intpk]
    project_id: Mapped[int] = mapped_column(ForeignKey("standard_projects.id", ondelete="CASCADE"))
    clause_key: Mapped[str] = mapped_column(String(36))
    row: Mapped[int | None] = mapped_column(Integer)
    risk_point_id: Mapped[int | None] = mapped_column(ForeignKey("risk_points.id", ondelete="CASCADE"), index=True)
    check_item_id: Mapped[int | None] = mapped_column(ForeignKey("check_items.id", ondelete="CASCADE"), index=True)

    risk_point: Mapped[RiskPoint | None] = relationship(lazy="joined")
    check_item: Mapped[CheckItem | None] = relationship(lazy="joined")
