"""Small helpers shared by the views of every domain."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash
from flask_wtf import FlaskForm

from smp_academy.core.errors import DomainError


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
    ):
        return default
    return target


def show_error(form: FlaskForm | None, error: DomainError) -> None:
    """Put a service's error next to its form field, or flash it when it has no field."""
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
