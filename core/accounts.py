"""Account services: sign-in with lockout, passwords, and user administration.

Passwords are stored as scrypt hashes (Werkzeug). Five wrong passwords in a row lock
the account for fifteen minutes; the lock, like every account change, is audited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from core import audit
from core.db import CHINA_TZ, utcnow
from core.enterprises import Enterprise
from core.errors import Conflict, PermissionDenied, ValidationError
from core.people import Role, User, UserRole, new_session_token
from core.permissions import can_manage_users
from core.regions import Region, RegionLevel

MAX_FAILED_LOGINS = 5
LOCK_DURATION = dt.timedelta(minutes=15)
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,50}$")
# A hash to check against when the username is unknown, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")
BUREAU_LEVELS = (RegionLevel.PROVINCE.value, RegionLevel.CITY.value, RegionLevel.COUNTY.value)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_problem(password: str) -> str | None:
    """Why a new password is too weak, or None."""
    if len(password) < 8:
        return "密码至少 8 位"
    if len(password) > 128:
        return "密码不能超过 128 位"
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        return "密码须同时包含字母和数字"
    return None


class LoginRefused(Exception):
    """Sign-in failed; ``message`` is what the login page shows."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def authenticate(session: Session, username: str, password: str) -> User:
    """Check a password, counting failures and locking the account after too many."""
    now = utcnow()
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise LoginRefused("用户名或密码错误")
    if not user.is_active:
        check_password_hash(_DUMMY_HASH, password)
        raise LoginRefused("该账户已停用，请联系系统管理员")
    if user.is_locked(now):
        raise LoginRefused(_locked_message(user))
    if user.locked_until is not None:  # an expired lock starts a fresh count
        user.locked_until, user.failed_logins = None, 0
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCK_DURATION
            audit.record(session, None, "user.lock", user,
                         f"账户 {user.username} 连续 {user.failed_logins} 次密码错误，已锁定 15 分钟")
            raise LoginRefused(_locked_message(user))
        audit.record(session, None, "user.login_failed", user,
                     f"账户 {user.username} 登录失败（连续第 {user.failed_logins} 次密码错误）")
        left = MAX_FAILED_LOGINS - user.failed_logins
        raise LoginRefused(f"用户名或密码错误（再错 {left} 次账户将被锁定 15 分钟）")
    user.failed_logins = 0
    user.last_login_at = now
    audit.record(session, user, "user.login", user, f"{user.display_name} 登录")
    return user


def _locked_message(user: User) -> str:
    assert user.locked_until is not None
    until = user.locked_until.astimezone(CHINA_TZ).strftime("%H:%M")
    return f"密码错误次数过多，账户已锁定，请于 {until} 后再试或联系系统管理员解锁"


def record_logout(session: Session, user: User) -> None:
    audit.record(session, user, "user.logout", user, f"{user.display_name} 退出登录")


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change one's own password; other signed-in sessions of the user end."""
    if not check_password_hash(user.password_hash, current):
        raise ValidationError({"current_password": "当前密码不正确"})
    if why := password_problem(new):
        raise ValidationError({"new_password": why})
    if check_password_hash(user.password_hash, new):
        raise ValidationError({"new_password": "新密码不能与当前密码相同"})
    _set_password(user, new)
    audit.record(session, user, "user.password", user, f"{user.display_name} 修改了密码")


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.session_token = new_session_token()


@dataclass
class UserInput:
    username: str
    display_name: str
    roles: set[Role]
    region_code: str | None = None
    enterprise_code: str | None = None  # the enterprise's 统一社会信用代码
    phone: str | None = None
    is_active: bool = True


def _check_user(session: Session, data: UserInput, own_id: int | None) -> int | None:
    """Validate ``data``; returns the id of the user's enterprise, if any."""
    errors: dict[str, str] = {}
    enterprise_id = None
    data.username = data.username.strip()
    data.display_name = data.display_name.strip()
    if not USERNAME.match(data.username):
        errors["username"] = "用户名应为 3–50 位字母、数字、下划线、点或短横线"
    elif session.scalar(
        select(User.id).where(func.lower(User.username) == data.username.lower(), User.id != (own_id or 0))
    ):
        errors["username"] = f"用户名“{data.username}”已被使用"
    if not data.display_name:
        errors["display_name"] = "请填写姓名"
    if not data.roles:
        errors["roles"] = "请至少选择一个角色"
    if Role.BUREAU in data.roles:
        region = session.get(Region, data.region_code) if data.region_code else None
        if region is None:
            errors["region_code"] = "监管部门用户须选择所属地区"
        elif region.level not in BUREAU_LEVELS:
            errors["region_code"] = "所属地区应为省、市或区县一级"
    else:
        data.region_code = None
    if Role.ENTERPRISE in data.roles:
        code = (data.enterprise_code or "").strip().upper()
        enterprise_id = session.scalar(select(Enterprise.id).where(Enterprise.credit_code == code))
        if not code:
            errors["enterprise_code"] = "企业用户须填写所属企业的统一社会信用代码"
        elif enterprise_id is None:
            errors["enterprise_code"] = f"找不到统一社会信用代码为 {code} 的企业"
    if errors:
        raise ValidationError(errors)
    return enterprise_id


def _set_roles(user: User, roles: Iterable[Role]) -> None:
    wanted = set(roles)
    user.role_rows = [row for row in user.role_rows if Role(row.role) in wanted]
    have = user.roles
    user.role_rows.extend(UserRole(role=role.value) for role in wanted - have)


def create_user(session: Session, actor: User | None, data: UserInput, password: str) -> User:
    """Create an account. ``actor`` None means the command line (the operator)."""
    if actor is not None and not can_manage_users(actor):
        raise PermissionDenied()
    enterprise_id = _check_user(session, data, own_id=None)
    if why := password_problem(password):
        raise ValidationError({"password": why})
    user = User(
        username=data.username, display_name=data.display_name, region_code=data.region_code,
        enterprise_id=enterprise_id, phone=data.phone, is_active=data.is_active,
        password_hash=hash_password(password),
    )
    _set_roles(user, data.roles)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", user,
                 f"创建用户 {user.username}（{user.display_name}）",
                 data={"roles": sorted(data.roles), "region": data.region_code,
                       "enterprise_id": enterprise_id})
    return user


def update_user(session: Session, actor: User, user: User, data: UserInput) -> User:
    if not can_manage_users(actor):
        raise PermissionDenied()
    if user.id == actor.id and (Role.ADMIN not in data.roles or not data.is_active):
        raise Conflict("不能停用自己的账户或取消自己的管理员角色")
    enterprise_id = _check_user(session, data, own_id=user.id)
    before = _snapshot(user)
    user.username, user.display_name = data.username, data.display_name
    user.region_code, user.enterprise_id = data.region_code, enterprise_id
    user.phone, user.is_active = data.phone, data.is_active
    _set_roles(user, data.roles)
    if not user.is_active:
        user.session_token = new_session_token()
    session.flush()
    session.refresh(user)
    after = _snapshot(user)
    if changed := audit.changes(before, after):
        audit.record(session, actor, "user.update", user, f"修改用户 {user.username}",
                     data={"changes": changed})
    return user


def _snapshot(user: User) -> dict[str, object]:
    return {
        "username": user.username, "display_name": user.display_name,
        "roles": sorted(user.roles), "region": user.region_code,
        "enterprise_id": user.enterprise_id, "phone": user.phone, "active": user.is_active,
    }


def unlock_user(session: Session, actor: User, user: User) -> None:
    if not can_manage_users(actor):
        raise PermissionDenied()
    user.locked_until, user.failed_logins = None, 0
    audit.record(session, actor, "user.unlock", user, f"解锁用户 {user.username}")


def reset_password(session: Session, actor: User, user: User, password: str) -> None:
    """An administrator sets a new password for someone (who should then change it)."""
    if not can_manage_users(actor):
        raise PermissionDenied()
    if why := password_problem(password):
        raise ValidationError({"password": why})
    _set_password(user, password)
    user.locked_until, user.failed_logins = None, 0
    audit.record(session, actor, "user.reset_password", user, f"重置用户 {user.username} 的密码")


def users_query(text: str = "", role: str = "") -> Select[tuple[User]]:
    """Accounts for the administrator's list, by name or username and role."""
    stmt = select(User)
    if text.strip():
        q = text.strip()
        stmt = stmt.where(User.username.contains(q, autoescape=True)
                          | User.display_name.contains(q, autoescape=True))
    if role in Role.__members__.values():
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    return stmt.order_by(User.username)
