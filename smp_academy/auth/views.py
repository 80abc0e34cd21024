"""Sign-in, registration, password reset and the profile page."""

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

from smp_academy.auth import forms, services
from smp_academy.core import notify
from smp_academy.core.boundary import writes
from smp_academy.core.web import form_errors, safe_next
from smp_academy.extensions import limiter

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _sign_in(user, remember: bool) -> None:
    """Start a fresh session (no fixation) bound to a new server-side token."""
    session.clear()
    services.start_session(user, remember=remember, user_agent=request.user_agent.string)
    login_user(user, remember=remember)
    session.permanent = remember


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = forms.LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash("The e-mail or password is not correct, or the account is not active.", "error")
        else:
            _sign_in(user, form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("courses.index")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_session(current_user.session_token)
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("courses.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register():
    form = forms.RegisterForm()
    if form.validate_on_submit():
        with form_errors(form):
            user = services.register_trainee(form.email.data, form.name.data, form.password.data)
            _sign_in(user, remember=False)
            flash(f"Welcome to SMP Academy, {user.name}.", "success")
            return redirect(url_for("courses.index"))
    return render_template("auth/register.html", form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash("If an account exists for that address, we have e-mailed a reset link.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    form = forms.ResetPasswordForm()
    problem = services.reset_token_problem(token)
    if problem:
        return render_template("auth/reset_invalid.html", message=problem), 400
    if form.validate_on_submit():
        with form_errors(form):
            services.reset_password(token, form.password.data)
            flash("Your password is changed. Sign in with the new one.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    name_form = forms.ProfileForm(prefix="profile", name=current_user.name)
    password_form = forms.ChangePasswordForm(prefix="password")
    email_form = forms.ChangeEmailForm(prefix="email")
    action = request.form.get("action")
    handlers = {
        "name": (name_form, lambda: services.change_name(current_user, name_form.name.data)),
        "password": (
            password_form,
            lambda: services.change_password(
                current_user,
                password_form.current_password.data,
                password_form.new_password.data,
                current_user.session_token,
            ),
        ),
        "email": (
            email_form,
            lambda: services.change_email(
                current_user, email_form.password.data, email_form.email.data
            ),
        ),
    }
    if request.method == "POST" and action in handlers:
        form, apply = handlers[action]
        if form.validate_on_submit():
            with form_errors(form):
                apply()
                flash("Your profile is updated.", "success")
                return redirect(url_for("auth.profile"))
    return render_template(
        "auth/profile.html", name_form=name_form, password_form=password_form, email_form=email_form
    )


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
