"""Submissions of practice photos: validate everything first, write files, then the rows;
analyse each photo in a background job."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, url_for
from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError

from smp_academy.auth.models import User
from smp_academy.core import audit, jobs
from smp_academy.core.errors import Conflict, NotFound, ValidationFailed
from smp_academy.core.notify import notify
from smp_academy.core.rows import execute_changes
from smp_academy.core.storage import get_storage, new_key
from smp_academy.courses.access import ensure_open
from smp_academy.courses.intake import place_in_intake
from smp_academy.courses.models import CohortMember, CohortRole, Course
from smp_academy.extensions import db
from smp_academy.practice.analysis import MarkersNotFound, UnreadableImage, analyze, render_overlay
from smp_academy.practice.models import (
    AnalysisStatus,
    Exercise,
    Photo,
    Submission,
    SubmissionState,
)
from smp_academy.practice.permissions import can_submit, submit_refusal
from smp_academy.practice.photo_check import measurability_problems
from smp_academy.practice.uploads import CleanPhoto, UploadRejected, clean_photo, safe_filename

PHOTO_PREFIX = "photos"


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def exercises_for_course(course: Course) -> list[Exercise]:
    return list(
        db.session.scalars(
            select(Exercise)
            .where(Exercise.course_id == course.id, ~Exercise.is_retired)
            .order_by(Exercise.position)
        )
    )


def get_exercise(slug: str) -> Exercise:
    exercise = db.session.scalar(
        select(Exercise).where(Exercise.slug == slug, ~Exercise.is_retired)
    )
    if exercise is None:
        raise NotFound("No such exercise.")
    return exercise


def history(trainee: User, exercise: Exercise) -> list[Submission]:
    """Every version the trainee submitted, newest first."""
    return list(
        db.session.scalars(
            select(Submission)
            .where(Submission.trainee_id == trainee.id, Submission.exercise_id == exercise.id)
            .order_by(Submission.version.desc())
        )
    )


def submit(trainee: User, exercise: Exercise, uploads: list[Upload], note: str = "") -> Submission:
    """A new submission (or a new version after "needs work" or a withdrawal). Every photo is
    validated and checked to be measurable before anything is stored; files are written before
    the rows that name them. The trainee's instructors hear of it (a trainee nobody teaches
    joins the open intake cohort first)."""
    versions = history(trainee, exercise)
    if not can_submit(trainee, exercise, versions):
        raise Conflict(submit_refusal(versions))
    ensure_open(trainee, db.session.get(Course, exercise.course_id))
    photos = _validated(exercise, uploads)
    stored = _store(photos)
    previous = versions[0] if versions else None
    try:
        with db.session.begin_nested():
            submission = Submission(
                exercise_id=exercise.id,
                trainee_id=trainee.id,
                version=previous.version + 1 if previous else 1,
                previous_id=previous.id if previous else None,
                note=note.strip()[:2000],
            )
            db.session.add(submission)
            db.session.flush()
            for position, ((upload, clean), (key, thumb_key)) in enumerate(
                zip(photos, stored, strict=True)
            ):
                db.session.add(
                    Photo(
                        submission_id=submission.id,
                        position=position,
                        storage_key=key,
                        thumb_key=thumb_key,
                        content_type=clean.content_type,
                        width=clean.width,
                        height=clean.height,
                        size=len(clean.data),
                        sha256=clean.sha256,
                        original_name=safe_filename(upload.filename),
                    )
                )
            db.session.flush()
    except IntegrityError:  # a double click: the other request's submission stands
        raise Conflict("This submission was already received.") from None
    for photo in submission.photos:
        jobs.enqueue(analyze_photo, photo.id)
    place_in_intake(trainee)
    _notify_instructors(submission)
    return submission


def _validated(exercise: Exercise, uploads: list[Upload]):
    low, high = exercise.spec["photos"]["min"], exercise.spec["photos"]["max"]
    uploads = [u for u in uploads if u.data or u.filename]
    if not low <= len(uploads) <= high:
        count = f"{low}" if low == high else f"{low} to {high}"
        raise ValidationFailed(
            f"Upload {count} photo{'s' if high > 1 else ''} for this exercise.", field="photos"
        )
    cleaned, problems = [], []
    for upload in uploads:
        clean, refusals = _cleaned_and_measurable(upload)
        problems += refusals
        if clean is not None:
            cleaned.append((upload, clean))
    if problems:
        raise ValidationFailed(
            " ".join(problems) + " Nothing was uploaded; the exercise stays open for new photos.",
            field="photos",
        )
    return cleaned


def check_upload(upload: Upload) -> dict[str, Any]:
    """The upload page's check of one photo as it is chosen, before anything is submitted: the
    same verdict the submission will give (stores nothing)."""
    _, problems = _cleaned_and_measurable(upload)
    return {"ok": not problems, "problems": problems}


def _cleaned_and_measurable(upload: Upload) -> tuple[CleanPhoto | None, list[str]]:
    """The cleaned photo, and why it is refused (unreadable, or not measurable) if it is."""
    name, max_pixels = safe_filename(upload.filename), current_app.config["UPLOAD_MAX_PIXELS"]
    try:
        clean = clean_photo(
            upload.data, max_bytes=current_app.config["UPLOAD_MAX_BYTES"], max_pixels=max_pixels
        )
    except UploadRejected as error:
        return None, [f"“{name}” {error}."]
    problems = measurability_problems(clean.data, max_pixels=max_pixels)
    return clean, [f"“{name}” cannot be measured. {' '.join(problems)}"] if problems else []


def _store(photos) -> list[tuple[str, str]]:
    """Write each photo and its thumbnail; if the unit of work fails later, the storage deletes
    what it wrote (core.storage)."""
    storage = get_storage()
    stored: list[tuple[str, str]] = []
    for _, clean in photos:
        key, thumb_key = new_key(PHOTO_PREFIX, ".jpg"), new_key(PHOTO_PREFIX, ".thumb.jpg")
        storage.save(key, clean.data, clean.content_type)
        storage.save(thumb_key, clean.thumbnail, "image/jpeg")
        stored.append((key, thumb_key))
    return stored


def get_photo(photo_id: int) -> Photo:
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        raise NotFound("No such photo.")
    return photo


def photo_owner_id(photo: Photo) -> int:
    return db.session.scalar(
        select(Submission.trainee_id).where(Submission.id == photo.submission_id)
    )


def analyze_photo(photo_id: int) -> None:
    """Job: measure the dots of one photo; store the report and an overlay image."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.analysis_status == AnalysisStatus.DONE:
        return
    storage = get_storage()
    try:
        result = analyze(
            storage.load(photo.storage_key), max_pixels=current_app.config["UPLOAD_MAX_PIXELS"]
        )
    except MarkersNotFound as error:
        photo.analysis_status, photo.analysis_error = AnalysisStatus.NO_MARKERS, str(error)
        return
    except UnreadableImage as error:
        photo.analysis_status, photo.analysis_error = AnalysisStatus.FAILED, str(error)
        return
    overlay_key = new_key(PHOTO_PREFIX, ".overlay.png")
    storage.save(overlay_key, render_overlay(result), "image/png")
    photo.overlay_key = overlay_key
    photo.analysis = json.loads(json.dumps(result.report))
    photo.analysis_extras = json.loads(json.dumps(result.extras))
    photo.analysis_status = AnalysisStatus.DONE
    photo.analysis_error = None


def known_photo_keys() -> set[str]:
    """Every stored key a photo row names (for the orphan clean-up)."""
    rows = db.session.execute(select(Photo.storage_key, Photo.thumb_key, Photo.overlay_key))
    return {key for row in rows for key in row if key}


def withdraw(trainee: User, submission: Submission) -> None:
    """Take back a submission nobody has claimed yet, so the exercise opens for new photos.
    The conditional UPDATE settles a race with an instructor's claim: the first one wins."""
    if submission.trainee_id != trainee.id:
        raise NotFound("No such submission.")
    changed = execute_changes(
        update(Submission)
        .where(Submission.id == submission.id, Submission.state == SubmissionState.SUBMITTED)
        .values(state=SubmissionState.WITHDRAWN)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(submission)
    if changed != 1:
        raise Conflict(
            f"This submission can no longer be withdrawn: it is {submission.state_label.lower()}."
        )
    audit.record(trainee, "submission.withdrawn", submission)


def waiting_by_trainee(trainee_ids: Select) -> dict[int, tuple[int, datetime]]:
    """Per trainee: how many submissions wait or are in review, and since when (one query)."""
    rows = db.session.execute(
        select(Submission.trainee_id, func.count(Submission.id), func.min(Submission.submitted_at))
        .where(
            Submission.trainee_id.in_(trainee_ids),
            Submission.state.in_([SubmissionState.SUBMITTED, SubmissionState.IN_REVIEW]),
        )
        .group_by(Submission.trainee_id)
    )
    return {trainee_id: (count, oldest) for trainee_id, count, oldest in rows}


def _notify_instructors(submission: Submission) -> None:
    """Tell the trainee's instructors (of any shared cohort) that work is waiting."""
    cohorts = select(CohortMember.cohort_id).where(CohortMember.user_id == submission.trainee_id)
    teachers = db.session.scalars(
        select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.role == CohortRole.INSTRUCTOR, CohortMember.cohort_id.in_(cohorts))
        .distinct()
    ).all()
    for teacher in teachers:
        notify(
            teacher,
            f"{submission.trainee.name} submitted “{submission.exercise.title}” "
            f"(version {submission.version}).",
            url_for("grading.grade_submission", submission_id=submission.id),
        )
