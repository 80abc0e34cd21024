"""Cohorts: admins create them and assign people; instructors follow their cohorts' progress."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from smp_academy.admin import bp
from smp_academy.admin.forms import CohortForm, ConfirmForm, MemberForm
from smp_academy.auth.services import find_user_by_email
from smp_academy.core.errors import DomainError, NotFound
from smp_academy.core.jobs import commit
from smp_academy.core.roles import Role, require, roles_required
from smp_academy.core.web import show_error
from smp_academy.courses import cohorts
from smp_academy.courses import services as courses
from smp_academy.courses.models import Cohort, CohortMember
from smp_academy.extensions import db


@bp.route("/cohorts", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def list_cohorts():
    form = CohortForm()
    if form.validate_on_submit():
        try:
            cohort = cohorts.create_cohort(
                current_user,
                form.name.data,
                form.starts_on.data and form.starts_on.data.isoformat(),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            commit()
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
        user = find_user_by_email(form.email.data)
        try:
            if user is None:
                raise DomainError("No account has this e-mail address.", field="email")
            cohorts.add_member(cohort, user, user.role, actor=current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            commit()
            flash(f"{user.name} added.", "success")
            return redirect(url_for(".show_cohort", cohort_id=cohort.id))
    return render_template(
        "admin/cohort.html",
        cohort=cohort,
        form=form,
        confirm=ConfirmForm(),
        trainees=cohorts.member_rows(cohort, "trainee"),
        instructors=cohorts.member_rows(cohort, "instructor"),
    )


@bp.post("/cohorts/<int:cohort_id>/members/<int:member_id>/remove")
@roles_required(Role.ADMIN)
def remove_member(cohort_id: int, member_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        cohorts.remove_member(current_user, cohort, member_id)
    except NotFound:
        abort(404)
    commit()
    return redirect(url_for(".show_cohort", cohort_id=cohort.id))


@bp.get("/cohorts/<int:cohort_id>/progress")
@roles_required(Role.INSTRUCTOR, Role.ADMIN)
def cohort_progress(cohort_id: int):
    """Per trainee and lesson: who has finished what, course by course."""
    cohort = db.get_or_404(Cohort, cohort_id)
    require(
        current_user.role == Role.ADMIN
        or db.session.scalar(
            select(CohortMember).filter_by(
                cohort_id=cohort.id, user_id=current_user.id, role="instructor"
            )
        )
        is not None,
        hide=True,
    )
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
