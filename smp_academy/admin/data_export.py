"""Everything the academy holds about one account, as a ZIP of JSON files and the photos
(the right of access and to data portability): the profile and sessions, cohorts, course
progress, quiz attempts with every answer, practice submissions with their photos, analyses,
grades and pins, certificates, notifications, and the audit log of the account.

Only the account's own data: what instructors wrote about the trainee's work (grades,
feedback, pins) is included because it is about that work; other people appear by name only.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, String, and_, cast, or_, select

from smp_academy.auth.models import DeletionRequest, User, UserSession
from smp_academy.certificates.models import Certificate
from smp_academy.certificates.status import status_of
from smp_academy.core.clock import now_utc
from smp_academy.core.models import AuditEvent, Notification
from smp_academy.core.storage import get_storage
from smp_academy.courses.models import (
    Cohort,
    CohortMember,
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
)
from smp_academy.extensions import db
from smp_academy.grading.models import Grade, ReusableComment
from smp_academy.practice.models import Exercise, Photo, Submission
from smp_academy.quizzes.models import Accommodation, Attempt, AttemptAnswer, QuestionVersion, Quiz
from smp_academy.quizzes.question_types import get_question_type

README = """\
Your data at SMP Academy, exported on {exported_at} UTC.

profile.json        your account: name, e-mail, role, when it was created and last used,
                    your signed-in sessions, your cohorts, and any account deletion request
progress.json       the courses you enrolled in and the lessons you opened and completed
quizzes.json        every quiz attempt: the questions you were asked, your answers, the
                    marks, and any extra attempts or time you were granted
practice.json       every practice submission: your note, the photos (in photos/), the
                    automatic analysis, and each grade with its levels, feedback and pins
certificates.json   the certificates issued to you and their current status
notifications.json  the messages the academy showed you
audit.json          the audit log of your account: what you and others did to it, and when
comments.json       your reusable grading comments (instructors)
photos/             your practice photos, as stored (location and camera data were removed
                    when you uploaded them)

Times are UTC (ISO 8601).
"""


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _write(archive: zipfile.ZipFile, name: str, data: Any) -> None:
    archive.writestr(name, json.dumps(data, indent=2, ensure_ascii=False, default=_json))


def export_zip(user: User) -> bytes:
    """The ZIP of everything held about ``user`` (see the module docstring)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(exported_at=now_utc().isoformat()))
        _write(archive, "profile.json", _profile(user))
        _write(archive, "progress.json", _progress(user))
        _write(archive, "quizzes.json", _quizzes(user))
        _write(archive, "practice.json", _practice(user, archive))
        _write(archive, "certificates.json", _certificates(user))
        _write(archive, "notifications.json", _notifications(user))
        _write(archive, "audit.json", _audit(user))
        _write(archive, "comments.json", _comments(user))
    return out.getvalue()


def _rows(stmt: Select) -> Iterable[Any]:
    return db.session.execute(stmt).all()


def _profile(user: User) -> dict[str, Any]:
    sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id))
    cohorts = _rows(
        select(Cohort.name, CohortMember.role, CohortMember.added_at)
        .join(CohortMember)
        .where(CohortMember.user_id == user.id)
    )
    requests = db.session.scalars(select(DeletionRequest).where(DeletionRequest.user_id == user.id))
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "active": user.active,
        "created_at": user.created_at,
        "last_login_at": user.last_login_at,
        "sessions": [
            {"created_at": s.created_at, "expires_at": s.expires_at, "browser": s.user_agent}
            for s in sessions
        ],
        "cohorts": [{"cohort": n, "role": r, "joined_at": a} for n, r, a in cohorts],
        "deletion_requests": [
            {"requested_at": r.requested_at, "state": r.state, "reason": r.reason} for r in requests
        ],
    }


def _progress(user: User) -> dict[str, Any]:
    enrolments = _rows(
        select(Course.slug, Course.title, Enrolment.enrolled_at, Enrolment.last_activity_at)
        .join(Enrolment, Enrolment.course_id == Course.id)
        .where(Enrolment.user_id == user.id)
    )
    lessons = _rows(
        select(Course.slug, Lesson.slug, Lesson.title, LessonProgress)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Course, Course.id == Lesson.course_id)
        .where(LessonProgress.user_id == user.id)
        .order_by(Course.slug, Lesson.position)
    )
    return {
        "enrolments": [
            {"course": s, "title": t, "enrolled_at": e, "last_activity_at": a}
            for s, t, e, a in enrolments
        ],
        "lessons": [
            {
                "course": course,
                "lesson": slug,
                "title": title,
                "first_viewed_at": row.first_viewed_at,
                "completed_at": row.completed_at,
            }
            for course, slug, title, row in lessons
        ],
    }


def _quizzes(user: User) -> dict[str, Any]:
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.quiz_id, Attempt.number)
    ).all()
    answers: dict[int, dict[int, AttemptAnswer]] = {}
    for row in db.session.scalars(
        select(AttemptAnswer).where(AttemptAnswer.attempt_id.in_([a.id for a in attempts]))
    ):
        answers.setdefault(row.attempt_id, {})[row.slot] = row
    version_ids = {slot["version_id"] for a in attempts for slot in a.slots}
    versions = {
        v.id: v
        for v in db.session.scalars(
            select(QuestionVersion).where(QuestionVersion.id.in_(version_ids))
        )
    }
    grants = db.session.execute(
        select(Quiz.slug, Accommodation)
        .join(Accommodation, Accommodation.quiz_id == Quiz.id)
        .where(Accommodation.user_id == user.id)
    ).all()
    return {
        "attempts": [_attempt(a, answers.get(a.id, {}), versions) for a in attempts],
        "accommodations": [
            {
                "quiz": slug,
                "extra_attempts": grant.extra_attempts,
                "extra_minutes": grant.extra_minutes,
                "reason": grant.reason,
                "granted_at": grant.granted_at,
            }
            for slug, grant in grants
        ],
    }


def _attempt(
    attempt: Attempt, answers: dict[int, AttemptAnswer], versions: dict[int, QuestionVersion]
) -> dict[str, Any]:
    questions = []
    for slot, entry in enumerate(attempt.slots):
        spec = versions[entry["version_id"]].spec
        row = answers.get(slot)
        question_type = get_question_type(spec)
        questions.append(
            {
                "question": spec["key"],
                "prompt": spec["prompt"],
                "your_answer": question_type.describe(spec, row.answer) if row else "",
                "saved_at": row.saved_at if row else None,
                "score": row.score if row else None,
            }
        )
    return {
        "quiz": attempt.quiz.slug,
        "title": attempt.quiz.title,
        "number": attempt.number,
        "started_at": attempt.started_at,
        "submitted_at": attempt.submitted_at,
        "score": attempt.score,
        "passed": attempt.passed,
        "questions": questions,
    }


def _practice(user: User, archive: zipfile.ZipFile) -> list[dict[str, Any]]:
    """Each submission with its photos (written into ``photos/``) and its grades."""
    storage = get_storage()
    submissions = db.session.scalars(
        select(Submission)
        .where(Submission.trainee_id == user.id)
        .order_by(Submission.exercise_id, Submission.version)
    ).all()
    grades: dict[int, list[Grade]] = {}
    for grade in db.session.scalars(
        select(Grade)
        .where(Grade.submission_id.in_([s.id for s in submissions]))
        .order_by(Grade.created_at)
    ):
        grades.setdefault(grade.submission_id, []).append(grade)
    exported = []
    for submission in submissions:
        photos = []
        for photo in submission.photos:
            name = (
                f"photos/{submission.exercise.slug}-v{submission.version}-{photo.position + 1}.jpg"
            )
            archive.writestr(name, storage.load(photo.storage_key))
            photos.append(_photo(photo, name))
        exported.append(
            {
                "exercise": submission.exercise.slug,
                "title": submission.exercise.title,
                "version": submission.version,
                "state": submission.state,
                "note": submission.note,
                "submitted_at": submission.submitted_at,
                "decided_at": submission.decided_at,
                "photos": photos,
                "grades": [_grade(g, submission.exercise) for g in grades.get(submission.id, [])],
            }
        )
    return exported


def _photo(photo: Photo, name: str) -> dict[str, Any]:
    return {
        "file": name,
        "uploaded_as": photo.original_name,
        "width": photo.width,
        "height": photo.height,
        "sha256": photo.sha256,
        "analysis_status": photo.analysis_status,
        "analysis": photo.analysis,
        "analysis_error": photo.analysis_error,
    }


def _grade(grade: Grade, exercise: Exercise) -> dict[str, Any]:
    titles = {criterion["key"]: criterion["title"] for criterion in exercise.rubric}
    return {
        "graded_at": grade.created_at,
        "grader": grade.grader.name if grade.grader else None,
        "regrade": grade.is_regrade,
        "levels": {titles.get(key, key): points for key, points in grade.levels.items()},
        "total": grade.total,
        "max_total": grade.max_total,
        "passed": grade.passed,
        "feedback": grade.feedback,
        "pins": [
            {"number": p.number, "photo_x": p.x, "photo_y": p.y, "note": p.note} for p in grade.pins
        ],
    }


def _certificates(user: User) -> list[dict[str, Any]]:
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.holder_id == user.id).order_by(Certificate.issued_at)
    )
    return [
        {
            "code": cert.code,
            "credential": cert.credential_title,
            "holder_name": cert.holder_name,
            "issued_on": cert.issued_on,
            "expires_on": cert.expires_on,
            "status": status_of(cert),
            "revoked_at": cert.revoked_at,
            "revocation_reason": cert.revocation_reason,
            "requirements": cert.requirements,
        }
        for cert in certificates
    ]


def _notifications(user: User) -> list[dict[str, Any]]:
    notes = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at)
    )
    return [
        {"created_at": n.created_at, "message": n.message, "link": n.link, "read_at": n.read_at}
        for n in notes
    ]


def account_events(user: User) -> Select:
    """Audit events about the account: done by it, done to it, or naming its e-mail."""
    return select(AuditEvent).where(
        or_(
            AuditEvent.actor_id == user.id,
            and_(AuditEvent.object_type == "User", AuditEvent.object_id == str(user.id)),
            cast(AuditEvent.details, String).contains(user.email),
        )
    )


def _audit(user: User) -> list[dict[str, Any]]:
    events = db.session.scalars(account_events(user).order_by(AuditEvent.at, AuditEvent.id))
    return [
        {
            "at": event.at,
            "action": event.action,
            "by": "you"
            if event.actor_id == user.id
            else (event.actor.name if event.actor else None),
            "object": f"{event.object_type} {event.object_id}" if event.object_type else None,
            "details": event.details,
            "ip_address": event.ip_address if event.actor_id == user.id else None,
        }
        for event in events
    ]


def _comments(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(ReusableComment).where(ReusableComment.instructor_id == user.id)
    )
    return [{"text": c.text, "created_at": c.created_at} for c in rows]
