"""Registry pages. Each view: load (404), guard (403), validate, one service, redirect."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from app.auth.guards import actor, allowed
from app.database import db
from app.downloads import xlsx_response
from app.enterprises.forms import EnterpriseForm, ImportForm
from app.enterprises.options import fill_choices, region_filter_choices
from app.forms import form_status
from app.listing import EXPORT_LIMIT, Column, Listing, list_page
from benchmarks.queries import open_campaigns, selected_benchmarks
from core import audit, registry
from core.db import paginate
from core.enterprise_import import ImportRejected, ImportResult, import_enterprises
from core.enterprises import Enterprise
from core.errors import NotFound
from core.permissions import can_browse_registry, can_open_enterprises, can_register_enterprise
from core.regions import Region, RegionLevel, list_industries, regions_under
from core.scope import covers
from core.text import bounded_int, filter_text
from exports.enterprise_register import read_import_rows, render_enterprise_list, render_import_template

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")
ENTERPRISES = Listing(
    columns=(
        Column("name", "企业名称", Enterprise.name),
        Column("credit_code", "统一社会信用代码", Enterprise.credit_code),
        Column("region", "所在地区", Enterprise.region_path),
        Column("industry", "行业", Enterprise.industry_code),
        Column("scale", "规模", Enterprise.scale),
        Column("employees", "从业人数", Enterprise.employee_count, numeric=True),
        Column("hazard", "重大危险源", Enterprise.major_hazard),
    ),
    default="region",
    tiebreak=Enterprise.id,
)


def _filter() -> registry.EnterpriseFilter:
    return registry.EnterpriseFilter(
        region_code=request.args.get("region", ""),
        industry_code=request.args.get("industry", ""),
        name=request.args.get("q", ""),
        major_hazard=request.args.get("hazard") == "1",
    )


@bp.route("/")
@allowed(can_browse_registry)
def index() -> str:
    flt = _filter()
    listed = list_page(db(), registry.enterprises_query(db(), actor(), flt), ENTERPRISES, request.args)
    return render_template(
        "enterprises/index.html", listed=listed, flt=flt,
        regions=region_filter_choices(db(), actor()), industries=list_industries(db()),
    )


@bp.route("/export.xlsx")
@allowed(can_browse_registry)
def export() -> Response:
    """Exactly what the list shows under the same filters and order, every page of it."""
    stmt = registry.enterprises_query(db(), actor(), _filter())
    ordered = ENTERPRISES.ordered(stmt, ENTERPRISES.order(request.args)).limit(EXPORT_LIMIT)
    return xlsx_response(render_enterprise_list(db().scalars(ordered)), "企业名录")


@bp.route("/new", methods=["GET", "POST"])
@allowed(can_register_enterprise)
def new() -> str | Response | tuple[str, int]:
    form = EnterpriseForm()
    fill_choices(form, db(), actor())
    if form.validate_on_submit():
        enterprise = registry.register_enterprise(db(), actor(), form.to_input())
        flash(f"已登记企业“{enterprise.name}”。", "success")
        return redirect(url_for("enterprises.show", enterprise_id=enterprise.id))
    return render_template("enterprises/form.html", form=form, enterprise=None), form_status(form)


@bp.route("/<int:enterprise_id>")
@allowed(can_open_enterprises)
def show(enterprise_id: int) -> str:
    enterprise = registry.get_enterprise(db(), actor(), enterprise_id)
    return render_template(
        "enterprises/show.html", enterprise=enterprise,
        events=paginate(db(), audit.history(enterprise), bounded_int(request.args.get("history"), hi=100_000) or 1, 20),
        benchmarks=selected_benchmarks(db(), enterprise),
        campaigns=open_campaigns(db()),
    )


@bp.route("/<int:enterprise_id>/edit", methods=["GET", "POST"])
@allowed(can_browse_registry)
def edit(enterprise_id: int) -> str | Response | tuple[str, int]:
    enterprise = registry.get_enterprise(db(), actor(), enterprise_id)
    form = EnterpriseForm(obj=enterprise)
    if request.method == "GET":
        region = enterprise.region
        if region.level == RegionLevel.TOWNSHIP:
            form.county_code.data, form.township_code.data = region.parent_code, region.code
        else:
            form.county_code.data, form.township_code.data = region.code, ""
    fill_choices(form, db(), actor())
    if form.validate_on_submit():
        registry.update_enterprise(db(), actor(), enterprise, form.to_input(),
                                   bounded_int(form.lock_version.data, lo=0) or 0)
        flash("企业信息已保存。", "success")
        return redirect(url_for("enterprises.show", enterprise_id=enterprise.id))
    return render_template("enterprises/form.html", form=form, enterprise=enterprise), form_status(form)


@bp.route("/import", methods=["GET", "POST"])
@allowed(can_register_enterprise)
def import_file() -> str | Response | tuple[str, int]:
    """Upload, read, import — all or nothing. A refusal (an unreadable file, or rows with
    problems) is shown by the central handler re-running this view with the form's refusal."""
    form = ImportForm()
    if form.validate_on_submit():
        rows = read_import_rows(form.file.data.read())
        result = import_enterprises(db(), actor(), rows, update_existing=form.update_existing.data)
        flash(_import_summary(result, form.update_existing.data), "success")
        return redirect(url_for("enterprises.index"))
    problems = form.refusal.problems if isinstance(form.refusal, ImportRejected) else []
    return render_template("enterprises/import.html", form=form, problems=problems), form_status(form)


def _import_summary(result: ImportResult, update_existing: bool) -> str:
    if not update_existing:
        return f"导入成功：共登记 {len(result.created)} 家企业。"
    return (f"导入成功：新登记 {len(result.created)} 家，更新 {len(result.updated)} 家，"
            f"{result.unchanged} 家无变化。")


@bp.route("/import-template.xlsx")
@allowed(can_browse_registry)
def import_template() -> Response:
    user = actor()
    root = user.region if user.region is not None and not user.is_admin else db().get(Region, "370000")
    regions = regions_under(db(), root, ("county", "township")) if root else []
    return xlsx_response(render_import_template(regions, list_industries(db())), "企业导入模板")


@bp.route("/regions/children")
@login_required
def region_children() -> Response:
    """Townships of one county in the actor's jurisdiction, for the cascading select."""
    county = db().get(Region, filter_text(request.args.get("code"), 12))
    if county is None or county.level != RegionLevel.COUNTY or not covers(actor(), county.path):
        raise NotFound()
    townships = regions_under(db(), county, ("township",))
    return jsonify([{"code": r.code, "name": r.name} for r in townships])
