"""Flask-Login wiring: who the request's user is, and what an anonymous caller gets."""

from __future__ import annotations

from flask import flash, jsonify, redirect, request, url_for
from flask_login import LoginManager

from smp_academy.auth.signin import load_session_user
from smp_academy.core.boundary import wants_json

SIGN_IN_MESSAGE = "Please sign in to continue."


def init_login(login_manager: LoginManager) -> None:
    login_manager.user_loader(load_session_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.session_protection = None  # sessions are checked on the server instead


def unauthorized():
    """A page asks the visitor to sign in and comes back; a JSON caller (a script saving quiz
    answers, say) gets 401 JSON, never a redirect that ``fetch`` would follow to a 200 page."""
    if wants_json() or request.accept_mimetypes.best == "application/json":
        return jsonify(error="Your session has ended. Sign in again to continue."), 401
    flash(SIGN_IN_MESSAGE, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
