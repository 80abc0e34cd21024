"""The instructors' queue and grading page, and the trainee's view of a graded submission."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from smp_academy.core.boundary import refused_to
from smp_academy.core.clock import now_utc
from smp_academy.core.roles import Role, require, roles_required
from smp_academy.core.web import form_errors, safe_next
from smp_academy.courses.cohorts import cohorts_of_instructor
from smp_academy.courses.intake import review_promise, unassigned_trainee_ids
from smp_academy.courses.models import Cohort
from smp_academy.courses.permissions import can_view_trainee_work
from smp_academy.extensions import db
from smp_academy.grading import comments, services
from smp_academy.grading.forms import ActionForm, CommentForm, GradeForm, make_grade_form
from smp_academy.grading.permissions import can_grade
from smp_academy.practice.forms import WithdrawForm
from smp_academy.practice.models import STATE_LABELS, Exercise, Submission
from smp_academy.practice.permissions import can_withdraw
from smp_academy.practice.services import waiting_by_trainee
from smp_academy.practice.suggestions import suggest_levels

bp = Blueprint("grading", __name__)

STAFF = (Role.INSTRUCTOR, Role.ADMIN)


def _filters() -> services.QueueFilter:
    return services.QueueFilter(
        cohort_id=request.values.get("cohort", type=int),
        exercise_id=request.values.get("exercise", type=int),
        state=request.values.get("state")
        if request.values.get("state") in {s.value for s in STATE_LABELS}
        else None,
    )


def _submission_for_staff(submission_id: int) -> Submission:
    submission = db.get_or_404(Submission, submission_id)
    require(can_grade(current_user, submission), hide=True)
    return submission


@bp.get("/grading")
@roles_required(*STAFF)
def grading_queue():
    filters = _filters()
    cohorts = (
        db.session.scalars(select(Cohort).order_by(Cohort.name)).all()
        if current_user.role == Role.ADMIN
        else cohorts_of_instructor(current_user)
    )
    return render_template(
        "grading/queue.html",
        submissions=services.queue(current_user, filters),
        filters=filters,
        counts=services.state_counts(current_user),
        oldest=services.oldest_waiting_at(current_user),
        page_size=services.QUEUE_PAGE,
        cohorts=cohorts,
        now=now_utc(),
        exercises=db.session.scalars(
            select(Exercise).where(~Exercise.is_retired).order_by(Exercise.title)
        ).all(),
        states=STATE_LABELS,
        form=ActionForm(),
        unassigned=len(waiting_by_trainee(unassigned_trainee_ids())),
    )


@bp.post("/grading/next")
@roles_required(*STAFF)
def next_submission():
    """Claim the oldest waiting submission (keyboard: n on the queue page)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    submission = services.claim_next(current_user, _filters())
    if submission is None:
        flash("Nothing is waiting. Well done!", "info")
        return redirect(url_for(".grading_queue"))
    return redirect(url_for(".grade_submission", submission_id=submission.id))


@bp.post("/grading/submissions/<int:submission_id>/claim")
@roles_required(*STAFF)
def claim_submission(submission_id: int):
    submission = _submission_for_staff(submission_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.claim(current_user, submission)
    return redirect(url_for(".grade_submission", submission_id=submission.id))


@bp.post("/grading/submissions/<int:submission_id>/release")
@roles_required(*STAFF)
def release_submission(submission_id: int):
    submission = _submission_for_staff(submission_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.release(current_user, submission)
    flash("The submission is back in the queue.", "info")
    return redirect(url_for(".grading_queue"))


@bp.route("/grading/submissions/<int:submission_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def grade_submission(submission_id: int):
    submission = _submission_for_staff(submission_id)
    form = make_grade_form(submission.exercise.rubric)()
    if form.validate_on_submit():
        with form_errors(None):
            services.grade(
                current_user, submission, form.levels(), form.feedback.data or "", form.pin_inputs()
            )
            return _after_grading(submission)
    elif form.is_submitted():
        if "csrf_token" in form.errors:
            abort(400)
        flash(_unreadable(form), "error")
    grades = services.grades_of(submission)
    start = _submitted_start(form) if form.is_submitted() else None
    start = start or services.grade_start(submission, grades)
    if not form.is_submitted():
        form.feedback.data = start.feedback
    exercise = submission.exercise
    measured = next((p for p in submission.photos if p.analysis), None)
    return render_template(
        "grading/grade.html",
        submission=submission,
        exercise=exercise,
        form=form,
        grades=grades,
        start=start,
        action=ActionForm(),
        suggestions=suggest_levels(
            exercise.rubric,
            exercise.spec.get("target", {}),
            measured and measured.analysis,
            measured and measured.analysis_extras,
        ),
        comments=comments.comments_of(current_user),
        comment_form=CommentForm(),
        previous=db.session.get(Submission, submission.previous_id)
        if submission.previous_id
        else None,
        waiting=services.next_waiting(current_user, _filters()) is not None,
    )


def _after_grading(submission: Submission):
    """Open the next waiting submission when asked to ("save and next"), else the queue while
    work waits, else this submission."""
    flash(f"The submission is graded: {submission.state_label.lower()}.", "success")
    if request.form.get("then") == "next":
        following = services.claim_next(current_user, _filters())
        if following is not None:
            return redirect(url_for(".grade_submission", submission_id=following.id))
        flash("Nothing else is waiting. Well done!", "info")
        return redirect(url_for(".grading_queue"))
    if services.next_waiting(current_user, _filters()) is not None:
        return redirect(url_for(".grading_queue", graded=submission.id))
    return redirect(url_for(".grade_submission", submission_id=submission.id))


def _unreadable(form: GradeForm) -> str:
    if form.pins.errors:
        return "A pin could not be read; remove it and place it again."
    return "A level could not be read; choose it again."


def _submitted_start(form: GradeForm) -> services.GradeStart:
    """A refused grade's own levels, feedback and pins, so the form keeps what was entered."""
    levels = {key: points for key, points in form.levels().items() if points is not None}
    pins = form.pin_inputs() if not form.pins.errors else []
    return services.GradeStart(levels, form.feedback.data or "", pins)


@bp.post("/grading/comments")
@roles_required(*STAFF)
def add_comment():
    form = CommentForm()
    if form.validate_on_submit():
        comments.save_comment(current_user, form.text.data)
        flash("The comment is saved for reuse.", "success")
    return redirect(safe_next(request.form.get("back"), url_for(".grading_queue")))


@bp.get("/grading/comments")
@roles_required(*STAFF)
def manage_comments():
    """The instructor's reusable comments, each editable and deletable."""
    own = comments.comments_of(current_user)
    return render_template(
        "grading/comments.html",
        comments=own,
        forms={c.id: CommentForm(prefix=f"c{c.id}", text=c.text) for c in own},
        new_form=CommentForm(),
        action=ActionForm(),
    )


@bp.post("/grading/comments/<int:comment_id>")
@roles_required(*STAFF)
@refused_to(".manage_comments")
def edit_comment(comment_id: int):
    comment = comments.own_comment(current_user, comment_id)
    form = CommentForm(prefix=f"c{comment.id}")
    if not form.validate_on_submit():
        flash("A reusable comment has 1 to 500 characters.", "error")
        return redirect(url_for(".manage_comments"))
    comments.edit_comment(current_user, comment, form.text.data)
    flash("The comment is changed.", "success")
    return redirect(url_for(".manage_comments"))


@bp.post("/grading/comments/<int:comment_id>/delete")
@roles_required(*STAFF)
def delete_comment(comment_id: int):
    comment = comments.own_comment(current_user, comment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    comments.delete_comment(current_user, comment)
    flash("The comment is deleted.", "success")
    return redirect(url_for(".manage_comments"))


@bp.get("/submissions/<int:submission_id>")
@roles_required(Role.TRAINEE, *STAFF)
def show_submission(submission_id: int):
    """The trainee's view: photos, analysis, and every grade with its levels, feedback, pins."""
    submission = db.get_or_404(Submission, submission_id)
    require(can_view_trainee_work(current_user, submission.trainee_id), hide=True)
    exercise = submission.exercise
    measured = next((p for p in submission.photos if p.analysis), None)
    return render_template(
        "grading/submission.html",
        submission=submission,
        exercise=exercise,
        grades=services.grades_of(submission),
        suggestions=suggest_levels(
            exercise.rubric,
            exercise.spec.get("target", {}),
            measured and measured.analysis,
            measured and measured.analysis_extras,
        ),
        previous=db.session.get(Submission, submission.previous_id)
        if submission.previous_id
        else None,
        promise=review_promise(submission.trainee_id),
        can_withdraw=can_withdraw(current_user, submission),
        withdraw_form=WithdrawForm(),
    )
