"""Review pages: a consultation round (text, comments, dispositions) and a review meeting
(votes, tally, conclusion), their forms, and the two DOCX downloads.

Views load (404 outside the actor's projects), check the same predicates the templates
ask (403), validate the form, call one service and redirect. Refusals are the services'
and reach the user through ``app.errors``.
"""

from __future__ import annotations

import re
from collections import Counter

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.auth.guards import actor, allowed
from app.database import db
from app.downloads import attachment_response
from app.forms import form_status
from app.review.forms import CloseForm, CommentForm, ConcludeForm, DisposeForm, VoteForm
from core.db import china_today
from core.errors import NotFound, PermissionDenied
from core.text import filter_text
from exports import review_docx
from standards import review
from standards.models import (
    CommentKind,
    Disposition,
    MemberRole,
    ReviewRound,
    RoundKind,
    Stage,
    StandardProject,
    VoteChoice,
)
from standards.permissions import (
    can_browse_projects,
    can_see_review_records,
    is_editor,
    is_panel_expert,
    is_participant,
)

bp = Blueprint("review", __name__, url_prefix="/review")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OUTCOMES = {
    Stage.APPROVAL: "审查通过，已形成报批稿。",
    Stage.DRAFTING: "审查未通过，已退回修改；修改后可直接再次提交送审。",
    Stage.TERMINATED: "再次审查未通过，项目已终止。",
}
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|]')
RECORDS_ONLY = "意见处理情况和审查会表决情况仅供本项目编写人员、评审专家和省级部门查看。"


@bp.app_template_global("review_rounds")
def review_rounds(project: StandardProject) -> list[ReviewRound]:
    """The project page's list of rounds (``standards/_rounds.html``)."""
    return review.rounds_of(db(), project)


@bp.app_template_global("project_url")
def project_url(project: StandardProject) -> str | None:
    """The project's own page, once the standards area provides it."""
    if "standards.project" in current_app.view_functions:
        return url_for("standards.project", project_id=project.id)
    return None


def _round(round_id: int, kind: RoundKind | None = None) -> ReviewRound:
    found = review.get_round(db(), actor(), round_id)
    if kind is not None and found.kind != kind:
        raise NotFound()
    return found


def _records(found: ReviewRound) -> None:
    if not can_see_review_records(actor(), found.project):
        raise PermissionDenied(RECORDS_ONLY)


def _to_round(found: ReviewRound, anchor: str | None = None) -> Response:
    return redirect(url_for("review.round", round_id=found.id, _anchor=anchor), code=303)


def _filename(project: StandardProject, what: str) -> str:
    return f"{UNSAFE_IN_NAMES.sub('_', project.title)}-{what}-{china_today():%Y%m%d}.docx"


# --- the round page -----------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>", endpoint="round")
@allowed(can_browse_projects)
def show_round(round_id: int) -> str:
    found = _round(round_id)
    return _meeting_page(found) if found.kind == RoundKind.MEETING else _consultation_page(found)


def _consultation_page(found: ReviewRound) -> str:
    session, user = db(), actor()
    numbered = review.reviewed_text(session, found.version)
    everything = can_see_review_records(user, found.project)
    comments = review.comments_in_order(session, found)
    shown = comments if everything else [c for c in comments if c.author_id == user.id]
    return render_template(
        "review/round.html", review=found, project=found.project, numbered=numbered,
        labels=review.clause_labels(numbered), comments=shown, everything=everything,
        counts=review.count_comments(comments), per_clause=Counter(c.clause_key for c in shown),
        kinds=list(CommentKind), dispositions=list(Disposition), close_form=CloseForm(), today=china_today(),
    )


def _meeting_page(found: ReviewRound) -> str:
    _records(found)
    project, user = found.project, actor()
    numbered = review.reviewed_text(db(), found.version)
    panel = sorted((m.user for m in project.members if m.role == MemberRole.EXPERT), key=lambda u: u.id)
    counted = review.round_tally(found)
    mine = review.vote_of(found, user)
    return render_template(
        "review/meeting.html", review=found, project=project, numbered=numbered,
        labels=review.clause_labels(numbered), panel=panel, counted=counted,
        votes={v.expert_id: v for v in found.votes}, missing=[u for u in panel if u.id in counted.missing],
        by_choice={c: sum(1 for v in found.votes if v.choice == c) for c in VoteChoice},
        next_action=review.pending_conclusion(found), mine=mine,
        vote_form=VoteForm(data={"choice": mine.choice.value, "opinion": mine.opinion} if mine else None),
        conclude_form=ConcludeForm(obj=project), choices=list(VoteChoice),
    )


# --- consultation -------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/comment", methods=["GET", "POST"])
@allowed(can_browse_projects)
def comment(round_id: int) -> str | Response | tuple[str, int]:
    """A comment on one clause (``?clause=`` its key) or on the whole text."""
    found = _round(round_id, RoundKind.CONSULTATION)
    if not is_participant(actor(), found):
        raise PermissionDenied("只有本轮征求意见的评审专家和特邀意见人可以提出意见。")
    form = CommentForm()
    if request.method == "GET":
        form.clause.data = filter_text(request.args.get("clause"), 36)
    if form.validate_on_submit():
        made = review.add_comment(db(), actor(), found, form.to_input())
        flash(f"已提交意见（{made.clause_number if made.clause_key else '全文'}）。", "success")
        return _to_round(found, f"clause-{made.clause_key}" if made.clause_key else "comments")
    numbered = review.reviewed_text(db(), found.version)
    target = next((n for n in numbered if n.clause.key == form.clause.data), None)  # type: ignore[attr-defined]
    return render_template("review/comment.html", review=found, project=found.project, form=form, target=target,
                           label=review.clause_labels(numbered).get(target.clause.id) if target else None,
                           today=china_today()), form_status(form)


@bp.route("/comments/<int:comment_id>/dispose", methods=["GET", "POST"])
@allowed(can_browse_projects)
def dispose(comment_id: int) -> str | Response | tuple[str, int]:
    found = review.get_comment(db(), actor(), comment_id)
    _records(found.round)
    if request.method == "POST" and not is_editor(actor(), found.round.project):
        raise PermissionDenied("只有本项目的编写人员可以处理意见。")
    form = DisposeForm(obj=found)
    if form.validate_on_submit():
        review.dispose_comment(db(), actor(), found, form.disposition.data or "", form.disposition_reason.data or "",
                               form.expected_version())
        flash(f"意见（{found.clause_number or '全文'}）已处理：{found.disposition.label}。", "success")  # type: ignore[union-attr]
        return _to_round(found.round, f"comment-{found.id}")
    return render_template("review/dispose.html", comment=found, review=found.round, project=found.round.project,
                           form=form), form_status(form)


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
@allowed(can_browse_projects)
def close(round_id: int) -> Response:
    found = _round(round_id, RoundKind.CONSULTATION)
    if not is_editor(actor(), found.project):
        raise PermissionDenied("只有本项目的编写人员可以结束征求意见。")
    form = CloseForm()
    form.validated()
    review.close_consultation(db(), actor(), found, form.expected_version())
    flash("本轮征求意见已结束，已通知征求意见对象。现在可以提交送审稿。", "success")
    return _to_round(found)


@bp.route("/rounds/<int:round_id>/comments.docx")
@allowed(can_browse_projects)
def comment_table(round_id: int) -> Response:
    found = _round(round_id, RoundKind.CONSULTATION)
    _records(found)
    data = review_docx.comment_table(found, review.comments_in_order(db(), found), china_today())
    return attachment_response(data, _filename(found.project, "意见汇总处理表"), DOCX)


# --- review meeting -----------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/vote", methods=["GET", "POST"])
@allowed(can_browse_projects)
def vote(round_id: int) -> str | Response | tuple[str, int]:
    found = _round(round_id, RoundKind.MEETING)
    if not is_panel_expert(actor(), found.project):
        raise PermissionDenied("只有本项目评审专家组的专家可以投票。")
    mine = review.vote_of(found, actor())
    form = VoteForm(data={"choice": mine.choice.value, "opinion": mine.opinion} if mine else None)
    if form.validate_on_submit():
        cast = review.cast_vote(db(), actor(), found, form.choice.data or "", form.opinion.data or "")
        flash(f"已记录您的表决意见：{cast.choice.label}。审查会作出结论前可以修改。", "success")
        return _to_round(found, "votes")
    return render_template("review/vote.html", review=found, project=found.project, form=form, mine=mine), \
        form_status(form)


@bp.route("/rounds/<int:round_id>/conclude", methods=["GET", "POST"])
@allowed(can_browse_projects)
def conclude(round_id: int) -> str | Response | tuple[str, int]:
    found = _round(round_id, RoundKind.MEETING)
    project = found.project
    if not is_editor(actor(), project):
        raise PermissionDenied("审查结论由本项目的编写人员作出。")
    form = ConcludeForm(obj=project)
    if form.validate_on_submit():
        review.conclude_meeting(db(), actor(), found, form.expected_version(), form.conclusion.data or "")
        flash(OUTCOMES[project.stage], "success")
        return _to_round(found)
    return render_template("review/conclude.html", review=found, project=project, form=form,
                           counted=review.round_tally(found), next_action=review.pending_conclusion(found)), \
        form_status(form)


@bp.route("/rounds/<int:round_id>/minutes.docx")
@allowed(can_browse_projects)
def minutes(round_id: int) -> Response:
    found = _round(round_id, RoundKind.MEETING)
    _records(found)
    panel = sorted((m.user for m in found.project.members if m.role == MemberRole.EXPERT), key=lambda u: u.id)
    data = review_docx.minutes(found, panel, review.round_tally(found))
    return attachment_response(data, _filename(found.project, "审查会会议纪要"), DOCX)
