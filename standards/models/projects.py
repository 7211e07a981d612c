"""Standard projects (立项), their members and their versions (the working draft and the
frozen stage documents). Numbers are never stored: they follow from the tree."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from benchmarks.models import Nomination
from core.db import Base, Versioned, created_at, enum_column, intpk, utcnow
from core.people import User
from core.regions import Industry

if TYPE_CHECKING:
    from standards.models.clauses import Clause


def new_key() -> str:
    """A clause key: stable across versions, unguessable, and as wide as audit ids allow."""
    return str(uuid.uuid4())


class Stage(enum.StrEnum):
    """Where a standard project stands (GB/T 16733 stages this system handles)."""

    DRAFTING = "drafting"
    CONSULTATION = "consultation"
    REVIEW = "review"
    APPROVAL = "approval"
    APPROVED = "approved"
    PUBLISHED = "published"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def document(self) -> str:
        """The name of the document the stage works on (what a frozen version is called)."""
        return STAGE_DOCUMENTS[self]

    @property
    def badge(self) -> str:
        return {"drafting": "secondary", "consultation": "info", "review": "primary", "approval": "warning",
                "approved": "success", "published": "success", "terminated": "dark"}[self.value]


STAGE_LABELS = {
    Stage.DRAFTING: "起草中（草案）",
    Stage.CONSULTATION: "征求意见",
    Stage.REVIEW: "审查",
    Stage.APPROVAL: "报批",
    Stage.APPROVED: "已批准，待发布",
    Stage.PUBLISHED: "已发布",
    Stage.TERMINATED: "已终止",
}
STAGE_DOCUMENTS = {
    Stage.DRAFTING: "草案",
    Stage.CONSULTATION: "征求意见稿",
    Stage.REVIEW: "送审稿",
    Stage.APPROVAL: "报批稿",
    Stage.APPROVED: "报批稿",
    Stage.PUBLISHED: "标准",
    Stage.TERMINATED: "草案",
}


class MemberRole(enum.StrEnum):
    EDITOR = "editor"
    EXPERT = "expert"
    COMMENTER = "commenter"  # invited to comment in consultation (bureau or enterprise), no vote

    @property
    def label(self) -> str:
        return {"editor": "编写人员", "expert": "评审专家", "commenter": "特邀意见人"}[self.value]


project_sources = Table(
    "project_sources",
    Base.metadata,
    Column("project_id", ForeignKey("standard_projects.id", ondelete="CASCADE"), primary_key=True),
    Column("nomination_id", ForeignKey("nominations.id"), primary_key=True),
)


class StandardProject(Versioned, Base):
    __tablename__ = "standard_projects"
    audit_type = "standard_project"
    __table_args__ = (CheckConstraint("failed_reviews BETWEEN 0 AND 2", name="failed_reviews"),)

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(String(200))  # 标准名称
    english_title: Mapped[str] = mapped_column(String(300), default="")
    industry_code: Mapped[str] = mapped_column(ForeignKey("industries.code"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "stage", 20), default=Stage.DRAFTING, index=True)
    proposer: Mapped[str] = mapped_column(String(200), default="")  # 提出单位
    responsible_body: Mapped[str] = mapped_column(String(200), default="")  # 归口单位
    drafting_units: Mapped[str] = mapped_column(Text, default="")  # 起草单位, one per line
    drafters: Mapped[str] = mapped_column(Text, default="")  # 主要起草人, separated by 、
    failed_reviews: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    industry: Mapped[Industry] = relationship(lazy="joined")
    sources: Mapped[list[Nomination]] = relationship(secondary=project_sources, lazy="selectin")
    members: Mapped[list[ProjectMember]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    versions: Mapped[list[StandardVersion]] = relationship(
        cascade="all, delete-orphan", order_by="StandardVersion.number", back_populates="project")

    @property
    def state(self) -> Stage:
        """The workflow engine moves records by their ``state``: a project's is its stage."""
        return self.stage

    @state.setter
    def state(self, value: Stage) -> None:
        self.stage = value

    def member_ids(self, role: MemberRole) -> set[int]:
        return {m.user_id for m in self.members if m.role == role}


class ProjectMember(Base):
    """Who works on a project: its editors and its expert panel (and invited commenters)."""

    __tablename__ = "project_members"

    project_id: Mapped[int] = mapped_column(ForeignKey("standard_projects.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole, "role", 10), primary_key=True)

    user: Mapped[User] = relationship(lazy="joined")


class StandardVersion(Base):
    """One state of a project's text: the working draft, or a frozen stage document."""

    __tablename__ = "standard_versions"
    audit_type = "standard_version"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        # Exactly one working draft per project.
        Index("uq_standard_versions_draft", "project_id", unique=True,
              sqlite_where=text("frozen_at IS NULL"), postgresql_where=text("frozen_at IS NULL")),
    )

    id: Mapped[intpk]
    project_id: Mapped[int] = mapped_column(ForeignKey("standard_projects.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … in the order they were made
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "stage", 20))  # what the version is (草案, 征求意见稿 …)
    frozen_at: Mapped[dt.datetime | None]  # None: the working draft
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    project: Mapped[StandardProject] = relationship(back_populates="versions")
    clauses: Mapped[list[Clause]] = relationship(
        cascade="all, delete-orphan", order_by="Clause.position", back_populates="version")

    @property
    def is_draft(self) -> bool:
        return self.frozen_at is None

    @property
    def audit_parent(self) -> StandardProject:
        return self.project

    @property
    def label(self) -> str:
        return f"第 {self.number} 版 · {self.stage.document}" + ("（编辑中）" if self.is_draft else "")
