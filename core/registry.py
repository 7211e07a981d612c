"""Enterprise registry services: register, edit, find, list.

The checks in :func:`check_input` are shared by the one-by-one form and the XLSX
import, so an enterprise is valid by the same rules however it arrives.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core import audit
from core.creditcode import normalise, problem
from core.enterprises import Enterprise, Scale
from core.errors import PermissionDenied, StaleEdit, ValidationError
from core.people import User
from core.permissions import can_edit_enterprise, can_register_enterprise
from core.regions import Industry, Region, RegionLevel
from core.scope import covers, one_or_404, visible_enterprises
from core.text import Text, clean_all, filter_text

FIELD_LABELS = {
    "name": "企业名称",
    "credit_code": "统一社会信用代码",
    "region_code": "所在地区",
    "industry_code": "行业",
    "address": "地址",
    "legal_representative": "法定代表人",
    "safety_contact": "安全负责人",
    "safety_phone": "联系电话",
    "employee_count": "从业人数",
    "scale": "企业规模",
    "major_hazard": "涉及重大危险源",
}
REQUIRED = ("name", "credit_code", "region_code", "industry_code")
ENTERPRISE_LEVELS = (RegionLevel.COUNTY.value, RegionLevel.TOWNSHIP.value)
PHONE = re.compile(r"^[0-9+\-() ]{7,20}$")
TEXT_RULES = {
    "name": Text(FIELD_LABELS["name"], 200, required=True),
    "address": Text(FIELD_LABELS["address"], 200),
    "legal_representative": Text(FIELD_LABELS["legal_representative"], 50),
    "safety_contact": Text(FIELD_LABELS["safety_contact"], 50),
    "safety_phone": Text(FIELD_LABELS["safety_phone"], 30),
}


@dataclass
class EnterpriseInput:
    """An enterprise's facts as typed values, whatever form they came in."""

    name: str
    credit_code: str
    region_code: str
    industry_code: str
    address: str = ""
    legal_representative: str = ""
    safety_contact: str = ""
    safety_phone: str = ""
    employee_count: int = 0
    scale: str = Scale.SMALL.value
    major_hazard: bool = False

    @classmethod
    def of(cls, enterprise: Enterprise) -> EnterpriseInput:
        return cls(**{f.name: getattr(enterprise, f.name) for f in fields(cls)})


def check_input(
    actor: User,
    data: EnterpriseInput,
    regions: dict[str, Region],
    industries: dict[str, Industry],
) -> dict[str, str]:
    """Field → message for everything wrong with ``data`` (uniqueness aside).

    ``regions`` and ``industries`` are passed in so that an import of thousands of rows
    looks them up once, not per row.
    """
    cleaned, errors = clean_all(vars(data), TEXT_RULES)
    for name, value in cleaned.items():
        setattr(data, name, value)
    data.credit_code = normalise(filter_text(data.credit_code, 40))
    for name in REQUIRED:
        if name not in errors and not str(getattr(data, name)).strip():
            errors[name] = f"请填写{FIELD_LABELS[name]}"
    if "credit_code" not in errors and (why := problem(data.credit_code)):
        errors["credit_code"] = why
    if "region_code" not in errors:
        region = regions.get(data.region_code)
        if region is None:
            errors["region_code"] = "所在地区不存在"
        elif region.level not in ENTERPRISE_LEVELS:
            errors["region_code"] = "所在地区应选到区县或乡镇（街道）一级"
        elif not covers(actor, region.path):
            errors["region_code"] = f"所在地区“{region.full_name}”不在您的辖区内"
    if "industry_code" not in errors and data.industry_code not in industries:
        errors["industry_code"] = "行业不存在"
    if data.safety_phone and not PHONE.match(data.safety_phone):
        errors["safety_phone"] = "联系电话格式不正确（应为 7–20 位数字，可含 -、+、括号）"
    if not 0 <= data.employee_count <= 1_000_000:
        errors["employee_count"] = "从业人数应为 0 到 1,000,000 之间的整数"
    if data.scale not in Scale.__members__.values():
        errors["scale"] = "企业规模应为大型、中型、小型或微型"
    return errors


def reference_maps(session: Session) -> tuple[dict[str, Region], dict[str, Industry]]:
    regions = {r.code: r for r in session.scalars(select(Region))}
    industries = {i.code: i for i in session.scalars(select(Industry))}
    return regions, industries


def _duplicate_message(session: Session, actor: User, existing: Enterprise) -> str:
    if session.scalar(select(Enterprise.id).where(
        Enterprise.id == existing.id, visible_enterprises(actor)
    )):
        return f"该统一社会信用代码已登记（{existing.name}）"
    return "该统一社会信用代码已登记（不在您的辖区内）"


def _validate(session: Session, actor: User, data: EnterpriseInput, own_id: int | None) -> None:
    data.region_code, data.industry_code = filter_text(data.region_code, 12), filter_text(data.industry_code, 10)
    region = session.get(Region, data.region_code) if data.region_code else None
    industry = session.get(Industry, data.industry_code) if data.industry_code else None
    errors = check_input(actor, data, {region.code: region} if region else {},
                         {industry.code: industry} if industry else {})
    if "credit_code" not in errors:
        existing = session.scalar(
            select(Enterprise).where(Enterprise.credit_code == data.credit_code)
        )
        if existing is not None and existing.id != own_id:
            errors["credit_code"] = _duplicate_message(session, actor, existing)
    if errors:
        raise ValidationError(errors)


def _apply(enterprise: Enterprise, data: EnterpriseInput, region: Region) -> None:
    for name, value in asdict(data).items():
        setattr(enterprise, name, value)
    enterprise.region_path = region.path


def register_enterprise(session: Session, actor: User, data: EnterpriseInput) -> Enterprise:
    """Register one enterprise inside the actor's jurisdiction."""
    if not can_register_enterprise(actor):
        raise PermissionDenied()
    _validate(session, actor, data, own_id=None)
    enterprise = Enterprise()
    _apply(enterprise, data, session.get_one(Region, data.region_code))
    session.add(enterprise)
    session.flush()
    audit.record(session, actor, "enterprise.create", enterprise,
                 f"登记企业“{enterprise.name}”", data=asdict(data))
    return enterprise


def update_enterprise(
    session: Session, actor: User, enterprise: Enterprise, data: EnterpriseInput,
    expected_version: int,
) -> Enterprise:
    """Save an edit, refusing it if someone else saved the record after it was opened."""
    if not can_edit_enterprise(actor, enterprise):
        raise PermissionDenied()
    if enterprise.lock_version != expected_version:
        raise StaleEdit("该企业信息已被他人修改。为避免覆盖他人的修改，本次保存未生效。")
    _validate(session, actor, data, own_id=enterprise.id)
    before = asdict(EnterpriseInput.of(enterprise))
    changed = audit.changes(before, asdict(data))
    if not changed:
        return enterprise
    _apply(enterprise, data, session.get_one(Region, data.region_code))
    session.flush()
    session.expire(enterprise, ["region", "industry"])  # they follow the codes just changed
    labels = "、".join(FIELD_LABELS[k] for k in changed)
    audit.record(session, actor, "enterprise.update", enterprise,
                 f"修改企业“{enterprise.name}”：{labels}", data={"changes": changed})
    return enterprise


def get_enterprise(session: Session, actor: User, enterprise_id: int) -> Enterprise:
    """One enterprise the actor may see, or ``NotFound``."""
    stmt = select(Enterprise).where(Enterprise.id == enterprise_id, visible_enterprises(actor))
    return one_or_404(session, stmt)


@dataclass(frozen=True)
class EnterpriseFilter:
    region_code: str = ""
    industry_code: str = ""
    name: str = ""
    major_hazard: bool = False


def enterprises_query(session: Session, actor: User, flt: EnterpriseFilter) -> Select[Any]:
    """The actor's enterprises narrowed by ``flt``: the list page and its export share it."""
    stmt = select(Enterprise).where(visible_enterprises(actor))
    if flt.region_code and (region := session.get(Region, filter_text(flt.region_code, 12))) is not None:
        stmt = stmt.where(Enterprise.region_path.like(f"{region.path}%"))
    if flt.industry_code:
        stmt = stmt.where(Enterprise.industry_code == filter_text(flt.industry_code, 10))
    if name := filter_text(flt.name):
        stmt = stmt.where(Enterprise.name.contains(name, autoescape=True))
    if flt.major_hazard:
        stmt = stmt.where(Enterprise.major_hazard.is_(True))
    return stmt.order_by(Enterprise.region_path, Enterprise.name, Enterprise.id)
