"""Issuing (automatic, manual, renewal, re-issue on a name change) and revocation.

Certificates announce what happens to them (``core.events``); verification (rosters) and the
holder's notices subscribe, so this module calls neither.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from smp_academy.auth.models import User
from smp_academy.auth.services import find_user_by_email
from smp_academy.certificates import credentials
from smp_academy.certificates.codes import generate_code
from smp_academy.certificates.content import requirement_list, slugs_of
from smp_academy.certificates.documents import render_certificate
from smp_academy.certificates.models import Certificate, Certification
from smp_academy.certificates.reminders import RENEWAL_WINDOW
from smp_academy.certificates.requirements import (
    renewal_requirements,
    requirement_snapshot,
    requirements_met,
)
from smp_academy.certificates.status import CertificateStatus, add_months, status_of
from smp_academy.core import audit, events, jobs
from smp_academy.core.clock import now_utc, today_utc
from smp_academy.core.errors import Conflict, NotFound, ValidationFailed
from smp_academy.courses.models import Course
from smp_academy.extensions import db


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
    issued: list[Certificate] = []
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
    if not requirements_met(holder.id, renewal_requirements(certification), since):
        return None
    renewed = issue(
        holder,
        certification,
        cycle=live.cycle + 1,
        starts_on=max(today_utc(), live.expires_on),
        renewal_since=since,
    )
    if renewed is not None:
        events.certificate_superseded.send(live, new=renewed, renewal=True)
    return renewed


def issue(
    holder: User,
    certification: Certification,
    *,
    cycle: int,
    starts_on: date | None = None,
    issued_by: User | None = None,
    reason: str | None = None,
    renewal_since: datetime | None = None,
) -> Certificate | None:
    """Create one certificate, or None when this cycle is already issued (the unique index
    settles two completions at the same moment). What it rests on is recorded with it (and,
    for a renewal, what was renewed since ``renewal_since``). Its credential and PDF are made
    by a job after commit."""
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
        requirements=requirement_snapshot(holder.id, certification, renewal_since),
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
    credentials.add_record(cert)
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
    jobs.enqueue(render_certificate, cert.id)
    events.certificate_issued.send(cert)
    return cert


def _covers(certification: Certification) -> list[str]:
    """The courses the certificate names, and a line for graded practice exercises."""
    requires = requirement_list(certification.requires)
    slugs = slugs_of(requires, "course")
    rows = db.session.execute(select(Course.slug, Course.title).where(Course.slug.in_(slugs)))
    titles = {slug: title for slug, title in rows}
    covers = [titles.get(slug, slug) for slug in slugs]
    exercises = slugs_of(requires, "exercise")
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
    if live is not None and status_of(live) == CertificateStatus.VALID:
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
    events.certificate_revoked.send(cert)


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
    events.certificate_reinstated.send(cert)


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
        requirements=cert.requirements,
        issued_on=cert.issued_on,
        expires_on=cert.expires_on,
        issued_by_id=actor.id,
        issue_reason=f"Re-issue of {cert.code}: {reason.strip()}",
    )
    db.session.add(new)
    db.session.flush()
    credentials.add_record(new)
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
    jobs.enqueue(render_certificate, new.id)
    events.certificate_superseded.send(cert, new=new, renewal=False)
    return new


def holder_certificates(user: User) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.holder_id == user.id)
            .order_by(Certificate.issued_at.desc())
        )
    )


def certificate_by_exact_code(code: str) -> Certificate:
    cert = db.session.scalar(select(Certificate).where(Certificate.code == code))
    if cert is None:
        raise NotFound("No certificate has this code.")
    return cert


def certification_titles() -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Certification).where(~Certification.is_retired))
    return [(c.id, c.title) for c in rows]


def issue_manually_by_email(
    actor: User, email: str, certification_id: int, reason: str
) -> Certificate:
    """The admins' "issue" form: the holder by e-mail address, the certification by id."""
    holder = find_user_by_email(email)
    if holder is None:
        raise ValidationFailed("No account has this e-mail address.", field="email")
    certification = db.session.get(Certification, certification_id)
    if certification is None or certification.is_retired:
        raise ValidationFailed("Choose a certification.", field="certification")
    return issue_manually(actor, holder, certification, reason)


def apply_admin_action(
    actor: User, cert: Certificate, action: str, reason: str, holder_name: str | None
) -> Certificate:
    """Revoke, reinstate or re-issue; returns the certificate to show next."""
    if action == "revoke":
        revoke(actor, cert, reason)
    elif action == "reinstate":
        reinstate(actor, cert, reason)
    elif action == "reissue":
        return reissue(actor, cert, holder_name or "", reason)
    else:
        raise ValidationFailed("Unknown action.")
    return cert


def search_certificates(query: str, page: int, per_page: int = 50):
    """The admins' list: by code, holder e-mail or name, newest first, paginated."""
    stmt = select(Certificate).order_by(Certificate.issued_at.desc())
    if query:
        pattern = f"%{query.upper()}%"
        stmt = stmt.join(User, User.id == Certificate.holder_id).where(
            or_(
                Certificate.code.like(pattern),
                User.email.ilike(f"%{query}%"),
                Certificate.holder_name.ilike(f"%{query}%"),
            )
        )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
