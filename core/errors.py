"""Domain errors: how a service says no.

Services raise these; the web layer maps each to one status page (403/404/409/422) and
rolls the transaction back. Messages are Chinese because they reach the user as-is.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """Base of every refusal a service can make."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(DomainError):
    """The actor's role does not allow this action (403)."""

    status = 403

    def __init__(self, message: str = "您没有执行此操作的权限。") -> None:
        super().__init__(message)


class NotFound(DomainError):
    """No such record, or it lies outside the actor's scope — indistinguishable (404)."""

    status = 404

    def __init__(self, message: str = "记录不存在或不在您的辖区内。") -> None:
        super().__init__(message)


class InvalidTransition(DomainError):
    """The workflow does not allow this action from the record's current state (409)."""

    status = 409


class Conflict(DomainError):
    """The change collides with existing data or a concurrent edit (409)."""

    status = 409


class StaleEdit(Conflict):
    """Someone saved the record after the actor opened it: the edit would overwrite theirs."""


class ValidationError(DomainError):
    """Input is wrong; ``errors`` maps a field name to a Chinese message naming it (422)."""

    status = 422

    def __init__(self, errors: Mapping[str, str] | str) -> None:
        if isinstance(errors, str):
            errors = {"": errors}
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))
