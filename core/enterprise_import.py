"""Importing enterprises in bulk: all rows or none, every problem reported at once.

A spreadsheet is the usual way a county sends in its list, so a refusal has to be
useful: each problem names the Excel row, the column and the reason, and nothing is
written until every row is right. Existing credit codes are reported, never overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.creditcode import normalise
from core.enterprises import SCALE_LABELS, Enterprise, Scale
from core.errors import PermissionDenied, ValidationError
from core.people import User
from core.permissions import can_register_enterprise
from core.regions import Industry, Region
from core.registry import FIELD_LABELS, EnterpriseInput, check_input, reference_maps
from core.scope import covers

CODE_IN_BRACKETS = re.compile(r"[（(]\s*(\d{6,9})\s*[）)]\s*$")
YES = {"是", "有", "y", "yes", "true", "1", "√"}
NO = {"否", "无", "n", "no", "false", "0", ""}
SCALES = {label: scale.value for scale, label in SCALE_LABELS.items()} | {s.value: s.value for s in Scale}


class Row(Protocol):
    number: int
    values: Mapping[str, Any]


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str


class ImportRejected(ValidationError):
    """The file was refused as a whole; ``problems`` lists every bad cell."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__(f"导入未执行：发现 {len(problems)} 处错误，请修改后重新导入。")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _Lookups:
    """Region and industry resolution, built once per import."""

    def __init__(self, actor: User, regions: dict[str, Region], industries: dict[str, Industry]):
        self.regions = regions
        self.industries = industries
        self.by_full_name = {r.full_name: r for r in regions.values()}
        mine = [r for r in regions.values() if covers(actor, r.path)]
        counts: dict[str, int] = {}
        for r in mine:
            counts[r.name] = counts.get(r.name, 0) + 1
        self.by_short_name = {r.name: r for r in mine if counts[r.name] == 1}
        self.industry_by_name = {i.name: i for i in industries.values()}

    def region_code(self, raw: str) -> str | None:
        if raw in self.regions:
            return raw
        if match := CODE_IN_BRACKETS.search(raw):
            return match.group(1)
        region = self.by_full_name.get(raw) or self.by_short_name.get(raw)
        return region.code if region else None

    def industry_code(self, raw: str) -> str | None:
        if raw.upper() in self.industries:
            return raw.upper()
        industry = self.industry_by_name.get(raw)
        return industry.code if industry else None


def _parse(values: Mapping[str, Any], lookups: _Lookups) -> tuple[EnterpriseInput, dict[str, str]]:
    """Raw cells → typed input, with a message for each cell that cannot be read."""
    errors: dict[str, str] = {}
    raw_code = values.get("credit_code")
    if isinstance(raw_code, (int, float)):
        errors["credit_code"] = ("统一社会信用代码被 Excel 存成了数字（可能已丢失末尾几位），"
                                 "请将该列设为“文本”后重新填写")
    region_raw = _text(values.get("region_code"))
    region_code = lookups.region_code(region_raw) if region_raw else ""
    if region_raw and region_code is None:
        errors["region_code"] = f"找不到地区“{region_raw}”，请填写“地区代码”表中的全称或代码"
    industry_raw = _text(values.get("industry_code"))
    industry_code = lookups.industry_code(industry_raw) if industry_raw else ""
    if industry_raw and industry_code is None:
        errors["industry_code"] = f"找不到行业“{industry_raw}”，请从下拉列表选择"
    count_raw = values.get("employee_count")
    employee_count = 0
    if isinstance(count_raw, (int, float)) and float(count_raw).is_integer():
        employee_count = int(count_raw)
    elif _text(count_raw).isdigit():
        employee_count = int(_text(count_raw))
    elif _text(count_raw):
        errors["employee_count"] = f"从业人数“{_text(count_raw)}”不是整数"
    scale_raw = _text(values.get("scale")) or SCALE_LABELS[Scale.SMALL]
    scale = SCALES.get(scale_raw)
    if scale is None:
        errors["scale"] = f"企业规模“{scale_raw}”无效，应为大型、中型、小型或微型"
    hazard_raw = _text(values.get("major_hazard")).lower()
    if hazard_raw not in YES | NO:
        errors["major_hazard"] = f"“{hazard_raw}”无效，请填写 是 或 否"
    data = EnterpriseInput(
        name=_text(values.get("name")),
        credit_code=normalise(_text(raw_code)),
        region_code=region_code or "",
        industry_code=industry_code or "",
        address=_text(values.get("address")),
        legal_representative=_text(values.get("legal_representative")),
        safety_contact=_text(values.get("safety_contact")),
        safety_phone=_text(values.get("safety_phone")),
        employee_count=employee_count,
        scale=scale or Scale.SMALL.value,
        major_hazard=hazard_raw in YES,
    )
    return data, errors


def import_enterprises(session: Session, actor: User, rows: Sequence[Row]) -> list[Enterprise]:
    """Register every row, or none: raises ``ImportRejected`` listing each problem."""
    if not can_register_enterprise(actor):
        raise PermissionDenied()
    if not rows:
        raise ValidationError({"file": "文件中没有企业数据（第 2 行起为空）"})
    regions, industries = reference_maps(session)
    lookups = _Lookups(actor, regions, industries)
    problems: list[RowProblem] = []
    parsed: list[tuple[int, EnterpriseInput]] = []
    first_seen: dict[str, int] = {}
    for row in rows:
        data, errors = _parse(row.values, lookups)
        for field, message in check_input(actor, data, regions, industries).items():
            errors.setdefault(field, message)
        code = data.credit_code
        if "credit_code" not in errors and code in first_seen:
            errors["credit_code"] = f"与第 {first_seen[code]} 行的统一社会信用代码重复"
        first_seen.setdefault(code, row.number)
        problems.extend(RowProblem(row.number, FIELD_LABELS[f], m) for f, m in errors.items())
        parsed.append((row.number, data))
    codes = [data.credit_code for _, data in parsed]
    existing: set[str] = set()
    for start in range(0, len(codes), 500):
        existing.update(session.scalars(
            select(Enterprise.credit_code).where(Enterprise.credit_code.in_(codes[start:start + 500]))))
    for number, data in parsed:
        if data.credit_code in existing:
            problems.append(RowProblem(number, FIELD_LABELS["credit_code"],
                                       f"统一社会信用代码 {data.credit_code} 已登记，未覆盖"))
    if problems:
        problems.sort(key=lambda p: (p.row, list(FIELD_LABELS.values()).index(p.column)))
        raise ImportRejected(problems)
    enterprises = []
    for _, data in parsed:
        enterprise = Enterprise(**vars(data), region_path=regions[data.region_code].path)
        enterprises.append(enterprise)
    session.add_all(enterprises)
    session.flush()
    audit.record_many(session, actor, [
        audit.Entry("enterprise.import", e, f"通过 Excel 导入登记企业“{e.name}”",
                    data={"credit_code": e.credit_code, "batch_size": len(enterprises)})
        for e in enterprises
    ])
    return enterprises
