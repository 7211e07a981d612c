"""Standard projects, their versions and clause trees, review rounds, comments and votes.

A :class:`StandardProject` (立项) is raised for an industry from selected benchmark
enterprises. Its content lives in :class:`StandardVersion` rows: exactly one *working
draft* that editors change, and frozen versions — one per stage entered (征求意见稿,
送审稿, 报批稿) — that never change again. Each version holds its own :class:`Clause` rows;
a clause's ``key`` is stable across versions, so comments, links to practices, redlines
and (later) assessments follow a clause from version to version. Numbers are never
stored: they follow from the tree (``standards.numbering``).

Review happens in :class:`ReviewRound` rows — the consultation (征求意见) on a frozen
征求意见稿, and the review meeting (审查会) on a frozen 送审稿 — with :class:`Comment`
rows (each disposed by an editor) and :class:`Vote` rows (one per assigned expert).

One import registers them all (for Alembic too): ``projects``, ``clauses``, ``review``,
``publications``.
"""

from standards.models.clauses import (
    AnnexType,
    Clause,
    ClauseKind,
    ClauseSource,
)
from standards.models.projects import (
    STAGE_DOCUMENTS,
    STAGE_LABELS,
    MemberRole,
    ProjectMember,
    Stage,
    StandardProject,
    StandardVersion,
    new_key,
    project_sources,
)
from standards.models.publications import (
    ISSUER,
    PdfState,
    Publication,
    PublicationState,
    PublicationStatus,
)
from standards.models.review import (
    Comment,
    CommentKind,
    Disposition,
    ReviewRound,
    RoundKind,
    RoundOutcome,
    RoundState,
    Vote,
    VoteChoice,
    round_participants,
)

__all__ = [
    "ISSUER",
    "STAGE_DOCUMENTS",
    "STAGE_LABELS",
    "AnnexType",
    "Clause",
    "ClauseKind",
    "ClauseSource",
    "Comment",
    "CommentKind",
    "Disposition",
    "MemberRole",
    "PdfState",
    "ProjectMember",
    "Publication",
    "PublicationState",
    "PublicationStatus",
    "ReviewRound",
    "RoundKind",
    "RoundOutcome",
    "RoundState",
    "Stage",
    "StandardProject",
    "StandardVersion",
    "Vote",
    "VoteChoice",
    "new_key",
    "project_sources",
    "round_participants",
]
