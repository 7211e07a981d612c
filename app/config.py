"""Configuration from the environment, with safe local defaults.

``BIAOGAN_ENV``         ``development`` (default) or ``production``; anything else refuses to start.
``DATABASE_URL``        SQLAlchemy URL; default: SQLite file ``instance/biaogan.db``.
``SECRET_KEY``          signs sessions. Production: required, at least 32 bytes. Locally it
                        is generated once into ``instance/secret_key``.
``AUDIT_KEY``           seals the audit trail (HMAC); kept outside the database. Production:
                        required, at least 32 bytes. Locally generated into ``instance/audit_key``.
``AUDIT_CHECKPOINTS``   the file the chain's head is appended to after each commit;
                        default ``instance/audit-checkpoints.log``.
``UPLOAD_DIR``          where uploaded files live; default ``instance/uploads``.
``RATELIMIT_STORAGE_URI`` where rate-limit counters live: ``memory://`` (default, per worker)
                        or ``redis://host:6379`` to share them between workers and hosts.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ENVIRONMENTS = ("development", "production")
MIN_KEY_BYTES = 32


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app."""


def environment() -> str:
    name = os.environ.get("BIAOGAN_ENV", "development")
    if name not in ENVIRONMENTS:
        raise ConfigError(f"BIAOGAN_ENV={name!r} is not one of {', '.join(ENVIRONMENTS)}")
    return name


def _key(variable: str, instance: Path, production: bool) -> str:
    """A secret from the environment, or (not in production) generated once into ``instance/``."""
    if key := os.environ.get(variable):
        if production and len(key.encode()) < MIN_KEY_BYTES:
            raise ConfigError(f"{variable} must be at least {MIN_KEY_BYTES} bytes in production")
        return key
    if production:
        raise ConfigError(f"{variable} must be set when BIAOGAN_ENV=production")
    path = instance / variable.lower()
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def load(instance: Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The settings for one app instance: environment first, then explicit overrides."""
    instance.mkdir(parents=True, exist_ok=True)
    production = environment() == "production"
    overrides = dict(overrides or {})
    settings: dict[str, Any] = {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'biaogan.db'}",
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(instance / "uploads"),
        "AUDIT_CHECKPOINTS": os.environ.get("AUDIT_CHECKPOINTS") or str(instance / "audit-checkpoints.log"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
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
    for variable in ("SECRET_KEY", "AUDIT_KEY"):
        if variable not in overrides:
            settings[variable] = _key(variable, instance, production)
    settings.update(overrides)
    return settings
