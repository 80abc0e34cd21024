"""Supervisors' sign-off forms: by an instructor with an account, or by an external supervisor
through a single-use, expiring link (only the token's hash is stored). A signed form is never
edited; a correction is a new version that supersedes it, with its reason, in the audit log."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from smp_academy.auth.models import User
from smp_academy.clinical import links
from smp_academy.clinical.checklists import (
    BELOW_EXPECTATIONS,
    HYGIENE_STEPS,
    RATINGS,
    TECHNIQUE_ITEMS,
    SupervisionLevel,
    labels,
)
from smp_academy.clinical.inputs import found, free_text, one_of
from smp_academy.clinical.models import ClientCase, SignOff, SignOffInvitation, TreatmentSession
from smp_academy.core import audit
from smp_academy.core.clock import now_utc
from smp_academy.core.errors import Conflict, NotFound, ValidationFailed
from smp_academy.core.events import requirement_met
from smp_academy.core.mail import queue_mail
from smp_academy.core.notify import notify
from smp_academy.core.rows import lock
from smp_academy.extensions import db

LINK_VALID_FOR = timedelta(days=14)
LINK_REFUSED = (
    "This sign-off link is not valid: it has expired, has been used or was replaced by a newer "
    "one. Ask the trainee to send a new link."
)


@dataclass(frozen=True)
class SignOffInput:
    level: str | None
    hygiene: dict[str, bool]
    ratings: dict[str, int | None]
    feedback: str
    is_satisfactory: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get_sign_off(sign_off_id: int) -> SignOff:
    return found(SignOff, sign_off_id, "sign-off")


def current_sign_off(session: TreatmentSession) -> SignOff | None:
    return current_sign_offs([session.id]).get(session.id)


def current_sign_offs(session_ids: list[int]) -> dict[int, SignOff]:
    """The current (not superseded) sign-off of each session, in one query (none without
    sessions)."""
    if not session_ids:
        return {}
    rows = db.session.scalars(
        select(SignOff).where(
            SignOff.session_id.in_(session_ids), SignOff.superseded_by_id.is_(None)
        )
    )
    return {row.session_id: row for row in rows}


def history(session: TreatmentSession) -> list[SignOff]:
    """Every version of the session's sign-off, newest first."""
    return list(
        db.session.scalars(
            select(SignOff).where(SignOff.session_id == session.id).order_by(SignOff.version.desc())
        )
    )


def _form_values(given: SignOffInput) -> dict:
    """The checked form: a missed hygiene step or an item below expectations is never
    satisfactory."""
    level = one_of(given.level, SupervisionLevel, "level", "level of supervision")
    ratings = {}
    for key, title in TECHNIQUE_ITEMS:
        rating = given.ratings.get(key)
        if rating not in labels(RATINGS):
            raise ValidationFailed(f"Rate “{title}”.", field=f"rating_{key}")
        ratings[key] = rating
    hygiene = {key: bool(given.hygiene.get(key)) for key, _ in HYGIENE_STEPS}
    feedback = free_text(given.feedback, "feedback")
    if not feedback:
        raise ValidationFailed(
            "Give narrative feedback: what went well, what to work on next.", field="feedback"
        )
    if given.is_satisfactory and not all(hygiene.values()):
        raise ValidationFailed(
            "A session with a missed hygiene step cannot be signed off as satisfactory.",
            field="is_satisfactory",
        )
    if given.is_satisfactory and BELOW_EXPECTATIONS in ratings.values():
        raise ValidationFailed(
            "A session with an item below expectations cannot be signed off as satisfactory.",
            field="is_satisfactory",
        )
    return {
        "level": level,
        "ratings": ratings,
        "hygiene": hygiene,
        "feedback": feedback,
        "is_satisfactory": given.is_satisfactory,
    }


def _ensure_unsigned(session: TreatmentSession) -> None:
    if current_sign_off(session) is not None:
        raise Conflict("This session is signed off already; a change is made as a correction.")


def sign_off(supervisor: User, session: TreatmentSession, given: SignOffInput) -> SignOff:
    """The named instructor signs the session off (the partial unique index settles a race)."""
    lock(session)
    _ensure_unsigned(session)
    form = SignOff(
        session_id=session.id,
        method="account",
        signer_id=supervisor.id,
        signer_name=supervisor.name,
        signer_email=supervisor.email,
        **_form_values(given),
    )
    db.session.add(form)
    db.session.flush()
    audit.record(supervisor, "clinical.session_signed", session, version=1, method="account")
    _signed(session, form)
    return form


def _signed(session: TreatmentSession, form: SignOff) -> None:
    case = db.session.get_one(ClientCase, session.case_id)
    verdict = "satisfactory" if form.is_satisfactory else "not yet satisfactory"
    notify(
        case.trainee,
        f"{form.signer_name} signed off session {session.number} of case {case.code}: {verdict}.",
        links.SESSION.format(session.id),
    )
    requirement_met.send(form, user_id=case.trainee_id)


def correct(actor: User, old: SignOff, given: SignOffInput, reason: str) -> SignOff:
    """A new version that supersedes ``old``; ``old`` stays, unchanged but superseded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Say why the signed form is corrected.", field="reason")
    lock(old)
    if old.superseded_by_id is not None:
        raise Conflict("A newer version of this form exists; correct that one.")
    values = _form_values(given)
    old.superseded_by_id = old.id  # the partial unique index allows one current form: park it
    db.session.flush()
    new = SignOff(
        session_id=old.session_id,
        version=old.version + 1,
        correction_reason=reason[:2000],
        method="account",
        signer_id=actor.id,
        signer_name=actor.name,
        signer_email=actor.email,
        **values,
    )
    db.session.add(new)
    db.session.flush()
    old.superseded_by_id = new.id
    session = db.session.get_one(TreatmentSession, old.session_id)
    audit.record(
        actor,
        "clinical.sign_off_corrected",
        session,
        old=old.version,
        new=new.version,
        reason=new.correction_reason,
    )
    _signed(session, new)
    return new


def invite_external(actor: User, session: TreatmentSession) -> tuple[SignOffInvitation, str]:
    """E-mail the session's external supervisor a new single-use link; older links stop
    working. Returns the invitation and the token (which is stored only as a hash)."""
    if not session.is_external:
        raise Conflict("This session's supervisor signs in with an account.")
    _ensure_unsigned(session)
    now = now_utc()
    db.session.execute(
        update(SignOffInvitation)
        .where(
            SignOffInvitation.session_id == session.id,
            SignOffInvitation.used_at.is_(None),
            SignOffInvitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(32)
    invitation = SignOffInvitation(
        session_id=session.id,
        token_hash=_hash(token),
        supervisor_name=session.external_name,
        supervisor_email=session.external_email,
        invited_by_id=actor.id,
        expires_at=now + LINK_VALID_FOR,
    )
    db.session.add(invitation)
    db.session.flush()
    _send_link(invitation, token, actor)
    audit.record(actor, "clinical.sign_off_invited", session, invitation=invitation.id)
    return invitation, token


def _send_link(invitation: SignOffInvitation, token: str, trainee: User) -> None:
    link = current_app.config["BASE_URL"] + links.SIGN_OFF.format(token)
    days = LINK_VALID_FOR.days
    queue_mail(
        invitation.supervisor_email,
        f"{trainee.name} asks you to sign off an SMP treatment session",
        "notification",
        user={"name": invitation.supervisor_name},
        message=(
            f"{trainee.name}, a trainee of SMP Academy, named you as the supervisor of a "
            "scalp micropigmentation session. Please open the link below, check what was "
            "logged and complete the sign-off form. The link works once, for this session "
            f"only, for {days} days; you do not need an account. If you did not supervise "
            "this session, ignore this message."
        ),
        url=link,
    )


def usable_invitation(token: str) -> SignOffInvitation | None:
    """The invitation of a link that still works, or None (unknown, used, replaced, expired)."""
    invitation = db.session.scalar(
        select(SignOffInvitation).where(SignOffInvitation.token_hash == _hash(token))
    )
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= now_utc()
    ):
        return None
    return invitation


def open_invitation(token: str) -> SignOffInvitation:
    """The invitation of a link that still works; NotFound (and nothing else) otherwise."""
    invitation = usable_invitation(token)
    if invitation is None:
        raise NotFound(LINK_REFUSED)
    return invitation


def sign_off_by_link(token: str, given: SignOffInput) -> SignOff:
    """The external supervisor signs through their link, which is then used up."""
    invitation = open_invitation(token)
    lock(invitation)
    if invitation.used_at is not None:
        raise NotFound(LINK_REFUSED)
    session = invitation.session
    _ensure_unsigned(session)
    form = SignOff(
        session_id=session.id,
        method="email_link",
        signer_id=None,
        signer_name=invitation.supervisor_name,
        signer_email=invitation.supervisor_email,
        **_form_values(given),
    )
    db.session.add(form)
    invitation.used_at = now_utc()
    db.session.flush()
    audit.record(
        None,
        "clinical.session_signed",
        session,
        version=1,
        method="email_link",
        invitation=invitation.id,
    )
    _signed(session, form)
    return form


def pending_invitation(session: TreatmentSession) -> SignOffInvitation | None:
    """The link currently out for this session, if any (for the trainee's page)."""
    return db.session.scalar(
        select(SignOffInvitation)
        .where(
            SignOffInvitation.session_id == session.id,
            SignOffInvitation.used_at.is_(None),
            SignOffInvitation.revoked_at.is_(None),
        )
        .order_by(SignOffInvitation.id.desc())
        .limit(1)
    )
