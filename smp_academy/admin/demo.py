"""``flask demo``: demo accounts and data, listed in README.md. Idempotent.

The demo holder's Certified SMP Practitioner rests on a complete record: the theory rows as they
would stand after the courses, quizzes and drills, and the whole practical pathway written
through the clinical services (four supervised cases with synthetic photos and signed forms,
one signed by an external mentor's link, healed reviews, the observed hygiene procedure, the
practical exam, CPD). The demo writes history rather than replaying it: ``requirement_met`` is
muted meanwhile, so the one demo certificate is issued by the demo admin, as before, and records
everything it rests on. The demo trainee has a case whose second session waits for a sign-off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
from flask import current_app
from sqlalchemy import select

from smp_academy.admin.content import load_content
from smp_academy.admin.content_sync import sync_content
from smp_academy.auth import services as accounts
from smp_academy.auth.models import User
from smp_academy.certificates import services as certificates
from smp_academy.certificates.content import requirement_list
from smp_academy.certificates.models import Certificate, Certification
from smp_academy.certificates.status import CertificateStatus, status_of
from smp_academy.clinical import assessments, cases, media, reviews, sessions, signoffs
from smp_academy.clinical.checklists import (
    ASSESSMENT_ITEMS,
    HYGIENE_STEPS,
    TECHNIQUE_ITEMS,
    AssessmentKind,
)
from smp_academy.clinical.synthetic import scalp_photo
from smp_academy.core import events
from smp_academy.core.cli_support import BadInput, unit_of_work
from smp_academy.core.clock import now_utc, today_utc
from smp_academy.core.content_files import ContentInvalid
from smp_academy.core.roles import Role
from smp_academy.courses import cohorts as cohort_services
from smp_academy.courses.models import Cohort, Course, Lesson, LessonProgress
from smp_academy.extensions import db
from smp_academy.practice.models import Exercise, Submission, SubmissionState
from smp_academy.quizzes.models import Attempt, AttemptStatus, Quiz


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    password: str


DEMO_ACCOUNTS = (
    DemoAccount("trainee@example.com", "Tara Trainee", Role.TRAINEE, "demo-trainee-2026"),
    DemoAccount(
        "instructor@example.com", "Ivan Instructor", Role.INSTRUCTOR, "demo-instructor-2026"
    ),
    DemoAccount("clinic@example.com", "Northside Hair Clinic", Role.CLINIC, "demo-clinic-2026"),
    DemoAccount("admin@example.com", "Ada Admin", Role.ADMIN, "demo-admin-2026"),
    DemoAccount("holder@example.com", "Hana Holder", Role.TRAINEE, "demo-holder-2026"),
)


def ensure_account(account: DemoAccount) -> User:
    """The demo account, created on first run with its documented password."""
    existing = accounts.find_user_by_email(account.email)
    if existing is not None:
        return existing
    return accounts.create_user(account.email, account.name, account.password, account.role)


DEMO_COHORT = "Demo cohort"
DEMO_CERTIFICATION = "smp-practitioner"
#: the holder's cases: days ago of each session and the supervision stepping down
DEMO_CASES = (
    ((220, 206, 192), ("direct", "direct", "direct")),
    ((215, 201, 187), ("direct", "direct", "direct")),
    ((180, 166, 152), ("indirect", "indirect", "independent")),
    ((145, 131), ("independent", "independent")),
)
MENTOR = ("Morgan Mentor", "mentor@northside-clinic.example")


def ensure_cohort(users: dict[str, User]) -> Cohort:
    """The demo cohort: the instructor teaches both demo trainees."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    if cohort is None:
        cohort = Cohort(name=DEMO_COHORT)
        db.session.add(cohort)
        db.session.flush()
    members = [
        ("instructor@example.com", "instructor"),
        ("trainee@example.com", "trainee"),
        ("holder@example.com", "trainee"),
    ]
    for email, role in members:
        cohort_services.add_member(cohort, users[email], role)
    return cohort


def _demo_certification() -> Certification | None:
    return db.session.scalar(select(Certification).where(Certification.slug == DEMO_CERTIFICATION))


def ensure_content() -> None:
    """Load the curriculum when `demo` runs before `content sync` (same transaction)."""
    try:
        bundle = load_content(Path(current_app.config["CONTENT_PATH"]))
    except ContentInvalid as error:
        raise BadInput(
            f"content/ is invalid ({len(error.problems)} problem(s)); "
            "run `flask --app smp_academy content sync` to see them"
        ) from None
    sync_content(bundle)
    click.echo("Curriculum loaded from content/ (it was not synced yet).")


def ensure_certificate(holder: User, admin: User, instructor: User) -> Certificate:
    """The holder's valid practitioner certificate, with the pathway it rests on."""
    certification = _demo_certification()
    if certification is None:
        ensure_content()
        certification = _demo_certification()
    if certification is None:
        raise BadInput(f"content/ defines no certification '{DEMO_CERTIFICATION}'")
    live = certificates.live_certificate(holder.id, certification.id)
    if live is not None and status_of(live) == CertificateStatus.VALID:
        return live
    if not cases.cases_of(holder):
        with events.requirement_met.muted():
            _theory_records(holder, requirement_list(certification.requires))
            _practical_pathway(holder, instructor)
    practitioner = certificates.issue_manually(admin, holder, certification, "Demo data")
    certificates.check_and_issue(holder.id)  # what else the same records earn (hygiene)
    return practitioner


def _ago(days: int) -> date:
    return today_utc() - timedelta(days=days)


def _theory_records(holder: User, requires: list[dict]) -> None:
    """The lessons, quizzes and drills as done 300 days ago (rows, as their services leave
    them)."""
    done = now_utc() - timedelta(days=300)
    slugs = {
        kind: [r["slug"] for r in requires if r["kind"] == kind]
        for kind in ("course", "quiz", "exercise")
    }
    lessons = db.session.scalars(
        select(Lesson.id).join(Course).where(Course.slug.in_(slugs["course"]), ~Lesson.is_retired)
    )
    for lesson_id in lessons:
        db.session.add(LessonProgress(user_id=holder.id, lesson_id=lesson_id, completed_at=done))
    for quiz_id in db.session.scalars(select(Quiz.id).where(Quiz.slug.in_(slugs["quiz"]))):
        db.session.add(
            Attempt(
                quiz_id=quiz_id,
                user_id=holder.id,
                number=1,
                status=AttemptStatus.SUBMITTED,
                started_at=done,
                submitted_at=done,
                slots=[],
                score=1.0,
                passed=True,
            )
        )
    exercises = db.session.scalars(select(Exercise.id).where(Exercise.slug.in_(slugs["exercise"])))
    for exercise_id in exercises:
        db.session.add(
            Submission(
                exercise_id=exercise_id,
                trainee_id=holder.id,
                state=SubmissionState.PASSED,
                submitted_at=done,
                decided_at=done,
            )
        )
    db.session.flush()


#: the area every demo session photographs after treatment and every healed review again
DEMO_AREA = "hairline"
#: the after photo of the session with seed s shows the dots of seed s + FRESH
FRESH = 1000


def _photo(seed: int, *, healed: bool = False, bare: bool = False) -> list[media.Upload]:
    """A synthetic scalp photo with the scale sticker; one seed shows one area, fresh or
    healed (bare: before any dot)."""
    density = 0 if bare else 30 + seed % 40
    return [media.Upload(f"demo-{seed}.jpg", scalp_photo(seed, density, healed=healed))]


def _ready_case(trainee: User, consent_day: date, seed: int):
    case = cases.open_case(trainee, None, 1970 + seed % 25)
    consent = cases.ConsentInput(
        "on_screen", ["treatment", "risks", "training_photos", "records"], "XY", consent_day, []
    )
    cases.record_consent(trainee, case, consent)
    cases.record_screening(trainee, case, {}, False, consent_day)
    cases.record_plan(
        trainee,
        case,
        "norwood-3",
        False,
        3,
        "Soft, slightly irregular mature hairline; density built over three sessions; Ash 2.",
    )
    return case


def _session(trainee: User, case, supervisor: User | None, day: date, level: str, seed: int):
    """A session whose before photo is the previous session's area healed (bare skin before
    the first) and whose after photo is measured against the healed reviews."""
    external: dict[str, Any] = (
        {} if supervisor else {"external_name": MENTOR[0], "external_email": MENTOR[1]}
    )
    before = _photo(seed - 1 + FRESH, healed=True) if case.sessions else _photo(seed, bare=True)
    given = sessions.SessionInput(
        performed_on=day,
        duration_minutes=180,
        areas=["hairline", "temples", "mid_scalp"],
        pigment_brand="Demo Pigments",
        pigment_shade="Ash 2",
        pigment_lot=f"DP-{2026 + seed % 2}-0{seed % 3 + 1}",
        dilution="1:3 sterile water",
        needle="1RL 0.25",
        machine="SMP Pen X",
        machine_settings="stroke 2.5 mm, 90 Hz",
        level=level,
        supervisor_id=supervisor.id if supervisor else None,
        before=before,
        after=_photo(seed + FRESH),
        after_area=DEMO_AREA,
        **external,
    )
    return sessions.log_session(trainee, case, given)


def _form(level: str) -> signoffs.SignOffInput:
    return signoffs.SignOffInput(
        level=level,
        hygiene={key: True for key, _ in HYGIENE_STEPS},
        ratings={key: 3 for key, _ in TECHNIQUE_ITEMS},
        feedback="Steady depth and stretch; keep the temple transitions soft.",
        is_satisfactory=True,
    )


def _practical_pathway(holder: User, instructor: User) -> None:
    """Four supervised cases, signed, closed and reviewed healed (the first, six months on,
    twice); the examiners' forms; CPD."""
    closed = []
    for index, (days_ago, levels) in enumerate(DEMO_CASES):
        case = _ready_case(holder, _ago(230), index)
        for n, (ago, level) in enumerate(zip(days_ago, levels, strict=True)):
            by_mentor = index == len(DEMO_CASES) - 1 and n == len(levels) - 1
            session = _session(
                holder, case, None if by_mentor else instructor, _ago(ago), level, 10 * index + n
            )
            if by_mentor:
                _, token = signoffs.invite_external(holder, session)
                signoffs.sign_off_by_link(token, _form(level))
            else:
                signoffs.sign_off(instructor, session, _form(level))
        cases.close_case(holder, case)
        last_seed = 10 * index + len(levels) - 1
        _review(holder, case, "4-week", 28, last_seed)
        closed.append((case, last_seed))
    first_case, first_seed = closed[0]
    _review(holder, first_case, "6-month", 180, first_seed)
    for kind, ago in (
        (AssessmentKind.OBSERVED_PROCEDURE, 160),
        (AssessmentKind.PRACTICAL_EXAM, 100),
    ):
        items = {key: True for key, _ in ASSESSMENT_ITEMS[kind]}
        given = assessments.AssessmentInput(
            _ago(ago), items, "Methodical and calm; clear with the client."
        )
        assessments.record_assessment(instructor, holder, kind, given)
    cpd = assessments.CpdInput(
        _ago(90), "Scar camouflage masterclass", "SMP Society", 6, _photo(77)
    )
    assessments.log_cpd(holder, cpd)


def _review(holder: User, case, window: str, after: int, seed: int) -> None:
    """A healed review photographing the area of the last session's after photo (its seed)."""
    given = reviews.ReviewInput(
        window,
        case.closed_on + timedelta(days=after),
        "slight",
        "none",
        "none",
        5,
        "Even healed tone; no blowouts.",
        _photo(seed + FRESH, healed=True),
        DEMO_AREA,
    )
    reviews.record_review(holder, case, given)


def ensure_case_in_progress(trainee: User, instructor: User) -> None:
    """The demo trainee's open case: one session signed, the next waiting for a sign-off."""
    if cases.cases_of(trainee):
        return
    case = _ready_case(trainee, _ago(30), 5)
    signoffs.sign_off(
        instructor, _session(trainee, case, instructor, _ago(21), "direct", 50), _form("direct")
    )
    waiting = _session(trainee, case, instructor, _ago(5), "direct", 51)
    sessions.tell_supervisor(waiting, trainee)


@click.command("demo")
@unit_of_work
def demo() -> None:
    """Load demo accounts and data (idempotent) and print them."""
    if current_app.config["PRODUCTION"]:
        raise BadInput("demo data has well-known passwords and is never loaded in production")
    users = {account.email: ensure_account(account) for account in DEMO_ACCOUNTS}
    ensure_cohort(users)
    instructor = users["instructor@example.com"]
    cert = ensure_certificate(users["holder@example.com"], users["admin@example.com"], instructor)
    ensure_case_in_progress(users["trainee@example.com"], instructor)
    click.echo("Demo accounts (e-mail / password):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.role.value:<10} {account.email:<26} {account.password}")
    click.echo(
        f"Demo certificate of {cert.holder_name}: {cert.code} "
        f"({cert.credential_title}, valid until {cert.expires_on})"
    )
