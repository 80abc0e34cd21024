"""The clinical migration back-fills what certificates issued before it rest on, from their
holder's records, and its downgrade takes that away again; the measurements migration queues a
measurement of every scalp photo stored before it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, select

from smp_academy.certificates.models import Certificate, Certification
from smp_academy.clinical import cases
from smp_academy.clinical.models import ClientPhoto, MeasurementStatus
from smp_academy.core import jobs
from smp_academy.core.models import Job
from smp_academy.courses.models import Course, Lesson, LessonProgress
from smp_academy.extensions import db
from smp_academy.quizzes.models import Attempt, AttemptStatus, Quiz
from tests import factories
from tests.clinical import helpers
from tests.support import separate_app

CLINICAL = "9115ddaeab40"
MEASUREMENTS = "f27bfe9eef9d"
DONE = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _legacy_certificate() -> int:
    """A certificate as the code before the clinical pathway issued it (no requirements)."""
    holder = factories.user("trainee")
    course = Course(slug="hygiene", title="Hygiene", level="foundation", estimated_hours=5)
    other = Course(slug="pigments", title="Pigments", level="foundation", estimated_hours=5)
    db.session.add_all([course, other])
    db.session.flush()
    lessons = [
        Lesson(
            course_id=c.id,
            slug=f"l{n}",
            title="L",
            position=n,
            reading_minutes=5,
            body_html="",
            content_hash=f"{c.slug}{n}",
        )
        for c in (course, other)
        for n in (1, 2)
    ]
    quiz = Quiz(slug="hygiene-quiz", title="Hygiene quiz", course_id=course.id, settings={})
    db.session.add_all([*lessons, quiz])
    db.session.flush()
    for lesson in lessons[:3]:  # every lesson of hygiene, one of pigments
        db.session.add(LessonProgress(user_id=holder.id, lesson_id=lesson.id, completed_at=DONE))
    db.session.add(
        Attempt(
            quiz_id=quiz.id,
            user_id=holder.id,
            number=1,
            status=AttemptStatus.SUBMITTED,
            submitted_at=DONE,
            slots=[],
            score=1.0,
            passed=True,
        )
    )
    certification = Certification(
        slug="bbp",
        title="BBP",
        description="",
        validity_months=12,
        content_hash="x",
        requires={"courses": ["hygiene", "pigments"], "quizzes": ["hygiene-quiz"], "exercises": []},
        renewal={},
    )
    db.session.add(certification)
    db.session.flush()
    cert = Certificate(
        code="SMP-TEST-TEST-TEST",
        holder_id=holder.id,
        certification_id=certification.id,
        holder_name=holder.name,
        credential_title="BBP",
        issued_on=DONE.date(),
    )
    db.session.add(cert)
    db.session.commit()
    return cert.id


def _before(revision: str) -> str:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision(revision).down_revision


def test_existing_certificates_get_their_requirements(tmp_path: Path):
    with separate_app(DATABASE_URL=f"sqlite:///{tmp_path / 'old.db'}", SECRET_KEY="backfill"):
        before = _before(CLINICAL)
        upgrade(revision=before)
        cert_id = _legacy_certificate()
        db.session.rollback()  # end the read snapshot taken after the commit
        upgrade()
        entries = db.session.scalar(
            select(Certificate.requirements).where(Certificate.id == cert_id)
        )
        assert entries == [
            {
                "kind": "course",
                "title": "Hygiene",
                "required": None,
                "achieved": None,
                "met_on": "2026-03-02",
            },
            {
                "kind": "course",
                "title": "Pigments",
                "required": None,
                "achieved": None,
                "met_on": None,
            },
            {
                "kind": "quiz",
                "title": "Hygiene quiz",
                "required": None,
                "achieved": None,
                "met_on": "2026-03-02",
            },
        ]
        db.session.rollback()
        downgrade(revision=before)
        assert db.session.scalar(select(Certificate.requirements)) == []


def test_photos_stored_before_the_measurements_are_queued_for_one(tmp_path: Path):
    settings = {"DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}", "SECRET_KEY": "backfill"}
    with separate_app(**settings, STORAGE_URL=f"file://{tmp_path / 'files'}"):
        upgrade()
        helpers.freeze()
        people = helpers.people()
        case = cases.open_case(people.trainee, None, 1980)
        scan = helpers.consent(method="scan", signature=None, scans=[helpers.upload(7)])
        cases.record_consent(people.trainee, case, scan)
        cases.record_screening(people.trainee, case, {}, False, helpers.CONSENT_DAY)
        cases.record_plan(people.trainee, case, "norwood-3", False, 3, "Soft hairline.")
        helpers.log(people.trainee, case, people.instructor, helpers.CONSENT_DAY)
        db.session.execute(delete(Job))  # as if the photos were stored before measurements
        db.session.commit()
        downgrade(revision=_before(MEASUREMENTS))

        upgrade()

        photos = db.session.execute(
            select(ClientPhoto.id, ClientPhoto.kind, ClientPhoto.analysis_status).order_by(
                ClientPhoto.id
            )
        ).all()
        assert sorted((kind, status) for _, kind, status in photos) == [
            ("after", MeasurementStatus.PENDING),
            ("before", MeasurementStatus.PENDING),
            ("consent", None),
        ]
        queued = db.session.scalars(select(Job).order_by(Job.id)).all()
        assert [job.args for job in queued] == [[i] for i, kind, _ in photos if kind != "consent"]
        assert jobs.run(queued[-1].id)  # the job the migration names runs and measures
        measured = db.session.get(ClientPhoto, queued[-1].args[0])
        assert measured.analysis_status == MeasurementStatus.DONE
