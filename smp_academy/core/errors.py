"""Domain errors, raised by services and mapped to HTTP statuses at the edge."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the action; the message is safe to show to the user.

    The unit of work is rolled back, unless ``keep_changes``: a refusal that has itself
    changed something that must stay (a late answer refused, and the overdue attempt closed).
    """

    status = 400

    def __init__(
        self, message: str, *, field: str | None = None, keep_changes: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.keep_changes = keep_changes


class ValidationFailed(DomainError):
    status = 400


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The object is not in a state that allows the action (a workflow guard, a race lost)."""

    status = 409
