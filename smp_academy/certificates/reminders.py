"""Expiry reminders, 30 days ahead (run by ``flask maintenance run``)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from smp_academy.certificates.models import Certificate
from smp_academy.core.clock import now_utc, today_utc
from smp_academy.core.events import certificate_expiring
from smp_academy.extensions import db

RENEWAL_WINDOW = timedelta(days=30)


def send_expiry_reminders() -> int:
    """Announce the certificates that expire within 30 days (once each); holders and the
    clinics that follow them are told by the subscribers."""
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
        certificate_expiring.send(cert)
        cert.reminder_sent_at = now_utc()
    return len(due)
