"""The trainee's logbook through the services: opening a case, consent, screening, the plan and
logging sessions. Every refusal names its field and writes nothing, files included."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from smp_academy.clinical import cases, sessions
from smp_academy.clinical.models import ClientCase, ClientPhoto, TreatmentSession
from smp_academy.core.errors import Conflict, DomainError, ValidationFailed
from smp_academy.core.models import AuditEvent
from smp_academy.core.storage import get_storage
from smp_academy.extensions import db
from tests import factories
from tests.clinical import helpers

DAY = date(2026, 1, 10)


def _stored() -> set[str]:
    return {f.key for f in get_storage().files("clinical")}


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _refused(call, field: str) -> str:
    """Run a service that must refuse: the error names ``field``; no row, no file is left."""
    rows, files = (_count(TreatmentSession), _count(ClientPhoto)), _stored()
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.field == field, caught.value.message
    assert (_count(TreatmentSession), _count(ClientPhoto)) == rows
    assert _stored() == files
    return caught.value.message


def test_a_case_gets_a_code_and_only_initials_and_a_year(people):
    case = cases.open_case(people.trainee, "j.b.", 1979)
    assert case.code.startswith("C-") and case.initials == "JB" and case.birth_year == 1979
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == str(case.id))
    )
    assert "clinical.case_opened" in list(events)


@pytest.mark.parametrize(
    ("initials", "year", "field", "message"),
    [
        ("John", None, "initials", "at most three letters"),
        (None, 2015, "birth_year", "18 or over"),
        (None, 1850, "birth_year", "year of birth"),
    ],
)
def test_a_case_refuses_identity_and_minors(people, initials, year, field, message):
    with pytest.raises(ValidationFailed) as caught:
        cases.open_case(people.trainee, initials, year)
    assert caught.value.field == field and message in caught.value.message
    assert _count(ClientCase) == 0


def test_consent_needs_every_required_scope_and_a_scan_on_paper(people):
    case = cases.open_case(people.trainee, None, None)
    partial = helpers.consent(scopes=["treatment", "training_photos"])
    with pytest.raises(ValidationFailed) as missing:
        cases.record_consent(people.trainee, case, partial)
    assert missing.value.field == "scopes"
    with pytest.raises(ValidationFailed) as no_scan:
        cases.record_consent(people.trainee, case, helpers.consent(method="scan"))
    assert no_scan.value.field == "scan"
    with pytest.raises(ValidationFailed) as unsigned:
        cases.record_consent(people.trainee, case, helpers.consent(signature=""))
    assert unsigned.value.field == "signature"
    future = helpers.consent(signed_on=helpers.TODAY + timedelta(days=1))
    with pytest.raises(ValidationFailed, match="future"):
        cases.record_consent(people.trainee, case, future)
    scanned = helpers.consent(method="scan", signature=None, scans=[helpers.upload(7)])
    consent = cases.record_consent(people.trainee, case, scanned)
    assert consent.method == "scan" and consent.signature is None
    assert db.session.scalar(select(ClientPhoto.kind).where(ClientPhoto.case_id == case.id)) == (
        "consent"
    )


def test_the_screening_decides_whether_a_session_may_be_logged(people):
    case = cases.open_case(people.trainee, None, None)
    cases.record_consent(people.trainee, case, helpers.consent())
    cases.record_plan(people.trainee, case, "norwood-4", True, 2, "Hairline at 7.5 cm.")
    screening = cases.record_screening(
        people.trainee, case, {"anticoagulants": True}, False, helpers.CONSENT_DAY
    )
    assert screening.outcome == "needs_clearance"
    log = lambda: sessions.log_session(  # noqa: E731
        people.trainee, case, helpers.session_input(people.instructor, DAY)
    )
    with pytest.raises(Conflict, match="does not allow treatment"):
        log()
    cases.record_screening(people.trainee, case, {"anticoagulants": True}, True, DAY)
    assert log().number == 1


def test_the_plan_refuses_names_in_the_design(people):
    case = cases.open_case(people.trainee, None, None)
    with pytest.raises(ValidationFailed) as caught:
        cases.record_plan(
            people.trainee, case, "norwood-3", False, 3, "Design agreed with Mr Smith"
        )
    assert caught.value.field == "design" and "name" in caught.value.message
    with pytest.raises(ValidationFailed) as unknown:
        cases.record_plan(people.trainee, case, "norwood-9", False, 3, "Soft hairline")
    assert unknown.value.field == "hair_loss"


def test_a_session_keeps_its_lot_folded_for_recalls_and_its_photos(people):
    case = helpers.ready_case(people.trainee)
    given = helpers.session_input(people.instructor, DAY, pigment_lot="  lot-2026  001 ")
    session = sessions.log_session(people.trainee, case, given)
    assert session.number == 1 and session.pigment_lot == "lot-2026 001"
    assert session.lot_key == "lot-2026 001" and session.brand_key == "scalp ink co"
    kinds = db.session.scalars(select(ClientPhoto.kind).where(ClientPhoto.session_id == session.id))
    assert sorted(kinds) == ["after", "before"]
    assert len(_stored()) == 4  # photo and thumbnail of each


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"performed_on": None}, "performed_on"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"areas": ["eyebrows"]}, "areas"),
        ({"pigment_lot": "  "}, "pigment_lot"),
        ({"level": "remote"}, "level"),
        ({"adverse_event": "bleeding"}, "notes"),
        ({"notes": "Client's phone: 07700 900123"}, "notes"),
        ({"before": []}, "before"),
        ({"after": [helpers.media.Upload("x.jpg", b"not an image")]}, "after"),
        (
            {"supervisor_id": None, "external_name": "Sam", "external_email": "nope"},
            "external_email",
        ),
    ],
)
def test_bad_session_input_names_its_field_and_leaves_nothing(people, changes, field):
    case = helpers.ready_case(people.trainee)
    given = helpers.session_input(people.instructor, DAY, **changes)
    _refused(lambda: sessions.log_session(people.trainee, case, given), field)


def test_only_the_trainees_own_instructors_supervise_with_an_account(people):
    case = helpers.ready_case(people.trainee)
    given = helpers.session_input(people.other_instructor, DAY)
    assert "your instructors" in _refused(
        lambda: sessions.log_session(people.trainee, case, given), "supervisor_id"
    )
    own_address = replace(
        given, supervisor_id=None, external_name="Me", external_email=people.trainee.email.upper()
    )
    _refused(lambda: sessions.log_session(people.trainee, case, own_address), "external_email")
    peer = factories.user("trainee")
    peer_address = replace(own_address, external_email=peer.email)
    _refused(lambda: sessions.log_session(people.trainee, case, peer_address), "external_email")


def test_sessions_are_a_week_apart_and_after_consent(people):
    case = helpers.ready_case(people.trainee)
    helpers.log(people.trainee, case, people.instructor, DAY)
    soon = helpers.session_input(people.instructor, DAY + timedelta(days=6))
    assert "at least 7 days" in _refused(
        lambda: sessions.log_session(people.trainee, case, soon), "performed_on"
    )
    early = helpers.ready_case(people.trainee)
    before_consent = helpers.session_input(people.instructor, helpers.CONSENT_DAY - timedelta(1))
    _refused(lambda: sessions.log_session(people.trainee, early, before_consent), "performed_on")


def test_a_closed_case_takes_no_more_sessions(people):
    case = helpers.ready_case(people.trainee)
    with pytest.raises(Conflict, match="at least one session"):
        cases.close_case(people.trainee, case)
    helpers.log(people.trainee, case, people.instructor, DAY)
    helpers.log(people.trainee, case, people.instructor, DAY + timedelta(days=14))
    cases.close_case(people.trainee, case)
    assert case.closed_on == DAY + timedelta(days=14)
    with pytest.raises(Conflict, match="closed"):
        helpers.log(people.trainee, case, people.instructor, DAY + timedelta(days=28))
