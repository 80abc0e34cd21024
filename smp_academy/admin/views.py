"""Administration: accounts, roles, activation and the audit log."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from smp_academy.admin import bp
from smp_academy.admin.forms import ConfirmForm, RoleForm
from smp_academy.auth import services as accounts
from smp_academy.core.errors import DomainError
from smp_academy.core.jobs import commit, failed_rq_jobs
from smp_academy.core.models import AuditEvent, JobFailure
from smp_academy.core.roles import ROLE_LABELS, Role, roles_required
from smp_academy.extensions import db


@bp.get("/users")
@roles_required(Role.ADMIN)
def list_users():
    query = request.args.get("q", "")
    role = request.args.get("role", "")
    page = request.args.get("page", 1, type=int)
    users = accounts.search_users(query, role, page)
    return render_template("admin/users.html", users=users, q=query, role=role, roles=ROLE_LABELS)


@bp.get("/users/<int:user_id>")
@roles_required(Role.ADMIN)
def show_user(user_id: int):
    user = db.get_or_404(accounts.User, user_id)
    events = db.session.scalars(
        select(AuditEvent)
        .where((AuditEvent.object_type == "User") & (AuditEvent.object_id == str(user.id)))
        .order_by(AuditEvent.at.desc())
        .limit(20)
    ).all()
    return render_template(
        "admin/user.html",
        user=user,
        events=events,
        role_form=RoleForm(role=user.role),
        confirm=ConfirmForm(),
    )


@bp.post("/users/<int:user_id>/role")
@roles_required(Role.ADMIN)
def change_role(user_id: int):
    user = db.get_or_404(accounts.User, user_id)
    form = RoleForm()
    if form.validate_on_submit():
        _apply(
            lambda: accounts.set_role(current_user, user, Role(form.role.data)),
            f"{user.name} is now {ROLE_LABELS[Role(form.role.data)].lower()}.",
        )
    return redirect(url_for("admin.show_user", user_id=user.id))


@bp.post("/users/<int:user_id>/active")
@roles_required(Role.ADMIN)
def change_active(user_id: int):
    user = db.get_or_404(accounts.User, user_id)
    active = request.form.get("active") == "1"
    if ConfirmForm().validate_on_submit():
        _apply(
            lambda: accounts.set_active(current_user, user, active),
            f"{user.name} is {'reactivated' if active else 'deactivated'}.",
        )
    return redirect(url_for("admin.show_user", user_id=user.id))


@bp.get("/audit")
@roles_required(Role.ADMIN)
def audit_log():
    action = request.args.get("action", "")
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action.like(f"{action}%"))
    events = db.paginate(
        stmt, page=request.args.get("page", 1, type=int), per_page=50, error_out=False
    )
    return render_template("admin/audit.html", page=events, action=action)


def _apply(change, success: str) -> None:
    try:
        change()
    except DomainError as error:
        flash(error.message, "error")
    else:
        commit()
        flash(success, "success")


@bp.get("/jobs")
@roles_required(Role.ADMIN)
def failed_jobs():
    failures = db.session.scalars(select(JobFailure).order_by(JobFailure.at.desc()).limit(100))
    return render_template(
        "admin/jobs.html",
        failures=failures.all(),
        rq_jobs=failed_rq_jobs(),
        uses_rq=bool(current_app.config.get("REDIS_URL")),
    )
