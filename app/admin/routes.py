"""User administration and the audit trail browser (administrators only)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app.admin.forms import AuditFilterForm, ResetPasswordForm, UserForm
from app.auth.guards import actor, roles_required
from app.database import db
from app.enterprises.options import county_choices
from app.forms import ActionForm, form_status, options, show_errors
from core import accounts, audit
from core.db import CHINA_TZ, paginate, utcnow
from core.errors import Conflict, NotFound, ValidationError
from core.people import ROLE_LABELS, Role, User
from core.regions import Region, regions_under

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user(user_id: int) -> User:
    user = db().get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def _region_choices() -> list[SelectChoice]:
    province = db().get_one(Region, "370000")
    levels = [(r.code, r.name) for r in regions_under(db(), province, ("province", "city"))]
    return [*options([("", "（不属于监管部门）")]), *options(levels, "省、市"), *county_choices(db(), actor())]


@bp.route("/users")
@roles_required(Role.ADMIN)
def users() -> str:
    stmt = accounts.users_query(request.args.get("q", ""), request.args.get("role", ""))
    page = paginate(db(), stmt, request.args.get("page", 1, type=int), 50)
    return render_template("admin/users.html", page=page, roles=ROLE_LABELS, now=utcnow())


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user() -> str | Response | tuple[str, int]:
    form = UserForm()
    form.region_code.choices = _region_choices()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(db(), actor(), form.to_input(), form.password.data or "")
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(f"已创建用户 {user.username}。", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), form_status(form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int) -> str | Response | tuple[str, int]:
    user = _user(user_id)
    form = UserForm(obj=user)
    form.region_code.choices = _region_choices()
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.enterprise_code.data = user.enterprise.credit_code if user.enterprise else ""
    if form.validate_on_submit():
        try:
            accounts.update_user(db(), actor(), user, form.to_input())
        except (ValidationError, Conflict) as exc:
            if isinstance(exc, ValidationError):
                show_errors(form, exc)
            else:
                form.form_errors.append(exc.message)
        else:
            flash(f"已保存用户 {user.username}。", "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html", form=form, user=user, reset_form=ResetPasswordForm(),
        action_form=ActionForm(), events=audit.history(db(), user), now=utcnow(),
    ), form_status(form)


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@roles_required(Role.ADMIN)
def unlock_user(user_id: int) -> Response:
    user = _user(user_id)
    if ActionForm().validate_on_submit():
        accounts.unlock_user(db(), actor(), user)
        flash(f"已解锁用户 {user.username}。", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_password(user_id: int) -> Response:
    user = _user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(db(), actor(), user, form.password.data or "")
        except ValidationError as exc:
            db().rollback()
            flash(exc.message, "danger")
        else:
            flash(f"已重置用户 {user.username} 的密码，其原有登录已失效。", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


def _day_start(day: dt.date | None, offset: int = 0) -> dt.datetime | None:
    """A Beijing calendar day's start, in UTC (the trail stores UTC)."""
    if day is None:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=offset), dt.time(), CHINA_TZ).astimezone(dt.UTC)


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit_log() -> str:
    form = AuditFilterForm(request.args)
    form.validate()
    flt = audit.AuditFilter(
        text=form.q.data or "", action=form.action.data or "", object_type=form.object_type.data or "",
        actor=form.actor.data or "", since=_day_start(form.date_from.data),
        until=_day_start(form.date_to.data, offset=1),
    )
    page = paginate(db(), audit.browse(flt), request.args.get("page", 1, type=int), 50)
    return render_template("admin/audit.html", form=form, page=page, verify_form=ActionForm())


@bp.route("/audit/verify", methods=["POST"])
@roles_required(Role.ADMIN)
def verify_audit() -> Response:
    if ActionForm().validate_on_submit():
        report = audit.verify_chain(db())
        if report.ok:
            flash(f"审计链校验通过：共 {report.checked} 条事件，未发现篡改或删除。", "success")
        else:
            flash(f"审计链校验未通过：{report.problem}。", "danger")
    return redirect(url_for("admin.audit_log"))
