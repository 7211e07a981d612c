"""Who may do what with standard projects: ``can_*(actor, …) -> bool``.

A project is the province's: the provincial bureau raises and steers it, its editors
write it, its expert panel reviews it, the standards committee follows it to approval.
Nobody else sees its drafts — an expert outside the panel included (``queries`` answers
404 for them).
"""

from __future__ import annotations

from benchmarks.permissions import is_province_bureau
from core.db import china_today
from core.people import Role, User
from standards.models import MemberRole, ReviewRound, RoundKind, RoundState, Stage, StandardProject

EDITABLE_STAGES = frozenset({Stage.DRAFTING, Stage.CONSULTATION, Stage.REVIEW})


def sees_every_project(actor: User) -> bool:
    """The province, administrators and the standards committee see every project."""
    return actor.is_admin or is_province_bureau(actor) or Role.COMMITTEE in actor.roles


def is_committee(actor: User, _record: object = None) -> bool:
    """Approval, publication and withdrawal are the standards committee's (标准审定委员会)."""
    return Role.COMMITTEE in actor.roles


def can_browse_projects(actor: User) -> bool:
    """The 标准制定 area: everyone who may see at least one project could have some there."""
    return sees_every_project(actor) or actor.has_role(Role.BUREAU, Role.EXPERT, Role.ENTERPRISE)


def can_raise_project(actor: User) -> bool:
    """立项 is the provincial bureau's."""
    return is_province_bureau(actor)


def is_editor(actor: User, project: StandardProject) -> bool:
    return actor.id in project.member_ids(MemberRole.EDITOR)


def is_panel_expert(actor: User, project: StandardProject) -> bool:
    return actor.id in project.member_ids(MemberRole.EXPERT) and Role.EXPERT in actor.roles


def can_manage_project(actor: User, project: StandardProject) -> bool:
    """Project facts and members: the province (and its editors for the facts they draft)."""
    return is_province_bureau(actor) or actor.is_admin


def can_edit_text(actor: User, project: StandardProject) -> bool:
    """The working draft is the editors' while the project is still being written or reviewed."""
    return project.stage in EDITABLE_STAGES and is_editor(actor, project)


# --- review rounds (征求意见 and 审查会) --------------------------------------------------------


def can_see_review_records(actor: User, project: StandardProject) -> bool:
    """Every comment with its disposition, the votes, and their DOCX: the editors, the panel
    and the province (an invited commenter sees the text and their own comments only)."""
    return sees_every_project(actor) or is_editor(actor, project) or is_panel_expert(actor, project)


def is_participant(actor: User, review: ReviewRound) -> bool:
    """Asked to comment in this round: the panel and the invited commenters when it opened."""
    return any(p.id == actor.id for p in review.participants)


def round_is_open(review: ReviewRound, kind: RoundKind) -> bool:
    return review.kind == kind and review.state == RoundState.OPEN


def can_comment(actor: User, review: ReviewRound) -> bool:
    """A participant of an open consultation, up to and including its deadline day."""
    return (round_is_open(review, RoundKind.CONSULTATION) and is_participant(actor, review)
            and (review.deadline is None or china_today() <= review.deadline))


def can_dispose(actor: User, review: ReviewRound) -> bool:
    """The project's editors dispose of comments — again, if they wish — while the round is open."""
    return round_is_open(review, RoundKind.CONSULTATION) and is_editor(actor, review.project)


def can_close_round(actor: User, review: ReviewRound) -> bool:
    return can_dispose(actor, review)


def can_vote(actor: User, review: ReviewRound) -> bool:
    """Each panel expert votes (and may change the vote) until the meeting concludes."""
    return round_is_open(review, RoundKind.MEETING) and is_panel_expert(actor, review.project)


def can_conclude(actor: User, review: ReviewRound) -> bool:
    return (round_is_open(review, RoundKind.MEETING) and review.project.stage == Stage.REVIEW
            and is_editor(actor, review.project))
