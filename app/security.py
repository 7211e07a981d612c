"""CSRF on every form, security headers, rate limits, and safe redirect targets."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter

from app import ratelimits  # noqa: F401  (registers the sqlite:// rate-limit store)
from core.text import LARGEST_ID

csrf = CSRFProtect()

# No inline script or style anywhere: every asset is a file served by the app itself.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` that only matches ids the database can hold: a 20-digit id is a 404."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def safe_path(target: str | None, same_host: str | None = None) -> str | None:
    """``target`` if it is a path on this site, else None — for ``next``, ``back`` and referrers.

    Browsers drop tabs and newlines inside URLs, so ``/\\t/evil.com`` would become
    ``//evil.com``: any control or blank character, a backslash, a scheme or a host
    makes the target unsafe. A full URL is accepted only on ``same_host`` (a referrer).
    """
    if not target or len(target) > 2000:
        return None
    if same_host and target.startswith(same_host):
        target = "/" + target[len(same_host):]
    if any(unicodedata.category(c)[0] in "CZ" for c in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def init_security(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    csrf.init_app(app)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("PRODUCTION"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return _redirect_for_script(response)


def init_rate_limits(app: Flask, limits: Mapping[str, Sequence[Mapping[str, Any]]]) -> Limiter:
    """Give ``app`` its own limiter and put ``limits`` (endpoint → ``Limiter.limit`` keywords) on its views.

    Counters live per client address in ``RATELIMIT_STORAGE_URI``: by default a SQLite
    file under ``instance/`` that every worker on the host shares (``app.ratelimits``),
    Redis when several hosts must share them. The limiter belongs to this app alone —
    a module-level one would be re-configured by every other app built in the same
    process (the test suite builds many).
    """
    limiter = Limiter(key_func=get_remote_address, app=app)
    app.extensions["rate_limiter"] = limiter  # the limits hold it only weakly
    for endpoint, specs in limits.items():
        view = app.view_functions[endpoint]
        for spec in specs:
            view = limiter.limit(**spec)(view)
        app.view_functions[endpoint] = view
    return limiter


def _redirect_for_script(response: Response) -> Response:
    """A page's script sent this form (to show upload progress): hand it the redirect.

    ``XMLHttpRequest`` follows redirects silently, which would swallow the next page's
    flashed message; so the script gets the target in ``X-Location`` and navigates itself.
    """
    redirect = 300 <= response.status_code < 400 and "Location" in response.headers
    if request.headers.get("X-Requested-With") != "XMLHttpRequest" or not redirect:
        return response
    target = response.headers.get("Location", "")
    scripted = Response(status=200)
    scripted.headers["X-Location"] = target
    return scripted
