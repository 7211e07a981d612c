"""Editing the working draft's clause tree: add, edit, move, indent, outdent, delete.

Only the project's editors change text (``can_edit_text``), and only on the working
draft: a frozen stage document is refused by every service here (:class:`FrozenVersion`).
Every change checks the text rules, writes one audit event about the clause — whose
``audit_parent`` is the project, so the edit shows in the project's history — and is
guarded by the clause's own ``lock_version``: a form carries the version it showed and a
stale save is refused with :class:`~core.errors.StaleEdit` (409), never merged silently.

Where a clause may stand is one table, :data:`PARENTS` (GB/T 1.1-2020 §7): chapters and
annexes at the top only; clauses and terms under a chapter, an annex or a clause;
paragraphs and tables in those too; list items, notes and examples under any text. A
move (indent, outdent) meets the same table as an add. Moving a clause re-positions its
siblings without touching their versions: a neighbour's text has not changed, so
whoever is editing it is not interrupted.

Numbers are never stored (``standards.numbering``); the events name clauses by the
number they had when the change was made.

One job per module: ``rules`` (where a clause may stand, what its fields must hold, who may
edit), ``tree`` (one version's clauses in memory, re-positioning siblings), ``edits`` (add,
edit, move, delete), ``sources`` (links to the practices a clause generalises, and where a
practice is used), ``view`` (the editor page's outline). Importing the package registers
the audit action names and the "used in a standard" referrer.
"""

from standards.drafting.edits import EDITED, Removed, add_clause, delete_clause, doomed, edit_clause, move_clause
from standards.drafting.rules import (
    BODY_MAX,
    CONTAINERS,
    ONE_PLACE,
    PARENTS,
    POINTS_MAX,
    TEXT_NODES,
    TITLED,
    WORDED,
    ClauseInput,
    FrozenVersion,
    Move,
    addable_under,
    allowed_under,
    check_editable,
    get_clause,
    parse_points,
)
from standards.drafting.sources import (
    SourceLink,
    Usage,
    clauses_using,
    link_practice,
    practices_of,
    source_enterprise_ids,
    sources_of,
    unlink_practice,
)
from standards.drafting.tree import Tree
from standards.drafting.view import Entry, outline, projects_to_write

__all__ = [
    "BODY_MAX", "CONTAINERS", "EDITED", "ONE_PLACE", "PARENTS", "POINTS_MAX", "TEXT_NODES", "TITLED", "WORDED",
    "ClauseInput", "Entry", "FrozenVersion", "Move", "Removed", "SourceLink", "Tree", "Usage", "add_clause",
    "addable_under", "allowed_under", "check_editable", "clauses_using", "delete_clause", "doomed", "edit_clause",
    "get_clause", "link_practice", "move_clause", "outline", "parse_points", "practices_of", "projects_to_write",
    "source_enterprise_ids", "sources_of", "unlink_practice",
]
