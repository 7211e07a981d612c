"""The nomination list's columns: sorting on the page and the rows of its export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from app.listing import Column, Listing, export_rows
from benchmarks.models import Nomination
from core.db import CHINA_TZ
from core.enterprises import Enterprise
from exports.xlsx import render_table

NOMINATIONS = Listing(
    columns=(
        Column("enterprise", "企业", Enterprise.name),
        Column("region", "所在地区", Nomination.region_path),
        Column("industry", "行业", Nomination.industry_code),
        Column("nominator", "推荐单位", Nomination.nominator_region_code),
        Column("state", "状态", Nomination.state),
        Column("updated", "更新时间", Nomination.updated_at),
    ),
    default="-updated",
    tiebreak=Nomination.id,
)
EXPORT_HEADERS = ("企业", "统一社会信用代码", "所在地区", "行业", "批次", "推荐单位", "状态", "上报时间", "更新时间")


def _time(value: Any) -> str:
    return value.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def _row(n: Nomination) -> list[Any]:
    return [n.enterprise.name, n.enterprise.credit_code, n.region.full_name, n.industry.name,
            n.campaign.title, n.nominator_region.full_name, n.state.label, _time(n.submitted_at),
            _time(n.updated_at)]


def nomination_rows(session: Session, stmt: Select[Any], args: MultiDict[str, str]) -> list[list[Any]]:
    return export_rows(session, stmt, NOMINATIONS, args, _row)


def nomination_table(rows: list[list[Any]]) -> bytes:
    return render_table("推荐记录", EXPORT_HEADERS, rows)
