"""The workbench every user lands on, and their notifications."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from app.auth.guards import actor
from app.database import db
from app.forms import ActionForm
from app.links import object_url
from assessments import queries as assessment_queries
from benchmarks import queries as nominations
from core import notifications as notices
from core.db import paginate
from core.people import Role
from core.text import bounded_int
from standards.drafting import projects_to_write
from standards.review import pending_review_work

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index() -> str:
    user, session = actor(), db()
    work = nominations.pending_work(session, user)
    campaigns = nominations.open_campaigns(session) if user.has_role(Role.BUREAU, Role.ADMIN) else []
    counts = {c.id: nominations.state_counts_by_industry(session, user, c) for c in campaigns}
    benchmarks = []
    if user.enterprise is not None:
        benchmarks = nominations.selected_benchmarks(session, user.enterprise)
    recent = paginate(session, notices.inbox(user), 1, 5).items
    return render_template(
        "home/index.html", work=work, campaigns=campaigns, counts=counts,
        benchmarks=benchmarks, recent=recent, Role=Role, form=ActionForm(),
        review_work=pending_review_work(session, user), writing=projects_to_write(session, user),
        assessing=assessment_queries.pending_work(session, user),
    )


@bp.route("/notifications")
@login_required
def notifications() -> str:
    page = paginate(db(), notices.inbox(actor()), bounded_int(request.args.get("page"), hi=1_000_000) or 1, 30)
    return render_template("home/notifications.html", page=page, form=ActionForm())


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
@login_required
def open_notification(notification_id: int) -> Response:
    note = notices.open_notification(db(), actor(), notification_id)
    return redirect(object_url(note.object_type, note.object_id) or url_for("home.notifications"), code=303)


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all() -> Response:
    notices.mark_all_read(db(), actor())
    return redirect(url_for("home.notifications"), code=303)
