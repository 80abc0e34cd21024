"""Administration: accounts, roles, activation, the audit log, jobs and the content sync; and
the home pages of instructors, clinics and admins (``/`` for those roles)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from smp_academy.admin import audit_search, home
from smp_academy.admin.content_sync import STATES, last_sync_result
from smp_academy.admin.forms import ConfirmForm, RoleForm
from smp_academy.auth import services as accounts
from smp_academy.core import jobs
from smp_academy.core.models import AuditEvent
from smp_academy.core.roles import ROLE_LABELS, Role, roles_required
from smp_academy.courses.views import ROLE_HOMES
from smp_academy.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


def instructor_home():
    return render_template("admin/home_instructor.html", home=home.instructor_home(current_user))


def clinic_home():
    clinic = home.clinic_home(current_user)
    return render_template(
        "admin/home_clinic.html",
        home=clinic,
        certificates=home.looked_up_certificates(clinic.lookups),
    )


def admin_home():
    summary = home.admin_home()
    return render_template(
        "admin/home_admin.html", home=summary, labels=audit_search.object_labels(summary.audit)
    )


ROLE_HOMES.update(
    {Role.INSTRUCTOR: instructor_home, Role.CLINIC: clinic_home, Role.ADMIN: admin_home}
)


@bp.app_context_processor
def course_card_helpers():
    """Course cards show a figure of the course; home pages say how long ago things were."""
    return {"course_figure": home.course_figure, "time_ago": home.time_ago}


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
        labels=audit_search.object_labels(events),
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
    form = audit_search.AuditFilterForm(audit_search.recorded_actions(), formdata=request.args)
    if request.args and not form.validate():
        return render_template("admin/audit.html", form=form, page=None, labels={}), 400
    criteria = audit_search.AuditCriteria.from_form(form)
    events = audit_search.search_events(criteria, request.args.get("page", 1, type=int))
    return render_template(
        "admin/audit.html",
        form=form,
        page=events,
        labels=audit_search.object_labels(events.items),
        filters={k: v for k, v in request.args.items() if k != "page" and v},
    )


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


@bp.get("/content")
@roles_required(Role.ADMIN)
def content_status():
    return render_template("admin/content.html", result=last_sync_result(), states=STATES)
