"""The administrator's lists: users and the audit trail, on the page and exported."""

from __future__ import annotations

from typing import Any

from app.listing import Column, Listing
from core.audit import AuditEvent
from core.db import CHINA_TZ
from core.people import User
from exports.xlsx import render_table

USERS = Listing(
    columns=(
        Column("username", "用户名", User.username),
        Column("name", "姓名", User.display_name),
        Column("roles", "角色"),
        Column("affiliation", "所属"),
        Column("active", "状态", User.is_active),
        Column("last_login", "最后登录", User.last_login_at),
    ),
    default="username",
    tiebreak=User.id,
)
AUDIT = Listing(
    columns=(
        Column("seq", "#", AuditEvent.seq, numeric=True),
        Column("time", "时间", AuditEvent.occurred_at),
        Column("actor", "操作人", AuditEvent.actor_name),
        Column("action", "操作", AuditEvent.action),
        Column("object", "对象", AuditEvent.object_type),
        Column("summary", "摘要"),
        Column("reason", "理由"),
    ),
    default="-seq",
    tiebreak=AuditEvent.id,
)


def _time(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(CHINA_TZ).strftime(fmt) if value else ""


def user_row(u: User) -> list[Any]:
    status = "正常" if u.is_active else "已停用"
    return [u.username, u.display_name, u.role_labels, u.affiliation, status, _time(u.last_login_at)]


def audit_row(ev: AuditEvent) -> list[Any]:
    return [ev.seq, _time(ev.occurred_at, "%Y-%m-%d %H:%M:%S"), ev.actor_name, ev.action_label,
            f"{ev.object_label} {ev.object_id}", ev.summary, ev.reason or ""]


def user_table(rows: list[list[Any]]) -> bytes:
    return render_table("用户", [c.label for c in USERS.columns], rows)


def audit_table(rows: list[list[Any]]) -> bytes:
    return render_table("审计日志", [c.label for c in AUDIT.columns], rows)
