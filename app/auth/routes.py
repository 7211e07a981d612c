"""Sign in, sign out, change one's password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.auth.forms import LoginForm, PasswordForm
from app.auth.guards import actor
from app.database import db, short_transaction
from app.forms import form_status
from app.security import safe_path
from core import accounts
from core.text import filter_text

bp = Blueprint("auth", __name__)
REFUSED = 401  # a refused sign-in; only these count against the per-client limits


def _client_and_account() -> str:
    """One client guessing at one account: throttled long before the account would lock."""
    return f"{get_remote_address()}|{filter_text(request.form.get('username'), 50).lower()}"


def _refused(response: Response) -> bool:
    return response.status_code == REFUSED


# Applied by ``app.security.init_rate_limits`` when the app is built.
RATE_LIMITS = {
    "auth.login": [
        {"limit_value": "5 per 15 minutes", "key_func": _client_and_account, "methods": ["POST"],
         "deduct_when": _refused,
         "error_message": "该账户在本机的登录尝试过于频繁，请 15 分钟后再试；如忘记密码请联系系统管理员。"},
        {"limit_value": "30 per minute", "methods": ["POST"], "error_message": "登录请求过于频繁，请稍后再试。"},
    ],
}


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(short_transaction, form.username.data or "", form.password.data or "")
        except accounts.LoginRefused as refused:
            form.password.errors = [refused.message]
            return render_template("auth/login.html", form=form), REFUSED
        session.clear()  # a fresh session id on every sign-in
        login_user(user)
        session.permanent = True
        flash(f"欢迎，{user.display_name}。", "success")
        return redirect(safe_path(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/login.html", form=form), form_status(form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    accounts.sign_out(db(), actor())
    logout_user()
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response | tuple[str, int]:
    form = PasswordForm()
    if form.validate_on_submit():
        accounts.change_password(db(), actor(), form.current_password.data or "", form.new_password.data or "")
        login_user(actor())  # the token changed: keep this session, end the others
        flash("密码已修改。其他设备上的登录已失效。", "success")
        return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form), form_status(form)
