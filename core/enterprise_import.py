"""Importing enterprises in bulk: all rows or none, every problem reported at once.

A spreadsheet is the usual way a county sends in its list, so a refusal has to be
useful: each problem names the Excel row, the column and the reason, and nothing is
written until every row is right.

Existing credit codes are reported, never overwritten — unless the user asks to update
(``update_existing``): then a code already registered inside the actor's jurisdiction
is updated from its row, field by field, each changed enterprise audited with what
changed. A sheet row is the enterprise's record, so a blank cell clears that field; a
column left out of the sheet keeps its saved values. A code registered outside the
jurisdiction stays an error either way: nobody edits another county's enterprise by file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.creditcode import normalise
from core.enterprises import SCALE_LABELS, Enterprise, Scale
from core.errors import PermissionDenied, ValidationError
from core.people import User
from core.permissions import can_edit_enterprise, can_register_enterprise
from core.regions import Industry, Region
from core.registry import FIELD_LABELS, EnterpriseInput, check_input, reference_maps
from core.scope import covers
from core.text import normalise as normalise_text

CODE_IN_BRACKETS = re.compile(r"[（(]\s*(\d{6,9})\s*[）)]\s*$")
YES = {"是", "有", "y", "yes", "true", "1", "√"}
NO = {"否", "无", "n", "no", "false", "0", ""}
SCALES = {label: scale.value for scale, label in SCALE_LABELS.items()} | {s.value: s.value for s in Scale}
COLUMN_ORDER = list(FIELD_LABELS.values())
UPDATABLE = tuple(name for name in FIELD_LABELS if name != "credit_code")  # the code is the key


class Row(Protocol):
    number: int
    values: Mapping[str, Any]  # field → raw cell value, for each column the sheet has


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    """What an import did: enterprises registered, enterprises updated, rows that changed nothing."""

    created: list[Enterprise] = field(default_factory=list)
    updated: list[Enterprise] = field(default_factory=list)
    unchanged: int = 0


class ImportRejected(ValidationError):
    """The file was refused as a whole; ``problems`` lists every bad cell."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__(f"导入未执行：发现 {len(problems)} 处错误，请修改后重新导入。")


def _text(value: Any) -> str:
    """A cell as text: NFC, blanks (zero-width ones too) trimmed; whole floats lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise_text(str(value))


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
        errors["region_code"] = f"找不到地区“{region_raw[:50]}”，请填写“地区代码”表中的全称或代码"
    industry_raw = _text(values.get("industry_code"))
    industry_code = lookups.industry_code(industry_raw) if industry_raw else ""
    if industry_raw and industry_code is None:
        errors["industry_code"] = f"找不到行业“{industry_raw[:50]}”，请从下拉列表选择"
    count_raw = values.get("employee_count")
    employee_count = 0
    if isinstance(count_raw, (int, float)) and float(count_raw).is_integer():
        employee_count = int(count_raw)
    elif (count_text := _text(count_raw)).isdecimal():
        employee_count = int(count_text) if len(count_text) <= 9 else 10**9  # too many: refused as such
    elif count_text:
        errors["employee_count"] = f"从业人数“{_text(count_raw)[:20]}”不是整数"
    scale_raw = _text(values.get("scale")) or SCALE_LABELS[Scale.SMALL]
    scale = SCALES.get(scale_raw)
    if scale is None:
        errors["scale"] = f"企业规模“{scale_raw[:20]}”无效，应为大型、中型、小型或微型"
    hazard_raw = _text(values.get("major_hazard")).lower()
    if hazard_raw not in YES | NO:
        errors["major_hazard"] = f"“{hazard_raw[:20]}”无效，请填写 是 或 否"
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


def _existing(session: Session, codes: Sequence[str]) -> dict[str, Enterprise]:
    """The registered enterprises among ``codes``, whoever's they are (500 per query)."""
    found: dict[str, Enterprise] = {}
    for start in range(0, len(codes), 500):
        for enterprise in session.scalars(
                select(Enterprise).where(Enterprise.credit_code.in_(codes[start:start + 500]))):
            found[enterprise.credit_code] = enterprise
    return found


def _changes(enterprise: Enterprise, data: EnterpriseInput, columns: set[str]) -> dict[str, list[Any]]:
    """``{field: [saved, imported]}`` for the sheet's columns whose value differs."""
    before = asdict(EnterpriseInput.of(enterprise))
    after = asdict(data)
    return {name: [before[name], after[name]] for name in UPDATABLE
            if name in columns and before[name] != after[name]}


def import_enterprises(session: Session, actor: User, rows: Sequence[Row],
                       update_existing: bool = False) -> ImportResult:
    """Register (and with ``update_existing`` update) every row, or none.

    Raises ``ImportRejected`` listing each problem; nothing is written then.
    """
    if not can_register_enterprise(actor):
        raise PermissionDenied()
    if not rows:
        raise ValidationError({"file": "文件中没有企业数据（第 2 行起为空）"})
    regions, industries = reference_maps(session)
    lookups = _Lookups(actor, regions, industries)
    problems: list[RowProblem] = []
    parsed: list[tuple[Row, EnterpriseInput]] = []
    first_seen: dict[str, int] = {}
    for row in rows:
        data, errors = _parse(row.values, lookups)
        for name, message in check_input(actor, data, regions, industries).items():
            errors.setdefault(name, message)
        code = data.credit_code
        if "credit_code" not in errors and code in first_seen:
            errors["credit_code"] = f"与第 {first_seen[code]} 行的统一社会信用代码重复"
        first_seen.setdefault(code, row.number)
        problems.extend(RowProblem(row.number, FIELD_LABELS[f], m) for f, m in errors.items())
        parsed.append((row, data))

    existing = _existing(session, [data.credit_code for _, data in parsed])
    result = ImportResult()
    new: list[EnterpriseInput] = []
    updates: list[tuple[Enterprise, EnterpriseInput, dict[str, list[Any]]]] = []
    code_label = FIELD_LABELS["credit_code"]
    for row, data in parsed:
        enterprise = existing.get(data.credit_code)
        if enterprise is None:
            new.append(data)
        elif not update_existing:
            problems.append(RowProblem(row.number, code_label, f"统一社会信用代码 {data.credit_code} 已登记，未覆盖"
                                       "（如需按本表更新，请勾选“更新已登记企业”）"))
        elif not can_edit_enterprise(actor, enterprise):
            problems.append(RowProblem(row.number, code_label, f"统一社会信用代码 {data.credit_code} "
                                       "已在您的辖区以外登记，不能更新"))
        elif changed := _changes(enterprise, data, set(row.values)):
            updates.append((enterprise, data, changed))
        else:
            result.unchanged += 1
    if problems:
        problems.sort(key=lambda p: (p.row, COLUMN_ORDER.index(p.column)))
        raise ImportRejected(problems)

    result.created = [Enterprise(**vars(data), region_path=regions[data.region_code].path) for data in new]
    session.add_all(result.created)
    for enterprise, data, changed in updates:
        for name, (_, value) in changed.items():
            setattr(enterprise, name, value)
        if "region_code" in changed:
            enterprise.region = regions[data.region_code]
            enterprise.region_path = enterprise.region.path
        if "industry_code" in changed:
            enterprise.industry = industries[data.industry_code]
        result.updated.append(enterprise)
    session.flush()
    audit.record_many(session, actor, [
        *(audit.Entry("enterprise.import", e, f"通过 Excel 导入登记企业“{e.name}”",
                      data={"credit_code": e.credit_code, "batch_size": len(result.created)})
          for e in result.created),
        *(audit.Entry("enterprise.import_update", e,
                      f"通过 Excel 导入更新企业“{e.name}”：{'、'.join(FIELD_LABELS[k] for k in changed)}",
                      data={"changes": changed})
          for e, _, changed in updates),
    ])
    return result
