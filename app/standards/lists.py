"""The project list's columns: sorting on the page and the rows of its export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from app.listing import Column, Listing, export_rows
from core.db import CHINA_TZ
from exports.xlsx import render_table
from standards.models import MemberRole, StandardProject

PROJECTS = Listing(
    columns=(
        Column("title", "标准名称", StandardProject.title),
        Column("industry", "行业", StandardProject.industry_code),
        Column("stage", "阶段", StandardProject.stage),
        Column("created", "立项时间", StandardProject.created_at),
        Column("updated", "更新时间", StandardProject.updated_at),
    ),
    default="-updated",
    tiebreak=StandardProject.id,
)
EXPORT_HEADERS = ("标准名称", "英文名称", "行业", "阶段", "标杆企业", "提出单位", "归口单位", "起草单位", "主要起草人",
                  "编写人员", "评审专家", "立项时间", "更新时间")


def _time(value: Any) -> str:
    return value.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def _people(project: StandardProject, role: MemberRole) -> str:
    return "、".join(m.user.display_name for m in project.members if m.role == role)


def _row(p: StandardProject) -> list[Any]:
    return [p.title, p.english_title, p.industry.name, p.stage.label, "、".join(n.enterprise.name for n in p.sources),
            p.proposer, p.responsible_body, "、".join(p.drafting_units.splitlines()), p.drafters,
            _people(p, MemberRole.EDITOR), _people(p, MemberRole.EXPERT), _time(p.created_at), _time(p.updated_at)]


def project_rows(session: Session, stmt: Select[Any], args: MultiDict[str, str]) -> list[list[Any]]:
    return export_rows(session, stmt, PROJECTS, args, _row)


def project_table(rows: list[list[Any]]) -> bytes:
    return render_table("标准项目", EXPORT_HEADERS, rows)
