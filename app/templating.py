"""What templates may call: date filters, the unread count, the permission predicates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, g, request
from flask_login import current_user
from markupsafe import Markup

from app.database import db
from app.links import object_url
from app.listing import PAGE_SIZES
from assessments import permissions as assessment_permissions
from benchmarks import permissions as benchmark_permissions
from core import permissions as core_permissions
from core.db import CHINA_TZ, cn_date
from core.markup import render_markdown
from core.notifications import unread_count
from standards import permissions as standard_permissions


def china_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Stored UTC shown in Beijing time, which is what every reader means by a time."""
    if value is None:
        return "—"
    return value.astimezone(CHINA_TZ).strftime(fmt)


def china_date(value: dt.date | None) -> str:
    return "—" if value is None else cn_date(value)


def markdown_filter(text: str | None) -> Markup:
    """Sanitised HTML of user-written Markdown (safe to mark as such: nh3 cleaned it)."""
    return Markup(render_markdown(text or ""))


def query_args(**overrides: Any) -> dict[str, Any]:
    """The current query string as ``url_for`` keywords, without the names ``url_for`` keeps
    for itself (``endpoint``, ``_external``, ``_method``…): ``?endpoint=x`` cannot break a page."""
    kept = {k: v for k, v in request.args.items() if k != "endpoint" and not k.startswith("_")}
    return {**kept, **overrides}


def link_args(**overrides: Any) -> dict[str, Any]:
    """The current page's URL values (a link to the same list, re-sorted, say): the route's
    own values win over the query string, so ``?campaign_id=x`` cannot break the links."""
    return {**query_args(), **(request.view_args or {}), **overrides}


def _context() -> dict[str, Any]:
    """The unread count for the navigation; server-error pages (``g.bare``) need no database."""
    unread = 0
    if not g.get("bare") and current_user.is_authenticated:
        unread = unread_count(db(), current_user)
    return {"unread_notifications": unread, "bare": bool(g.get("bare"))}


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["china_time"] = china_time
    app.jinja_env.filters["china_date"] = china_date
    app.jinja_env.filters["markdown"] = markdown_filter
    app.jinja_env.globals.update(
        {name: getattr(module, name)
         for module in (core_permissions, benchmark_permissions, standard_permissions, assessment_permissions)
         for name in dir(module) if name.startswith(("can_", "is_"))}
    )
    app.jinja_env.globals.update(object_url=object_url, page_sizes=PAGE_SIZES, link_args=link_args,
                                  query_args=query_args)
    app.context_processor(_context)
