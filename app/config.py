"""Configuration from the environment, with safe local defaults.

``DATABASE_URL``   SQLAlchemy URL; default: SQLite file ``instance/biaogan.db``.
``SECRET_KEY``     required when ``BIAOGAN_ENV=production``; locally generated once and
                   kept in ``instance/secret_key``.
``UPLOAD_DIR``     where uploaded files live; default ``instance/uploads``.
``BIAOGAN_ENV``    ``production`` turns on secure cookies and refuses a missing key.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app."""


def _secret_key(instance: Path, production: bool) -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set when BIAOGAN_ENV=production")
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load(instance: Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The settings for one app instance: environment first, then explicit overrides."""
    instance.mkdir(parents=True, exist_ok=True)
    production = os.environ.get("BIAOGAN_ENV") == "production"
    overrides = dict(overrides or {})
    settings: dict[str, Any] = {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'biaogan.db'}",
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(instance / "uploads"),
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "SESSION_COOKIE_NAME": "biaogan_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=8),
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "WTF_I18N_ENABLED": False,  # WTForms' own Chinese messages (app.forms.Form); no Babel
        "PRODUCTION": production,
    }
    if "SECRET_KEY" not in overrides:
        settings["SECRET_KEY"] = _secret_key(instance, production)
    settings.update(overrides)
    return settings
