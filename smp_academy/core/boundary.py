"""The unit of work at the edge, as indico's ``RH.process`` does it.

A request commits once, after its view returned normally, and only then dispatches the jobs
(and so the e-mails) it wrote; any exception rolls everything back. Services raise
``DomainError``s, which one handler turns into the answer the caller understands: JSON for the
API, an error page for a page, a flash message and a redirect back for a form post. Views hold
no ``commit()`` and no ``try … except DomainError``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.routing import IntegerConverter

from smp_academy.core import audit, jobs
from smp_academy.core.errors import DomainError
from smp_academy.core.web import safe_next
from smp_academy.extensions import db, write_intent

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RACE_MESSAGE = "This was changed at the same moment somewhere else. Reload the page and try again."


def refused_to(endpoint: str) -> Callable[[Callable], Callable]:
    """Where a refused form post of this view returns (built from the view's own URL
    arguments), when that is not simply the page it came from."""

    def decorator(view: Callable) -> Callable:
        view.refused_to = endpoint  # type: ignore[attr-defined]
        return view

    return decorator


def writes(view: Callable) -> Callable:
    """Mark a GET view that writes, so that on SQLite it takes the write lock up front."""
    view.writes = True  # type: ignore[attr-defined]
    return view


class Academy(Flask):
    """Flask with the request boundary: one commit per request, jobs after it."""

    def full_dispatch_request(self):
        token = write_intent.set(_request_writes(self))
        try:
            return super().full_dispatch_request()
        finally:
            write_intent.reset(token)
            jobs.discard_pending()

    def dispatch_request(self):
        result = super().dispatch_request()
        jobs.commit()
        return result


def _request_writes(app: Flask) -> bool:
    if request.method not in SAFE_METHODS:
        return True
    view = app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "writes", False))


class DatabaseIntConverter(IntegerConverter):
    """``<int:…>`` within the database's integer range: a larger id is simply not found."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def install(app: Flask) -> None:
    """Input hygiene and the error handlers (call before registering blueprints)."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.before_request(_refuse_nul_bytes)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(IntegrityError, _lost_race)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz" or request.is_json


def _refuse_nul_bytes() -> None:
    """No text we store or look up may hold a NUL (PostgreSQL refuses them mid-query)."""
    values = [request.path, *request.args.values()]
    if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        values += request.form.values()
    if any("\x00" in value for value in values):
        raise BadRequest("The request contains a NUL character, which is never valid here.")


def _error_page(status: int, message: str | None = None):
    template = f"errors/{status}.html" if status in {403, 404, 429} else "errors/generic.html"
    title = HTTP_STATUS_CODES.get(status, "Error")
    return render_template(template, status=status, title=title, message=message), status


def _json_error(message: str, status: int):
    return jsonify(error=message), status


def _domain_error(error: DomainError):
    jobs.end_refused(error)
    if wants_json():
        return _json_error(error.message, error.status)
    if error.status in {403, 404} or request.method in SAFE_METHODS:
        return _error_page(error.status, error.message)
    flash(error.message, "error")
    return redirect(refusal_url())


def _lost_race(error: IntegrityError):
    jobs.rollback()
    if wants_json():
        return _json_error(RACE_MESSAGE, 409)
    if request.method in SAFE_METHODS:
        return _error_page(409, RACE_MESSAGE)
    flash(RACE_MESSAGE, "error")
    return redirect(refusal_url())


def _http_error(error: HTTPException):
    jobs.rollback()
    if error.code is None:  # a redirect raised as an exception
        return error
    if error.code == 403:
        _audit_denial()
    if wants_json():
        response = jsonify(error=error.description or error.name)
        response.status_code = error.code
        if error.code == 429 and error.response is not None:
            response.headers.update(
                {k: v for k, v in error.response.headers.items() if k.startswith(("Retry", "X-R"))}
            )
        return response
    return _error_page(error.code, error.description)


def _audit_denial() -> None:
    """A signed-in person was refused a page: worth a line in the audit log (on its own, as
    the request's own unit of work was rolled back)."""
    from flask_login import current_user

    actor = current_user if current_user and current_user.is_authenticated else None
    audit.record(actor, "access.denied", path=request.path[:200], method=request.method)
    db.session.commit()


def _unexpected_error(error: Exception):
    current_app.logger.exception("unhandled error")
    jobs.rollback()
    if wants_json():
        return _json_error("internal error", 500)
    return render_template("errors/500.html"), 500


def refusal_url() -> str:
    view = current_app.view_functions.get(request.endpoint or "")
    endpoint = getattr(view, "refused_to", None)
    if endpoint:
        return url_for(endpoint, **(request.view_args or {}))
    return back_url()


def back_url(default: str = "/") -> str:
    """Where a refused form post returns: the page it came from, when that is on this site."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return default
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return safe_next(path, default)
