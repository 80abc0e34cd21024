"""What each role's home page shows: an instructor's queue, cohorts and recent work; a clinic's
roster, tokens and look-ups; an admin's users, jobs, content and audit. Trainees and visitors
keep the courses home (courses/views.py ``index``), which asks ``ROLE_HOMES`` first.

Read-only queries, a constant number per page whatever the amount of data; plus the figure
each course card shows (the first figure its lessons use), for the home page and catalogue.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import g
from sqlalchemy import func, select

from smp_academy.admin.audit_search import ROUTINE_ACTIONS
from smp_academy.admin.content_sync import SyncResult, last_sync_result
from smp_academy.auth.models import User
from smp_academy.certificates.models import Certificate
from smp_academy.certificates.status import CertificateStatus, status_of
from smp_academy.core.clock import now_utc, today_utc
from smp_academy.core.models import AuditEvent, Job, JobState
from smp_academy.courses import cohorts
from smp_academy.courses.models import Cohort, Course, Lesson
from smp_academy.courses.permissions import instructed_trainee_ids
from smp_academy.extensions import db
from smp_academy.grading import services as grading
from smp_academy.practice.models import Submission, SubmissionState
from smp_academy.verification import services as verification
from smp_academy.verification.models import ClinicToken, RosterEntry, VerificationLookup

RECENT = 6
#: a roster entry needs the clinic's attention this long before its certificate expires
EXPIRY_NOTICE = timedelta(days=60)


# --------------------------------------------------------------------------- instructor


@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    trainees: int


@dataclass(frozen=True)
class InstructorHome:
    waiting: int
    in_review: int
    oldest_waiting_at: datetime | None
    cohorts: list[CohortSummary]
    recent: list[Submission]


def instructor_home(user: User) -> InstructorHome:
    """The queue at a glance, the cohorts taught, and the latest work of their trainees."""
    counts = grading.state_counts(user)
    sizes = cohorts.member_counts()
    taught = cohorts.cohorts_of_instructor(user)
    recent = db.session.scalars(
        select(Submission)
        .where(Submission.trainee_id.in_(instructed_trainee_ids(user.id)))
        .order_by(Submission.submitted_at.desc(), Submission.id.desc())
        .limit(RECENT)
    ).all()
    return InstructorHome(
        waiting=counts.get(SubmissionState.SUBMITTED, 0),
        in_review=counts.get(SubmissionState.IN_REVIEW, 0),
        oldest_waiting_at=grading.oldest_waiting_at(user),
        cohorts=[CohortSummary(c, sizes.get(c.id, {}).get("trainee", 0)) for c in taught],
        recent=list(recent),
    )


# --------------------------------------------------------------------------- clinic


@dataclass(frozen=True)
class RosterLine:
    entry: RosterEntry
    status: CertificateStatus
    expires_soon: bool

    @property
    def needs_attention(self) -> bool:
        return self.status != CertificateStatus.VALID or self.expires_soon


@dataclass(frozen=True)
class ClinicHome:
    roster: list[RosterLine]
    active_tokens: list[ClinicToken]
    lookups: list[VerificationLookup]

    @property
    def by_status(self) -> Counter:
        return Counter(line.status for line in self.roster)

    @property
    def attention(self) -> list[RosterLine]:
        return [line for line in self.roster if line.needs_attention]


def _roster_line(entry: RosterEntry, today: date) -> RosterLine:
    cert = entry.certificate
    status = status_of(cert, today)
    soon = (
        status == CertificateStatus.VALID
        and cert.expires_on is not None
        and cert.expires_on <= today + EXPIRY_NOTICE
    )
    return RosterLine(entry, status, soon)


def clinic_home(clinic: User) -> ClinicHome:
    """Who on the roster needs attention, the live API tokens, and the clinic's last look-ups."""
    today = today_utc()
    lookups = db.session.scalars(
        select(VerificationLookup)
        .where(VerificationLookup.clinic_id == clinic.id)
        .order_by(VerificationLookup.at.desc(), VerificationLookup.id.desc())
        .limit(RECENT)
    ).all()
    return ClinicHome(
        roster=[_roster_line(entry, today) for entry in verification.roster(clinic)],
        active_tokens=[t for t in verification.clinic_tokens(clinic) if t.revoked_at is None],
        lookups=list(lookups),
    )


def looked_up_certificates(lookups: list[VerificationLookup]) -> dict[int, Certificate]:
    """The certificates of some look-ups, in one query (a look-up keeps only the id)."""
    ids = {lookup.certificate_id for lookup in lookups if lookup.certificate_id}
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(select(Certificate).where(Certificate.id.in_(ids)))}


# --------------------------------------------------------------------------- admin


@dataclass(frozen=True)
class AdminHome:
    users_by_role: dict[str, int]
    failed_jobs: int
    content: SyncResult | None
    audit: list[AuditEvent]

    @property
    def users(self) -> int:
        return sum(self.users_by_role.values())


def admin_home() -> AdminHome:
    """Accounts per role, failed jobs, the last content sync and the latest audit events."""
    users_by_role = db.session.execute(select(User.role, func.count(User.id)).group_by(User.role))
    failed = select(func.count(Job.id)).where(Job.state == JobState.FAILED)
    audit = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.not_in(ROUTINE_ACTIONS))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(RECENT)
    ).all()
    return AdminHome(
        users_by_role={str(role): count for role, count in users_by_role},
        failed_jobs=db.session.scalar(failed) or 0,
        content=last_sync_result(),
        audit=list(audit),
    )


# --------------------------------------------------------------------------- course figures

_FIRST_FIGURE = re.compile(r'<img src="(/courses/[^/"]+/figures/[^"]+)"')


def course_figures() -> dict[int, str]:
    """The URL of the first figure each course's lessons show, by course id (one query, kept
    for the request: every card of a page asks)."""
    if "course_figures" not in g:
        first = (
            select(Lesson.course_id, func.min(Lesson.position).label("position"))
            .where(~Lesson.is_retired, Lesson.body_html.like('%<img src="/courses/%'))
            .group_by(Lesson.course_id)
            .subquery()
        )
        rows = db.session.execute(
            select(Lesson.course_id, Lesson.body_html).join(
                first,
                (Lesson.course_id == first.c.course_id) & (Lesson.position == first.c.position),
            )
        )
        g.course_figures = {
            course_id: match.group(1)
            for course_id, html in rows
            if (match := _FIRST_FIGURE.search(html))
        }
    return g.course_figures


def course_figure(course: Course) -> str | None:
    return course_figures().get(course.id)


def time_ago(then: datetime | None) -> str:
    """How long ago, in words: "5 minutes ago", "3 hours ago", "2 days ago"."""
    if then is None:
        return ""
    seconds = max(0, int((now_utc() - then).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"
