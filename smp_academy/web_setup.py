"""What ``create_app`` wires: blueprints, per-request hooks, security headers, error pages."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, jsonify, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from smp_academy import core_views
from smp_academy.admin import cohorts as admin_cohorts  # noqa: F401 - registers routes
from smp_academy.admin import views as admin_views
from smp_academy.auth import views as auth_views
from smp_academy.auth.services import load_session_user
from smp_academy.certificates import views as certificate_views
from smp_academy.certificates.services import check_and_issue
from smp_academy.core.events import requirement_met
from smp_academy.core.jobs import discard_pending, enqueue
from smp_academy.core.roles import ROLE_LABELS, Role, has_role
from smp_academy.courses import views as course_views
from smp_academy.extensions import db, login_manager
from smp_academy.grading import views as grading_views
from smp_academy.practice import views as practice_views
from smp_academy.quizzes import views as quiz_views
from smp_academy.verification import api as verification_api
from smp_academy.verification import views as verification_views

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def register_blueprints(app: Flask) -> None:
    for blueprint in (
        core_views.bp,
        auth_views.bp,
        admin_views.bp,
        course_views.bp,
        quiz_views.bp,
        practice_views.bp,
        grading_views.bp,
        certificate_views.bp,
        verification_views.bp,
        verification_api.bp,
    ):
        app.register_blueprint(blueprint)


def _issue_earned_certificates(sender, user_id: int, **_) -> None:
    """A quiz passed, a lesson finished or an exercise passed: issue what is now earned in the
    same transaction, and check again after commit, when a requirement completed at the same
    moment in another transaction is visible too (the unique index prevents a double)."""
    check_and_issue(user_id)
    enqueue(check_and_issue, user_id)


requirement_met.connect(_issue_earned_certificates)


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


def register_request_hooks(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_session_user)
    login_manager.session_protection = None  # sessions are checked on the server instead

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint == "static" and request.args.get("v"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        elif current_user and current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response

    @app.url_defaults
    def version_static_urls(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["v"] = static_version(app.static_folder, values["filename"])

    @app.teardown_request
    def forget_jobs(exc):
        discard_pending()

    @app.context_processor
    def template_helpers():
        return {"Role": Role, "ROLE_LABELS": ROLE_LABELS, "has_role": has_role}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz" or request.is_json


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        if wants_json():
            response = jsonify(error=error.description or error.name)
            response.status_code = error.code or 500
            if error.code == 429 and error.response is not None:
                response.headers.update(
                    {
                        k: v
                        for k, v in error.response.headers.items()
                        if k.startswith(("Retry", "X-R"))
                    }
                )
            return response
        template = (
            f"errors/{error.code}.html" if error.code in {403, 404, 429} else "errors/generic.html"
        )
        return render_template(template, error=error), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        db.session.rollback()
        if wants_json():
            return jsonify(error="internal error"), 500
        return render_template("errors/500.html"), 500


def _error_template(code: int | None) -> str:
    return f"errors/{code}.html" if code in {403, 404, 429} else "errors/generic.html"
