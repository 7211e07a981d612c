"""The compare page (修订对照) of a standard project and its DOCX with tracked changes.

Anyone who may see the project may compare any two of its versions; by default the
latest frozen stage document against the working draft — what changed since the text
last went out. Outside the project's circle the page answers 404, like the project.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from werkzeug.wrappers import Response

from app.auth.guards import actor, allowed
from app.database import db
from app.downloads import attachment_response
from core.db import utcnow
from core.text import bounded_int
from exports.redline_docx import redline_docx
from standards.models import StandardProject, StandardVersion
from standards.permissions import can_browse_projects
from standards.queries import get_project, get_version, versions
from standards.redline import redline

bp = Blueprint("redline", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
AUTHOR = "起草组"


def _chosen(project: StandardProject) -> tuple[StandardVersion, StandardVersion, list[StandardVersion]]:
    """The two versions asked for (``?old=&new=`` ids), by default the latest frozen one
    against the working draft; a version of another project is not found."""
    listed = versions(db(), project)
    draft = next(v for v in listed if v.is_draft)
    frozen = [v for v in listed if not v.is_draft]
    default_old = frozen[-1] if frozen else draft

    def pick(name: str, default: StandardVersion) -> StandardVersion:
        wanted = bounded_int(request.args.get(name))
        return get_version(db(), actor(), project, wanted) if wanted else default

    return pick("old", default_old), pick("new", draft), listed


@bp.route("/standards/<int:project_id>/redline")
@allowed(can_browse_projects)
def compare(project_id: int) -> str:
    project = get_project(db(), actor(), project_id)
    old, new, listed = _chosen(project)
    return render_template("redline/compare.html", project=project, old=old, new=new, versions=listed,
                           result=redline(db(), old, new), full=request.args.get("all") == "1")


@bp.route("/standards/<int:project_id>/redline.docx")
@allowed(can_browse_projects)
def download(project_id: int) -> Response:
    project = get_project(db(), actor(), project_id)
    old, new, _ = _chosen(project)
    data = redline_docx(redline(db(), old, new), project.title, AUTHOR, new.frozen_at or utcnow())
    return attachment_response(data, f"{project.title}-修订对照-第{old.number}版至第{new.number}版.docx", DOCX)
