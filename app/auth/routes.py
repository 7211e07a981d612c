"""Sign in, sign out, change one's password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.auth.forms import LoginForm, PasswordForm
from app.auth.guards import actor
from app.database import db
from app.forms import show_errors
from core import accounts
from core.errors import ValidationError

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a ``next`` that stays on this site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(db(), form.username.data or "", form.password.data or "")
        except accounts.LoginRefused as refused:
            # 200, not 4xx: the failure count and any lock must be committed.
            form.password.errors = [refused.message]
            return render_template("auth/login.html", form=form)
        session.clear()  # a fresh session id on every sign-in
        login_user(user)
        session.permanent = True
        flash(f"欢迎，{user.display_name}。", "success")
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    accounts.record_logout(db(), actor())
    logout_user()
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response | tuple[str, int]:
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(db(), actor(), form.current_password.data or "",
                                     form.new_password.data or "")
        except ValidationError as exc:
            show_errors(form, exc)
            return render_template("auth/password.html", form=form), 422
        login_user(actor())  # the token changed: keep this session, end the others
        flash("密码已修改。其他设备上的登录已失效。", "success")
        return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200
