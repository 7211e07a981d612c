"""Published standards (地方标准): what the committee issued, under which number, and its files.

A :class:`Publication` is made once, when the standards committee publishes an approved
project: it points at the frozen 报批稿 it issues (one publication per version, ever) and
copies the facts that must not move afterwards — the number ``DB37/T NNNN—YYYY``, the
titles, the classification codes, the dates and the issuer. Its DOCX and PDF are stored
content-addressed with their SHA-256, so a download today returns the bytes issued.

Only two things ever change on a publication: the PDF arriving from the job queue, and
withdrawal (废止). Whether a standard is 现行, 即将实施 or 被代替 is a matter of dates, so it
is computed (``standards.catalogue.status_of``), never stored to go stale.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, DecimalScore, Versioned, created_at, enum_column, intpk
from core.people import User
from core.regions import Industry
from standards.models.projects import StandardProject, StandardVersion

ISSUER = "山东省市场监督管理局"


class PublicationState(enum.StrEnum):
    """The stored part of a publication's life: in force (by its dates) or withdrawn."""

    ISSUED = "issued"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"issued": "已发布", "withdrawn": "已废止"}[self.value]


class PublicationStatus(enum.StrEnum):
    """What the catalogue shows: the stored state read against today's date."""

    CURRENT = "current"
    UPCOMING = "upcoming"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"current": "现行", "upcoming": "即将实施", "superseded": "被代替", "withdrawn": "废止"}[self.value]

    @property
    def badge(self) -> str:
        return {"current": "success", "upcoming": "info", "superseded": "secondary", "withdrawn": "dark"}[self.value]


class PdfState(enum.StrEnum):
    """Where the PDF stands: it is made by a background job after publication."""

    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    UNAVAILABLE = "unavailable"  # LibreOffice is not installed on the host that ran the job

    @property
    def label(self) -> str:
        return {"queued": "排队等待生成", "running": "正在生成", "ready": "已生成", "failed": "生成失败",
                "unavailable": "本机不能生成 PDF"}[self.value]


class Publication(Versioned, Base):
    __tablename__ = "publications"
    audit_type = "publication"

    id: Mapped[intpk]
    project_id: Mapped[int] = mapped_column(ForeignKey("standard_projects.id"), index=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("standard_versions.id"), unique=True, info={"conflict": "该报批稿已经发布，不能再次发布。"})
    number: Mapped[str] = mapped_column(String(30), unique=True, info={"conflict": "该标准编号已被使用。"})
    title: Mapped[str] = mapped_column(String(200))
    english_title: Mapped[str] = mapped_column(String(300), default="")
    industry_code: Mapped[str] = mapped_column(ForeignKey("industries.code"), index=True)
    ics: Mapped[str] = mapped_column(String(20))  # ICS 13.100
    ccs: Mapped[str] = mapped_column(String(10))  # CCS C 67
    filing_number: Mapped[str] = mapped_column(String(30), default="")  # 备案号
    issued_on: Mapped[dt.date]
    effective_on: Mapped[dt.date]
    issuer: Mapped[str] = mapped_column(String(100), default=ISSUER)
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("publications.id"), unique=True, info={"conflict": "被代替的标准已被另一项标准代替。"})
    changes: Mapped[str] = mapped_column(Text, default="")  # 与被代替标准相比的主要技术变化, one per line
    state: Mapped[PublicationState] = mapped_column(
        enum_column(PublicationState, "state", 10), default=PublicationState.ISSUED)
    withdrawn_on: Mapped[dt.date | None]
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    docx_sha256: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_state: Mapped[PdfState] = mapped_column(enum_column(PdfState, "pdf_state", 12), default=PdfState.QUEUED)
    pdf_error: Mapped[str] = mapped_column(Text, default="")
    # How assessments against it are scored (the committee sets them when publishing).
    grade_first: Mapped[Decimal] = mapped_column(DecimalScore(), default=Decimal(90), server_default="90")
    grade_second: Mapped[Decimal] = mapped_column(DecimalScore(), default=Decimal(75), server_default="75")
    grade_third: Mapped[Decimal] = mapped_column(DecimalScore(), default=Decimal(60), server_default="60")
    benchmark_pass: Mapped[Decimal] = mapped_column(DecimalScore(), default=Decimal(80), server_default="80")
    partial_credit: Mapped[str] = mapped_column(String(10), default="half", server_default="half")
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[created_at]

    project: Mapped[StandardProject] = relationship()
    version: Mapped[StandardVersion] = relationship()
    industry: Mapped[Industry] = relationship(lazy="joined")
    published_by: Mapped[User] = relationship()
    replaces: Mapped[Publication | None] = relationship(remote_side="Publication.id", back_populates="replaced_by")
    replaced_by: Mapped[Publication | None] = relationship(back_populates="replaces")

    @property
    def slug(self) -> str:
        """The number as a URL segment: ``DB37/T 4085—2020`` → ``DB37T4085-2020``."""
        return self.number.replace("/", "").replace(" ", "").replace("—", "-")

    @property
    def file_stem(self) -> str:
        return f"{self.slug} {self.title}"

    @property
    def audit_parent(self) -> StandardProject:
        return self.project
