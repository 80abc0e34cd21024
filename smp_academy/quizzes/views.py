"""Taking a quiz (with autosave), reviewing it, and the instructors' statistics."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from smp_academy.auth.models import User
from smp_academy.auth.sessions import kept_post, resumable
from smp_academy.core.bodies import parse_body
from smp_academy.core.boundary import refused_to, writes
from smp_academy.core.clock import now_utc
from smp_academy.core.roles import Role, require, roles_required
from smp_academy.core.web import form_errors
from smp_academy.courses.access import course_lock
from smp_academy.courses.models import Cohort, Course
from smp_academy.courses.permissions import (
    can_view_cohort,
    can_view_trainee_work,
    trainee_scope,
    visible_cohorts,
)
from smp_academy.extensions import db
from smp_academy.quizzes import accommodations as grants
from smp_academy.quizzes import reports, services
from smp_academy.quizzes import review as attempt_review
from smp_academy.quizzes.forms import AccommodationForm, ActionForm
from smp_academy.quizzes.models import Attempt, Quiz
from smp_academy.quizzes.schemas import AUTOSAVE_SHAPE, AutosaveRequest
from smp_academy.quizzes.statistics import MIN_FLAG_RESPONSES

bp = Blueprint("quizzes", __name__)

STAFF = (Role.INSTRUCTOR, Role.ADMIN)


def _course_slug(quiz: Quiz) -> str:
    return db.session.get(Course, quiz.course_id).slug


def _own_attempt_or_404(attempt_id: int) -> Attempt:
    attempt = db.get_or_404(Attempt, attempt_id)
    require(attempt.user_id == current_user.id, hide=True)
    return attempt


@bp.get("/quizzes/<slug>")
@roles_required(Role.TRAINEE, *STAFF)
@writes
def show_quiz(slug: str):
    quiz = services.get_quiz(slug)
    course = db.session.get(Course, quiz.course_id)
    attempts = services.user_attempts(current_user, quiz)
    for attempt in attempts:
        services.close_if_overdue(attempt)
    policy = services.attempt_policy(current_user, quiz, attempts)
    grade = services.graded_score(attempts, quiz.config.grading_method)
    return render_template(
        "quizzes/quiz.html",
        quiz=quiz,
        course=course,
        attempts=attempts,
        policy=policy,
        grade=grade,
        lock=course_lock(current_user, course),
        form=ActionForm(),
    )


@bp.post("/quizzes/<slug>/start")
@roles_required(Role.TRAINEE)
@refused_to(".show_quiz")
def start_quiz(slug: str):
    quiz = services.get_quiz(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt = services.start_attempt(current_user, quiz)
    return redirect(url_for(".take_attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
@roles_required(Role.TRAINEE)
@writes
def take_attempt(attempt_id: int):
    attempt = _own_attempt_or_404(attempt_id)
    kept = kept_post(request.path)
    if kept is not None and attempt.is_open:
        problems = services.save_form_answers(current_user, attempt, kept.getlist)
        flash(" ".join(problems) or "The answers you sent before signing in are saved.", "info")
    if services.close_if_overdue(attempt):
        flash("Time is up: your attempt was submitted with the answers saved in time.", "info")
    if not attempt.is_open:
        return redirect(url_for(".review_attempt", attempt_id=attempt.id))
    answers = {slot: row.answer for slot, row in services.saved_answers(attempt).items()}
    return render_template(
        "quizzes/attempt.html",
        attempt=attempt,
        quiz=attempt.quiz,
        questions=services.public_questions(attempt),
        answers=answers,
        course_slug=_course_slug(attempt.quiz),
        form=ActionForm(),
    )


@bp.post("/attempts/<int:attempt_id>")
@roles_required(Role.TRAINEE)
@resumable
def save_attempt(attempt_id: int):
    """The no-JavaScript path: save every answer, then submit if asked."""
    attempt = _own_attempt_or_404(attempt_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    problems = services.save_form_answers(
        current_user, attempt, request.form.getlist, submit=request.form.get("action") == "submit"
    )
    if problems:
        flash(" ".join(problems), "error")
        return redirect(url_for(".take_attempt", attempt_id=attempt.id))
    if attempt.is_open:
        flash("Your answers are saved.", "success")
        return redirect(url_for(".take_attempt", attempt_id=attempt.id))
    return redirect(url_for(".review_attempt", attempt_id=attempt.id))


@bp.post("/attempts/<int:attempt_id>/answers")
@roles_required(Role.TRAINEE)
def autosave_answer(attempt_id: int):
    """JSON autosave: {"slot": n, "answer": {...}} → {"saved": true}."""
    attempt = _own_attempt_or_404(attempt_id)
    body = parse_body(AutosaveRequest, request.get_json(silent=True), AUTOSAVE_SHAPE)
    row = services.save_answer(current_user, attempt, body.slot, body.answer)
    return jsonify(saved=True, slot=body.slot, saved_at=row.saved_at.isoformat())


@bp.post("/attempts/<int:attempt_id>/submit")
@roles_required(Role.TRAINEE)
def submit_attempt(attempt_id: int):
    attempt = _own_attempt_or_404(attempt_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if attempt.is_open and not services.close_if_overdue(attempt):
        services.submit_attempt(attempt)
    return redirect(url_for(".review_attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>/review")
@roles_required(Role.TRAINEE, *STAFF)
def review_attempt(attempt_id: int):
    attempt = db.get_or_404(Attempt, attempt_id)
    require(can_view_trainee_work(current_user, attempt.user_id), hide=True)
    if attempt.is_open:
        if attempt.user_id == current_user.id:
            return redirect(url_for(".take_attempt", attempt_id=attempt.id))
        abort(404)
    settings = attempt.quiz.config
    shown = attempt_review.shown_now(settings, attempt, now_utc(), staff=current_user.role in STAFF)
    return render_template(
        "quizzes/review.html",
        attempt=attempt,
        quiz=attempt.quiz,
        items=attempt_review.review_items(attempt),
        course_slug=_course_slug(attempt.quiz),
        shown=shown,
        notes=attempt_review.when_hidden_items_show(settings, shown),
    )


def _cohort_filter() -> Cohort | None:
    """The ``?cohort=`` asked for: one the viewer may see, else 404."""
    cohort_id = request.args.get("cohort", type=int)
    if not cohort_id:
        return None
    cohort = db.get_or_404(Cohort, cohort_id)
    require(can_view_cohort(current_user, cohort), hide=True)
    return cohort


@bp.get("/quizzes/<slug>/statistics")
@roles_required(*STAFF)
def quiz_statistics(slug: str):
    quiz = services.get_quiz(slug)
    cohort = _cohort_filter()
    return render_template(
        "quizzes/statistics.html",
        quiz=quiz,
        cohort=cohort,
        cohorts=visible_cohorts(current_user),
        report=reports.quiz_report(quiz, trainee_scope(current_user, cohort)),
        min_flag_responses=MIN_FLAG_RESPONSES,
    )


@bp.get("/quizzes/<slug>/results.csv")
@roles_required(*STAFF)
def results_csv(slug: str):
    quiz = services.get_quiz(slug)
    cohort = _cohort_filter()
    name = f"{quiz.slug}-{'cohort-' + str(cohort.id) if cohort else 'all'}-results.csv"
    return Response(
        reports.results_csv(quiz, trainee_scope(current_user, cohort)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/quizzes/<slug>/items.csv")
@roles_required(*STAFF)
def item_analysis_csv(slug: str):
    """Item analysis: per question and option, the figures of the statistics page."""
    quiz = services.get_quiz(slug)
    cohort = _cohort_filter()
    report = reports.quiz_report(quiz, trainee_scope(current_user, cohort))
    name = f"{quiz.slug}-{'cohort-' + str(cohort.id) if cohort else 'all'}-item-analysis.csv"
    return Response(
        reports.item_analysis_csv(report),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/quizzes/<slug>/accommodations", methods=["GET", "POST"])
@roles_required(*STAFF)
def accommodations(slug: str):
    quiz = services.get_quiz(slug)
    form = AccommodationForm()
    scope = trainee_scope(current_user)
    trainees = grants.accommodation_candidates(scope)
    form.trainee.choices = [SelectChoice(u.id, f"{u.name} <{u.email}>") for u in trainees]
    if form.validate_on_submit():
        trainee = db.get_or_404(User, form.trainee.data)
        require(can_view_trainee_work(current_user, trainee.id), hide=True)
        with form_errors(form):
            grants.grant_accommodation(
                current_user,
                quiz,
                trainee,
                extra_attempts=form.extra_attempts.data or 0,
                extra_minutes=form.extra_minutes.data or 0,
                reason=form.reason.data,
            )
            flash(f"{trainee.name} is granted the accommodation.", "success")
            return redirect(url_for(".accommodations", slug=slug))
    return render_template(
        "quizzes/accommodations.html",
        quiz=quiz,
        form=form,
        grants=grants.accommodations_for(quiz, scope),
    )


@bp.app_context_processor
def quiz_template_helpers():
    """Lets course pages link to their quiz (and the learner's results) without the courses
    domain importing quizzes."""
    return {"quiz_for_course": services.quiz_for_course, "quiz_results": services.quiz_results}
