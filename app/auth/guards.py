"""Route guards: a signed-in user with one of the given roles, else 403.

Per-record scope (404) is the services' job; a guard only says whether this kind of
person may use this area at all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask_login import current_user, login_required

from core.errors import PermissionDenied
from core.people import Role, User

F = TypeVar("F", bound=Callable[..., Any])


def actor() -> User:
    """The signed-in user as the domain sees them (services take this explicitly)."""
    return cast(User, current_user._get_current_object())


def roles_required(*roles: Role) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @functools.wraps(view)
        @login_required
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not actor().has_role(*roles):
                raise PermissionDenied()
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate
