"""Test data for the certificate tests: requirements met through the real services, and
certificates issued through ``services.issue``. Plain functions that flush; the test's
transaction rolls them back (except where a test commits on purpose, see ``committed``)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine, delete, func, select

from smp_academy.auth.models import User
from smp_academy.certificates import services
from smp_academy.certificates.models import Certificate, Certification
from smp_academy.core import jobs
from smp_academy.core.clock import now_utc
from smp_academy.core.storage import get_storage
from smp_academy.courses import services as course_services
from smp_academy.courses.models import Course, Lesson, LessonProgress
from smp_academy.extensions import db
from smp_academy.quizzes import services as quiz_services
from smp_academy.quizzes.models import Attempt, Question, QuestionVersion, Quiz
from smp_academy.quizzes.question_types import get_question_type
from smp_academy.verification.services import create_token

_n = itertools.count(1)

TRUE_FALSE = {
    "key": "gloves",
    "type": "true_false",
    "prompt": "Gloves are changed between clients.",
    "explanation": "Because gloves carry contamination from one client to the next.",
    "answer": True,
}
QUIZ_SETTINGS = {
    "questions_per_attempt": 1,
    "draw": [],
    "pass_mark": 80,
    "max_attempts": None,
    "cooldown_minutes": 0,
    "time_limit_minutes": None,
    "grading_method": "highest",
    "review": {"show_correct_answers": True, "show_explanations": True},
}


def at(day: date) -> datetime:
    """Noon UTC on ``day``, for ``clock.freeze``."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@dataclass
class Track:
    """A certification that needs every lesson of one course and that course's quiz."""

    certification: Certification
    course: Course
    lessons: list[Lesson]
    quiz: Quiz


def course(lessons: int = 2) -> tuple[Course, list[Lesson]]:
    n = next(_n)
    row = Course(
        slug=f"cert-course-{n}", title=f"Hygiene course {n}", level="foundation", estimated_hours=1
    )
    db.session.add(row)
    db.session.flush()
    rows = [
        Lesson(
            course_id=row.id,
            slug=f"lesson-{i}",
            title=f"Lesson {i}",
            position=i,
            reading_minutes=5,
            body_html="<p>Read me.</p>",
            content_hash=f"h{i}",
        )
        for i in range(1, lessons + 1)
    ]
    db.session.add_all(rows)
    db.session.flush()
    return row, rows


def quiz(for_course: Course) -> Quiz:
    """A quiz of one true/false question, stored the way ``content sync`` stores it."""
    row = Quiz(
        slug=f"{for_course.slug}-quiz",
        course_id=for_course.id,
        title="Quiz",
        settings=dict(QUIZ_SETTINGS),
    )
    db.session.add(row)
    db.session.flush()
    question = Question(quiz_id=row.id, key=TRUE_FALSE["key"], current_version=1)
    db.session.add(question)
    db.session.flush()
    db.session.add(
        QuestionVersion(
            question_id=question.id, version=1, spec=dict(TRUE_FALSE), content_hash="q1"
        )
    )
    db.session.flush()
    return row


def certification(
    *,
    courses: Sequence[str] = (),
    quizzes: Sequence[str] = (),
    exercises: Sequence[str] = (),
    validity_months: int | None = 12,
    renewal: dict | None = None,
    title: str | None = None,
) -> Certification:
    n = next(_n)
    row = Certification(
        slug=f"cert-{n}",
        title=title or f"Hygiene and Bloodborne Pathogens {n}",
        description="The holder completed the hygiene course and its assessment.",
        validity_months=validity_months,
        requires={
            "courses": list(courses),
            "quizzes": list(quizzes),
            "exercises": list(exercises),
        },
        renewal=renewal or {"quizzes": list(quizzes)},
        content_hash=f"c{n}",
    )
    db.session.add(row)
    db.session.flush()
    return row


def track(lessons: int = 2, validity_months: int | None = 12) -> Track:
    crs, rows = course(lessons)
    qz = quiz(crs)
    cert = certification(courses=[crs.slug], quizzes=[qz.slug], validity_months=validity_months)
    return Track(cert, crs, rows, qz)


def complete_lessons(user: User, t: Track) -> None:
    for lesson in t.lessons:
        course_services.mark_complete(user, lesson)
    db.session.flush()


def take_quiz(user: User, qz: Quiz, *, right: bool = True) -> Attempt:
    """Start, answer and submit through the quiz services (which announce a pass)."""
    attempt = quiz_services.start_attempt(user, qz)
    spec = quiz_services.slot_versions(attempt)[0].spec
    answer = get_question_type(spec).correct_answer(spec)
    if not right:
        answer = {"value": not answer["value"]}
    quiz_services.save_answer(user, attempt, 0, answer)
    assert quiz_services.submit_attempt(attempt)
    db.session.flush()
    return attempt


def earn(user: User, t: Track) -> None:
    complete_lessons(user, t)
    take_quiz(user, t.quiz)


def meet_requirements_quietly(user: User, t: Track) -> None:
    """Progress and a passed attempt written as rows, without announcing them (no issue)."""
    for lesson in t.lessons:
        db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, completed_at=now_utc()))
    db.session.add(
        Attempt(
            quiz_id=t.quiz.id,
            user_id=user.id,
            number=1,
            status="submitted",
            submitted_at=now_utc(),
            slots=[],
            score=1.0,
            passed=True,
        )
    )
    db.session.flush()


def certificate(
    holder: User, *, validity_months: int | None = 12, title: str | None = None, cycle: int = 1
) -> Certificate:
    """A certificate issued by ``services.issue`` for a fresh certification (PDF not rendered)."""
    cert = services.issue(
        holder, certification(validity_months=validity_months, title=title), cycle=cycle
    )
    assert cert is not None
    db.session.flush()
    return cert


def issued_with_pdf(holder: User, **kwargs) -> tuple[Certificate, bytes]:
    """Issue, then commit so the queued render job runs in-process, as after a request."""
    cert = certificate(holder, **kwargs)
    jobs.commit()
    assert cert.pdf_key, "the render job did not run after commit"
    return cert, get_storage().load(cert.pdf_key)


def token_for(clinic: User, name: str = "HR system") -> str:
    _, token = create_token(clinic, name)
    db.session.flush()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def flip_byte(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def altered(pdf: bytes, holder_name: str) -> bytes:
    """The PDF with one byte of the holder's name changed (inside the signed range)."""
    return flip_byte(pdf, pdf.index(holder_name.split()[0].encode()))


# --------------------------------------------------------------------------- rate limits


# --------------------------------------------------------------------------- committed data


@contextmanager
def committed(engine: Engine) -> Iterator[None]:
    """For tests that must commit through their own connections (threads, a live server):
    every row added to any table inside the block is deleted at its end, children first."""
    tables = list(reversed(db.metadata.sorted_tables))
    with engine.connect() as connection:
        before = {t.name: connection.scalar(select(func.max(t.c.id))) or 0 for t in tables}
    try:
        yield
    finally:
        with engine.begin() as connection:
            for table in tables:
                connection.execute(delete(table).where(table.c.id > before[table.name]))
