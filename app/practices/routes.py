"""Practice pages: the register (一企一册), risk point and check item forms, downloads, the bands.

Each view loads (404 out of scope), guards (403), validates, calls one service, flashes and
redirects; refusals are ``app.errors``' to show. The enterprise page draws the four-colour
summary through :func:`practice_summary`, a template global this blueprint registers.
"""

from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.auth.guards import actor, allowed
from app.database import db
from app.downloads import XLSX, attachment_response
from app.forms import ActionForm, form_status
from app.practices.forms import BandForm, CheckItemForm, RiskPointForm
from app.security import safe_path
from benchmarks import bands as band_rules
from benchmarks import check_items, practices, risk_picture
from benchmarks.grading import FACTORS, REQUIRED_CONTROL, Method, RiskLevel
from benchmarks.models import MeasureKind, RiskPoint
from benchmarks.models.practices import DB37_MEASURES
from core import audit
from core.db import china_today, cn_date, paginate
from core.enterprises import Enterprise
from core.errors import NotFound, StaleEdit
from core.permissions import can_open_enterprises
from core.text import bounded_int
from exports.notification_card import render_cards
from exports.practice_register import (
    render_check_list_docx,
    render_check_list_xlsx,
    render_risk_register_docx,
    render_risk_register_xlsx,
)
from standards.drafting import clauses_using

bp = Blueprint("practices", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NO_BANDS = "风险分级标准由系统管理员维护。"
NOTICE_MEASURES = frozenset(MeasureKind) - DB37_MEASURES
DOCUMENTS = {  # what each download is called, and its type
    "risk-list.xlsx": ("风险分级管控清单", XLSX), "risk-list.docx": ("风险分级管控清单", DOCX),
    "check-list.xlsx": ("隐患排查清单", XLSX), "check-list.docx": ("隐患排查清单", DOCX),
    "cards.docx": ("岗位安全风险告知卡", DOCX),
}
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|]')


def _file(enterprise: Enterprise, title: str, data: bytes, mimetype: str, extension: str) -> Response:
    name = UNSAFE_IN_NAMES.sub("_", enterprise.name)
    return attachment_response(data, f"{name}{title}-{china_today():%Y%m%d}.{extension}", mimetype)


def _back_or(default: str) -> Response:
    return redirect(safe_path(request.form.get("back")) or default, code=303)


@bp.app_template_global()
def practice_summary(enterprise: Enterprise) -> risk_picture.FourColour | None:
    """The four-colour summary for the enterprise page, when the viewer keeps its practices."""
    if not practices.can_manage_practices(actor(), enterprise):
        return None
    return risk_picture.four_colour(db(), enterprise)


bp.add_app_template_global(practices.can_manage_practices, "can_manage_practices")
bp.add_app_template_global(band_rules.can_edit_bands, "can_edit_bands")
bp.add_app_template_filter(practices.plain, "plain")


# --- the register ---------------------------------------------------------------------------


@bp.route("/enterprises/<int:enterprise_id>/practices/")
@allowed(can_open_enterprises)
def register(enterprise_id: int) -> str:
    enterprise = practices.practice_enterprise(db(), actor(), enterprise_id)
    points = practices.risk_points(db(), enterprise)
    return render_template(
        "practices/register.html", enterprise=enterprise, points=points,
        items=check_items.check_items(db(), enterprise), summary=risk_picture.four_colour(db(), enterprise),
        drift=practices.current_levels(db(), enterprise, points), action_form=ActionForm(),
        measure_kinds=list(MeasureKind),
    )


@bp.route("/enterprises/<int:enterprise_id>/practices/<any("
          "'risk-list.xlsx', 'risk-list.docx', 'check-list.xlsx', 'check-list.docx', 'cards.docx'):document>")
@allowed(can_open_enterprises)
def download(enterprise_id: int, document: str) -> Response:
    """The register's lists and the cards of every risk point, as files."""
    enterprise = practices.practice_enterprise(db(), actor(), enterprise_id)
    title, mimetype = DOCUMENTS[document]
    issued = cn_date(china_today())
    points = practices.risk_points(db(), enterprise)
    book = band_rules.band_book(db(), enterprise.industry_code)
    renderers = {
        "risk-list.xlsx": lambda: render_risk_register_xlsx(enterprise, points, book),
        "risk-list.docx": lambda: render_risk_register_docx(enterprise, points, book, issued),
        "check-list.xlsx": lambda: render_check_list_xlsx(enterprise, check_items.check_items(db(), enterprise)),
        "check-list.docx": lambda: render_check_list_docx(enterprise, check_items.check_items(db(), enterprise),
                                                          issued),
        "cards.docx": lambda: render_cards(enterprise, points),
    }
    return _file(enterprise, title, renderers[document](), mimetype, document.rsplit(".", 1)[1])


# --- risk points ----------------------------------------------------------------------------


def _point_page(form: RiskPointForm, enterprise: Enterprise, point: RiskPoint | None) -> tuple[str, int]:
    return render_template(
        "practices/risk_point_form.html", form=form, enterprise=enterprise, point=point, methods=list(Method),
        db37=DB37_MEASURES, notice=NOTICE_MEASURES,
    ), form_status(form)


@bp.route("/enterprises/<int:enterprise_id>/practices/risk-points/new", methods=["GET", "POST"])
@allowed(can_open_enterprises)
def new_risk_point(enterprise_id: int) -> str | Response | tuple[str, int]:
    enterprise = practices.practice_enterprise(db(), actor(), enterprise_id)
    form = RiskPointForm()
    if form.validate_on_submit():
        point = practices.add_risk_point(db(), actor(), enterprise, form.to_input())
        flash(f"已新增风险点“{point.name}”：{practices.outcome_text(point)}。", "success")
        return redirect(url_for("practices.risk_point", risk_point_id=point.id))
    return _point_page(form, enterprise, None)


@bp.route("/practices/risk-points/<int:risk_point_id>")
@allowed(can_open_enterprises)
def risk_point(risk_point_id: int) -> str:
    point = practices.get_risk_point(db(), actor(), risk_point_id)
    now = practices.current_levels(db(), point.enterprise, [point]).get(point.id)
    events = paginate(db(), audit.history(point), bounded_int(request.args.get("history"), hi=100_000) or 1, 20)
    return render_template(
        "practices/risk_point.html", point=point, enterprise=point.enterprise, now=now, events=events,
        factors=FACTORS[point.method], evaluation=practices.evaluation_text(point),
        required=REQUIRED_CONTROL[point.risk_level], measure_kinds=list(MeasureKind), action_form=ActionForm(),
        items=[i for i in check_items.check_items(db(), point.enterprise) if i.risk_point_id == point.id],
        usages=clauses_using(db(), point, actor=actor()),
    )


@bp.route("/practices/risk-points/<int:risk_point_id>/edit", methods=["GET", "POST"])
@allowed(can_open_enterprises)
def edit_risk_point(risk_point_id: int) -> str | Response | tuple[str, int]:
    point = practices.get_risk_point(db(), actor(), risk_point_id)
    form = RiskPointForm(obj=point)
    if request.method == "GET":
        form.fill_from(point)
    if form.validate_on_submit():
        before = point.risk_level
        practices.update_risk_point(db(), actor(), point, form.to_input(), form.expected_version())
        moved = f"（风险等级由{before.label}变为{point.risk_level.label}）" if point.risk_level != before else ""
        flash(f"风险点“{point.name}”已保存：{practices.outcome_text(point)}{moved}。", "success")
        return redirect(url_for("practices.risk_point", risk_point_id=point.id))
    return _point_page(form, point.enterprise, point)


@bp.route("/practices/risk-points/<int:risk_point_id>/delete", methods=["POST"])
@allowed(can_open_enterprises)
def delete_risk_point(risk_point_id: int) -> Response:
    point = practices.get_risk_point(db(), actor(), risk_point_id)
    enterprise_id, name = point.enterprise_id, point.name
    ActionForm().validated()
    practices.delete_risk_point(db(), actor(), point, bounded_int(request.form.get("lock_version"), lo=0) or 0)
    flash(f"已删除风险点“{name}”。", "success")
    return redirect(url_for("practices.register", enterprise_id=enterprise_id), code=303)


@bp.route("/practices/risk-points/<int:risk_point_id>/card.docx")
@allowed(can_open_enterprises)
def card(risk_point_id: int) -> Response:
    point = practices.get_risk_point(db(), actor(), risk_point_id)
    data = render_cards(point.enterprise, [point])
    return _file(point.enterprise, f"告知卡-{point.name}", data, DOCX, "docx")


# --- check items ----------------------------------------------------------------------------


def _item_page(form: CheckItemForm, enterprise: Enterprise, item: object) -> tuple[str, int]:
    return render_template("practices/check_item_form.html", form=form, enterprise=enterprise,
                           item=item), form_status(form)


@bp.route("/enterprises/<int:enterprise_id>/practices/check-items/new", methods=["GET", "POST"])
@allowed(can_open_enterprises)
def new_check_item(enterprise_id: int) -> str | Response | tuple[str, int]:
    enterprise = practices.practice_enterprise(db(), actor(), enterprise_id)
    form = CheckItemForm()
    form.offer_points(practices.risk_points(db(), enterprise))
    if request.method == "GET" and (linked := bounded_int(request.args.get("risk_point"))):
        form.risk_point_id.data = str(linked)
    if form.validate_on_submit():
        item = check_items.add_check_item(db(), actor(), enterprise, form.to_input())
        flash(f"已新增隐患排查项（{item.category.label}）。", "success")
        return redirect(url_for("practices.register", enterprise_id=enterprise.id, _anchor="check-items"))
    return _item_page(form, enterprise, None)


@bp.route("/practices/check-items/<int:check_item_id>/edit", methods=["GET", "POST"])
@allowed(can_open_enterprises)
def edit_check_item(check_item_id: int) -> str | Response | tuple[str, int]:
    item = check_items.get_check_item(db(), actor(), check_item_id)
    form = CheckItemForm(obj=item)
    form.offer_points(practices.risk_points(db(), item.enterprise))
    if request.method == "GET":
        form.fill_from(item)
    if form.validate_on_submit():
        check_items.update_check_item(db(), actor(), item, form.to_input(), form.expected_version())
        flash("隐患排查项已保存。", "success")
        return redirect(url_for("practices.register", enterprise_id=item.enterprise_id, _anchor="check-items"))
    return _item_page(form, item.enterprise, item)


@bp.route("/practices/check-items/<int:check_item_id>/delete", methods=["POST"])
@allowed(can_open_enterprises)
def delete_check_item(check_item_id: int) -> Response:
    item = check_items.get_check_item(db(), actor(), check_item_id)
    enterprise_id = item.enterprise_id
    ActionForm().validated()
    check_items.delete_check_item(db(), actor(), item, bounded_int(request.form.get("lock_version"), lo=0) or 0)
    flash("已删除隐患排查项。", "success")
    return _back_or(url_for("practices.register", enterprise_id=enterprise_id, _anchor="check-items"))


# --- bands (administrators) ---------------------------------------------------------------------


@bp.route("/admin/risk-bands")
@allowed(band_rules.can_edit_bands, NO_BANDS)
def bands() -> str:
    return render_template("practices/bands.html", scopes=band_rules.overview(db()),
                           stale=risk_picture.stale_counts(db()), methods=list(Method), action_form=ActionForm(),
                           describe=band_rules.describe)


@bp.route("/admin/risk-bands/<scope>/<any(ls, lec, mes):method>", methods=["GET", "POST"])
@allowed(band_rules.can_edit_bands, NO_BANDS)
def edit_bands(scope: str, method: str) -> str | Response | tuple[str, int]:
    """One method's table for the default or an industry; 恢复为全省默认 is a second button."""
    industry = band_rules.scope_industry(db(), scope)
    code, chosen = (industry.code if industry else None), Method(method)
    current = band_rules.bands_in_force(db(), code, chosen)
    form = BandForm()
    if request.method == "GET":
        form.fill_from(current)
    if isinstance(form.refusal, StaleEdit):  # compare with the table now in force, then save again
        form.fingerprint.data = band_rules.fingerprint(current)
    if form.validate_on_submit():
        if request.form.get("action") == "reset" and code is not None:
            changed = band_rules.reset_bands(db(), actor(), code, chosen, form.fingerprint.data or "")
            done = "已恢复为全省默认分级标准" if changed else "该行业本来就使用全省默认分级标准"
        else:
            table = band_rules.parse_bands(chosen, form.rows())
            changed = band_rules.set_bands(db(), actor(), code, chosen, table, form.fingerprint.data or "")
            done = "分级标准已保存" if changed else "分级标准没有变化"
        stale = risk_picture.stale_counts(db())
        waiting = sum(stale.values()) if code is None else stale.get(code, 0)
        later = f"现有 {waiting} 个风险点的等级与现行标准不一致，可“按新标准重新分级”。" if waiting else ""
        flash(f"{done}。{later}", "success")
        return redirect(url_for("practices.bands"))
    own = code is None or band_rules.has_own_table(db(), code, chosen)
    return render_template(
        "practices/band_form.html", form=form, industry=industry, method=chosen, current=current, own=own,
        default=band_rules.bands_in_force(db(), None, chosen), describe=band_rules.describe,
        factors=FACTORS[chosen], top=band_rules.max_result(chosen), levels=list(RiskLevel),
    ), form_status(form)


@bp.route("/admin/risk-bands/<scope>/regrade", methods=["POST"])
@allowed(band_rules.can_edit_bands, NO_BANDS)
def regrade(scope: str) -> Response:
    """按新标准重新分级: one industry's risk points, or every industry's (``all``)."""
    code = None if scope == "all" else band_rules.scope_industry(db(), scope)
    if scope != "all" and code is None:
        raise NotFound()
    ActionForm().validated()
    changed = risk_picture.regrade(db(), actor(), code.code if code is not None else None)
    flash(f"已按现行分级标准重新分级 {len(changed)} 个风险点。" if changed else "没有需要重新分级的风险点。", "success")
    return _back_or(url_for("practices.bands"))
