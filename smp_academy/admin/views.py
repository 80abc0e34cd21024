"""Administration: accounts, roles, activation and the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from smp_academy.admin.forms import ConfirmForm, RoleForm
from smp_academy.auth import services as accounts
from smp_academy.core import jobs
from smp_academy.core.models import AuditEvent
from smp_academy.core.roles import ROLE_LABELS, Role, roles_required
from smp_academy.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


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
        accounts.set_role(current_user, user, Role(form.role.data))
        flash(f"{user.name} is now {ROLE_LABELS[Role(form.role.data)].lower()}.", "success")
    return redirect(url_for("admin.show_user", user_id=user.id))


@bp.post("/users/<int:user_id>/active")
@roles_required(Role.ADMIN)
def change_active(user_id: int):
    user = db.get_or_404(accounts.User, user_id)
    active = request.form.get("active") == "1"
    if ConfirmForm().validate_on_submit():
        accounts.set_active(current_user, user, active)
        flash(f"{user.name} is {'reactivated' if active else 'deactivated'}.", "success")
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


@bp.get("/jobs")
@roles_required(Role.ADMIN)
def failed_jobs():
    return render_template("admin/jobs.html", failures=jobs.failed_jobs(), form=ConfirmForm())


@bp.post("/jobs/<int:job_id>/retry")
@roles_required(Role.ADMIN)
def retry_job(job_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    jobs.retry_job(job_id)
    flash("The job is queued again.", "success")
    return redirect(url_for(".failed_jobs"))
