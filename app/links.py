"""Where a record lives on the site: the one map from (type, id) to a page.

Domain code names records, never URLs (a notification or an audit event says "nomination
8"); the web layer turns that into a link here, so moving a page is a one-line change.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

PAGES: dict[str, Callable[[int], str]] = {
    "nomination": lambda i: url_for("nominations.show", nomination_id=i),
    "campaign": lambda i: url_for("nominations.campaign", campaign_id=i),
    "enterprise": lambda i: url_for("enterprises.show", enterprise_id=i),
    "risk_point": lambda i: url_for("practices.risk_point", risk_point_id=i),
    "user": lambda i: url_for("admin.edit_user", user_id=i),
    "standard_project": lambda i: url_for("standards.project", project_id=i),
    "review_round": lambda i: url_for("review.round", round_id=i),
    "comment": lambda i: url_for("review.dispose", comment_id=i),
    "publication": lambda i: url_for("catalogue.by_id", publication_id=i),
    "assessment": lambda i: url_for("assessments.show", assessment_id=i),
    "assessment_campaign": lambda i: url_for("assessments.campaign", campaign_id=i),
    "rectification": lambda i: url_for("assessments.rectification", rectification_id=i),
}


def object_url(object_type: str | None, object_id: str | None) -> str | None:
    """The page of a record, or None when it has none (or the id is not one)."""
    page = PAGES.get(object_type or "")
    if page is None or not (object_id or "").isdigit():
        return None
    return page(int(object_id or 0))
