"""Idempotency keys: a retried request gets the first one's answer.

A client sends ``Idempotency-Key: <random>`` (an API caller) or a form carries a hidden
``idempotency_key`` made when the page was rendered (a browser: a double click, or a retry after
a lost response). The first request claims the key in its own transaction and stores its answer
there; a repeat, even one running at the same moment, gets that answer back and changes
nothing. A refused request (4xx) keeps no answer, so fixing the input and sending again works.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Response, make_response, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from smp_academy.core.clock import now_utc
from smp_academy.core.errors import Conflict, ValidationFailed
from smp_academy.core.models import IdempotentRequest
from smp_academy.core.rows import execute_changes
from smp_academy.extensions import db

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
MAX_KEY_LENGTH = 200
MAX_STORED_BODY = 64 * 1024
KEEP_FOR = timedelta(days=1)


def form_field() -> Markup:
    """The hidden field that gives a rendered form its own key (``{{ idempotency_field() }}``)."""
    return Markup(f'<input type="hidden" name="{FORM_FIELD}" value="{secrets.token_urlsafe(24)}">')


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer a repeated key with the stored answer; store the first answer with its work."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER) or request.form.get(FORM_FIELD)
        if not key:
            return view(*args, **kwargs)
        digest = _digest(key)
        stored = _stored(digest)
        if stored is not None:
            return _replay(stored)
        record = _claim(digest)
        if record is None:  # the same key, committed a moment ago by a concurrent request
            return _replay(_stored(digest))
        response = make_response(view(*args, **kwargs))
        if response.status_code >= 400:  # refused: nothing was done, a corrected retry must run
            db.session.execute(
                delete(IdempotentRequest).where(IdempotentRequest.key_hash == digest)
            )
        else:
            _remember(record, response)
        return response

    return wrapped


def _digest(key: str) -> str:
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed(f"An {HEADER} is printable text of at most {MAX_KEY_LENGTH} chars.")
    user = current_user.id if current_user and current_user.is_authenticated else "-"
    scope = f"{user}\x1f{request.endpoint}\x1f{key}"
    return hashlib.sha256(scope.encode()).hexdigest()


def _stored(digest: str) -> IdempotentRequest | None:
    return db.session.scalar(select(IdempotentRequest).where(IdempotentRequest.key_hash == digest))


def _claim(digest: str) -> IdempotentRequest | None:
    """Insert the key (a concurrent twin waits on the unique index, then finds it taken)."""
    record = IdempotentRequest(key_hash=digest)
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        return None
    return record


def _remember(record: IdempotentRequest, response: Response) -> None:
    body = response.get_data() if not response.is_streamed else b""
    record.status = response.status_code
    record.location = response.headers.get("Location")
    record.content_type = response.headers.get("Content-Type")
    record.body = body if len(body) <= MAX_STORED_BODY else None


def _replay(stored: IdempotentRequest | None) -> Response:
    if stored is None or stored.status is None:
        raise Conflict("The same request is being handled right now; try again in a moment.")
    response = Response(stored.body or b"", status=stored.status, content_type=stored.content_type)
    if stored.location:
        response.headers["Location"] = stored.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def forget_old() -> int:
    """Maintenance: drop answers kept longer than a day (retries come within seconds)."""
    return execute_changes(
        delete(IdempotentRequest).where(IdempotentRequest.created_at < now_utc() - KEEP_FOR)
    )
