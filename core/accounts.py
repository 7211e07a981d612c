"""Account services: sign-in with lockout, passwords, and user administration.

Passwords are stored as scrypt hashes (Werkzeug). Ten wrong passwords in a row lock the
account for fifteen minutes; the lock, like every account change, is audited. Every
refused sign-in reads the same, so the page tells an attacker nothing about accounts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from core import audit
from core.db import CHINA_TZ, utcnow
from core.enterprises import Enterprise
from core.errors import Conflict, PermissionDenied, ValidationError
from core.people import Role, User, UserRole, new_session_token
from core.permissions import can_manage_users
from core.regions import Region, RegionLevel
from core.text import Text, clean_all, filter_text, normalise

# An account locks after this many wrong passwords in a row, from any clients. One client
# is throttled long before that (per-client limits in the web layer), so locking someone
# else out takes several clients, not five requests.
MAX_FAILED_LOGINS = 10
LOCK_DURATION = dt.timedelta(minutes=15)
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,50}$")
# A hash to check against when the username is unknown, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")
BUREAU_LEVELS = (RegionLevel.PROVINCE.value, RegionLevel.CITY.value, RegionLevel.COUNTY.value)
# One answer for every refusal: unknown user, wrong password, locked or disabled account.
SIGN_IN_REFUSED = "用户名或密码错误，或账户已被锁定、停用。连续多次错误后账户将被暂时锁定，如需帮助请联系系统管理员。"

UnitOfWork = Callable[[], AbstractContextManager[Session]]


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_problem(password: str) -> str | None:
    """Why a new password is too weak, or None."""
    if len(password) < 8:
        return "密码至少 8 位"
    if len(password) > 128:
        return "密码不能超过 128 位"
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in password):
        return "密码不能包含控制字符或不可见字符"  # no one could type it at the sign-in page
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        return "密码须同时包含字母和数字"
    return None


class LoginRefused(Exception):
    """Sign-in failed; ``message`` is what the login page shows (always the same words)."""

    def __init__(self, message: str = SIGN_IN_REFUSED) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class _Attempt:
    user_id: int
    failures: int  # counting this attempt
    password_hash: str
    locked: bool


def _reserve_attempt(session: Session, username: str, now: dt.datetime) -> _Attempt | None:
    """Count this attempt *before* the password is checked, in one atomic statement.

    Forty parallel guesses each get their own number, so no more than the limit are ever
    checked against the hash; an expired lock starts the count afresh.
    """
    expired = User.locked_until.is_not(None) & (User.locked_until <= now)
    row = session.execute(
        update(User)
        .where(User.username == username, User.is_active.is_(True))
        .values(
            failed_logins=case((expired, 1), else_=User.failed_logins + 1),
            locked_until=case((expired, None), else_=User.locked_until),
        )
        .returning(User.id, User.failed_logins, User.password_hash, User.locked_until)
    ).one_or_none()
    if row is None:
        return None
    user_id, failures, password_hash, locked_until = row
    locked = (locked_until is not None and locked_until > now) or failures > MAX_FAILED_LOGINS
    return _Attempt(user_id, failures, password_hash, locked)


def authenticate(transactions: UnitOfWork, username: str, password: str) -> User:
    """Check a password, counting failures and locking the account after too many.

    The count and its audit events are written in short transactions of their own
    (``transactions`` opens one), so they stand whatever the request does next, and no
    lock is held while the deliberately slow password hash is computed.
    """
    name = normalise(username)
    now = utcnow()
    attempt = None
    if USERNAME.match(name):
        with transactions() as session:
            attempt = _reserve_attempt(session, name, now)
    if attempt is None or attempt.locked:
        check_password_hash(_DUMMY_HASH, password)  # the same cost on every path
        raise LoginRefused()
    good = check_password_hash(attempt.password_hash, password)
    with transactions() as session:
        user = session.get_one(User, attempt.user_id)
        if good:
            user.failed_logins, user.last_login_at = 0, now
            audit.record(session, user, "user.login", user, f"{user.display_name} 登录")
            return user
        if attempt.failures >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCK_DURATION
            audit.record(session, None, "user.lock", user,
                         f"账户 {user.username} 连续 {attempt.failures} 次密码错误，已锁定 15 分钟")
        else:
            audit.record(session, None, "user.login_failed", user,
                         f"账户 {user.username} 登录失败（连续第 {attempt.failures} 次密码错误）")
    raise LoginRefused()


def locked_message(user: User) -> str:
    """What an administrator reads about a locked account."""
    assert user.locked_until is not None
    until = user.locked_until.astimezone(CHINA_TZ).strftime("%H:%M")
    return f"账户已锁定至 {until}"


def sign_out(session: Session, user: User) -> None:
    """End the user's sessions server-side: a copied cookie stops working too."""
    user.session_token = new_session_token()
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


USER_TEXT = {
    "username": Text("用户名", 50, required=True),
    "display_name": Text("姓名", 50, required=True),
    "phone": Text("联系电话", 30),
    "enterprise_code": Text("所属企业统一社会信用代码", 18),
}
PHONE = re.compile(r"^[0-9+\-() ]{7,20}$")


@dataclass
class UserInput:
    username: str
    display_name: str
    roles: set[Role]
    region_code: str | None = None
    enterprise_code: str | None = None  # the enterprise's 统一社会信用代码
    phone: str | None = None
    is_active: bool = True


def _username_problem(session: Session, username: str, own_id: int | None) -> str | None:
    if not USERNAME.match(username):
        return "用户名应为 3–50 位字母、数字、下划线、点或短横线"
    taken = select(User.id).where(func.lower(User.username) == username.lower(), User.id != (own_id or 0))
    if session.scalar(taken):
        return f"用户名“{username}”已被使用"
    return None


def _check_user(session: Session, data: UserInput, own_id: int | None) -> int | None:
    """Validate ``data``; returns the id of the user's enterprise, if any."""
    enterprise_id = None
    cleaned, errors = clean_all(vars(data), USER_TEXT)
    data.username, data.display_name = cleaned.get("username", ""), cleaned.get("display_name", "")
    data.phone = cleaned.get("phone", "")
    if "username" not in errors and (why := _username_problem(session, data.username, own_id)):
        errors["username"] = why
    if "phone" not in errors and data.phone and not PHONE.match(data.phone):
        errors["phone"] = "联系电话格式不正确（应为 7–20 位数字，可含 -、+、括号）"
    if not data.roles:
        errors["roles"] = "请至少选择一个角色"
    if Role.BUREAU in data.roles:
        data.region_code = filter_text(data.region_code, 12) or None  # a code, never text: nothing odd reaches SQL
        region = session.get(Region, data.region_code) if data.region_code else None
        if region is None:
            errors["region_code"] = "监管部门用户须选择所属地区"
        elif region.level not in BUREAU_LEVELS:
            errors["region_code"] = "所属地区应为省、市或区县一级"
    else:
        data.region_code = None
    if Role.ENTERPRISE in data.roles:
        code = filter_text(data.enterprise_code, 18).upper()
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
    if q := filter_text(text):
        stmt = stmt.where(User.username.contains(q, autoescape=True)
                          | User.display_name.contains(q, autoescape=True))
    if role in Role.__members__.values():
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    return stmt.order_by(User.username)
