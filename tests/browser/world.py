"""A lived-in academy for walking every page: the real curriculum, the demo accounts, and a
little of everyone's daily work (lessons read, quizzes taken, photos submitted and graded,
certificates, a clinic's roster and look-ups, a failed job).

``build_world`` commits, and the jobs it queues (photo analysis, certificate PDFs) run after
each commit as they do after a request. pyHanko signs through ``asyncio.run``, so call it on a
thread of its own while Playwright's event loop runs (``build_world_on_a_thread``)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from bench.synthetic import make_photo
from smp_academy.admin import demo
from smp_academy.admin.content import load_content
from smp_academy.admin.content_sync import report_table, save_sync_result, sync_content
from smp_academy.auth.models import User
from smp_academy.certificates import documents
from smp_academy.certificates import services as certificates
from smp_academy.certificates.models import Certificate, Certification
from smp_academy.core import jobs
from smp_academy.core.models import Job, JobState
from smp_academy.courses import services as courses
from smp_academy.courses.models import Course, PrerequisitesMode
from smp_academy.extensions import db
from smp_academy.grading import services as grading
from smp_academy.practice import services as practice
from smp_academy.practice.models import Exercise
from smp_academy.quizzes import services as quizzes
from smp_academy.verification import services as verification
from tests import factories

PASSWORDS = {account.email: account.password for account in demo.DEMO_ACCOUNTS}


@dataclass(frozen=True)
class World:
    trainee: str
    instructor: str
    clinic: str
    admin: str
    certificate_code: str
    certificate_holder: str
    certificate_pdf: bytes = field(repr=False)  # its signed PDF, as its job rendered it
    open_attempt_id: int

    def password(self, email: str) -> str:
        return PASSWORDS[email]


def build_world(app: Flask) -> World:
    """Content, demo accounts and a week of work, committed (in a request context: the
    services build links for notifications)."""
    with app.test_request_context():
        return _build(app)


def _build(app: Flask) -> World:
    root = Path(app.config["CONTENT_PATH"])
    save_sync_result(root, report_table(sync_content(load_content(root))), [])
    users = {account.email: demo.ensure_account(account) for account in demo.DEMO_ACCOUNTS}
    demo.ensure_cohort(users)
    admin = users["admin@example.com"]
    held = demo.ensure_certificate(
        users["holder@example.com"], admin, users["instructor@example.com"]
    )
    jobs.commit()
    trainee, instructor = users["trainee@example.com"], users["instructor@example.com"]
    open_attempt = _study(trainee)
    _practise(trainee, instructor)
    _certify(trainee, admin)
    _verify(users["clinic@example.com"], held)
    _fail_a_job()
    return World(
        trainee=trainee.email,
        instructor=instructor.email,
        clinic="clinic@example.com",
        admin=admin.email,
        certificate_code=held.code,
        certificate_holder=held.holder_name,
        certificate_pdf=documents.stored_pdf(held),
        open_attempt_id=open_attempt,
    )


def build_world_on_a_thread(app: Flask) -> World:
    """``build_world`` where Playwright's event loop cannot get in the way."""
    built: list[World] = []

    def build() -> None:
        with app.app_context():
            built.append(build_world(app))

    worker = threading.Thread(target=build, name="world-builder")
    worker.start()
    worker.join(timeout=120)
    assert built, "the world was not built (see the thread's traceback above)"
    return built[0]


def _study(trainee: User) -> int:
    """Three lessons read, one quiz passed, and an attempt left open at a quiz with a question
    of every type (matching, ordering, pictures…), whose id is returned."""
    foundations = courses.get_course("smp-foundations")
    for lesson in courses.course_lessons(foundations)[:3]:
        courses.record_visit(trainee, foundations, lesson)
        courses.mark_complete(trainee, lesson)
    factories.attempt(trainee, quizzes.quiz_for_course(foundations))
    open_attempt = factories.attempt(trainee, factories.quiz(), submit=False).id
    jobs.commit()
    return open_attempt


def _practise(trainee: User, instructor: User) -> None:
    """Two drills submitted: one graded by the instructor, one claimed and in review."""
    exercises = db.session.scalars(
        select(Exercise).where(~Exercise.is_retired).order_by(Exercise.position)
    ).all()
    photo, _ = make_photo(31, background="paper", px_per_mm=10)
    graded, in_review = exercises[0], exercises[1]
    # The drills' courses need courses this trainee has not finished: advisory here, so the
    # walk has practice work to show (enforcement has its own tests).
    for exercise in (graded, in_review):
        db.session.get(Course, exercise.course_id).prerequisites_mode = PrerequisitesMode.ADVISORY
    first = practice.submit(trainee, graded, [practice.Upload("square.jpg", photo)], "First try.")
    second = practice.submit(trainee, in_review, [practice.Upload("square.jpg", photo)])
    jobs.commit()  # the analysis jobs run
    grading.claim(instructor, first)
    levels = {c["key"]: c["levels"][-1]["points"] for c in graded.spec["rubric"]}
    grading.grade(instructor, first, levels, "Even and well spaced. Keep the depth.", [])
    grading.claim(instructor, second)
    jobs.commit()


def _certify(trainee: User, admin: User) -> None:
    """The trainee holds a certificate of their own (rendered after the commit)."""
    held = {c.certification_id for c in certificates.holder_certificates(trainee)}
    certification = db.session.scalars(
        select(Certification).where(~Certification.is_retired, Certification.id.not_in(held))
    ).first()
    if certification is not None:
        certificates.issue_manually(admin, trainee, certification, "Recognised prior learning")
    jobs.commit()


def _verify(clinic: User, held: Certificate) -> None:
    """A token, the holder on the roster, and a look-up by page."""
    verification.create_token(clinic, "Payroll system")
    verification.add_to_roster(clinic, held.code, "Senior practitioner")
    verification.lookup(held.code, "page", clinic)
    jobs.commit()


def failing_job(number: int) -> None:
    raise RuntimeError(f"the mail server refused the connection ({number})")


def _fail_a_job() -> None:
    job = Job(
        name=f"{__name__}:failing_job",
        args=[7],
        state=JobState.FAILED,
        attempts=jobs.MAX_ATTEMPTS,
        last_error="RuntimeError: the mail server refused the connection (7)",
    )
    db.session.add(job)
    db.session.commit()
