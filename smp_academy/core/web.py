"""What every page shares: safe redirects, form errors from services, security headers and
versioned static URLs."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, flash, request
from flask_login import current_user
from flask_wtf import FlaskForm

from smp_academy.core import idempotency, jobs
from smp_academy.core.errors import DomainError
from smp_academy.core.mail import redacted
from smp_academy.core.roles import ROLE_LABELS, Role, has_role

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: pages whose answers must never be kept by a browser or a proxy
NO_STORE_ENDPOINTS = frozenset(
    {"auth.login", "auth.register", "auth.forgot_password", "auth.reset_password"}
)


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


@contextmanager
def form_errors(form: FlaskForm | None) -> Iterator[None]:
    """Run a form's service call: a refusal undoes the unit of work and is shown on the form,
    and the view goes on to render the form again."""
    try:
        yield
    except DomainError as error:
        jobs.end_refused(error)
        show_error(form, error)


@lru_cache(maxsize=256)
def _file_digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_version(folder: str, filename: str) -> str:
    """A content hash for ``?v=``: static URLs change when the file does, so the files can be
    cached for a year."""
    path = Path(folder) / filename
    try:
        return _file_digest(str(path), path.stat().st_mtime)
    except OSError:
        return "0"


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint == "static" and request.args.get("v"):
        headers["Cache-Control"] = "public, max-age=31536000, immutable"
    elif (
        request.endpoint in NO_STORE_ENDPOINTS
        or request.path.startswith("/api/")  # a status must be seen fresh at every look-up
        or (current_user and current_user.is_authenticated)
    ):
        headers.setdefault("Cache-Control", "private, no-store")
    return response


def _template_helpers() -> dict:
    return {
        "Role": Role,
        "ROLE_LABELS": ROLE_LABELS,
        "has_role": has_role,
        "idempotency_field": idempotency.form_field,
    }


class _WithheldTokens(logging.Filter):
    """Keep the tokens of e-mailed links out of the development server's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redacted(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(redacted(a) if isinstance(a, str) else a for a in record.args)
        return True


def register_request_hooks(app: Flask) -> None:
    logging.getLogger("werkzeug").addFilter(_WithheldTokens())
    app.after_request(_security_headers)
    app.context_processor(_template_helpers)

    @app.url_defaults
    def version_static_urls(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["v"] = static_version(app.static_folder, values["filename"])
