"""User administration and the audit trail browser (administrators only)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app.admin.forms import AuditFilterForm, ResetPasswordForm, UserForm
from app.admin.lists import AUDIT, USERS, audit_row, audit_table, user_row, user_table
from app.auth.guards import actor, allowed
from app.database import db
from app.downloads import xlsx_response
from app.enterprises.options import county_choices
from app.forms import ActionForm, form_status, options
from app.listing import export_rows, list_page
from core import accounts, audit
from core.audit_verify import verify_chain
from core.db import CHINA_TZ, paginate, utcnow
from core.errors import NotFound
from core.people import ROLE_LABELS, User
from core.permissions import can_browse_audit, can_manage_users
from core.regions import Region, regions_under
from core.text import bounded_date, bounded_int, filter_text

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
@allowed(can_manage_users)
def users() -> str:
    stmt = accounts.users_query(request.args.get("q", ""), request.args.get("role", ""))
    listed = list_page(db(), stmt, USERS, request.args)
    return render_template("admin/users.html", listed=listed, roles=ROLE_LABELS, now=utcnow())


@bp.route("/users/export.xlsx")
@allowed(can_manage_users)
def export_users() -> Response:
    stmt = accounts.users_query(request.args.get("q", ""), request.args.get("role", ""))
    return xlsx_response(user_table(export_rows(db(), stmt, USERS, request.args, user_row)), "用户")


@bp.route("/users/new", methods=["GET", "POST"])
@allowed(can_manage_users)
def new_user() -> str | Response | tuple[str, int]:
    form = UserForm()
    form.region_code.choices = _region_choices()
    if form.validate_on_submit():
        user = accounts.create_user(db(), actor(), form.to_input(), form.password.data or "")
        flash(f"已创建用户 {user.username}。", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), form_status(form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allowed(can_manage_users)
def edit_user(user_id: int) -> str | Response | tuple[str, int]:
    user = _user(user_id)
    form = UserForm(obj=user)
    form.region_code.choices = _region_choices()
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.enterprise_code.data = user.enterprise.credit_code if user.enterprise else ""
    if form.validate_on_submit():
        accounts.update_user(db(), actor(), user, form.to_input())
        flash(f"已保存用户 {user.username}。", "success")
        return redirect(url_for("admin.users"))
    events = paginate(db(), audit.history(user), bounded_int(request.args.get("history"), hi=100_000) or 1, 20)
    return render_template(
        "admin/user_form.html", form=form, user=user, reset_form=ResetPasswordForm(),
        action_form=ActionForm(), events=events, now=utcnow(),
    ), form_status(form)


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@allowed(can_manage_users)
def unlock_user(user_id: int) -> Response:
    user = _user(user_id)
    ActionForm().validated()
    accounts.unlock_user(db(), actor(), user)
    flash(f"已解锁用户 {user.username}。", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), code=303)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@allowed(can_manage_users)
def reset_password(user_id: int) -> Response:
    user = _user(user_id)
    form = ResetPasswordForm().validated()
    accounts.reset_password(db(), actor(), user, form.password.data or "")
    flash(f"已重置用户 {user.username} 的密码，其原有登录已失效。", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), code=303)


def _day_start(day: dt.date | None, offset: int = 0) -> dt.datetime | None:
    """A Beijing calendar day's start, in UTC (the trail stores UTC); odd years are ignored."""
    day = bounded_date(day)
    if day is None:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=offset), dt.time(), CHINA_TZ).astimezone(dt.UTC)


def _audit_filter() -> tuple[AuditFilterForm, audit.AuditFilter]:
    form = AuditFilterForm(request.args)
    form.validate()
    return form, audit.AuditFilter(
        text=filter_text(form.q.data), action=filter_text(form.action.data, 50),
        object_type=filter_text(form.object_type.data, 30), actor=filter_text(form.actor.data),
        since=_day_start(form.date_from.data), until=_day_start(form.date_to.data, offset=1),
    )


@bp.route("/audit")
@allowed(can_browse_audit)
def audit_log() -> str:
    form, flt = _audit_filter()
    listed = list_page(db(), audit.browse(flt), AUDIT, request.args)
    return render_template("admin/audit.html", form=form, listed=listed, verify_form=ActionForm())


@bp.route("/audit/export.xlsx")
@allowed(can_browse_audit)
def export_audit() -> Response:
    _form, flt = _audit_filter()
    return xlsx_response(audit_table(export_rows(db(), audit.browse(flt), AUDIT, request.args, audit_row)), "审计日志")


@bp.route("/audit/verify", methods=["POST"])
@allowed(can_browse_audit)
def verify_audit() -> Response:
    ActionForm().validated()
    report = verify_chain(db())
    if report.ok:
        flash(f"审计链校验通过：共 {report.checked} 条事件，{report.checkpoints} 个检查点均在链中，"
              "未发现篡改或删除。", "success")
    else:
        flash(f"审计链校验未通过：{report.problem}。", "danger")
    return redirect(url_for("admin.audit_log"), code=303)
