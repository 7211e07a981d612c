"""Hidden-danger check items (隐患排查项): what an enterprise checks, against which clause, how often.

Kept by the same people as its risk points (:func:`benchmarks.practices.can_manage_practices`);
an item may name one of the enterprise's own risk points (关联风险点). Each change is one
audit event under the enterprise; edits carry the version they were made on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.grading import ControlLevel
from benchmarks.models import CheckCategory, CheckFrequency, CheckItem, RiskPoint
from benchmarks.practices import NO_RIGHT, STALE, can_manage_practices, refuse_if_referred
from core import audit
from core.enterprises import Enterprise
from core.errors import PermissionDenied, StaleEdit, ValidationError
from core.people import User
from core.scope import one_or_404, visible_enterprises
from core.text import Text, clean_all

CHECK_TEXT = {
    "content": Text("排查内容", 1000, required=True, multiline=True),
    "basis": Text("排查依据", 300),
}
CHECK_LABELS = {"content": "排查内容", "basis": "排查依据", "frequency": "排查频次", "category": "类别",
                "check_level": "排查层级", "risk_point": "关联风险点"}

audit.name_things(
    objects={"check_item": "隐患排查项"},
    actions={"check_item.create": "新增隐患排查项", "check_item.update": "修改隐患排查项",
             "check_item.delete": "删除隐患排查项"},
)


def get_check_item(session: Session, actor: User, check_item_id: int) -> CheckItem:
    stmt = select(CheckItem).join(CheckItem.enterprise).where(CheckItem.id == check_item_id,
                                                             visible_enterprises(actor))
    item: CheckItem = one_or_404(session, stmt)
    if not can_manage_practices(actor, item.enterprise):
        raise PermissionDenied(NO_RIGHT)
    return item


def check_items(session: Session, enterprise: Enterprise) -> list[CheckItem]:
    """现场类 first, then 基础管理类, each as entered."""
    stmt = (select(CheckItem).where(CheckItem.enterprise_id == enterprise.id)
            .order_by(CheckItem.category.desc(), CheckItem.id))
    return list(session.scalars(stmt))


@dataclass
class CheckItemInput:
    content: str = ""
    basis: str = ""
    frequency: str = ""
    category: str = ""
    check_level: str = ""
    risk_point_id: int | None = None


def _check_item(session: Session, enterprise: Enterprise, data: CheckItemInput) -> dict[str, Any]:
    texts, errors = clean_all(vars(data), CHECK_TEXT)
    values: dict[str, Any] = dict(texts)
    for name, enum_type, message in (
        ("frequency", CheckFrequency, "请选择排查频次"),
        ("category", CheckCategory, "请选择类别（现场类或基础管理类）"),
        ("check_level", ControlLevel, "请选择排查层级"),
    ):
        try:
            values[name] = enum_type(str(getattr(data, name)))
        except ValueError:
            errors[name] = message
    values["risk_point"] = None
    if data.risk_point_id:
        point = session.get(RiskPoint, data.risk_point_id)
        if point is None or point.enterprise_id != enterprise.id:
            errors["risk_point_id"] = "关联风险点不存在或不属于本企业"
        values["risk_point"] = point
    if errors:
        raise ValidationError(errors)
    return values


def _item_snapshot(item: CheckItem) -> dict[str, str]:
    return {"content": item.content, "basis": item.basis, "frequency": item.frequency.label,
            "category": item.category.label, "check_level": item.check_level.label,
            "risk_point": item.risk_point.name if item.risk_point else ""}


def add_check_item(session: Session, actor: User, enterprise: Enterprise, data: CheckItemInput) -> CheckItem:
    if not can_manage_practices(actor, enterprise):
        raise PermissionDenied(NO_RIGHT)
    item = CheckItem(enterprise=enterprise, **_check_item(session, enterprise, data))
    session.add(item)
    session.flush()
    audit.record(session, actor, "check_item.create", item,
                 f"新增隐患排查项（{item.category.label}）：{_short(item.content)}", data=_item_snapshot(item))
    return item


def update_check_item(session: Session, actor: User, item: CheckItem, data: CheckItemInput,
                      expected_version: int) -> CheckItem:
    if not can_manage_practices(actor, item.enterprise):
        raise PermissionDenied(NO_RIGHT)
    if item.lock_version != expected_version:
        raise StaleEdit(STALE)
    values = _check_item(session, item.enterprise, data)
    before = _item_snapshot(item)
    for name, value in values.items():
        setattr(item, name, value)
    changed = audit.changes(before, _item_snapshot(item))
    if not changed:
        return item
    session.flush()
    audit.record(session, actor, "check_item.update", item,
                 f"修改隐患排查项“{_short(item.content)}”：{'、'.join(CHECK_LABELS[k] for k in changed)}",
                 data={"changes": changed})
    return item


def delete_check_item(session: Session, actor: User, item: CheckItem, expected_version: int) -> None:
    if not can_manage_practices(actor, item.enterprise):
        raise PermissionDenied(NO_RIGHT)
    if item.lock_version != expected_version:
        raise StaleEdit(STALE)
    refuse_if_referred(session, item)
    audit.record(session, actor, "check_item.delete", item, f"删除隐患排查项“{_short(item.content)}”",
                 data=_item_snapshot(item))
    session.delete(item)
    session.flush()


def _short(text: str, length: int = 40) -> str:
    line = text.split("\n", 1)[0]
    return line if len(line) <= length else line[: length - 1] + "…"
