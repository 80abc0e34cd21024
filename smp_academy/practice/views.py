"""Exercise pages, the printable template, submissions and permission-checked photos."""

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

from smp_academy.core.boundary import refused_to
from smp_academy.core.idempotency import idempotent
from smp_academy.core.roles import Role, require, roles_required
from smp_academy.core.storage import get_storage
from smp_academy.core.web import form_errors
from smp_academy.courses.access import course_lock
from smp_academy.courses.intake import review_promise
from smp_academy.courses.models import Course
from smp_academy.courses.permissions import can_view_trainee_work
from smp_academy.extensions import db
from smp_academy.practice import services
from smp_academy.practice.forms import SubmissionForm, WithdrawForm
from smp_academy.practice.models import Submission
from smp_academy.practice.permissions import can_submit, submit_refusal
from smp_academy.practice.template import render_template_pdf

bp = Blueprint("practice", __name__)

STAFF = (Role.INSTRUCTOR, Role.ADMIN)


@bp.get("/exercises/<slug>")
@roles_required(Role.TRAINEE, *STAFF)
def show_exercise(slug: str):
    return _exercise_page(services.get_exercise(slug), SubmissionForm())


def _exercise_page(exercise, form: SubmissionForm) -> str:
    versions = services.history(current_user, exercise)
    course = db.session.get(Course, exercise.course_id)
    return render_template(
        "practice/exercise.html",
        exercise=exercise,
        versions=versions,
        course=course,
        lock=course_lock(current_user, course),
        refusal=None if can_submit(current_user, exercise, versions) else submit_refusal(versions),
        form=form,
        promise=review_promise(current_user.id),
    )


@bp.get("/exercises/<slug>/template.pdf")
@roles_required(Role.TRAINEE, *STAFF)
def download_template(slug: str):
    exercise = services.get_exercise(slug)
    pdf = render_template_pdf(exercise.title, current_user.name)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="practice-template-{exercise.slug}.pdf"'
        },
    )


@bp.post("/exercises/<slug>/submissions")
@roles_required(Role.TRAINEE)
@idempotent
def create_submission(slug: str):
    exercise = services.get_exercise(slug)
    form = SubmissionForm()
    if form.validate_on_submit():
        uploads = [
            services.Upload(f.filename or "", f.read())
            for f in request.files.getlist("photos")
            if f
        ]
        with form_errors(form):
            submission = services.submit(current_user, exercise, uploads, form.note.data or "")
            flash(_uploaded_message(submission), "success")
            return redirect(url_for("grading.show_submission", submission_id=submission.id))
    return _exercise_page(exercise, form), 400


def _uploaded_message(submission: Submission) -> str:
    promise = review_promise(submission.trainee_id)
    due = promise.due_text(submission.submitted_at)
    if not promise.reviewers:
        return (
            "Your photos are uploaded. No instructor teaches you yet: an administrator will "
            f"assign one, and you can expect feedback by {due}."
        )
    return f"Your photos are uploaded. {promise.names} will grade your work by {due}."


@bp.post("/submissions/<int:submission_id>/withdraw")
@roles_required(Role.TRAINEE)
@refused_to("grading.show_submission")
def withdraw_submission(submission_id: int):
    submission = db.get_or_404(Submission, submission_id)
    require(submission.trainee_id == current_user.id, hide=True)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    services.withdraw(current_user, submission)
    flash("Your submission is withdrawn. Upload new photos when you are ready.", "success")
    return redirect(url_for(".show_exercise", slug=submission.exercise.slug))


@bp.post("/exercises/<slug>/photo-check")
@roles_required(Role.TRAINEE)
def check_photo(slug: str):
    """JSON: can this photo be measured? The upload page asks as soon as a photo is chosen."""
    services.get_exercise(slug)
    photo = request.files.get("photo")
    if photo is None:
        return jsonify(error="send the photo as the form field 'photo'"), 400
    return jsonify(services.check_upload(services.Upload(photo.filename or "", photo.read())))


@bp.get("/photos/<int:photo_id>/<any(full, thumb, overlay):kind>")
@roles_required(Role.TRAINEE, *STAFF)
def photo_file(photo_id: int, kind: str):
    """Photos only through a permission check, never from a public path."""
    photo = services.get_photo(photo_id)
    require(can_view_trainee_work(current_user, services.photo_owner_id(photo)), hide=True)
    key = {"full": photo.storage_key, "thumb": photo.thumb_key, "overlay": photo.overlay_key}[kind]
    if not key:
        abort(404)
    data = get_storage().load(key)
    response = Response(data, mimetype="image/png" if kind == "overlay" else photo.content_type)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    extension = "png" if kind == "overlay" else "jpg"
    response.headers["Content-Disposition"] = (
        f'inline; filename="photo-{photo.id}-{kind}.{extension}"'
    )
    response.set_etag(f"{photo.sha256}-{kind}")
    return response.make_conditional(request)


@bp.app_context_processor
def practice_template_helpers():
    """Lets course pages list their exercises without the courses domain importing practice."""
    return {"exercises_for_course": services.exercises_for_course}
