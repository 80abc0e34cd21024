"""Issuing (automatic, manual, renewal, re-issue on a name change), revocation and status."""

from __future__ import annotations

import calendar
import hashlib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from smp_academy.auth.models import User
from smp_academy.certificates.codes import CodeTypo, MalformedCode, generate_code, normalize_code
from smp_academy.certificates.models import Certificate, Certification, RosterEntry
from smp_academy.certificates.pdf import CertificateDocument, render_certificate_pdf
from smp_academy.certificates.signing import (
    PdfSigner,
    PdfVerification,
    ensure_dev_signing_identity,
    verify_signed_pdf,
)
from smp_academy.core import audit, jobs
from smp_academy.core.clock import now_utc, today_utc
from smp_academy.core.errors import Conflict, NotFound, ValidationFailed
from smp_academy.core.mail import queue_mail
from smp_academy.core.storage import get_storage, new_key
from smp_academy.courses.models import Course, Lesson, LessonProgress
from smp_academy.extensions import db
from smp_academy.practice.models import Exercise, Submission
from smp_academy.quizzes.models import Attempt, Quiz

RENEWAL_WINDOW = timedelta(days=30)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --------------------------------------------------------------------------- status


def status_of(cert: Certificate, today: date | None = None) -> str:
    """valid | expired | revoked (a superseded certificate reports as revoked)."""
    if cert.revoked_at is not None or cert.superseded_by_id is not None:
        return "revoked"
    if cert.expires_on is not None and cert.expires_on < (today or today_utc()):
        return "expired"
    return "valid"


def verify_url(code: str) -> str:
    return f"{current_app.config['BASE_URL']}/verify/{code}"


def certificate_json(cert: Certificate) -> dict[str, Any]:
    """The certificate object of CONTRACT.md section 4 (plus ``superseded_by`` when set)."""
    data = {
        "code": cert.code,
        "status": status_of(cert),
        "holder_name": cert.holder_name,
        "credential": cert.credential_title,
        "issued_on": cert.issued_on.isoformat(),
        "expires_on": cert.expires_on.isoformat() if cert.expires_on else None,
        "revoked_on": None,
        "revocation_reason": None,
        "verify_url": verify_url(cert.code),
    }
    if cert.revoked_at is not None:
        data["revoked_on"] = cert.revoked_at.date().isoformat()
        data["revocation_reason"] = cert.revocation_reason
    elif cert.superseded_by_id is not None:
        data["revoked_on"] = cert.superseded_by.issued_at.date().isoformat()
        data["revocation_reason"] = f"Superseded by {cert.superseded_by.code} (re-issued)"
        data["superseded_by"] = cert.superseded_by.code
    return data


def find_by_code(text: str) -> Certificate:
    """Look a code up tolerantly; MalformedCode / CodeTypo / NotFound on failure."""
    code = normalize_code(text)
    cert = db.session.scalar(select(Certificate).where(Certificate.code == code))
    if cert is None:
        raise NotFound("No certificate has this code.")
    return cert


def lookup_problem(text: str) -> str | None:
    """The message for a code that cannot be looked up, or None when it is well formed."""
    try:
        normalize_code(text)
    except CodeTypo:
        return "This code has a typo: please check it against the certificate."
    except MalformedCode:
        return "This is not a certificate code. Codes look like SMP-7K3Q-9XWM-2F4T."
    return None


# --------------------------------------------------------------------------- requirements


def completed_course_slugs(user_id: int) -> set[str]:
    """Courses whose every current lesson the user has completed (one query)."""
    rows = db.session.execute(
        select(
            Course.slug, func.count(Lesson.id.distinct()), func.count(LessonProgress.id.distinct())
        )
        .join(Lesson, Lesson.course_id == Course.id)
        .outerjoin(
            LessonProgress,
            (LessonProgress.lesson_id == Lesson.id)
            & (LessonProgress.user_id == user_id)
            & LessonProgress.completed_at.is_not(None),
        )
        .where(~Lesson.is_retired)
        .group_by(Course.slug)
    )
    return {slug for slug, total, completed in rows if total and completed >= total}


def passed_quiz_slugs(user_id: int, since: datetime | None = None) -> set[str]:
    stmt = (
        select(Quiz.slug)
        .join(Attempt, Attempt.quiz_id == Quiz.id)
        .where(Attempt.user_id == user_id, Attempt.passed)
    )
    if since is not None:
        stmt = stmt.where(Attempt.submitted_at >= since)
    return set(db.session.scalars(stmt))


def passed_exercise_slugs(user_id: int, since: datetime | None = None) -> set[str]:
    stmt = (
        select(Exercise.slug)
        .join(Submission, Submission.exercise_id == Exercise.id)
        .where(Submission.trainee_id == user_id, Submission.state == "passed")
    )
    if since is not None:
        stmt = stmt.where(Submission.decided_at >= since)
    return set(db.session.scalars(stmt))


def achievements(user_id: int, since: datetime | None = None) -> dict[str, set[str]]:
    """What the user has done, by requirement kind (three queries)."""
    return {
        "courses": completed_course_slugs(user_id),
        "quizzes": passed_quiz_slugs(user_id, since),
        "exercises": passed_exercise_slugs(user_id, since),
    }


def requirements_met(
    user_id: int, needs: dict[str, list[str]], since: datetime | None = None
) -> bool:
    done = achievements(user_id, since)
    return all(set(needs.get(kind, [])) <= done[kind] for kind in done)


def requirement_names() -> dict[str, dict[str, tuple[str, str]]]:
    """For display: each requirement's title and page path, by kind and slug (three queries)."""
    courses = db.session.execute(select(Course.slug, Course.title))
    quizzes = db.session.execute(select(Quiz.slug, Quiz.title))
    exercises = db.session.execute(select(Exercise.slug, Exercise.title))
    return {
        "courses": {slug: (title, f"/courses/{slug}") for slug, title in courses},
        "quizzes": {slug: (title, f"/quizzes/{slug}") for slug, title in quizzes},
        "exercises": {slug: (title, f"/exercises/{slug}") for slug, title in exercises},
    }


def requirement_progress(
    certification: Certification, done: dict[str, set[str]]
) -> dict[str, list[tuple[str, bool]]]:
    """Each requirement with whether it is met, for the trainee's "next step" panels."""
    return {
        kind: [(slug, slug in done[kind]) for slug in certification.requires.get(kind, [])]
        for kind in ("courses", "quizzes", "exercises")
    }


# --------------------------------------------------------------------------- issuing


def live_certificate(holder_id: int, certification_id: int) -> Certificate | None:
    """The holder's newest certificate of a certification that has not been superseded."""
    return db.session.scalar(
        select(Certificate)
        .where(
            Certificate.holder_id == holder_id,
            Certificate.certification_id == certification_id,
            Certificate.superseded_by_id.is_(None),
        )
        .order_by(Certificate.cycle.desc())
        .limit(1)
    )


def check_and_issue(user_id: int) -> list[Certificate]:
    """Issue every certificate whose requirements the user now meets (first or renewal)."""
    issued = []
    holder = db.session.get(User, user_id)
    if holder is None or not holder.active:
        return issued
    for certification in db.session.scalars(select(Certification).where(~Certification.is_retired)):
        cert = _earned(holder, certification)
        if cert is not None:
            issued.append(cert)
    return issued


def _earned(holder: User, certification: Certification) -> Certificate | None:
    live = live_certificate(holder.id, certification.id)
    if live is None:
        if requirements_met(holder.id, certification.requires):
            return issue(holder, certification, cycle=1)
        return None
    if live.revoked_at is not None or live.expires_on is None:
        return None
    window_opens = live.expires_on - RENEWAL_WINDOW
    if today_utc() < window_opens:
        return None
    since = datetime.combine(window_opens, datetime.min.time()).replace(tzinfo=now_utc().tzinfo)
    needs = certification.renewal if any(certification.renewal.values()) else certification.requires
    if not requirements_met(holder.id, needs, since):
        return None
    renewed = issue(
        holder, certification, cycle=live.cycle + 1, starts_on=max(today_utc(), live.expires_on)
    )
    if renewed is not None:
        _move_roster(live, renewed)
    return renewed


def issue(
    holder: User,
    certification: Certification,
    *,
    cycle: int,
    starts_on: date | None = None,
    issued_by: User | None = None,
    reason: str | None = None,
) -> Certificate | None:
    """Create one certificate, or None when this cycle is already issued (the unique index
    settles two completions at the same moment). The PDF is rendered by a job after commit."""
    today = today_utc()
    start = starts_on or today
    months = certification.validity_months
    cert = Certificate(
        code=generate_code(),
        holder_id=holder.id,
        certification_id=certification.id,
        cycle=cycle,
        holder_name=holder.name,
        credential_title=certification.title,
        covers=_covers(certification),
        issued_on=today,
        expires_on=add_months(start, months) if months else None,
        issued_by_id=issued_by.id if issued_by else None,
        issue_reason=reason,
    )
    try:
        with db.session.begin_nested():
            db.session.add(cert)
    except IntegrityError:
        return None
    audit.record(
        issued_by,
        "certificate.issued",
        cert,
        code=cert.code,
        holder=holder.email,
        certification=certification.slug,
        cycle=cycle,
        reason=reason or "earned",
    )
    queue_mail(
        holder.email,
        f"Your certificate: {cert.credential_title}",
        "certificate_issued",
        cert=cert,
        url=verify_url(cert.code),
    )
    jobs.enqueue(render_certificate, cert.id)
    return cert


def _covers(certification: Certification) -> list[str]:
    slugs = certification.requires.get("courses", [])
    rows = db.session.execute(select(Course.slug, Course.title).where(Course.slug.in_(slugs)))
    titles = {slug: title for slug, title in rows}
    covers = [titles.get(slug, slug) for slug in slugs]
    exercises = certification.requires.get("exercises", [])
    if exercises:
        covers.append(f"Practical assessment: {len(exercises)} graded practice exercises")
    return covers


def issue_manually(
    actor: User, holder: User, certification: Certification, reason: str
) -> Certificate:
    """An admin issues a certificate with a reason (audit-logged)."""
    if not reason.strip():
        raise ValidationFailed("Give a reason for issuing manually.", field="reason")
    live = live_certificate(holder.id, certification.id)
    if live is not None and status_of(live) == "valid":
        raise Conflict(f"{holder.name} already holds a valid certificate ({live.code}).")
    cycle = live.cycle + 1 if live else 1
    cert = issue(holder, certification, cycle=cycle, issued_by=actor, reason=reason.strip())
    if cert is None:
        raise Conflict("This certificate was issued a moment ago; reload the page.")
    return cert


def revoke(actor: User, cert: Certificate, reason: str) -> None:
    if not reason.strip():
        raise ValidationFailed("Give the reason; verifiers will see it.", field="reason")
    if cert.revoked_at is not None:
        raise Conflict("This certificate is already revoked.")
    cert.revoked_at = now_utc()
    cert.revocation_reason = reason.strip()
    audit.record(actor, "certificate.revoked", cert, code=cert.code, reason=cert.revocation_reason)
    _notify_roster(cert, "certificate_revoked")


def reinstate(actor: User, cert: Certificate, reason: str) -> None:
    if cert.revoked_at is None:
        raise Conflict("This certificate is not revoked.")
    audit.record(
        actor,
        "certificate.reinstated",
        cert,
        code=cert.code,
        reason=reason.strip(),
        was=cert.revocation_reason,
    )
    cert.revoked_at = None
    cert.revocation_reason = None


def reissue(actor: User, cert: Certificate, holder_name: str, reason: str) -> Certificate:
    """A name correction: a new code for the same period; the old code reports superseded."""
    holder_name = holder_name.strip()
    if not 1 <= len(holder_name) <= 120:
        raise ValidationFailed("Enter the corrected name.", field="holder_name")
    if cert.superseded_by_id is not None or cert.revoked_at is not None:
        raise Conflict("Only a current, unrevoked certificate can be re-issued.")
    # The live-cycle index allows one unsuperseded row: park the old one on itself first.
    cert.superseded_by_id = cert.id
    db.session.flush()
    new = Certificate(
        code=generate_code(),
        holder_id=cert.holder_id,
        certification_id=cert.certification_id,
        cycle=cert.cycle,
        holder_name=holder_name,
        credential_title=cert.credential_title,
        covers=cert.covers,
        issued_on=cert.issued_on,
        expires_on=cert.expires_on,
        issued_by_id=actor.id,
        issue_reason=f"Re-issue of {cert.code}: {reason.strip()}",
    )
    db.session.add(new)
    db.session.flush()
    cert.superseded_by_id = new.id
    audit.record(
        actor,
        "certificate.reissued",
        new,
        old=cert.code,
        new=new.code,
        holder_name=holder_name,
        reason=reason.strip(),
    )
    _move_roster(cert, new)
    jobs.enqueue(render_certificate, new.id)
    return new


def _move_roster(old: Certificate, new: Certificate) -> None:
    """Clinics follow the practitioner: the certificate that replaces ``old`` (a re-issue or
    the next cycle) takes over its roster entries, so the roster shows the current status.
    ``new`` was just created, so no clinic follows it yet."""
    for entry in db.session.scalars(
        select(RosterEntry).where(RosterEntry.certificate_id == old.id)
    ).all():
        entry.certificate = new


def holder_certificates(user: User) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.holder_id == user.id)
            .order_by(Certificate.issued_at.desc())
        )
    )


# --------------------------------------------------------------------------- the PDF


def _signer() -> PdfSigner:
    """One signer per process: the key is loaded once."""
    signer = current_app.extensions.get("smp_pdf_signer")
    if signer is None:
        key_path, cert_path = signing_identity()
        signer = PdfSigner(key_path, cert_path)
        current_app.extensions["smp_pdf_signer"] = signer
    return signer


def signing_identity() -> tuple[Path, Path]:
    """The configured key and certificate, or a development pair generated in instance/."""
    key, cert = (
        current_app.config.get("SIGNING_KEY_PATH"),
        current_app.config.get("SIGNING_CERT_PATH"),
    )
    if key and cert:
        return Path(key), Path(cert)
    if current_app.config.get("PRODUCTION"):
        raise RuntimeError("SMP_SIGNING_KEY_PATH and SMP_SIGNING_CERT_PATH must be set")
    return ensure_dev_signing_identity(
        Path(current_app.config.get("INSTANCE_DIR") or current_app.instance_path)
    )


def certificate_document(cert: Certificate) -> CertificateDocument:
    config = current_app.config
    return CertificateDocument(
        code=cert.code,
        holder_name=cert.holder_name,
        credential_title=cert.credential_title,
        description=cert.certification.description,
        covers=list(cert.covers),
        issued_on=cert.issued_on,
        expires_on=cert.expires_on,
        verify_url=verify_url(cert.code),
        signatory_name=config["SIGNATORY_NAME"],
        signatory_title=config["SIGNATORY_TITLE"],
        academy_name=config["ACADEMY_NAME"],
    )


def render_certificate(cert_id: int) -> None:
    """Job: render, sign and store the PDF once; idempotent."""
    cert = db.session.get(Certificate, cert_id)
    if cert is None or cert.pdf_key:
        return
    pdf = _signer().sign(render_certificate_pdf(certificate_document(cert)))
    key = new_key("certificates", ".pdf")
    get_storage().save(key, pdf, "application/pdf")
    cert.pdf_key = key
    cert.pdf_sha256 = hashlib.sha256(pdf).hexdigest()


def known_pdf_keys() -> set[str]:
    """Every stored key a certificate row names (for the orphan clean-up)."""
    return {key for key in db.session.scalars(select(Certificate.pdf_key)) if key}


def certificate_pdf(cert: Certificate) -> bytes:
    """The stored PDF; rendered now if its job has not run yet."""
    if not cert.pdf_key:
        render_certificate(cert.id)
    return get_storage().load(cert.pdf_key)


def check_pdf(data: bytes) -> tuple[PdfVerification, Certificate | None]:
    """Is this PDF's signature intact and ours, and which certificate does it carry?"""
    _, cert_path = signing_identity()
    check = verify_signed_pdf(data, cert_path)
    cert = None
    if check.code:
        cert = db.session.scalar(select(Certificate).where(Certificate.code == check.code))
    return check, cert


# --------------------------------------------------------------------------- reminders


def _notify_roster(cert: Certificate, template: str) -> None:
    entries = db.session.scalars(
        select(RosterEntry).where(RosterEntry.certificate_id == cert.id)
    ).all()
    for entry in entries:
        clinic = db.session.get(User, entry.clinic_id)
        if clinic is not None and clinic.active:
            queue_mail(
                clinic.email,
                f"Roster alert: {cert.holder_name} ({cert.code})",
                template,
                cert=cert,
                clinic=clinic,
                url=verify_url(cert.code),
                status=status_of(cert),
            )


def send_expiry_reminders() -> int:
    """Job (daily): remind holders, and the clinics that follow them, 30 days before expiry."""
    horizon = today_utc() + RENEWAL_WINDOW
    newer = aliased(Certificate)
    renewed = exists().where(  # the holder already holds the next cycle
        newer.holder_id == Certificate.holder_id,
        newer.certification_id == Certificate.certification_id,
        newer.cycle > Certificate.cycle,
    )
    due = db.session.scalars(
        select(Certificate).where(
            Certificate.expires_on.is_not(None),
            Certificate.expires_on <= horizon,
            Certificate.expires_on >= today_utc(),
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
            Certificate.reminder_sent_at.is_(None),
            ~renewed,
        )
    ).all()
    for cert in due:
        holder = db.session.get(User, cert.holder_id)
        queue_mail(
            holder.email,
            f"Your certificate expires on {cert.expires_on:%d %B %Y}",
            "certificate_expiring",
            cert=cert,
            user=holder,
            url=verify_url(cert.code),
        )
        _notify_roster(cert, "roster_expiring")
        cert.reminder_sent_at = now_utc()
    return len(due)
