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
``RATELIMIT_STORAGE_URI`` where rate-limit counters live: by default a SQLite file under
                        ``instance/`` shared by the workers of one host; ``redis://host:6379`` to
                        share them between hosts.
``SEARCH_INDEX_DIR``    the full-text index (Whoosh); default ``instance/search-index``. Only the job
                        consumer (and ``flask search rebuild``) writes it.
``REDIS_URL``           the job queue (Huey) in Redis, shared by several hosts; unset: SQLite in
                        ``JOBS_SQLITE`` (default ``instance/huey.db``). Both are read by ``app.jobs``
                        when it is imported, so the web workers and the consumer agree.
``JOBS_IMMEDIATE``      ``1``: run background jobs at once in the process that queues them (tests,
                        a one-process development run) instead of on the consumer.
``PROXY_HOPS``          how many reverse proxies stand in front of the app (default 0). Their
                        ``X-Forwarded-*`` headers are then trusted, so the sign-in limits count
                        clients, not the proxy. Never set it higher than the proxies there are:
                        a client could then forge its address.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import tempfile
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
        _create_once(path, secrets.token_hex(32))
    return path.read_text().strip()


def _create_once(path: Path, content: str) -> None:
    """Write ``path`` whole, owner-only, unless someone else already has.

    Workers starting together on a fresh instance race here: the key is written to a
    private file first and then linked into place (atomic, and refused if the name is
    taken), so nobody ever reads a half-written key and everyone ends up with the winner's.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def _proxy_hops() -> int:
    raw = os.environ.get("PROXY_HOPS", "0").strip() or "0"
    if not raw.isdigit() or int(raw) > 5:
        raise ConfigError(f"PROXY_HOPS={raw!r} is not a number of proxies (0-5)")
    return int(raw)


def load(instance: Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The settings for one app instance: environment first, then explicit overrides."""
    instance.mkdir(parents=True, exist_ok=True)
    production = environment() == "production"
    overrides = dict(overrides or {})
    settings: dict[str, Any] = {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'biaogan.db'}",
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(instance / "uploads"),
        "SEARCH_INDEX_DIR": os.environ.get("SEARCH_INDEX_DIR") or str(instance / "search-index"),
        "JOBS_IMMEDIATE": os.environ.get("JOBS_IMMEDIATE", "").strip().lower() in ("1", "true", "yes"),
        "AUDIT_CHECKPOINTS": os.environ.get("AUDIT_CHECKPOINTS") or str(instance / "audit-checkpoints.log"),
        "RATELIMIT_STORAGE_URI": (os.environ.get("RATELIMIT_STORAGE_URI")
                                  or f"sqlite://{instance / 'ratelimits.sqlite'}"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "PROXY_HOPS": _proxy_hops(),
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
