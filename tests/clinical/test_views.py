"""The clinical pages: who sees a case (everyone else gets 404), every view audited, the
external supervisor's link, forms that refuse bad input with the error at its field and write
nothing, and an accessibility check of every form page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from smp_academy.clinical import links, signoffs
from smp_academy.clinical.models import (
    Assessment,
    ClientCase,
    ClientPhoto,
    SignOff,
    TreatmentSession,
)
from smp_academy.core import clock
from smp_academy.core.models import AuditEvent
from smp_academy.courses.models import CohortMember
from smp_academy.extensions import db
from tests.clinical import a11y, helpers
from tests.conftest import csrf_token

JAN = date(2026, 1, 10)


@pytest.fixture
def world(people, admin, clinic):
    case = helpers.ready_case(people.trainee)
    session = helpers.log(people.trainee, case, people.instructor, JAN)
    photo = db.session.scalar(select(ClientPhoto).where(ClientPhoto.session_id == session.id))
    db.session.flush()
    return {
        "people": people,
        "admin": admin,
        "clinic": clinic,
        "case": case,
        "session": session,
        "photo": photo,
    }


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


ROLES = ["trainee", "other_trainee", "instructor", "other_instructor", "admin", "clinic", None]


def _user(world, role):
    if role is None:
        return None
    people = world["people"]
    return getattr(people, role, None) or world[role]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_who_sees_a_case_its_sessions_and_photos(app, world, role):
    client = helpers.client_as(app, _user(world, role))
    urls = [
        f"/clinical/cases/{world['case'].id}",
        f"/clinical/sessions/{world['session'].id}",
        f"/clinical/photos/{world['photo'].id}/thumb",
    ]
    expected = {"trainee": 200, "instructor": 200, "admin": 200, "clinic": 403, None: 302}
    for url in urls:
        response = client.get(url)
        assert response.status_code == expected.get(role, 404), (role, url)
        if response.status_code == 404:
            assert world["case"].code not in response.get_data(as_text=True)


def test_a_supervisor_who_signed_keeps_access_after_leaving_the_cohort(app, world):
    people = world["people"]
    helpers.sign(people.instructor, world["session"])
    db.session.execute(
        CohortMember.__table__.delete().where(CohortMember.user_id == people.instructor.id)
    )
    client = helpers.client_as(app, people.instructor)
    assert client.get(f"/clinical/cases/{world['case'].id}").status_code == 200


def test_every_view_of_client_data_is_audited(app, world):
    client = helpers.client_as(app, world["people"].instructor)
    client.get(f"/clinical/cases/{world['case'].id}")
    client.get(f"/clinical/sessions/{world['session'].id}")
    photo = client.get(f"/clinical/photos/{world['photo'].id}/full")
    assert photo.mimetype == "image/jpeg" and photo.headers["Cache-Control"] == "private, no-store"
    actions = list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_id == world["people"].instructor.id)
        )
    )
    assert {"clinical.case_viewed", "clinical.session_viewed", "clinical.photo_viewed"} <= set(
        actions
    )


@pytest.mark.parametrize(
    "url",
    [
        "/clinical/cases/999999",
        "/clinical/cases/99999999999999999999",
        "/clinical/sessions/2147483648",
        "/clinical/photos/999999/full",
        "/clinical/cpd/999999/evidence",
        "/clinical/trainees/999999",
        "/clinical/sign-offs/999999/correct",
        "/clinical/assessments/999999/correct",
    ],
)
def test_unknown_and_huge_ids_are_not_found(app, world, url):
    assert helpers.client_as(app, world["admin"]).get(url).status_code == 404


def test_the_external_link_signs_once_and_then_shows_nothing(app, people):
    case = helpers.ready_case(people.trainee)
    session = helpers.log(
        people.trainee,
        case,
        None,
        JAN,
        supervisor_id=None,
        external_name="Sam Mentor",
        external_email="sam@clinic.example",
    )
    _, token = signoffs.invite_external(people.trainee, session)
    db.session.flush()
    client = app.test_client()
    url = f"/clinical/sign-off/{token}"
    page = client.get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sam Mentor" in text and "LOT-2026-001" in text
    assert "data:image/jpeg;base64," in text and "/clinical/photos/" not in text
    assert a11y.problems(text) == []

    bad = client.post(url, data={"csrf_token": csrf_token(client, url), "level": "direct"})
    assert bad.status_code == 400 and _count(SignOff) == 0
    assert a11y.problems(bad.get_data(as_text=True)) == []

    data = {
        "csrf_token": csrf_token(client, url),
        "level": "direct",
        "is_satisfactory": "yes",
        "feedback": "Good depth control.",
    }
    data |= {f"hygiene_{k}": "y" for k, _ in helpers.HYGIENE_STEPS}
    data |= {f"rating_{k}": "3" for k, _ in helpers.TECHNIQUE_ITEMS}
    done = client.post(url, data=data)
    assert done.status_code == 200 and "Thank you" in done.get_data(as_text=True)
    form = signoffs.current_sign_off(session)
    assert form.method == "email_link" and form.signer_email == "sam@clinic.example"

    again = client.get(url)
    assert again.status_code == 404 and case.code not in again.get_data(as_text=True)
    viewed = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "clinical.session_viewed", AuditEvent.actor_id.is_(None)
        )
    )
    assert viewed >= 1


def test_an_expired_link_shows_nothing(app, people):
    case = helpers.ready_case(people.trainee)
    session = helpers.log(
        people.trainee,
        case,
        None,
        JAN,
        supervisor_id=None,
        external_name="Sam",
        external_email="sam@clinic.example",
    )
    _, token = signoffs.invite_external(people.trainee, session)
    db.session.flush()
    clock.freeze(clock.now_utc() + signoffs.LINK_VALID_FOR)
    response = app.test_client().get(f"/clinical/sign-off/{token}")
    assert response.status_code == 404 and "LOT-2026" not in response.get_data(as_text=True)


def test_the_whole_logbook_through_the_pages(app, people):
    me = helpers.client_as(app, people.trainee)
    opened = helpers.post_form(me, "/clinical/cases/new", {"initials": "JB", "birth_year": "1980"})
    case = db.session.scalar(select(ClientCase))
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/cases/{case.id}")
    base = f"/clinical/cases/{case.id}"
    consent = {
        "method": "on_screen",
        "signature": "JB",
        "signed_on": "2026-01-05",
        "scopes": ["treatment", "risks", "training_photos", "records"],
    }
    assert helpers.post_form(me, f"{base}/consent", consent).status_code == 302
    assert (
        helpers.post_form(me, f"{base}/screening", {"screened_on": "2026-01-05"}).status_code == 302
    )
    plan = {"hair_loss": "norwood-3", "fitzpatrick": "3", "design": "Soft hairline at 8 cm."}
    assert helpers.post_form(me, f"{base}/plan", plan).status_code == 302
    session = {
        "performed_on": "2026-01-10",
        "duration_minutes": "180",
        "areas": ["hairline"],
        "pigment_brand": "Scalp Ink Co",
        "pigment_shade": "Ash 2",
        "pigment_lot": "L-1",
        "dilution": "1:3",
        "needle": "1RL",
        "machine": "Pen X",
        "level": "direct",
        "supervisor_id": str(people.instructor.id),
        "adverse_event": "none",
    }
    photos = {"before": [("b.jpg", helpers.scalp(1))], "after": [("a.jpg", helpers.scalp(2))]}
    logged = helpers.post_form(me, f"{base}/sessions/new", session, photos)
    assert logged.status_code == 302, logged.get_data(as_text=True)[:2000]
    row = db.session.scalar(select(TreatmentSession))

    supervisor = helpers.client_as(app, people.instructor)
    queue = supervisor.get("/clinical/supervision").get_data(as_text=True)
    assert case.code in queue
    sign = {"level": "direct", "is_satisfactory": "yes", "feedback": "Even dots."}
    sign |= {f"hygiene_{k}": "y" for k, _ in helpers.HYGIENE_STEPS}
    sign |= {f"rating_{k}": "3" for k, _ in helpers.TECHNIQUE_ITEMS}
    signed = helpers.post_form(supervisor, f"/clinical/sessions/{row.id}/sign-off", sign)
    assert signed.status_code == 302 and signoffs.current_sign_off(row).is_satisfactory
    assert helpers.post_form(me, f"{base}/close", {}).status_code == 302
    page = me.get(base).get_data(as_text=True)
    assert "Satisfactory" in page and "4-week healed review" in page


@pytest.mark.parametrize(
    ("path", "data", "field", "message"),
    [
        ("/clinical/cases/new", {"initials": "John"}, "initials", "at most three letters"),
        ("/clinical/cases/new", {"birth_year": "2020"}, "birth_year", "18 or over"),
        ("/clinical/cases/new", {"birth_year": "nineteen"}, "birth_year", "integer"),
    ],
)
def test_open_case_refuses_bad_input_at_its_field(app, people, path, data, field, message):
    response = helpers.post_form(helpers.client_as(app, people.trainee), path, data)
    assert response.status_code == 400
    assert message in helpers.error_at(response, field)
    assert a11y.problems(response.get_data(as_text=True)) == []
    assert _count(ClientCase) == 0


@pytest.mark.parametrize(
    ("changes", "files", "field"),
    [
        ({"performed_on": "2026-13-40"}, True, "performed_on"),
        ({"performed_on": "2027-01-01"}, True, "performed_on"),
        ({"pigment_lot": ""}, True, "pigment_lot"),
        ({"notes": "Mrs Patel asked for a softer line"}, True, "notes"),
        ({"level": "asleep"}, True, "level"),
        ({}, False, "before"),
        ({"supervisor_id": "0", "external_email": "x"}, True, "external_name"),
        ({"supervisor_id": "999999"}, True, "supervisor_id"),
    ],
)
def test_the_session_form_refuses_bad_input_and_writes_nothing(
    app, people, storage, changes, files, field
):
    case = helpers.ready_case(people.trainee)
    db.session.flush()
    data = helpers.SESSION_FORM | {"supervisor_id": str(people.instructor.id)} | changes
    photos = {"before": [("b.jpg", helpers.scalp(1))], "after": [("a.jpg", helpers.scalp(2))]}
    response = helpers.post_form(
        helpers.client_as(app, people.trainee),
        f"/clinical/cases/{case.id}/sessions/new",
        data,
        photos if files else None,
    )
    assert response.status_code == 400
    assert helpers.error_at(response, field)
    assert a11y.problems(response.get_data(as_text=True)) == []
    assert _count(TreatmentSession) == 0 and not list(storage.files("clinical"))


def test_every_form_page_passes_the_accessibility_check(app, world):
    people, case, session = world["people"], world["case"], world["session"]
    trainee, instructor = (
        helpers.client_as(app, people.trainee),
        helpers.client_as(app, people.instructor),
    )
    pages = [
        (trainee, "/clinical"),
        (trainee, "/clinical/cases/new"),
        (trainee, f"/clinical/cases/{case.id}"),
        (trainee, f"/clinical/cases/{case.id}/consent"),
        (trainee, f"/clinical/cases/{case.id}/reviews/new"),
        (trainee, f"/clinical/cases/{case.id}/plan"),
        (trainee, f"/clinical/cases/{case.id}/screening"),
        (trainee, f"/clinical/cases/{case.id}/sessions/new"),
        (trainee, "/clinical/cpd"),
        (trainee, "/"),
        (trainee, "/certificates"),
        (instructor, f"/clinical/sessions/{session.id}"),
        (instructor, "/clinical/supervision"),
        (instructor, f"/clinical/trainees/{people.trainee.id}"),
        (instructor, f"/clinical/trainees/{people.trainee.id}/assessments/practical_exam"),
        (helpers.client_as(app, world["admin"]), "/clinical/lots?brand=a&lot=b"),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert a11y.problems(response.get_data(as_text=True)) == [], url


def test_an_instructor_of_another_cohort_cannot_examine_or_sign(app, world):
    people = world["people"]
    outsider = helpers.client_as(app, people.other_instructor)
    url = f"/clinical/trainees/{people.trainee.id}/assessments/observed_procedure"
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/clinical/trainees/{people.trainee.id}").status_code == 404
    sign = helpers.post_form(
        outsider, f"/clinical/sessions/{world['session'].id}/sign-off", {"level": "direct"}
    )
    assert sign.status_code == 404 and signoffs.current_sign_off(world["session"]) is None


def test_an_examiner_records_and_corrects_an_assessment(app, world):
    people = world["people"]
    examiner = helpers.client_as(app, people.instructor)
    url = f"/clinical/trainees/{people.trainee.id}/assessments/practical_exam"
    data = {
        "held_on": "2026-02-01",
        "feedback": "Clear aftercare talk.",
        "item_consultation": "y",
        "item_setup_hygiene": "y",
        "item_technique": "y",
        "item_aftercare": "y",
    }
    assert helpers.post_form(examiner, url, data).status_code == 302
    first = db.session.scalar(select(Assessment))
    assert first.is_passed
    correct = f"/clinical/assessments/{first.id}/correct"
    refused = helpers.post_form(examiner, correct, data)
    assert refused.status_code == 400 and "Say why" in helpers.error_at(refused, "reason")
    fixed = helpers.post_form(
        examiner, correct, data | {"item_technique": "", "reason": "Wrong station"}
    )
    assert fixed.status_code == 302
    db.session.refresh(first)
    assert first.superseded_by_id is not None
    record = examiner.get(f"/clinical/trainees/{people.trainee.id}").get_data(as_text=True)
    assert "not passed" in record and "version 2" in record


def test_the_dashboard_shows_the_pathway_and_due_reviews(app, people):
    case = helpers.completed_case(people.trainee, people.instructor, JAN, ["direct"])
    helpers.freeze(case.closed_on + timedelta(days=30))
    page = helpers.client_as(app, people.trainee).get("/").get_data(as_text=True)
    assert "Case logbook" in page and "healed review(s) due now" in page
    assert "4-week healed review of case" in page and case.code in page


def test_the_notification_paths_are_the_routes(app):
    with app.test_request_context():
        assert url_for("clinical.logbook") == links.LOGBOOK
        assert links.CASE.format(7) == url_for("clinical.show_case", case_id=7)
        assert links.SESSION.format(7) == url_for("clinical.show_session", session_id=7)
        assert links.SIGN_OFF.format("t") == url_for("clinical.external_sign_off", token="t")


def test_clinic_accounts_never_reach_the_logbook(app, world):
    client = helpers.client_as(app, world["clinic"])
    assert client.get("/clinical").status_code == 403
    assert client.get("/clinical/supervision").status_code == 403


def test_withdrawal_is_confirmed_explicitly_and_erases(app, world, storage):
    people, case = world["people"], world["case"]
    url = f"/clinical/cases/{case.id}/withdraw"
    assert (
        helpers.post_form(
            helpers.client_as(app, people.other_trainee), url, {"confirm": "y"}
        ).status_code
        == 404
    )
    me = helpers.client_as(app, people.trainee)
    unconfirmed = helpers.post_form(me, url, {})
    assert unconfirmed.status_code == 302
    assert "Tick the box" in me.get(f"/clinical/cases/{case.id}").get_data(as_text=True)
    assert _count(ClientPhoto) == 2
    assert helpers.post_form(me, url, {"confirm": "y"}).status_code == 302
    assert _count(ClientPhoto) == 0 and not list(storage.files("clinical"))
    page = me.get(f"/clinical/cases/{case.id}").get_data(as_text=True)
    assert "Consent withdrawn" in page and "were erased" in page
