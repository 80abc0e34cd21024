"""Withdrawal of consent and the retention period of client media.

Withdrawal erases the case's photos (files and rows) with their measurements and overlays,
including the scanned consent form, and every free-text note; the structured facts stay
(dates, pigment lots for recalls, supervision levels) and so do the sign-offs, as audited
facts: the case still counts as done. The retention period (SMP_CLIENT_MEDIA_RETENTION_DAYS
after the case was closed) erases the photos the same way.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from smp_academy.auth.models import User
from smp_academy.clinical import media
from smp_academy.clinical.models import ClientCase, ClientPhoto, HealedReview, TreatmentSession
from smp_academy.core import audit
from smp_academy.core.clock import now_utc, today_utc
from smp_academy.core.errors import Conflict
from smp_academy.extensions import db


def _erase_photos(case: ClientCase) -> int:
    """The photos with their measurements and overlays. Locked first: a measurement job running
    now finishes before (and its overlay is erased too), or finds its photo gone."""
    photos = list(
        db.session.scalars(
            select(ClientPhoto).where(ClientPhoto.case_id == case.id).with_for_update()
        )
    )
    count = media.erase_photos(photos)
    case.media_erased_at = now_utc()
    return count


def withdraw_consent(actor: User, case: ClientCase) -> int:
    """Erase the case's photos and notes; returns how many photos were erased."""
    if case.consent_withdrawn_at is not None:
        raise Conflict("Consent was withdrawn already; the case's media are erased.")
    erased = _erase_photos(case)
    case.design = ""
    db.session.execute(
        update(TreatmentSession).where(TreatmentSession.case_id == case.id).values(notes="")
    )
    db.session.execute(update(HealedReview).where(HealedReview.case_id == case.id).values(notes=""))
    case.consent_withdrawn_at = now_utc()
    if case.closed_on is None and case.sessions:  # no more sessions: the treatment ends here
        case.closed_on = max(s.performed_on for s in case.sessions)
    audit.record(actor, "clinical.consent_withdrawn", case, photos_erased=erased)
    return erased


def retention_days() -> int:
    return int(current_app.config["CLIENT_MEDIA_RETENTION_DAYS"])


def erase_expired_media() -> int:
    """Erase the photos of cases closed (or, never closed, opened) longer ago than the retention
    period (maintenance); returns how many cases."""
    period = timedelta(days=retention_days())
    cases = db.session.scalars(
        select(ClientCase).where(
            ClientCase.media_erased_at.is_(None),
            or_(
                ClientCase.closed_on < today_utc() - period,
                ClientCase.closed_on.is_(None) & (ClientCase.opened_at < now_utc() - period),
            ),
        )
    ).all()
    for case in cases:
        erased = _erase_photos(case)
        audit.record(None, "clinical.media_expired", case, photos_erased=erased)
    return len(cases)
