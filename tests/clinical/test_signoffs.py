"""Supervisors' sign-offs: by the named instructor, or by an external supervisor's single-use,
expiring link (stored as a hash); immutable forms corrected by new, audited versions."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from smp_academy.clinical import signoffs
from smp_academy.clinical.models import SignOff, SignOffInvitation
from smp_academy.core import clock
from smp_academy.core.errors import Conflict, NotFound, ValidationFailed
from smp_academy.core.models import AuditEvent, Notification, OutboxMessage
from smp_academy.extensions import db
from tests.clinical import helpers

DAY = date(2026, 1, 10)


@pytest.fixture
def session(people):
    case = helpers.ready_case(people.trainee)
    return helpers.log(people.trainee, case, people.instructor, DAY)


@pytest.fixture
def external(people):
    case = helpers.ready_case(people.trainee)
    return helpers.log(
        people.trainee,
        case,
        None,
        DAY,
        supervisor_id=None,
        external_name="Sam Mentor",
        external_email="sam@clinic.example",
    )


def _actions(obj) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == str(obj.id))
            .order_by(AuditEvent.id)
        )
    )


def test_the_named_instructor_signs_and_the_trainee_hears_of_it(people, session):
    form = helpers.sign(people.instructor, session)
    assert form.method == "account" and form.signer_name == people.instructor.name
    assert form.is_satisfactory and form.version == 1
    assert "clinical.session_signed" in _actions(session)
    note = db.session.scalar(select(Notification).where(Notification.user_id == people.trainee.id))
    assert "signed off session 1" in note.message and "satisfactory" in note.message
    with pytest.raises(Conflict, match="signed off already"):
        helpers.sign(people.instructor, session)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hygiene": {}}, "is_satisfactory"),
        (
            {"ratings": {"depth": 1, "angle": 3, "spacing": 3, "hairline": 3, "communication": 3}},
            "is_satisfactory",
        ),
        ({"ratings": {"depth": 3}}, "rating_angle"),
        ({"level": None}, "level"),
        ({"feedback": ""}, "feedback"),
        ({"feedback": "Well done, call me on 07700 900123"}, "feedback"),
    ],
)
def test_a_form_that_breaks_a_rule_is_refused(people, session, changes, field):
    with pytest.raises(ValidationFailed) as caught:
        signoffs.sign_off(people.instructor, session, helpers.sign_off_input(**changes))
    assert caught.value.field == field
    assert signoffs.current_sign_off(session) is None


def test_a_missed_hygiene_step_can_be_signed_as_not_yet_satisfactory(people, session):
    given = helpers.sign_off_input(hygiene={"hand_hygiene": True}, is_satisfactory=False)
    form = signoffs.sign_off(people.instructor, session, given)
    assert not form.is_satisfactory and form.hygiene["hand_hygiene"] and not form.hygiene["sharps"]


def test_the_database_allows_one_current_form_per_session(people, session):
    first = helpers.sign(people.instructor, session)
    twin = SignOff(
        session_id=session.id,
        version=2,
        correction_reason="x",
        method="account",
        signer_id=people.instructor.id,
        signer_name="x",
        signer_email="x@example.com",
        level="direct",
        hygiene={},
        ratings={},
        feedback="x",
        is_satisfactory=True,
    )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(twin)
        db.session.flush()
    assert signoffs.current_sign_off(session).id == first.id


def test_a_correction_is_a_new_version_and_the_old_form_stays(people, session, admin):
    old = helpers.sign(people.instructor, session)
    with pytest.raises(ValidationFailed) as no_reason:
        signoffs.correct(admin, old, helpers.sign_off_input(), "")
    assert no_reason.value.field == "reason"
    new = signoffs.correct(
        admin,
        old,
        helpers.sign_off_input(level="indirect"),
        "Supervisor was on site, not at the chair",
    )
    db.session.refresh(old)
    assert (old.version, old.superseded_by_id, old.level) == (1, new.id, "direct")
    assert (new.version, new.level, new.signer_id) == (2, "indirect", admin.id)
    assert signoffs.current_sign_off(session).id == new.id
    assert [f.version for f in signoffs.history(session)] == [2, 1]
    assert "clinical.sign_off_corrected" in _actions(session)
    with pytest.raises(Conflict, match="newer version"):
        signoffs.correct(admin, old, helpers.sign_off_input(), "again")


def test_the_external_link_is_hashed_single_use_and_expires(people, external):
    invitation, token = signoffs.invite_external(people.trainee, external)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    mail = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_address == "sam@clinic.example")
    )
    assert f"/clinical/sign-off/{token}" in mail.body and "Sam Mentor" in mail.body
    assert signoffs.open_invitation(token).id == invitation.id

    form = signoffs.sign_off_by_link(token, helpers.sign_off_input())
    assert (form.method, form.signer_id, form.signer_email) == (
        "email_link",
        None,
        "sam@clinic.example",
    )
    with pytest.raises(NotFound):  # used up
        signoffs.open_invitation(token)
    with pytest.raises(NotFound):
        signoffs.sign_off_by_link(token, helpers.sign_off_input())


def test_an_expired_or_replaced_link_opens_nothing(people, external):
    _, first = signoffs.invite_external(people.trainee, external)
    _, second = signoffs.invite_external(people.trainee, external)
    with pytest.raises(NotFound):  # replaced by the newer link
        signoffs.open_invitation(first)
    clock.freeze(clock.now_utc() + signoffs.LINK_VALID_FOR + timedelta(seconds=1))
    with pytest.raises(NotFound) as expired:
        signoffs.open_invitation(second)
    assert "expired" in expired.value.message and "Session" not in expired.value.message
    with pytest.raises(NotFound):
        signoffs.open_invitation("not-a-token")
    assert (
        db.session.scalar(
            select(SignOffInvitation.revoked_at).where(
                SignOffInvitation.token_hash == hashlib.sha256(first.encode()).hexdigest()
            )
        )
        is not None
    )


def test_an_instructors_session_gets_no_link(people, session):
    with pytest.raises(Conflict, match="account"):
        signoffs.invite_external(people.trainee, session)
