"""Flask-Login wiring: who the request's user is, and what an anonymous caller gets."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, flash, jsonify, redirect, request, session, url_for
from flask_login import LoginManager
from werkzeug.datastructures import MultiDict

from smp_academy.auth.signin import load_session_user
from smp_academy.core.boundary import wants_json

SIGN_IN_MESSAGE = "Please sign in to continue."
KEPT_POST = "kept_post"


def init_login(login_manager: LoginManager) -> None:
    login_manager.user_loader(load_session_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.session_protection = None  # sessions are checked on the server instead


def unauthorized():
    """A page asks the visitor to sign in and comes back; a JSON caller (a script saving quiz
    answers, say) gets 401 JSON, never a redirect that ``fetch`` would follow to a 200 page. A
    form post that carries work (quiz answers from a tab whose session ended) is kept and
    handed back to its page after sign-in, instead of being dropped."""
    if wants_json() or request.accept_mimetypes.best == "application/json":
        return jsonify(error="Your session has ended. Sign in again to continue."), 401
    if request.method == "POST" and _keeps_post(request.endpoint):
        keep_post(request.path, request.form)
        flash("Your session had ended. Sign in again: the answers you sent are kept.", "info")
        return redirect(url_for("auth.login", next=request.path))
    flash(SIGN_IN_MESSAGE, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def resumable(view: Callable) -> Callable:
    """Mark a form view whose post is kept through a sign-in (see ``unauthorized``)."""
    view.keeps_post = True  # type: ignore[attr-defined]
    return view


def _keeps_post(endpoint: str | None) -> bool:
    return bool(getattr(current_app.view_functions.get(endpoint or ""), "keeps_post", False))


def keep_post(path: str, form: MultiDict) -> None:
    session[KEPT_POST] = {
        "path": path,
        "form": [[key, value] for key, value in form.items(multi=True) if key != "csrf_token"],
    }


def kept_post(path: str) -> MultiDict | None:
    """The form post kept for ``path`` while its sender signed in again (taken once)."""
    kept = session.get(KEPT_POST)
    if not kept or kept.get("path") != path:
        return None
    session.pop(KEPT_POST)
    return MultiDict([tuple(pair) for pair in kept["form"]])
