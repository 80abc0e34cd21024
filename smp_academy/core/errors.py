"""Domain errors, raised by services and mapped to HTTP statuses at the edge."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the action; the message is safe to show to the user."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    status = 400


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The object is not in a state that allows the action (a workflow guard, a race lost)."""

    status = 409
