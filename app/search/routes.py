"""The search page: ``GET /search?q=…&kind=…&industry=…&status=…&page=…``.

Everything it shows has passed the actor's permission filter inside the index query.
An index that is missing or damaged is never an error page: a rebuild is queued (once)
and the page says results may be incomplete until it is done; in immediate mode (tests)
the rebuild has already run when the page searches again.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from app.auth.guards import actor
from app.database import db
from app.search import tasks
from app.search.indexing import index_store
from app.search.links import link_for
from core.db import china_today
from core.regions import list_industries
from core.text import bounded_int, filter_text
from search.access import visible_to
from search.query import MAX_QUERY, Criteria, Found, run
from search.schema import Kind
from search.store import IndexUnavailable
from standards.models import PublicationStatus

bp = Blueprint("search", __name__)
LONGEST_INPUT = 100_000  # characters read from the query string before cutting to MAX_QUERY


def _criteria() -> Criteria:
    args = request.args
    return Criteria(
        text=filter_text(args.get("q"), LONGEST_INPUT), kind=filter_text(args.get("kind"), 20),
        industry=filter_text(args.get("industry"), 10), status=filter_text(args.get("status"), 20),
        page=bounded_int(args.get("page"), hi=10_000) or 1,
    )


def _search(criteria: Criteria) -> tuple[Found | None, bool]:
    """The page of hits, and whether the index is (being) rebuilt so results may be incomplete."""
    store = index_store()
    allowed = visible_to(db(), actor())
    try:
        return run(store, criteria, allowed, china_today()), store.is_rebuilding()
    except IndexUnavailable:
        if store.claim_rebuild():
            tasks.rebuild_index()  # queued (immediate mode: done by the time this returns)
    try:
        return run(store, criteria, allowed, china_today()), store.is_rebuilding()
    except IndexUnavailable:
        return None, True


@bp.route("/search")
@login_required
def index() -> str:
    criteria = _criteria()
    found, rebuilding = _search(criteria) if criteria.text else (None, False)
    return render_template(
        "search/index.html", criteria=criteria, found=found, rebuilding=rebuilding, link_for=link_for,
        kinds=list(Kind), statuses=list(PublicationStatus), industries=list_industries(db()),
        max_query=MAX_QUERY,
    )
