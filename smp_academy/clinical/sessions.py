"""Logging a treatment session: what was done with which pigment lot, under whom, with photos."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from smp_academy.auth.models import User
from smp_academy.clinical import links, measurements, media
from smp_academy.clinical.cases import ensure_open, missing_before_treatment
from smp_academy.clinical.checklists import ADVERSE_EVENTS, AREAS, SupervisionLevel, labels
from smp_academy.clinical.inputs import (
    fold,
    found,
    free_text,
    one_of,
    past_date,
    short_text,
    subset,
)
from smp_academy.clinical.models import ClientCase, SignOff, TreatmentSession
from smp_academy.core import audit
from smp_academy.core.errors import Conflict, ValidationFailed
from smp_academy.core.notify import notify
from smp_academy.core.roles import Role
from smp_academy.courses.models import CohortMember, CohortRole
from smp_academy.extensions import db

#: the curriculum's standard: the skin has healed before the next session
MIN_DAYS_BETWEEN_SESSIONS = 7
MAX_PHOTOS = 6
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class SessionInput:
    performed_on: date | None
    duration_minutes: int | None
    areas: list[str]
    pigment_brand: str
    pigment_shade: str
    pigment_lot: str
    dilution: str
    needle: str
    machine: str
    machine_settings: str
    level: str
    supervisor_id: int | None
    external_name: str = ""
    external_email: str = ""
    adverse_event: str = "none"
    notes: str = ""
    before: list[media.Upload] = field(default_factory=list)
    after: list[media.Upload] = field(default_factory=list)
    after_area: str = ""  # the area the after photos show, for the healed comparison
    keep_unmeasured: bool = False  # keep photos the sticker analysis cannot measure


def get_session(session_id: int) -> TreatmentSession:
    return found(TreatmentSession, session_id, "session")


def supervisors_for(trainee: User) -> list[User]:
    """The instructors of the trainee's cohorts: who may supervise them with an account."""
    cohorts = select(CohortMember.cohort_id).where(
        CohortMember.user_id == trainee.id, CohortMember.role == CohortRole.TRAINEE
    )
    return list(
        db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(
                CohortMember.role == CohortRole.INSTRUCTOR,
                CohortMember.cohort_id.in_(cohorts),
                User.active,
            )
            .distinct()
            .order_by(User.name)
        )
    )


def log_session(trainee: User, case: ClientCase, given: SessionInput) -> TreatmentSession:
    """Record a session with its before and after photos; its supervisor is asked to sign."""
    ensure_open(case)
    missing = missing_before_treatment(case)
    if missing:
        raise Conflict(missing[0])
    values = _session_values(trainee, case, given)
    area = measurements.photo_area(given.after_area, values["areas"], "after_area", "after")
    before = media.cleaned(given.before, "before", 1, MAX_PHOTOS)
    after = media.cleaned(given.after, "after", 1, MAX_PHOTOS)
    if not given.keep_unmeasured:
        measurements.ensure_measurable(before, "before")
        measurements.ensure_measurable(after, "after")
    session = TreatmentSession(case=case, number=len(case.sessions) + 1, **values)
    db.session.add(session)
    db.session.flush()
    stored = media.store(before + after)
    photos = [
        media.photo_row(item, case.id, "before", session_id=session.id)
        for item in stored[: len(before)]
    ] + [
        media.photo_row(item, case.id, "after", area, session_id=session.id)
        for item in stored[len(before) :]
    ]
    measurements.measure_later(photos)
    audit.record(trainee, "clinical.session_logged", session, case=case.code, lot=session.lot_key)
    return session


def _session_values(trainee: User, case: ClientCase, given: SessionInput) -> dict:
    last = case.sessions[-1].performed_on if case.sessions else None
    values = {
        "performed_on": _session_date(given.performed_on, case, last),
        "duration_minutes": _duration(given.duration_minutes),
        "areas": subset(given.areas, labels(AREAS), "areas", "areas worked"),
        "pigment_brand": short_text(given.pigment_brand, "pigment_brand", "pigment brand", 80),
        "pigment_shade": short_text(given.pigment_shade, "pigment_shade", "pigment shade", 80),
        "pigment_lot": short_text(given.pigment_lot, "pigment_lot", "lot number", 40),
        "dilution": short_text(given.dilution, "dilution", "dilution", 60),
        "needle": short_text(given.needle, "needle", "needle configuration", 40),
        "machine": short_text(given.machine, "machine", "machine", 80),
        "machine_settings": " ".join(given.machine_settings.split())[:120],
        "level": one_of(given.level, SupervisionLevel, "level", "level of supervision"),
        "adverse_event": one_of(
            given.adverse_event, labels(ADVERSE_EVENTS), "adverse_event", "adverse event (or none)"
        ),
        "notes": free_text(given.notes, "notes"),
        **_supervisor(trainee, given),
    }
    if values["adverse_event"] != "none" and not values["notes"]:
        raise ValidationFailed(
            "Describe the adverse event and what was done about it.", field="notes"
        )
    values["brand_key"] = fold(values["pigment_brand"])
    values["lot_key"] = fold(values["pigment_lot"])
    return values


def _session_date(value: date | None, case: ClientCase, last: date | None) -> date:
    assert case.consent is not None  # sessions are logged only on a case with consent
    day = past_date(value, "performed_on", "session date", case.consent.signed_on)
    if last is not None and day < last + timedelta(days=MIN_DAYS_BETWEEN_SESSIONS):
        raise ValidationFailed(
            f"Sessions are at least {MIN_DAYS_BETWEEN_SESSIONS} days apart so the skin has "
            f"healed: the previous one was on {last:%d %B %Y}.",
            field="performed_on",
        )
    return day


def _duration(minutes: int | None) -> int:
    if minutes is None or not 15 <= minutes <= 600:
        raise ValidationFailed(
            "Enter the duration in minutes (15 to 600).", field="duration_minutes"
        )
    return minutes


def _supervisor(trainee: User, given: SessionInput) -> dict:
    """An instructor of the trainee's cohorts, or an external supervisor by name and e-mail."""
    if given.supervisor_id is not None:
        if given.supervisor_id not in {u.id for u in supervisors_for(trainee)}:
            raise ValidationFailed("Choose one of your instructors.", field="supervisor_id")
        return {"supervisor_id": given.supervisor_id}
    name = short_text(given.external_name, "external_name", "supervisor's name", 120)
    email = given.external_email.strip().lower()
    if not EMAIL.match(email) or len(email) > 320:
        raise ValidationFailed("Enter the supervisor's e-mail address.", field="external_email")
    if _is_trainee_address(email) or email == trainee.email.lower():
        raise ValidationFailed(
            "A trainee cannot supervise: enter your supervisor's own address.",
            field="external_email",
        )
    return {"external_name": name, "external_email": email}


def _is_trainee_address(email: str) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(User.id)).where(
                func.lower(User.email) == email, User.role == Role.TRAINEE.value
            )
        )
    )


def tell_supervisor(session: TreatmentSession, trainee: User) -> None:
    """An instructor supervisor hears that a session waits for their sign-off."""
    if session.supervisor is not None:
        notify(
            session.supervisor,
            f"{trainee.name} logged session {session.number} of case {session.case.code}: "
            "it waits for your sign-off.",
            links.SESSION.format(session.id),
        )


def awaiting_sign_off(supervisor: User) -> list[TreatmentSession]:
    """Sessions that name this instructor and have no sign-off yet, oldest first."""
    signed = select(SignOff.session_id)
    return list(
        db.session.scalars(
            select(TreatmentSession)
            .where(TreatmentSession.supervisor_id == supervisor.id)
            .where(TreatmentSession.id.not_in(signed))
            .order_by(TreatmentSession.performed_on)
        )
    )
