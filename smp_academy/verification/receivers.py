"""Rosters follow what happens to certificates (subscribed to ``core.events``)."""

from __future__ import annotations

from sqlalchemy import select

from smp_academy.certificates.models import Certificate
from smp_academy.certificates.status import status_of
from smp_academy.core import events
from smp_academy.core.notify import notify
from smp_academy.extensions import db
from smp_academy.verification.models import RosterEntry


def _roster_entries(cert: Certificate) -> list[RosterEntry]:
    return list(
        db.session.scalars(select(RosterEntry).where(RosterEntry.certificate_id == cert.id))
    )


def follow_replacement(old: Certificate, *, new: Certificate, **_) -> None:
    """Clinics follow the practitioner: the certificate that replaces ``old`` (a re-issue or
    the next cycle) takes over its roster entries, so the roster shows the current status."""
    for entry in _roster_entries(old):
        entry.certificate = new


def _alert(cert: Certificate, message: str, template: str) -> None:
    """Tell every clinic that follows ``cert``: in the app and by e-mail."""
    for entry in _roster_entries(cert):
        clinic = entry.clinic
        if clinic is not None and clinic.active:
            notify(
                clinic,
                message,
                f"/verify/{cert.code}",
                email_template=template,
                subject=f"Roster alert: {cert.holder_name} ({cert.code})",
                cert=cert,
                clinic=clinic,
                status=status_of(cert).value,
            )


def alert_revoked(cert: Certificate, **_) -> None:
    _alert(
        cert,
        f"{cert.holder_name}'s certificate {cert.code} was revoked: {cert.revocation_reason}",
        "certificate_revoked",
    )


def alert_expiring(cert: Certificate, **_) -> None:
    _alert(
        cert,
        f"{cert.holder_name}'s certificate {cert.code} expires on {cert.expires_on:%d %B %Y}.",
        "roster_expiring",
    )


def connect_receivers() -> None:
    events.certificate_superseded.connect(follow_replacement)
    events.certificate_revoked.connect(alert_revoked)
    events.certificate_expiring.connect(alert_expiring)
