"""Route guards: a signed-in user for whom the area's ``can_*`` predicate holds, else 403.

The predicates are the domain's own (``core.permissions``, ``benchmarks.permissions``) —
the same ones the templates ask before drawing a link or a button — so one place decides
who may use an area. Per-record scope (404) and per-step rights are the services' job.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask_login import current_user, login_required

from core.errors import PermissionDenied
from core.people import User

F = TypeVar("F", bound=Callable[..., Any])


def actor() -> User:
    """The signed-in user as the domain sees them (services take this explicitly)."""
    return cast(User, current_user._get_current_object())


def allowed(may: Callable[[User], bool], refusal: str | None = None) -> Callable[[F], F]:
    """Let the view run only for a signed-in user for whom ``may(user)`` holds; others get
    403 with ``refusal`` (or the general message)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        @login_required
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not may(actor()):
                raise PermissionDenied(*([refusal] if refusal else []))
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate
