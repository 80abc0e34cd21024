"""Withdrawal of consent, the retention period of client media and review reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from smp_academy.clinical import privacy, reviews
from smp_academy.clinical.models import ClientPhoto, ReviewReminder, SignOff
from smp_academy.clinical.record import practical_record
from smp_academy.core import jobs
from smp_academy.core.errors import Conflict, ValidationFailed
from smp_academy.core.models import AuditEvent, Notification
from smp_academy.extensions import db
from tests.clinical import helpers

JAN = date(2026, 1, 10)


def _photos(case) -> int:
    return db.session.scalar(
        select(func.count(ClientPhoto.id)).where(ClientPhoto.case_id == case.id)
    )


def _keys_of(case) -> set[str]:
    rows = db.session.execute(
        select(ClientPhoto.storage_key, ClientPhoto.thumb_key, ClientPhoto.overlay_key).where(
            ClientPhoto.case_id == case.id
        )
    )
    return {key for row in rows for key in row if key}


def test_withdrawal_erases_photos_and_notes_and_keeps_the_signed_facts(people, storage):
    case = helpers.ready_case(people.trainee)
    session = helpers.log(people.trainee, case, people.instructor, JAN, notes="Client was calm.")
    helpers.sign(people.instructor, session)
    keys = {f.key for f in storage.files("clinical")}
    assert _photos(case) == 2 and len(keys) == 4

    erased = privacy.withdraw_consent(people.trainee, case)
    jobs.commit()  # the files go after the commit, by a job

    assert erased == 2 and _photos(case) == 0
    assert not {f.key for f in storage.files("clinical")}
    db.session.refresh(session)
    db.session.refresh(case)
    assert session.notes == "" and case.design == "" and session.pigment_lot == "LOT-2026-001"
    assert case.closed_on == JAN and case.media_erased_at is not None
    assert db.session.scalar(select(func.count(SignOff.id)).where(SignOff.session_id == session.id))
    assert len(practical_record(people.trainee.id).cases) == 1  # still counts as done
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == str(case.id))
    )
    assert "clinical.consent_withdrawn" in list(actions)
    with pytest.raises(Conflict, match="withdrew consent"):
        helpers.log(people.trainee, case, people.instructor, JAN + timedelta(days=14))
    with pytest.raises(Conflict):
        privacy.withdraw_consent(people.trainee, case)


def test_a_rolled_back_withdrawal_keeps_the_files(people, storage):
    case = helpers.ready_case(people.trainee)
    helpers.log(people.trainee, case, people.instructor, JAN)
    jobs.commit()
    privacy.withdraw_consent(people.trainee, case)
    jobs.rollback()
    # each photo, its thumbnail and the overlay its measurement job drew after the commit
    assert _photos(case) == 2 and len(list(storage.files("clinical"))) == 6


def test_maintenance_erases_media_past_retention(app, people, storage):
    old = helpers.completed_case(people.trainee, people.instructor, JAN, ["direct"])
    recent = helpers.ready_case(people.trainee)
    helpers.log(people.trainee, recent, people.instructor, JAN + timedelta(days=30))
    jobs.commit()
    helpers.freeze(JAN + timedelta(days=privacy.retention_days() + 1))

    result = app.test_cli_runner().invoke(args=["maintenance", "run"])

    assert result.exit_code == 0, result.output
    assert "erased the media of 1 case(s) past retention" in result.output
    assert _photos(old) == 0 and _photos(recent) == 2
    # the recent case's photos with their thumbnails and overlays; the old case's are gone
    assert len(list(storage.files("clinical"))) == 6
    assert {f.key for f in storage.files("clinical")} == _keys_of(recent)
    assert practical_record(people.trainee.id).cases == (JAN,)


def test_a_reminder_is_sent_once_when_a_review_window_opens(app, people):
    case = helpers.completed_case(people.trainee, people.instructor, JAN, ["direct"])
    [four_weeks, _] = reviews.review_windows()
    jobs.commit()
    runner = app.test_cli_runner()
    helpers.freeze(JAN + timedelta(days=four_weeks.opens - 1))
    assert "sent 0 healed-review reminder(s)" in runner.invoke(args=["maintenance", "run"]).output
    helpers.freeze(JAN + timedelta(days=four_weeks.opens))
    assert "sent 1 healed-review reminder(s)" in runner.invoke(args=["maintenance", "run"]).output
    assert "sent 0 healed-review reminder(s)" in runner.invoke(args=["maintenance", "run"]).output
    note = db.session.scalar(
        select(Notification).where(
            Notification.user_id == people.trainee.id, Notification.message.like("%review%")
        )
    )
    assert case.code in note.message and note.link == f"/clinical/cases/{case.id}"
    assert db.session.scalar(select(func.count(ReviewReminder.id))) == 1


def test_the_review_windows_can_be_configured(app, people):
    app.config["CLINICAL_REVIEW_WINDOWS"] = '{"4-week": [28, 60]}'
    try:
        four_weeks, six_months = reviews.review_windows()
    finally:
        del app.config["CLINICAL_REVIEW_WINDOWS"]
    assert (four_weeks.opens, four_weeks.closes) == (28, 60)
    assert (six_months.opens, six_months.closes) == (150, 240)


def test_a_review_outside_its_window_is_refused(people):
    case = helpers.completed_case(people.trainee, people.instructor, JAN, ["direct"])
    given = reviews.ReviewInput(
        "4-week",
        JAN + timedelta(days=7),
        "none",
        "none",
        "none",
        4,
        "",
        [helpers.scalp_upload(3, healed=True)],
    )
    with pytest.raises(ValidationFailed) as caught:
        reviews.record_review(people.trainee, case, given)
    assert caught.value.field == "reviewed_on" and "between" in caught.value.message
