"""Cohorts: admins create them and assign people; instructors follow their cohorts' progress."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from smp_academy.admin.forms import CohortForm, ConfirmForm, MemberForm
from smp_academy.admin.views import bp
from smp_academy.core.roles import Role, require, roles_required
from smp_academy.core.web import form_errors
from smp_academy.courses import cohorts
from smp_academy.courses import services as courses
from smp_academy.courses.models import Cohort, CohortRole
from smp_academy.courses.permissions import can_view_cohort
from smp_academy.extensions import db


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
        confirm=ConfirmForm(),
        trainees=cohorts.member_rows(cohort, CohortRole.TRAINEE),
        instructors=cohorts.member_rows(cohort, CohortRole.INSTRUCTOR),
    )


@bp.post("/cohorts/<int:cohort_id>/members/<int:member_id>/remove")
@roles_required(Role.ADMIN)
def remove_member(cohort_id: int, member_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    cohorts.remove_member(current_user, cohort, member_id)
    flash("Removed from the cohort.", "success")
    return redirect(url_for(".show_cohort", cohort_id=cohort.id))


@bp.get("/cohorts/<int:cohort_id>/progress")
@roles_required(Role.INSTRUCTOR, Role.ADMIN)
def cohort_progress(cohort_id: int):
    """Per trainee and lesson: who has finished what, course by course."""
    cohort = db.get_or_404(Cohort, cohort_id)
    require(can_view_cohort(current_user, cohort), hide=True)
    all_courses = courses.published_courses()
    course = next(
        (c for c in all_courses if c.slug == request.args.get("course")),
        all_courses[0] if all_courses else None,
    )
    trainees, lessons, done = cohorts.cohort_progress(cohort, course) if course else ([], [], set())
    return render_template(
        "admin/cohort_progress.html",
        cohort=cohort,
        course=course,
        courses=all_courses,
        trainees=trainees,
        lessons=lessons,
        done=done,
    )


@bp.get("/my-cohorts")
@roles_required(Role.INSTRUCTOR)
def my_cohorts():
    return render_template(
        "admin/my_cohorts.html",
        cohorts=cohorts.cohorts_of_instructor(current_user),
        sizes=cohorts.member_counts(),
    )
