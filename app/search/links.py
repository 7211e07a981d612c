"""Where a hit leads: each kind of document opens its record's existing page."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, url_for

from search.query import Hit
from search.schema import DocType

# endpoint, and the url_for arguments a hit gives it
LINKS: dict[DocType, tuple[str, Callable[[Hit], dict[str, object]]]] = {
    DocType.ENTERPRISE: ("enterprises.show", lambda h: {"enterprise_id": h.target}),
    DocType.RISK_POINT: ("practices.risk_point", lambda h: {"risk_point_id": h.target}),
    DocType.CHECK_ITEM: ("practices.register", lambda h: {"enterprise_id": h.target, "_anchor": "check-items"}),
    DocType.DRAFT: ("standards.project", lambda h: {"project_id": h.target}),
    DocType.DRAFT_CLAUSE: ("standards.text", lambda h: {"project_id": h.target, "_anchor": f"k-{h.anchor}"}),
    DocType.STANDARD: ("catalogue.standard", lambda h: {"slug": h.slug}),
    DocType.CLAUSE: ("catalogue.standard", lambda h: {"slug": h.slug, "_anchor": f"c-{h.anchor}"}),
}


def link_for(hit: Hit) -> str | None:
    """The URL of the hit's page (None if that page does not exist in this app)."""
    endpoint, arguments = LINKS[hit.doc_type]
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **arguments(hit))
