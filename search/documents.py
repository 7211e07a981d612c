"""Records as index documents: one function per kind of record, each a pure mapping.

Each returns the fields of :func:`search.schema.make_schema` for one record, including
the facts the permission filter tests (region path, enterprise, project, public flag) —
computed here from the record, never from who is asking, so one index serves everyone.
"""

from __future__ import annotations

import re
from typing import Any

from benchmarks.models import MEASURE_LABELS, CheckItem, RiskPoint
from core.enterprises import Enterprise
from search.schema import NEVER, DocType, day_number, doc_id
from standards.models import Clause, ClauseKind, Publication, PublicationState, StandardProject
from standards.numbering import number_tree

Document = dict[str, Any]
TITLE_CHARS = 60

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)|[*_`~]+|^\s*\|?[\s:|-]+\|?\s*$", re.MULTILINE)
_BLANKS = re.compile(r"[ \t]*\n[\s]*")


def plain_text(markdown: str) -> str:
    """Markdown as the words a reader sees (links keep their text, table rules and markers go)."""
    text = _LINK.sub(r"\1", markdown or "")
    text = _MARKUP.sub("", text).replace("|", " ")
    return _BLANKS.sub("\n", text).strip()


def _join(*parts: str | None) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def _short(text: str) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= TITLE_CHARS else line[:TITLE_CHARS] + "…"


def _place(enterprise: Enterprise) -> Document:
    """What makes a record jurisdiction-scoped: the enterprise it belongs to and where that stands."""
    return {"enterprise": str(enterprise.id), "region_path": enterprise.region_path,
            "industry": enterprise.industry_code}


def enterprise_document(enterprise: Enterprise) -> Document:
    region = enterprise.region.full_name if enterprise.region is not None else ""
    industry = enterprise.industry.name if enterprise.industry is not None else ""
    return {
        "id": doc_id(DocType.ENTERPRISE, enterprise.id), "type": DocType.ENTERPRISE.value,
        "kind": DocType.ENTERPRISE.kind.value, "title": enterprise.name,
        "body": _join(region, industry, enterprise.address, enterprise.credit_code,
                      enterprise.legal_representative, enterprise.safety_contact),
        "context": _join(region, industry).replace("\n", " · "), "target": enterprise.id, **_place(enterprise),
    }


def risk_point_document(point: RiskPoint) -> Document:
    measures = [f"{MEASURE_LABELS.get(m.kind, '')}：{m.content}" for m in point.measures]
    return {
        "id": doc_id(DocType.RISK_POINT, point.id), "type": DocType.RISK_POINT.value,
        "kind": DocType.RISK_POINT.kind.value, "title": point.name,
        "body": _join(point.location, point.post, point.hazards, "、".join(point.accident_types or []),
                      point.consequences, *measures, point.emergency_measures, point.responsible_unit,
                      point.responsible_person),
        "context": point.enterprise.name, "target": point.id, **_place(point.enterprise),
    }


def check_item_document(item: CheckItem) -> Document:
    return {
        "id": doc_id(DocType.CHECK_ITEM, item.id), "type": DocType.CHECK_ITEM.value,
        "kind": DocType.CHECK_ITEM.kind.value, "title": _short(item.content),
        "body": _join(item.content, item.basis, item.risk_point.name if item.risk_point else ""),
        "context": item.enterprise.name, "target": item.enterprise_id, **_place(item.enterprise),
    }


def draft_document(project: StandardProject) -> Document:
    """A standard project still being written: seen only by those who may see the project."""
    return {
        "id": doc_id(DocType.DRAFT, project.id), "type": DocType.DRAFT.value, "kind": DocType.DRAFT.kind.value,
        "title": project.title,
        "body": _join(project.english_title, project.industry.name if project.industry else "", project.proposer,
                      project.responsible_body, project.drafting_units, project.drafters),
        "context": project.stage.label, "target": project.id, "project": str(project.id),
        "industry": project.industry_code,
    }


def clause_text(clause: Clause) -> tuple[str, str]:
    """A clause's title and body as indexed: a paragraph or list item has no title of its own."""
    body = _join(plain_text(clause.body), clause.check_method, clause.evidence)
    title = clause.title.strip() or (ClauseKind(clause.kind).label + "：" + _short(plain_text(clause.body)))
    return title, body


def draft_clause_document(clause: Clause, project: StandardProject) -> Document:
    """One clause of a project's working draft (frozen versions are not searched)."""
    title, body = clause_text(clause)
    return {
        "id": doc_id(DocType.DRAFT_CLAUSE, clause.id), "type": DocType.DRAFT_CLAUSE.value,
        "kind": DocType.DRAFT_CLAUSE.kind.value, "title": title, "body": body, "context": project.title,
        "target": project.id, "anchor": clause.key, "project": str(project.id),
        "version": str(clause.version_id), "industry": project.industry_code,
    }


# --- published standards (public) -----------------------------------------------------------


def _standing(publication: Publication) -> Document:
    """What every document of a publication carries: public, its number and link, and its dates.

    The status is decided at query time from these (``search.status``), the same rule as
    ``standards.catalogue.status_of``: withdrawn as soon as it is; superseded from the day an
    issued replacement takes effect; upcoming before its own implementation date.
    """
    newer = publication.replaced_by
    superseded = newer.effective_on if newer is not None and newer.state == PublicationState.ISSUED else None
    return {
        "public": "1", "number": publication.number, "slug": publication.slug, "industry": publication.industry_code,
        "publication": str(publication.id), "effective": day_number(publication.effective_on),
        "superseded": day_number(superseded),
        "withdrawn": 0 if publication.state == PublicationState.WITHDRAWN else NEVER,  # 0: since always
    }


def standard_document(publication: Publication) -> Document:
    return {
        "id": doc_id(DocType.STANDARD, publication.id), "type": DocType.STANDARD.value,
        "kind": DocType.STANDARD.kind.value, "title": f"{publication.number} {publication.title}",
        "body": _join(publication.english_title, publication.industry.name if publication.industry else "",
                      publication.issuer, publication.changes),
        "context": publication.issuer, "target": publication.id, **_standing(publication),
    }


def published_clause_documents(publication: Publication) -> list[Document]:
    """Every clause of the issued text, numbered as printed (numbers of a published text never move)."""
    standing = _standing(publication)
    documents = []
    for numbered in number_tree(publication.version.clauses):
        clause: Clause = numbered.clause  # type: ignore[assignment]
        title, body = clause_text(clause)
        documents.append({
            "id": doc_id(DocType.CLAUSE, clause.id), "type": DocType.CLAUSE.value, "kind": DocType.CLAUSE.kind.value,
            "title": f"{numbered.number}　{title}".strip(), "body": body,
            "context": f"{publication.number}《{publication.title}》", "target": publication.id,
            "anchor": clause.key, "version": str(clause.version_id), **standing,
        })
    return documents
