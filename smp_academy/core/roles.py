"""Roles, and the permission helpers every view uses instead of ad-hoc role checks."""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required


class Role(enum.StrEnum):
    TRAINEE = "trainee"
    INSTRUCTOR = "instructor"
    CLINIC = "clinic"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.TRAINEE: "Trainee",
    Role.INSTRUCTOR: "Instructor",
    Role.CLINIC: "Clinic",
    Role.ADMIN: "Administrator",
}


def has_role(user: Any, *roles: Role) -> bool:
    """True when ``user`` is signed in, active and holds one of ``roles``."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in roles


def roles_required(*roles: Role) -> Callable:
    """View decorator: sign-in required (redirect to login), then one of ``roles`` (else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]  # for the access matrix
        return wrapped

    return decorator


def require(allowed: bool, *, hide: bool = False) -> None:
    """Stop the request unless ``allowed``: 403, or 404 for objects the user may not know of."""
    if not allowed:
        abort(404 if hide else 403)
