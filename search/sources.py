"""Where documents come from: what one changed record means for the index, and every
document there should be (for a rebuild).

A change is named by a :data:`Ref` — ``("risk_point", 12)`` — and read back from the
database when the job runs, so the job indexes what was committed, whatever the request
held in memory; a record that is gone (or no longer searchable, like a clause of a frozen
draft) has its documents deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from benchmarks.models import CheckItem, RiskPoint
from core.enterprises import Enterprise
from search.documents import (
    Document,
    check_item_document,
    draft_clause_document,
    draft_document,
    enterprise_document,
    published_clause_documents,
    risk_point_document,
    standard_document,
)
from search.schema import DocType, doc_id
from standards.models import Clause, Publication, StandardProject, StandardVersion

Ref = tuple[str, int]


@dataclass
class Plan:
    """What one indexing job will do: delete by term, then add or replace documents."""

    delete_terms: set[tuple[str, str]] = field(default_factory=set)
    documents: dict[str, Document] = field(default_factory=dict)

    def add(self, document: Document) -> None:
        self.documents[document["id"]] = document

    def delete(self, doc_type: DocType, record_id: int) -> None:
        self.delete_terms.add(("id", doc_id(doc_type, record_id)))
        self.documents.pop(doc_id(doc_type, record_id), None)


def _enterprise(session: Session, enterprise_id: int, plan: Plan) -> Enterprise | None:
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        plan.delete_terms.add(("enterprise", str(enterprise_id)))  # the enterprise and its practices
    else:
        plan.add(enterprise_document(enterprise))
    return enterprise


def _enterprise_alone(session: Session, enterprise_id: int, plan: Plan) -> None:
    _enterprise(session, enterprise_id, plan)


def _enterprise_tree(session: Session, enterprise_id: int, plan: Plan) -> None:
    """An enterprise that moved region or industry: its practices carry those facts too."""
    if _enterprise(session, enterprise_id, plan) is None:
        return
    for point in session.scalars(_risk_points().where(RiskPoint.enterprise_id == enterprise_id)):
        plan.add(risk_point_document(point))
    for item in session.scalars(_check_items().where(CheckItem.enterprise_id == enterprise_id)):
        plan.add(check_item_document(item))


def _risk_point(session: Session, point_id: int, plan: Plan) -> None:
    point = session.get(RiskPoint, point_id)
    if point is None:
        plan.delete(DocType.RISK_POINT, point_id)
    else:
        plan.add(risk_point_document(point))


def _check_item(session: Session, item_id: int, plan: Plan) -> None:
    item = session.get(CheckItem, item_id)
    if item is None:
        plan.delete(DocType.CHECK_ITEM, item_id)
    else:
        plan.add(check_item_document(item))


def _project(session: Session, project_id: int, plan: Plan) -> None:
    project = session.get(StandardProject, project_id)
    if project is None:
        plan.delete_terms.add(("project", str(project_id)))  # the project and its draft's clauses
    else:
        plan.add(draft_document(project))


def _version(session: Session, version_id: int, plan: Plan) -> None:
    """A version's clauses are searched while it is the working draft, and once it is published."""
    plan.delete_terms.add(("version", str(version_id)))
    version = session.get(StandardVersion, version_id)
    if version is not None and version.is_draft:
        for clause in version.clauses:
            plan.add(draft_clause_document(clause, version.project))
    elif version is not None and (publication := _publication_of(session, version_id)) is not None:
        _add_publication(publication, plan)


def _draft_text(session: Session, project_id: int, plan: Plan) -> None:
    """A project's whole working draft again (after clauses went by SQL, unseen by the ORM)."""
    draft = session.scalars(select(StandardVersion).where(StandardVersion.project_id == project_id,
                                                          StandardVersion.frozen_at.is_(None))).one_or_none()
    if draft is not None:
        _version(session, draft.id, plan)


def _clause(session: Session, clause_id: int, plan: Plan) -> None:
    plan.delete(DocType.DRAFT_CLAUSE, clause_id)
    plan.delete(DocType.CLAUSE, clause_id)
    clause = session.get(Clause, clause_id)
    if clause is None:
        return
    if clause.version.is_draft:
        plan.add(draft_clause_document(clause, clause.version.project))
    elif (publication := _publication_of(session, clause.version_id)) is not None:
        _add_publication(publication, plan)  # a published text's numbers come from its whole tree


def _publication(session: Session, publication_id: int, plan: Plan) -> None:
    """A standard and its clauses; also what its dates and state say about the one it replaces."""
    plan.delete_terms.add(("publication", str(publication_id)))
    publication = session.get(Publication, publication_id)
    if publication is not None:
        _add_publication(publication, plan)


def _publication_of(session: Session, version_id: int) -> Publication | None:
    return session.scalars(select(Publication).where(Publication.version_id == version_id)).one_or_none()


def _add_publication(publication: Publication, plan: Plan) -> None:
    plan.add(standard_document(publication))
    for document in published_clause_documents(publication):
        plan.add(document)


Planner = Callable[[Session, int, Plan], None]
PLANNERS: dict[str, Planner] = {
    "enterprise": _enterprise_alone,
    "enterprise_tree": _enterprise_tree,
    "risk_point": _risk_point,
    "check_item": _check_item,
    "project": _project,
    "version": _version,
    "clause": _clause,
    "draft_text": _draft_text,
    "publication": _publication,
}


def plan(session: Session, refs: set[Ref] | list[Ref]) -> Plan:
    """The index changes that bring the documents of ``refs`` in line with the database."""
    result = Plan()
    for kind, record_id in sorted(set(refs)):
        planner = PLANNERS.get(kind)
        if planner is not None:
            planner(session, record_id, result)
    return result


# --- everything, for a rebuild ----------------------------------------------------------------


def _risk_points() -> Select[tuple[RiskPoint]]:
    return select(RiskPoint).options(joinedload(RiskPoint.enterprise), selectinload(RiskPoint.measures))


def _check_items() -> Select[tuple[CheckItem]]:
    return select(CheckItem).options(joinedload(CheckItem.enterprise), joinedload(CheckItem.risk_point))


def _draft_clauses() -> Select[tuple[Clause]]:
    return (select(Clause).join(Clause.version).where(StandardVersion.frozen_at.is_(None))
            .options(joinedload(Clause.version).joinedload(StandardVersion.project)))


def _published_clauses() -> Select[tuple[Clause]]:
    return select(Clause).join(Publication, Publication.version_id == Clause.version_id)


def count_all(session: Session) -> int:
    """How many documents a rebuild will write (for its progress bar)."""
    counts = [session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
              for stmt in (select(Enterprise), select(RiskPoint), select(CheckItem), select(StandardProject),
                           _draft_clauses(), select(Publication), _published_clauses())]
    return sum(counts)


def every_document(session: Session, batch: int = 500) -> Iterator[Document]:
    """Every document the index should hold, read in batches."""
    for enterprise in session.scalars(select(Enterprise).execution_options(yield_per=batch)):
        yield enterprise_document(enterprise)
    for point in session.scalars(_risk_points().execution_options(yield_per=batch)):
        yield risk_point_document(point)
    for item in session.scalars(_check_items().execution_options(yield_per=batch)):
        yield check_item_document(item)
    for project in session.scalars(select(StandardProject)):
        yield draft_document(project)
    for clause in session.scalars(_draft_clauses().execution_options(yield_per=batch)):
        yield draft_clause_document(clause, clause.version.project)
    for publication in session.scalars(select(Publication).options(selectinload(Publication.version)
                                                                    .selectinload(StandardVersion.clauses))):
        yield standard_document(publication)
        yield from published_clause_documents(publication)
