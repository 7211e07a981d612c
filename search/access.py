"""Which documents an actor may see, as one Whoosh query used as the search's filter.

The rules are the domain's own, restated over the indexed facts so that they apply *inside*
the search — a hit the actor may not open is never counted, paged or shown:

- published standards and their clauses are public (anyone, signed in or not);
- a draft project and its working-draft clauses: whoever ``standards.queries.visible_projects``
  lets see the project (the province, administrators and the committee see all of them;
  otherwise its editors, panel and invited commenters);
- an enterprise and its practices: the bureaus whose jurisdiction covers it (a prefix of its
  region path, ``core.scope``) and the enterprise's own users.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from whoosh.query import And, Or, Prefix, Query, Term

from core.people import Role, User
from core.scope import jurisdiction_path
from search.schema import Kind
from standards.models import StandardProject
from standards.permissions import sees_every_project
from standards.queries import visible_projects

PUBLIC = Term("public", "1")
SCOPED_KINDS = Or([Term("kind", Kind.ENTERPRISE.value), Term("kind", Kind.PRACTICE.value)])


def visible_to(session: Session, actor: User | None) -> Query:
    """The filter for ``actor`` (``None``: an anonymous visitor, who sees public documents only)."""
    if actor is None:
        return PUBLIC
    allowed: list[Query] = [PUBLIC]
    drafts = Term("kind", Kind.DRAFT.value)
    if sees_every_project(actor):
        allowed.append(drafts)
    else:
        ids = session.scalars(select(StandardProject.id).where(visible_projects(actor))).all()
        if ids:
            allowed.append(And([drafts, Or([Term("project", str(i)) for i in ids])]))
    prefix = jurisdiction_path(actor)
    if prefix == "/":
        allowed.append(SCOPED_KINDS)
    elif prefix is not None:
        allowed.append(And([SCOPED_KINDS, Prefix("region_path", prefix)]))
    if Role.ENTERPRISE in actor.roles and actor.enterprise_id is not None:
        allowed.append(And([SCOPED_KINDS, Term("enterprise", str(actor.enterprise_id))]))
    return Or(allowed)
