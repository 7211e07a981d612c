"""Sign-in, lockout, passwords and user administration."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from core import accounts
from core.accounts import LoginRefused, UserInput
from core.db import utcnow
from core.errors import Conflict, PermissionDenied, ValidationError
from core.people import Role
from tests.factories import PASSWORD, make_enterprise, make_user, trail


def test_the_right_password_signs_in_and_is_recorded(session: Session, transactions) -> None:
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    signed_in = accounts.authenticate(transactions, "wang", PASSWORD)
    assert signed_in.id == user.id and signed_in.last_login_at is not None
    assert trail(session, user)[-1].action == "user.login"


@pytest.mark.parametrize("case", ["unknown user", "wrong password", "locked", "deactivated"])
def test_every_refused_sign_in_reads_the_same(session: Session, transactions, case: str) -> None:
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    username, password = "wang", PASSWORD
    if case == "unknown user":
        username = "nobody"
    elif case == "wrong password":
        password = "wrong-password1"
    elif case == "locked":
        user.locked_until = utcnow() + dt.timedelta(minutes=10)
    else:
        user.is_active = False
    session.flush()
    with pytest.raises(LoginRefused) as refused:
        accounts.authenticate(transactions, username, password)
    assert refused.value.message == accounts.SIGN_IN_REFUSED


def test_ten_wrong_passwords_lock_the_account_for_fifteen_minutes(session: Session, transactions) -> None:
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(LoginRefused):
            accounts.authenticate(transactions, "wang", "bad-password1")
    session.expire_all()  # read the count and the lock back, as the next request would
    assert user.failed_logins == accounts.MAX_FAILED_LOGINS
    assert user.locked_until is not None
    assert dt.timedelta(minutes=14) < user.locked_until - utcnow() <= dt.timedelta(minutes=15)
    with pytest.raises(LoginRefused):  # even the right password waits
        accounts.authenticate(transactions, "wang", PASSWORD)
    actions = [e.action for e in trail(session, user)]
    assert actions.count("user.login_failed") == accounts.MAX_FAILED_LOGINS - 1
    assert actions[-1] == "user.lock" and "user.login" not in actions


def test_a_guess_while_locked_is_not_checked_against_the_hash(session: Session, transactions, monkeypatch) -> None:
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    user.failed_logins, user.locked_until = accounts.MAX_FAILED_LOGINS, utcnow() + dt.timedelta(minutes=5)
    session.flush()
    checked: list[str] = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))
    with pytest.raises(LoginRefused):
        accounts.authenticate(transactions, "wang", PASSWORD)
    assert checked == [accounts._DUMMY_HASH]  # only the decoy, for equal timing


def test_an_expired_lock_lets_the_right_password_in_again(session: Session, transactions) -> None:
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    user.failed_logins, user.locked_until = 10, utcnow() - dt.timedelta(seconds=1)
    session.flush()
    accounts.authenticate(transactions, "wang", PASSWORD)
    session.expire_all()
    assert user.failed_logins == 0 and user.locked_until is None


def test_signing_out_ends_every_session_of_the_user(session: Session) -> None:
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    cookie_id = user.get_id()
    accounts.sign_out(session, user)
    assert user.get_id() != cookie_id
    assert trail(session, user)[-1].action == "user.logout"


def test_changing_the_password_ends_other_sessions(session: Session, transactions) -> None:
    user = make_user(session, "wang", Role.BUREAU, region="370303")
    old_cookie_id = user.get_id()
    accounts.change_password(session, user, PASSWORD, "new-secret-42")
    session.flush()
    assert user.get_id() != old_cookie_id
    assert accounts.authenticate(transactions, "wang", "new-secret-42").id == user.id


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
    assert trail(session, user)[0].actor_id == admin.id


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
    assert [e.action for e in trail(session, user)][-2:] == ["user.unlock", "user.reset_password"]
