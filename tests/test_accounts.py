"""Sign-in, lockout, passwords and user administration."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from core import accounts
from core.accounts import LoginRefused, UserInput
from core.audit import history
from core.db import utcnow
from core.errors import Conflict, PermissionDenied, ValidationError
from core.people import Role
from tests.factories import PASSWORD, make_enterprise, make_user


def test_the_right_password_signs_in_and_is_recorded(session: Session) -> None:
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    assert accounts.authenticate(session, "wang", PASSWORD) is user
    assert user.last_login_at is not None
    assert history(session, user)[-1].action == "user.login"


def test_an_unknown_user_and_a_wrong_password_look_the_same(session: Session) -> None:
    make_user(session, "wang", Role.BUREAU, region="370303")
    with pytest.raises(LoginRefused) as unknown:
        accounts.authenticate(session, "nobody", PASSWORD)
    with pytest.raises(LoginRefused) as wrong:
        accounts.authenticate(session, "wang", "wrong-password1")
    assert unknown.value.message == "用户名或密码错误"
    assert wrong.value.message.startswith("用户名或密码错误")


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(session: Session) -> None:
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    for attempt in range(1, 5):
        with pytest.raises(LoginRefused, match=f"再错 {5 - attempt} 次"):
            accounts.authenticate(session, "wang", "bad-password1")
    with pytest.raises(LoginRefused, match="已锁定"):
        accounts.authenticate(session, "wang", "bad-password1")
    assert user.locked_until is not None
    assert dt.timedelta(minutes=14) < user.locked_until - utcnow() <= dt.timedelta(minutes=15)
    session.commit()
    session.expire_all()  # read the lock back from the database, as the next request would
    with pytest.raises(LoginRefused, match="已锁定"):  # even the right password waits
        accounts.authenticate(session, "wang", PASSWORD)
    assert [e.action for e in history(session, user)][-1] == "user.lock"


def test_an_expired_lock_lets_the_right_password_in_again(session: Session) -> None:
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    user.failed_logins, user.locked_until = 5, utcnow() - dt.timedelta(seconds=1)
    assert accounts.authenticate(session, "wang", PASSWORD) is user
    assert user.failed_logins == 0 and user.locked_until is None


def test_a_deactivated_account_cannot_sign_in(session: Session) -> None:
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    user.is_active = False
    with pytest.raises(LoginRefused, match="已停用"):
        accounts.authenticate(session, "wang", PASSWORD)


def test_changing_the_password_ends_other_sessions(session: Session) -> None:
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    old_cookie_id = user.get_id()
    accounts.change_password(session, user, PASSWORD, "new-secret-42")
    assert user.get_id() != old_cookie_id
    assert accounts.authenticate(session, "wang", "new-secret-42") is user


@pytest.mark.parametrize(("current", "new", "field", "message"), [
    ("wrong-pass-1", "new-secret-42", "current_password", "当前密码不正确"),
    (PASSWORD, "short1", "new_password", "至少 8 位"),
    (PASSWORD, "onlyletters", "new_password", "字母和数字"),
    (PASSWORD, PASSWORD, "new_password", "不能与当前密码相同"),
])
def test_a_bad_password_change_names_the_field(
    session: Session, current: str, new: str, field: str, message: str
) -> None:
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    with pytest.raises(ValidationError) as refused:
        accounts.change_password(session, user, current, new)
    assert message in refused.value.errors[field]


def test_bureau_users_need_a_region_and_enterprise_users_an_enterprise(session: Session) -> None:
    admin = make_user(session, "root", Role.ADMIN)
    with pytest.raises(ValidationError) as refused:
        accounts.create_user(session, admin, UserInput("lisi", "李", {Role.BUREAU, Role.ENTERPRISE}), "abc12345")
    assert set(refused.value.errors) == {"region_code", "enterprise_code"}


def test_an_administrator_creates_a_user_with_several_roles(session: Session) -> None:
    admin = make_user(session, "root", Role.ADMIN)
    enterprise = make_enterprise(session)
    user = accounts.create_user(session, admin, UserInput(
        "lisi", "李", {Role.EXPERT, Role.ENTERPRISE}, enterprise_code=enterprise.credit_code), "abc12345")
    assert user.roles == {Role.EXPERT, Role.ENTERPRISE} and user.enterprise_id == enterprise.id
    assert user.password_hash.startswith("scrypt:")
    assert history(session, user)[0].actor_id == admin.id


def test_usernames_are_unique_regardless_of_case(session: Session) -> None:
    admin = make_user(session, "root", Role.ADMIN)
    with pytest.raises(ValidationError, match="已被使用"):
        accounts.create_user(session, admin, UserInput("ROOT", "重名", {Role.EXPERT}), "abc12345")


def test_only_administrators_manage_users(session: Session) -> None:
    official = make_user(session, "wang", Role.BUREAU, region="370000")
    with pytest.raises(PermissionDenied):
        accounts.create_user(session, official, UserInput("lisi", "李", {Role.EXPERT}), "abc12345")


def test_an_administrator_cannot_lock_themselves_out(session: Session) -> None:
    admin = make_user(session, "root", Role.ADMIN)
    with pytest.raises(Conflict):
        accounts.update_user(session, admin, admin, UserInput("root", "root", {Role.EXPERT}))


def test_unlock_and_reset_are_recorded(session: Session) -> None:
    admin = make_user(session, "root", Role.ADMIN)
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    user.failed_logins, user.locked_until = 5, utcnow() + dt.timedelta(minutes=10)
    accounts.unlock_user(session, admin, user)
    accounts.reset_password(session, admin, user, "reset-pass-9")
    assert not user.is_locked(utcnow())
    assert [e.action for e in history(session, user)][-2:] == ["user.unlock", "user.reset_password"]
