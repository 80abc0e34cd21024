"""Practical requirements: a credential that rests on supervised cases, healed reviews, an
observed hygiene procedure and a practical exam is issued only once all are met, records what
it rests on in order (never anything about a client) and the verify API shows it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from smp_academy.certificates import services as certificates
from smp_academy.certificates.models import Certificate, Certification
from smp_academy.certificates.requirements import achievements, check, requirement_snapshot
from smp_academy.clinical import assessments, reviews, signoffs
from smp_academy.clinical.checklists import ASSESSMENT_ITEMS, AssessmentKind
from smp_academy.clinical.record import practical_record
from smp_academy.extensions import db
from tests.clinical import helpers

JAN = date(2026, 1, 10)
PRACTICAL = [
    {"kind": "supervised_cases", "cases": 2, "sessions": {"direct": 2, "independent": 1}},
    {"kind": "healed_reviews", "count": 1},
    {"kind": "observed_procedure", "count": 1},
    {"kind": "practical_exam", "count": 1},
]


@pytest.fixture
def certification():
    row = Certification(
        slug="practitioner-test",
        title="Certified SMP Practitioner",
        description="Competent with clients.",
        validity_months=36,
        requires=PRACTICAL,
        renewal=[{"kind": "cpd_hours", "hours": 10}, {"kind": "supervised_cases", "cases": 1}],
        content_hash="x",
    )
    db.session.add(row)
    db.session.flush()
    return row


def _held(trainee) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.holder_id == trainee.id)))


def _assess(examiner, trainee, kind: AssessmentKind, passed: bool = True, day: date = JAN):
    items = {key: passed for key, _ in ASSESSMENT_ITEMS[kind]}
    given = assessments.AssessmentInput(day, items, "Calm, methodical set-up.")
    return assessments.record_assessment(examiner, trainee, kind, given)


def _review(trainee, case, day: date):
    given = reviews.ReviewInput(
        "4-week",
        day,
        "slight",
        "none",
        "none",
        5,
        "Even healed tone.",
        [helpers.scalp_upload(99, healed=True)],
    )
    return reviews.record_review(trainee, case, given)


def _earn_everything(p):
    first = helpers.completed_case(p.trainee, p.instructor, JAN, ["direct", "direct"])
    helpers.completed_case(p.trainee, p.instructor, JAN + timedelta(days=35), ["independent"])
    _assess(p.instructor, p.trainee, AssessmentKind.OBSERVED_PROCEDURE)
    assert _held(p.trainee) == []
    _review(p.trainee, first, first.closed_on + timedelta(days=28))
    assert _held(p.trainee) == []
    _assess(p.instructor, p.trainee, AssessmentKind.PRACTICAL_EXAM)
    return first


def test_issued_only_when_the_last_practical_requirement_is_met(people, certification):
    _earn_everything(people)
    [cert] = _held(people.trainee)
    assert [r["kind"] for r in cert.requirements] == [r["kind"] for r in PRACTICAL]
    cases, healed, observed, exam = cert.requirements
    assert (cases["required"], cases["achieved"], cases["met_on"]) == (2, 2, "2026-02-14")
    assert "2 direct, then 1 independent" in cases["title"]
    assert (healed["required"], healed["achieved"]) == (1, 1)
    assert observed["met_on"] == exam["met_on"] == JAN.isoformat()


def test_the_requirements_hold_no_client_data(people, certification):
    first = _earn_everything(people)
    [cert] = _held(people.trainee)
    text = json.dumps(cert.requirements)
    assert first.code not in text and "AB" not in text and "LOT-2026" not in text
    assert set(cert.requirements[0]) == {"kind", "title", "required", "achieved", "met_on"}


def test_the_verify_api_lists_the_requirements_in_order(people, certification, client):
    _earn_everything(people)
    [cert] = _held(people.trainee)
    data = client.get(f"/api/v1/certificates/{cert.code}").get_json()
    assert [r["kind"] for r in data["requirements"]] == [r["kind"] for r in PRACTICAL]
    assert data["requirements"][0]["achieved"] == 2
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert (
        "What this certificate rests on" in page and "Practical exam (OSCE stations) passed" in page
    )


def test_an_unsatisfactory_or_early_independent_session_does_not_count(people, certification):
    early = helpers.ready_case(people.trainee)
    session = helpers.log(people.trainee, early, people.instructor, JAN, level="independent")
    helpers.sign(people.instructor, session)  # independent before any direct session
    helpers.completed_case(people.trainee, people.instructor, JAN + timedelta(days=7), ["direct"])
    weak = helpers.ready_case(people.trainee)
    session = helpers.log(people.trainee, weak, people.instructor, JAN + timedelta(days=14))
    helpers.sign(people.instructor, session, satisfactory=False, hygiene={})
    record = practical_record(people.trainee.id)
    assert len(record.cases) == 1  # the unsatisfactory case and the open one do not count
    assert record.sessions == ((JAN, "independent"), (JAN + timedelta(days=7), "direct"))
    [result] = check(PRACTICAL[:1], achievements(people.trainee.id), {})
    assert (result.achieved, result.met_on) == (1, None)


def test_a_corrected_sign_off_counts_as_corrected(people, certification, admin):
    case = helpers.completed_case(people.trainee, people.instructor, JAN, ["direct"])
    assert len(practical_record(people.trainee.id).cases) == 1
    [session] = case.sessions
    old = signoffs.current_sign_off(session)
    signoffs.correct(admin, old, helpers.sign_off_input(is_satisfactory=False), "Blowouts missed")
    assert practical_record(people.trainee.id).cases == ()


def test_a_failed_exam_is_not_a_pass_and_a_pass_later_is(people, certification):
    _assess(people.instructor, people.trainee, AssessmentKind.PRACTICAL_EXAM, passed=False)
    assert practical_record(people.trainee.id).practical_exams == ()
    _assess(
        people.instructor, people.trainee, AssessmentKind.PRACTICAL_EXAM, day=JAN + timedelta(7)
    )
    assert practical_record(people.trainee.id).practical_exams == (JAN + timedelta(7),)


def test_a_renewal_records_cpd_hours_and_recent_cases(people, certification):
    _earn_everything(people)
    [first] = _held(people.trainee)
    for n, hours in enumerate((6, 5)):
        given = assessments.CpdInput(
            JAN + timedelta(days=n), f"Masterclass {n}", "SMP Society", hours, [helpers.upload(n)]
        )
        assessments.log_cpd(people.trainee, given)
    since = certificates.now_utc() - timedelta(days=400)
    entries = requirement_snapshot(people.trainee.id, certification, since)
    renewal = entries[len(PRACTICAL) :]
    assert [e["title"].split(":")[0] for e in renewal] == ["Renewal", "Renewal"]
    assert (renewal[0]["required"], renewal[0]["achieved"], renewal[0]["met_on"]) == (
        10,
        11,
        (JAN + timedelta(days=1)).isoformat(),
    )
    assert "in the last 36 months" in renewal[1]["title"] and renewal[1]["achieved"] == 2
    assert first.requirements == entries[: len(PRACTICAL)]
