"""The regulator's dashboard (对标达标总览): drill-down province → city → county → enterprise,
charts, XLSX of every table; the most-failed clauses of a standard."""

from __future__ import annotations

import json
from typing import Any

from flask import render_template, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.assessments import bp
from app.auth.guards import actor, allowed
from app.database import db
from app.downloads import xlsx_response
from assessments import campaigns as campaign_services
from assessments import dashboard, queries
from assessments.comparison import compare as comparison
from assessments.models import AssessmentCampaign
from assessments.permissions import can_see_dashboard, can_use_assessments
from assessments.scoring import Grade
from benchmarks.grading import RiskLevel
from core.errors import NotFound
from core.people import User
from core.regions import Region, RegionLevel
from core.scope import jurisdiction_path
from core.text import bounded_int
from exports.xlsx import render_table
from standards.models import Publication

BAND_LABELS = [f"{i * 10}–{i * 10 + 9}" for i in range(9)] + ["90–100"]


def _region(user: User) -> Region:
    code = request.args.get("region") or ""
    if code and not (code.isdigit() and len(code) <= 12):
        raise NotFound()
    home = jurisdiction_path(user)
    if not code and user.region_code and home != "/":
        code = user.region_code
    region = db().get(Region, code) if code else db().scalars(
        select(Region).where(Region.level == RegionLevel.PROVINCE).order_by(Region.code)).first()
    if region is None or home is None or not region.path.startswith(home if home != "/" else ""):
        raise NotFound()
    return region


def _publication() -> Publication | None:
    wanted = bounded_int(request.args.get("publication"))
    return db().get(Publication, wanted) if wanted else None


def _trail(region: Region, user: User) -> list[Region]:
    """The breadcrumb from the user's own region down to this one."""
    codes = region.path.strip("/").split("/")
    home = jurisdiction_path(user) or "/"
    regions = [db().get(Region, code) for code in codes]
    return [r for r in regions if r is not None and r.path.startswith(home if home != "/" else "")]


def _charts(view: dashboard.Overview) -> str:
    total = view.total
    return json.dumps({
        "bands": {"labels": BAND_LABELS, "values": total.bands},
        "grades": [{"name": g.label, "value": total.grades[g]} for g in Grade],
        "regions": {"labels": [r.name for r in view.children],
                    "averages": [float(r.average) if r.average is not None else None for r in view.children],
                    "verified": [r.verified for r in view.children]},
    }, ensure_ascii=False)


@bp.route("/dashboard", endpoint="dashboard")
@allowed(can_see_dashboard)
def dashboard_page() -> str:
    user = actor()
    region, publication = _region(user), _publication()
    view = dashboard.overview(db(), region, publication)
    campaigns = list(db().scalars(select(AssessmentCampaign).where(
        AssessmentCampaign.region_path.like(f"{region.path}%")).order_by(AssessmentCampaign.created_at.desc())
        .limit(20)))
    county_page = None
    if region.level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
        county_page = dashboard.county_page(db(), region, publication,
                                            bounded_int(request.args.get("page"), hi=100_000) or 1)
    return render_template(
        "assessments/dashboard.html", view=view, region=region, publication=publication, trail=_trail(region, user),
        publications=list(db().scalars(select(Publication).order_by(Publication.number))), charts=_charts(view),
        campaigns=campaigns, progress=campaign_services.progress(db(), [c.id for c in campaigns]),
        county_page=county_page, risks=dashboard.benchmark_risks(db(), region), levels=list(RiskLevel),
        grades=list(Grade), band_labels=BAND_LABELS)


@bp.route("/dashboard/export.xlsx")
@allowed(can_see_dashboard)
def dashboard_export() -> Response:
    user = actor()
    region, publication = _region(user), _publication()
    view = dashboard.overview(db(), region, publication)
    table = request.args.get("table", "regions")
    rows: list[list[Any]]
    if table == "enterprises" and region.level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
        header = ["企业", "依据标准", "状态", "完成（%）", "得分", "等级", "整改项"]
        rows = [[a.enterprise, a.standard, a.state.label, a.progress, float(a.result) if a.result is not None else None,
                 a.grade.label if a.grade and a.result is not None else "", a.gaps]
                for a in dashboard.county_page(db(), region, publication, 1, per_page=50_000).items]
    elif table == "campaigns":
        found = list(db().scalars(select(AssessmentCampaign).where(
            AssessmentCampaign.region_path.like(f"{region.path}%"))))
        progress = campaign_services.progress(db(), [c.id for c in found])
        header = ["任务", "依据标准", "下达单位", "截止日期", "企业数", "已提交", "已核查", "提交进度（%）"]
        rows = [[c.title, c.publication.number, c.region.full_name, c.deadline, progress[c.id].total,
                 progress[c.id].handed_in, progress[c.id].finished, progress[c.id].percent] for c in found]
    else:
        header = ["地区", "自评估", "填报中", "待核查", "已退回", "已核查", "平均分", *[g.label for g in Grade],
                  "整改中", "待验收", "已验收销号", "逾期"]
        rows = [[r.name, r.assessments, r.states.get("draft", 0), r.states.get("submitted", 0),
                 r.states.get("returned", 0), r.verified, float(r.average) if r.average is not None else None,
                 *[r.grades[g] for g in Grade], *r.rectifications.values()]
                for r in [*view.children, view.total]]
    return xlsx_response(render_table("对标达标", header, rows), f"对标达标-{region.full_name}")


@bp.route("/most-failed/<int:publication_id>")
@allowed(can_use_assessments)
def most_failed(publication_id: int) -> str:
    publication = db().get(Publication, publication_id)
    if publication is None:
        raise NotFound()
    return render_template("assessments/most_failed.html", publication=publication,
                           clauses=dashboard.most_failed(db(), publication))


@bp.route("/<int:assessment_id>/compare")
@allowed(can_use_assessments)
def compare(assessment_id: int) -> str:
    a = queries.get_assessment(db(), actor(), assessment_id)
    result = comparison(db(), a)
    radar = json.dumps({"indicators": result.chapters, "series": [
        {"name": "本企业", "value": [float(v) if v is not None else 0 for v in result.mine]},
        {"name": "标杆企业", "value": [float(v) if v is not None else 0 for v in result.benchmark_chapters]},
        {"name": "全省同行业平均", "value": [float(v) if v is not None else 0 for v in result.peer_chapters]},
    ]}, ensure_ascii=False)
    return render_template("assessments/compare.html", a=a, c=result, radar=radar)
