"""The Flask face of Biaogan: ``create_app`` assembles it step by step."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# Every model and every workflow table registered before the first query.
import assessments.models  # noqa: F401
import benchmarks.models
import benchmarks.workflow  # noqa: F401  (and every workflow table)
import core.models  # noqa: F401
import standards.models
import standards.workflow  # noqa: F401
from app import auth
from app import config as configuration
from app.auth.login import init_login
from app.cli import register_cli
from app.database import RequestApp, init_db
from app.errors import register_error_handlers
from app.jobs import init_jobs
from app.search import init_search
from app.security import init_rate_limits, init_security
from app.templating import init_templating

INSTANCE = Path(__file__).resolve().parent.parent / "instance"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build an app from the environment, with ``config`` overriding it (tests)."""
    app = RequestApp(__name__, instance_path=str(INSTANCE))
    app.config.update(configuration.load(Path(app.instance_path), config))
    if hops := app.config.get("PROXY_HOPS"):  # behind nginx: the client is who the proxy says
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    init_db(app)
    init_security(app)
    init_login(app)
    init_templating(app)
    init_jobs(app)
    init_search(app)
    register_blueprints(app)
    init_rate_limits(app, auth.RATE_LIMITS)
    register_cli(app)
    register_error_handlers(app)
    return app


def register_blueprints(app: Flask) -> None:
    from app import (
        admin,
        auth,
        catalogue,
        enterprises,
        home,
        nominations,
        practices,
        publishing,
        redline,
        review,
        search,
    )

    # Not ``from app import standards``: ``import standards.models`` above made ``app.standards``
    # name the domain package, so that would find it instead of the blueprint package.
    standards = importlib.import_module("app.standards")
    assessments = importlib.import_module("app.assessments")
    for area in (auth, home, enterprises, nominations, practices, standards, redline, review, publishing, catalogue,
                 admin, search):
        app.register_blueprint(area.bp)
    app.register_blueprint(assessments.bp)
