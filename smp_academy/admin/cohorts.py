"""Cohorts: admins create them and assign people; instructors follow their cohorts' progress."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from smp_academy.admin import progress
from smp_academy.admin.forms import CohortForm, ConfirmForm, MemberForm
from smp_academy.admin.progress import ProgressGrid
from smp_academy.admin.views import bp
from smp_academy.auth.models import User
from smp_academy.core.boundary import refused_to
from smp_academy.core.roles import Role, require, roles_required
from smp_academy.core.web import form_errors
from smp_academy.courses import cohorts, intake
from smp_academy.courses import services as courses
from smp_academy.courses.forms import AssignForm, CohortSettingsForm
from smp_academy.courses.models import Cohort, CohortRole, Course
from smp_academy.courses.permissions import can_view_cohort, visible_cohorts
from smp_academy.extensions import db
from smp_academy.practice.models import STATE_LABELS
from smp_academy.practice.services import waiting_by_trainee


@bp.route("/cohorts", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def list_cohorts():
    form = CohortForm()
    if form.validate_on_submit():
        with form_errors(form):
            cohort = cohorts.create_cohort(
                current_user,
                form.name.data,
                form.starts_on.data and form.starts_on.data.isoformat(),
            )
            return redirect(url_for(".show_cohort", cohort_id=cohort.id))
    rows = db.session.scalars(select(Cohort).order_by(Cohort.name)).all()
    return render_template(
        "admin/cohorts.html", cohorts=rows, form=form, sizes=cohorts.member_counts()
    )


@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def show_cohort(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = MemberForm()
    if form.validate_on_submit():
        with form_errors(form):
            user = cohorts.add_member_by_email(current_user, cohort, form.email.data)
            flash(f"{user.name} is now in {cohort.name}.", "success")
            return redirect(url_for(".show_cohort", cohort_id=cohort.id))
    return render_template(
        "admin/cohort.html",
        cohort=cohort,
        form=form,
        settings=CohortSettingsForm(obj=cohort),
        confirm=ConfirmForm(),
        trainees=cohorts.member_rows(cohort, CohortRole.TRAINEE),
        instructors=cohorts.member_rows(cohort, CohortRole.INSTRUCTOR),
    )


@bp.post("/cohorts/<int:cohort_id>/settings")
@roles_required(Role.ADMIN)
@refused_to(".show_cohort")
def cohort_settings(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = CohortSettingsForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for(".show_cohort", cohort_id=cohort.id))
    cohorts.update_settings(
        current_user,
        cohort,
        is_intake=form.is_intake.data,
        turnaround_days=form.turnaround_days.data,
    )
    flash(f"The settings of {cohort.name} are saved.", "success")
    return redirect(url_for(".show_cohort", cohort_id=cohort.id))


@bp.get("/unassigned")
@roles_required(Role.INSTRUCTOR, Role.ADMIN)
def unassigned_trainees():
    """Trainees whom no instructor teaches, with their waiting work, to be taken on."""
    waiting = waiting_by_trainee(intake.unassigned_trainee_ids())
    trainees = sorted(  # work waiting first, the longest waiting at the top
        intake.unassigned_trainees(),
        key=lambda t: (t.id not in waiting, waiting[t.id][1] if t.id in waiting else t.created_at),
    )
    form = AssignForm()
    form.cohort.choices = [(c.id, c.name) for c in visible_cohorts(current_user)]
    return render_template(
        "admin/cohort_unassigned.html",
        trainees=trainees,
        waiting=waiting,
        intake_open=intake.open_intake_cohort(),
        form=form,
    )


@bp.post("/unassigned/<int:user_id>")
@roles_required(Role.INSTRUCTOR, Role.ADMIN)
@refused_to(".unassigned_trainees")
def assign_trainee(user_id: int):
    trainee = db.get_or_404(User, user_id)
    form = AssignForm()
    form.cohort.choices = [(c.id, c.name) for c in visible_cohorts(current_user)]
    if not form.validate_on_submit():
        flash("Choose one of your cohorts.", "error")
        return redirect(url_for(".unassigned_trainees"))
    cohort = db.get_or_404(Cohort, form.cohort.data)
    require(can_view_cohort(current_user, cohort), hide=True)
    intake.take_on(current_user, cohort, trainee)
    flash(f"{trainee.name} is now in {cohort.name}.", "success")
    return redirect(url_for(".unassigned_trainees"))


@bp.post("/cohorts/<int:cohort_id>/members/<int:member_id>/remove")
@roles_required(Role.ADMIN)
def remove_member(cohort_id: int, member_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    cohorts.remove_member(current_user, cohort, member_id)
    flash("The member is removed from the cohort.", "success")
    return redirect(url_for(".show_cohort", cohort_id=cohort.id))


def _progress_of(cohort_id: int) -> tuple[Cohort, list[Course], ProgressGrid | None]:
    """The cohort (if the user may see it), every course, and the grid of the one asked for."""
    cohort = db.get_or_404(Cohort, cohort_id)
    require(can_view_cohort(current_user, cohort), hide=True)
    all_courses = courses.published_courses()
    course = next(
        (c for c in all_courses if c.slug == request.args.get("course")),
        all_courses[0] if all_courses else None,
    )
    return cohort, all_courses, progress.progress_grid(cohort, course) if course else None


@bp.get("/cohorts/<int:cohort_id>/progress")
@roles_required(Role.INSTRUCTOR, Role.ADMIN)
def cohort_progress(cohort_id: int):
    """Per trainee: lessons, the course quiz, practice exercises and certificates."""
    cohort, all_courses, grid = _progress_of(cohort_id)
    return render_template(
        "admin/cohort_progress.html",
        cohort=cohort,
        courses=all_courses,
        grid=grid,
        state_labels=STATE_LABELS,
        certificate_text=progress.certificate_text,
    )


@bp.get("/cohorts/<int:cohort_id>/progress.csv")
@roles_required(Role.INSTRUCTOR, Role.ADMIN)
def cohort_progress_csv(cohort_id: int):
    cohort, _courses, grid = _progress_of(cohort_id)
    if grid is None:
        abort(404)
    name = f"cohort-{cohort.id}-{grid.course.slug}-progress.csv"
    return Response(
        progress.grid_csv(grid),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/my-cohorts")
@roles_required(Role.INSTRUCTOR)
def my_cohorts():
    return render_template(
        "admin/my_cohorts.html",
        cohorts=cohorts.cohorts_of_instructor(current_user),
        sizes=cohorts.member_counts(),
    )
