"""Sign-in, registration with a confirmed address, password reset and the profile page."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from smp_academy.auth import forms, services, signin
from smp_academy.auth.sessions import KEPT_POST
from smp_academy.core import notify
from smp_academy.core.boundary import writes
from smp_academy.core.mail import last_message_to
from smp_academy.core.rate_limits import too_many
from smp_academy.core.web import form_errors, safe_next
from smp_academy.extensions import limiter

bp = Blueprint("auth", __name__)

RESET_TOKEN = "reset_token"  # the reset link's token, kept in the session, out of the URL
SIGN_INS_LIMITED = too_many(
    "account requests (sign-in, registration, password reset) from your address"
)


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _sign_in(user, remember: bool) -> None:
    """Start a fresh session (no fixation) bound to a new server-side token; work kept from
    before the sign-in (a quiz post) carries over."""
    kept = session.get(KEPT_POST)
    session.clear()
    if kept is not None:
        session[KEPT_POST] = kept
    signin.start_session(user, remember=remember, user_agent=request.user_agent.string)
    login_user(user, remember=remember)
    session.permanent = remember


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message=SIGN_INS_LIMITED)
def login():
    form = forms.LoginForm()
    status = 200
    if form.validate_on_submit():
        outcome = signin.authenticate(form.email.data, form.password.data, request.remote_addr)
        if outcome.user is not None:
            _sign_in(outcome.user, form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("courses.index")))
        flash(outcome.message, "error")
        status = outcome.status
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        signin.end_session(current_user.session_token)
    logout_user()
    csrf = session.get("csrf_token")
    session.clear()
    if csrf is not None:  # other open tabs can still post; their work is kept through sign-in
        session["csrf_token"] = csrf
    flash("You are signed out.", "info")
    return redirect(url_for("courses.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message=SIGN_INS_LIMITED)
def register():
    form = forms.RegisterForm()
    if form.validate_on_submit():
        with form_errors(form):
            services.register_trainee(form.email.data, form.name.data, form.password.data)
            session["registered_email"] = form.email.data.strip()
            return redirect(url_for(".registration_sent"))
    return render_template("auth/register.html", form=form)


@bp.get("/register/sent")
def registration_sent():
    """The same page whether the address was new or known (the e-mail says which)."""
    email = session.get("registered_email", "")
    return render_template(
        "auth/registration_sent.html", email=email, development_copy=_development_copy(email)
    )


def _development_copy(email: str):
    """Without a mail server (development), the message sent, so a newcomer can go on."""
    if current_app.config.get("PRODUCTION") or current_app.config.get("MAIL_URL") or not email:
        return None
    return last_message_to(email)


@bp.get("/confirm-email")
@writes
def confirm_email():
    with form_errors(None):
        user = services.confirm_registration(request.args.get("token", ""))
        _sign_in(user, remember=False)
        flash(f"Your address is confirmed. Welcome to SMP Academy, {user.name}.", "success")
        return redirect(url_for("courses.index"))
    return render_template("auth/link_invalid.html"), 400


@bp.get("/change-email")
@writes
def change_email():
    with form_errors(None):
        user = services.apply_email_change(request.args.get("token", ""))
        flash(f"Your e-mail address is now {user.email}.", "success")
        return redirect(url_for(".profile") if current_user.is_authenticated else url_for(".login"))
    return render_template("auth/link_invalid.html"), 400


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message=SIGN_INS_LIMITED)
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        signin.request_password_reset(form.email.data)
        flash("If an account exists for that address, we have e-mailed a reset link.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message=SIGN_INS_LIMITED)
def reset_password():
    if "token" in request.args:  # from the e-mail: keep the token, drop it from the URL
        session[RESET_TOKEN] = request.args["token"]
        return redirect(url_for(".reset_password"))
    token = session.get(RESET_TOKEN, "")
    problem = signin.reset_link_problem(token)
    if problem:
        return render_template("auth/reset_invalid.html", message=problem), 400
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        with form_errors(form):
            signin.reset_password(token, form.password.data)
            session.pop(RESET_TOKEN, None)
            flash("Your password is changed. Sign in with the new one.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    name_form = forms.ProfileForm(prefix="profile", name=current_user.name)
    password_form = forms.ChangePasswordForm(prefix="password")
    email_form = forms.ChangeEmailForm(prefix="email")
    forms_by_action = {"name": name_form, "password": password_form, "email": email_form}
    action = request.form.get("action")
    form = forms_by_action.get(action)
    if request.method == "POST" and form is not None and form.validate_on_submit():
        with form_errors(form):
            flash(_apply_profile_change(action, form), "success")
            return redirect(url_for("auth.profile"))
    return render_template(
        "auth/profile.html", name_form=name_form, password_form=password_form, email_form=email_form
    )


def _apply_profile_change(action: str, form) -> str:
    """One service call per profile form; returns what to tell the person."""
    if action == "name":
        services.change_name(current_user, form.name.data)
        return "Your name is updated."
    if action == "password":
        services.change_password(
            current_user,
            form.current_password.data,
            form.new_password.data,
            current_user.session_token,
        )
        return "Your password is changed. Your other sessions are signed out."
    if services.request_email_change(current_user, form.password.data, form.email.data):
        return "We have sent a confirmation link to the new address; open it to make the change."
    return "That is already your e-mail address."


@bp.get("/notifications")
@login_required
@writes
def notifications():
    items = notify.recent(current_user.id)
    notify.mark_all_read(current_user.id)
    return render_template("auth/notifications.html", items=items)


@bp.app_context_processor
def notification_count():
    """The unread count for the navigation bar (one query, signed-in users only)."""
    if not current_user or not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": notify.unread_count(current_user.id)}
