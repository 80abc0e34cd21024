"""Your data: the export ZIP holds everything we keep about the trainee; a deletion asked for by
the trainee and confirmed by an admin erases the account except the certificate and the
records it rests on, which stay under a pseudonym."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from smp_academy.admin import account_deletion as deletion
from smp_academy.auth.models import DeletionRequest, User
from smp_academy.certificates.models import Certificate, Certification
from smp_academy.core.errors import Conflict
from smp_academy.core.models import AuditEvent, Notification, OutboxMessage
from smp_academy.core.notify import notify
from smp_academy.core.storage import LocalStorage
from smp_academy.courses.models import CohortMember, Course, LessonProgress
from smp_academy.extensions import db
from smp_academy.grading import services as grading
from smp_academy.grading.services import PinInput
from smp_academy.practice.models import Photo, Submission
from smp_academy.quizzes.models import Attempt, Quiz
from tests import factories
from tests.conftest import AuthActions, csrf_token
from tests.courses import helpers as courses
from tests.grading import helpers as practice


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    """Notifications build links (a request context); photos go to this test's own storage."""
    with (
        app.test_request_context(),
        practice.swapped_storage(app, LocalStorage(tmp_path / "files")) as store,
    ):
        yield store


@dataclass
class Work:
    course: Course
    quiz: Quiz
    submission: Submission


def _work(trainee: User, instructor: User, title: str) -> Work:
    """A course whose lessons the trainee finished, its quiz passed and its exercise passed."""
    course = courses.course(title, lessons=2)
    courses.complete(trainee, courses.lessons_of(course))
    quiz = factories.quiz(factories.question_bank("t-single"))
    quiz.course_id = course.id
    factories.attempt(trainee, quiz)
    exercise = practice.exercise(title=f"{title} drill")
    exercise.course_id = course.id
    submission = practice.submission(trainee, exercise, note=f"My {title} square.")
    grading.claim(instructor, submission)
    photo = submission.photos[0].id
    pins = [PinInput(photo, 0.5, 0.25, f"A fine {title} dot")]
    grading.grade(instructor, submission, practice.levels(4, 4, 4), f"Good {title} work.", pins)
    db.session.flush()
    return Work(course, quiz, submission)


def _certificate(holder: User, work: Work) -> Certificate:
    certification = Certification(
        slug="certified",
        title="Certified Practitioner",
        requires={
            "courses": [work.course.slug],
            "quizzes": [work.quiz.slug],
            "exercises": [work.submission.exercise.slug],
        },
        renewal={},
        content_hash="x",
    )
    db.session.add(certification)
    db.session.flush()
    cert = Certificate(
        code="SMP-TEST-0000-0001",
        holder_id=holder.id,
        certification_id=certification.id,
        holder_name=holder.name,
        credential_title=certification.title,
        issued_on=date(2026, 3, 1),
    )
    db.session.add(cert)
    db.session.flush()
    return cert


@pytest.fixture
def world(instructor):
    """Terry: certified on the Hygiene work, plus Pigment work no certificate rests on."""
    trainee = factories.user(name="Terry Trainee", email="terry@example.com")
    factories.cohort("Spring", trainees=[trainee], instructors=[instructor])
    kept, extra = _work(trainee, instructor, "Hygiene"), _work(trainee, instructor, "Pigment")
    cert = _certificate(trainee, kept)
    notify(trainee, "Welcome to SMP Academy.", "/", email_template="notification")
    db.session.flush()
    return trainee, kept, extra, cert


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def _post(client, path: str, data: dict | None = None):
    return client.post(
        path, data={"csrf_token": csrf_token(client, "/account/data")} | (data or {})
    )


# --------------------------------------------------------------------------- export


def test_the_export_holds_everything_about_the_trainee(client, auth, world, storage):
    trainee, kept, _extra, cert = world
    auth.login(trainee)
    archive = _zip(_post(client, "/account/data/export"))
    names = set(archive.namelist())
    assert {"README.txt", "profile.json", "progress.json", "quizzes.json", "practice.json"} <= names
    assert {"certificates.json", "notifications.json", "audit.json"} <= names

    profile = json.loads(archive.read("profile.json"))
    assert (profile["name"], profile["email"]) == ("Terry Trainee", "terry@example.com")
    assert profile["cohorts"][0]["cohort"] == "Spring" and profile["sessions"]
    lessons = json.loads(archive.read("progress.json"))["lessons"]
    assert len(lessons) == 4 and all(lesson["completed_at"] for lesson in lessons)
    attempts = json.loads(archive.read("quizzes.json"))["attempts"]
    assert len(attempts) == 2
    assert attempts[0]["questions"][0]["your_answer"] == "Hepatitis B"

    practice_data = json.loads(archive.read("practice.json"))
    hygiene = next(s for s in practice_data if s["note"] == "My Hygiene square.")
    photo = hygiene["photos"][0]
    stored = storage.load(kept.submission.photos[0].storage_key)
    assert archive.read(photo["file"]) == stored  # the photo itself, as stored
    grade = hygiene["grades"][0]
    assert grade["feedback"] == "Good Hygiene work." and grade["total"] == 12
    assert grade["pins"][0]["note"] == "A fine Hygiene dot"
    assert grade["levels"]["Dot size consistency"] == 4

    certificates = json.loads(archive.read("certificates.json"))
    assert certificates[0]["code"] == cert.code and certificates[0]["status"] == "valid"
    notes = [note["message"] for note in json.loads(archive.read("notifications.json"))]
    assert "Welcome to SMP Academy." in notes
    audit = json.loads(archive.read("audit.json"))
    assert "user.login" in {event["action"] for event in audit}
    exported = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.exported"))
    assert exported.actor_id == trainee.id


def test_the_export_needs_the_csrf_token_and_a_signed_in_user(client, auth, world):
    trainee, *_ = world
    assert client.get("/account/data").headers["Location"].startswith("/login")
    auth.login(trainee)
    assert client.post("/account/data/export").status_code == 400


# --------------------------------------------------------------------------- the request


def test_a_deletion_request_needs_the_password_and_the_tick(client, auth, world):
    trainee, *_ = world
    auth.login(trainee)
    page = _post(client, "/account/data/deletion", {"password": "wrong", "understood": "y"})
    assert page.status_code == 400 and "The password is not correct." in page.get_data(True)
    page = _post(client, "/account/data/deletion", {"password": factories.PASSWORD})
    assert page.status_code == 400 and "Tick the box to confirm." in page.get_data(True)
    assert db.session.scalar(select(func.count(DeletionRequest.id))) == 0

    data = {"password": factories.PASSWORD, "understood": "y", "reason": "Moving abroad."}
    response = _post(client, "/account/data/deletion", data)
    assert response.status_code == 302
    page = client.get("/account/data").get_data(as_text=True)
    assert "You asked for the deletion of your account on" in page
    with pytest.raises(Conflict, match="already"):
        deletion.request_deletion(trainee, factories.PASSWORD)

    assert _post(client, "/account/data/deletion/cancel").status_code == 302
    assert deletion.pending_request(trainee) is None
    assert "Ask for my account to be deleted" in client.get("/account/data").get_data(True)


def test_only_trainees_ask_for_deletion_and_only_admins_confirm(client, auth, instructor, world):
    trainee, *_ = world
    request = deletion.request_deletion(trainee, factories.PASSWORD)
    db.session.flush()
    auth.login(instructor)
    assert (
        _post(client, "/account/data/deletion", {"password": factories.PASSWORD}).status_code == 403
    )
    assert _post(client, f"/admin/deletion-requests/{request.id}/confirm").status_code == 403
    assert client.get("/admin/deletion-requests").status_code == 403
    assert request.state == "pending"


# --------------------------------------------------------------------------- the deletion


def test_a_confirmed_deletion_keeps_only_what_the_certificate_rests_on(
    app, client, auth, admin, instructor, world, storage
):
    trainee, kept, extra, cert = world
    notify(instructor, "Terry Trainee submitted “Pigment drill”.", "/grading")
    request = deletion.request_deletion(trainee, factories.PASSWORD, "Moving abroad.")
    db.session.flush()
    kept_id, extra_id = kept.submission.id, extra.submission.id
    removed_keys = {
        key
        for photo in extra.submission.photos
        for key in (photo.storage_key, photo.thumb_key, photo.overlay_key)
        if key
    }
    assert removed_keys <= practice.stored_keys(storage)

    auth.login(admin)
    page = client.get("/admin/deletion-requests").get_data(as_text=True)
    assert "Terry Trainee" in page and "Moving abroad." in page
    response = _post(client, f"/admin/deletion-requests/{request.id}/confirm")
    assert response.status_code == 302
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The account of Terry Trainee is deleted. 1 certificate(s)" in flashed

    name, email = deletion.pseudonym(trainee.id)
    assert (trainee.name, trainee.email, trainee.active) == (name, email, False)
    assert AuthActions(app.test_client()).login(trainee).status_code != 302  # cannot sign in
    # Kept: the certificate and what it rests on.
    assert db.session.get(Certificate, cert.id).holder_name == "Terry Trainee"
    assert db.session.get(Submission, kept_id) is not None
    assert (
        db.session.scalar(select(func.count(Attempt.id)).where(Attempt.quiz_id == kept.quiz.id))
        == 1
    )
    kept_lessons = select(func.count(LessonProgress.id)).where(LessonProgress.user_id == trainee.id)
    assert db.session.scalar(kept_lessons) == 2
    # Removed: the rest, with the photo files (deleted once the deletion is committed).
    assert db.session.get(Submission, extra_id) is None
    assert (
        db.session.scalar(select(func.count(Attempt.id)).where(Attempt.quiz_id == extra.quiz.id))
        == 0
    )
    assert db.session.scalar(select(Photo).where(Photo.submission_id == extra_id)) is None
    assert not removed_keys & practice.stored_keys(storage)
    assert db.session.scalar(select(CohortMember).where(CohortMember.user_id == trainee.id)) is None
    assert db.session.scalar(select(Notification).where(Notification.user_id == trainee.id)) is None
    assert (
        db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.to_address == "terry@example.com")
        )
        is None
    )
    # Nothing else names Terry: the instructor's notice and the audit log use the pseudonym.
    notices = db.session.scalars(
        select(Notification.message).where(Notification.user_id == instructor.id)
    )
    assert "Deleted account" in " ".join(notices) and "Terry" not in " ".join(notices)
    details = db.session.scalars(select(AuditEvent.details)).all()
    assert "terry@example.com" not in json.dumps(details)
    logins = select(AuditEvent.ip_address).where(AuditEvent.actor_id == trainee.id)
    assert set(db.session.scalars(logins)) == {None}
    assert request.state == "completed" and request.reason == ""
    assert request.outcome["submissions_removed"] == 1
    with pytest.raises(Conflict, match="completed already"):
        deletion.confirm_deletion(admin, request)


def test_without_a_certificate_every_learning_record_goes(admin, instructor):
    trainee = factories.user(name="Una Uncertified")
    factories.cohort(trainees=[trainee], instructors=[instructor])
    submission_id = _work(trainee, instructor, "Hygiene").submission.id
    request = deletion.request_deletion(trainee, factories.PASSWORD)
    outcome = deletion.confirm_deletion(admin, request)
    assert outcome == {
        "lesson_records_removed": 2,
        "quiz_attempts_removed": 1,
        "submissions_removed": 1,
        "photos_removed": 1,
        "cohort_memberships_removed": 1,
        "certificates_kept": 0,
    }
    assert db.session.get(Submission, submission_id) is None
    assert trainee.name == deletion.pseudonym(trainee.id)[0]
