"""The review workflow in ``grading.services``: claim, release, grade by the pass rule, pins,
regrades kept in history and audit-logged, notifications, and the instructors' queue."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from smp_academy.core import clock
from smp_academy.core.errors import Conflict, ValidationFailed
from smp_academy.core.events import requirement_met
from smp_academy.core.models import AuditEvent, Notification, OutboxMessage
from smp_academy.core.storage import LocalStorage
from smp_academy.extensions import db
from smp_academy.grading import comments, services
from smp_academy.grading.models import Grade, Pin
from smp_academy.grading.permissions import can_grade
from smp_academy.grading.services import PinInput, QueueFilter
from tests import factories
from tests.grading import helpers

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GOOD = helpers.levels(4, 2, 2)  # 8 of 12, at least 2 on each: passed


@pytest.fixture(autouse=True)
def _request_and_storage(app, tmp_path):
    """Notifications build links with url_for; photos go to a storage of this test's own."""
    with (
        app.test_request_context(),
        helpers.swapped_storage(app, LocalStorage(tmp_path / "files")),
    ):
        yield


@pytest.fixture
def setup():
    return helpers.cohort_setup()


@pytest.fixture
def exercise():
    return helpers.exercise()


@pytest.fixture
def submission(setup, exercise):
    return helpers.submission(setup.trainee, exercise)


@pytest.fixture
def colleague(setup):
    """A second instructor of the same cohort."""
    other = factories.user(role="instructor", name="Colin Colleague")
    factories.cohort(trainees=[setup.trainee], instructors=[other])
    return other


def _actions(submission) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(
                AuditEvent.object_type == "Submission", AuditEvent.object_id == str(submission.id)
            )
            .order_by(AuditEvent.id)
        )
    )


def _graded(setup, submission, levels=GOOD, feedback="", pins=()):
    services.claim(setup.instructor, submission)
    return services.grade(setup.instructor, submission, levels, feedback, list(pins))


# --------------------------------------------------------------------------- claim, release


def test_claim_moves_a_submission_into_review(setup, submission):
    services.claim(setup.instructor, submission)
    assert submission.state == "in_review"
    assert submission.claimed_by_id == setup.instructor.id and submission.claimed_at
    services.claim(setup.instructor, submission)  # claiming one's own claim again: no-op
    assert _actions(submission) == ["submission.claimed"]


def test_a_second_claim_is_refused_naming_the_first_reviewer(setup, submission, colleague):
    services.claim(setup.instructor, submission)
    with pytest.raises(Conflict, match=f"{setup.instructor.name} is already reviewing"):
        services.claim(colleague, submission)
    assert submission.claimed_by_id == setup.instructor.id


def test_a_decided_submission_cannot_be_claimed(setup, submission, colleague):
    _graded(setup, submission)
    with pytest.raises(Conflict, match=re.escape("no longer waiting (it is passed)")):
        services.claim(colleague, submission)


def test_release_gives_the_submission_back_to_the_queue(setup, submission, colleague):
    services.claim(setup.instructor, submission)
    with pytest.raises(Conflict, match="not reviewing"):
        services.release(colleague, submission)
    services.release(setup.instructor, submission)
    assert submission.state == "submitted" and submission.claimed_by_id is None
    services.claim(colleague, submission)  # now anyone may take it
    assert submission.claimed_by_id == colleague.id


# --------------------------------------------------------------------------- grade


@pytest.mark.parametrize(
    ("levels", "total", "state"),
    [
        (helpers.levels(4, 4, 4), 12, "passed"),
        (helpers.levels(4, 2, 2), 8, "passed"),
        (helpers.levels(4, 4, 0), 8, "needs_work"),  # min_each fails on its own
        (helpers.levels(2, 2, 2), 6, "needs_work"),  # min_total fails on its own
    ],
)
def test_grade_applies_the_pass_rule(setup, submission, levels, total, state):
    grade = _graded(setup, submission, levels, "  Keep the dots apart.  ")
    assert submission.state == state and submission.claimed_by_id is None
    assert submission.decided_at is not None
    assert (grade.total, grade.max_total, grade.passed) == (total, 12, state == "passed")
    assert grade.levels == levels and grade.feedback == "Keep the dots apart."
    assert grade.grader_id == setup.instructor.id and not grade.is_regrade


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        (helpers.levels(4, 3, 2), "has no level worth 3 points"),
        ({"size-consistency": 4, "density": 2}, "Choose a level for “Random spacing”"),
        ({**GOOD, "density": "lots"}, "Choose a level for “Density against the target”"),
        ({**GOOD, "density": None}, "Choose a level"),
    ],
)
def test_an_invalid_level_is_refused(setup, submission, levels, message):
    services.claim(setup.instructor, submission)
    with pytest.raises(ValidationFailed, match=message):
        services.grade(setup.instructor, submission, levels, "", [])
    assert submission.state == "in_review"
    assert services.grades_of(submission) == []


def test_grading_needs_ones_own_claim(setup, submission, colleague):
    with pytest.raises(Conflict, match="Claim the submission before grading it"):
        services.grade(setup.instructor, submission, GOOD, "", [])
    services.claim(setup.instructor, submission)
    with pytest.raises(Conflict, match="already reviewing"):
        services.grade(colleague, submission, GOOD, "", [])
    assert services.grades_of(submission) == []


def test_pins_are_stored_numbered_in_relative_coordinates(setup, submission):
    photo = submission.photos[0].id
    pins = [PinInput(photo, 0.0, 1.0, "Corner"), PinInput(photo, 0.25, 0.75, " Blowout here ")]
    grade = _graded(setup, submission, pins=pins)
    stored = db.session.scalars(select(Pin).where(Pin.grade_id == grade.id).order_by(Pin.number))
    assert [(p.number, p.photo_id, p.x, p.y, p.note) for p in stored] == [
        (1, photo, 0.0, 1.0, "Corner"),
        (2, photo, 0.25, 0.75, "Blowout here"),
    ]


@pytest.mark.parametrize(
    ("x", "y", "note", "message"),
    [
        (1.2, 0.5, "Right of the photo", "must sit on one of this submission's photos"),
        (0.5, -0.1, "Above the photo", "must sit on one of this submission's photos"),
        (float("nan"), 0.5, "Nowhere", "must sit on one of this submission's photos"),
        (0.5, 0.5, "   ", "Every pin needs a note"),
    ],
)
def test_pins_outside_the_photo_or_without_a_note_are_refused(
    setup, submission, x, y, note, message
):
    services.claim(setup.instructor, submission)
    pin = PinInput(submission.photos[0].id, x, y, note)
    with pytest.raises(ValidationFailed, match=message):
        services.grade(setup.instructor, submission, GOOD, "", [pin])
    assert submission.state == "in_review" and services.grades_of(submission) == []


def test_a_pin_on_another_submissions_photo_is_refused(setup, submission, exercise):
    stranger = factories.user(role="trainee")
    factories.cohort(trainees=[stranger], instructors=[setup.instructor])
    elsewhere = helpers.submission(stranger, exercise)
    services.claim(setup.instructor, submission)
    pin = PinInput(elsewhere.photos[0].id, 0.5, 0.5, "Not yours")
    with pytest.raises(ValidationFailed, match="one of this submission's photos"):
        services.grade(setup.instructor, submission, GOOD, "", [pin])
    assert db.session.scalar(select(Pin.id)) is None


def test_a_regrade_is_a_second_grade_and_keeps_the_first(setup, submission, colleague):
    first = _graded(setup, submission, helpers.levels(2, 2, 2), "Too sparse.")
    assert submission.state == "needs_work"
    second = services.grade(
        colleague, submission, helpers.levels(4, 4, 2), "On reflection, fine.", []
    )
    assert submission.state == "passed" and second.is_regrade
    assert [g.id for g in services.grades_of(submission)] == [second.id, first.id]
    assert db.session.get(Grade, first.id).feedback == "Too sparse."  # unchanged
    assert _actions(submission) == [
        "submission.claimed",
        "submission.graded",
        "submission.regraded",
    ]
    regraded = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "submission.regraded")
    )
    assert regraded.actor_id == colleague.id
    assert regraded.details == {
        "total": 10,
        "passed": True,
        "levels": helpers.levels(4, 4, 2),
        "grade_id": second.id,
    }


def test_an_instructor_outside_the_cohort_cannot_grade(setup, submission):
    outsider = helpers.cohort_setup().instructor
    assert can_grade(setup.instructor, submission)
    assert not can_grade(outsider, submission)
    assert can_grade(factories.user(role="admin"), submission)
    assert not can_grade(setup.trainee, submission)


def test_the_trainee_is_notified_in_app_and_by_email(setup, submission):
    _graded(setup, submission, helpers.levels(2, 2, 2))
    (note,) = db.session.scalars(select(Notification).filter_by(user_id=setup.trainee.id))
    assert "was graded: needs more work (6/12)" in note.message
    assert note.link == f"/submissions/{submission.id}"
    (mail,) = db.session.scalars(select(OutboxMessage).filter_by(to_address=setup.trainee.email))
    assert mail.subject == f"Practice graded: {submission.exercise.title}"
    assert f"http://academy.example.org/submissions/{submission.id}" in mail.body


def test_passing_sends_requirement_met_and_needs_work_does_not(setup, exercise):
    heard = []

    def listener(sender, **kw):
        heard.append((sender, kw["user_id"]))

    failing = helpers.submission(setup.trainee, exercise)
    with requirement_met.connected_to(listener):
        _graded(setup, failing, helpers.levels(2, 2, 2))
        assert heard == []
        passing = helpers.submission(setup.trainee, exercise)
        _graded(setup, passing, GOOD)
    assert heard == [(passing, setup.trainee.id)]


# --------------------------------------------------------------------------- the queue


@pytest.fixture
def two_cohorts():
    """Two cohorts, each with an instructor and a trainee, on two exercises, submitted at
    T0 + 0h, 1h, 2h, 3h (a's drill, b's drill, a's second drill, b's second drill)."""
    a, b = helpers.cohort_setup("Cohort A"), helpers.cohort_setup("Cohort B")
    drill, other = helpers.exercise(), helpers.exercise()
    rows = []
    for hours, (who, ex) in enumerate([(a, drill), (b, drill), (a, other), (b, other)]):
        clock.freeze(T0 + timedelta(hours=hours))
        rows.append(helpers.submission(who.trainee, ex))
    clock.freeze(None)
    return a, b, drill, other, rows


def test_the_queue_is_oldest_first_and_instructors_see_their_cohorts_only(two_cohorts):
    a, b, _, _, rows = two_cohorts
    admin = factories.user(role="admin")
    assert services.queue(admin, QueueFilter()) == rows
    assert services.queue(a.instructor, QueueFilter()) == [rows[0], rows[2]]
    assert services.queue(b.instructor, QueueFilter()) == [rows[1], rows[3]]
    stranger = factories.user(role="instructor")
    assert services.queue(stranger, QueueFilter()) == []
    assert services.oldest_waiting_at(b.instructor) == T0 + timedelta(hours=1)


def test_the_queue_filters_by_cohort_exercise_and_state(two_cohorts):
    a, b, drill, other, rows = two_cohorts
    admin = factories.user(role="admin")
    assert services.queue(admin, QueueFilter(cohort_id=b.cohort.id)) == [rows[1], rows[3]]
    assert services.queue(admin, QueueFilter(exercise_id=other.id)) == [rows[2], rows[3]]
    assert services.queue(admin, QueueFilter(a.cohort.id, drill.id)) == [rows[0]]
    _graded(a, rows[0], helpers.levels(0, 0, 0))
    services.claim(b.instructor, rows[3])
    assert services.queue(admin, QueueFilter()) == [rows[1], rows[2], rows[3]]  # not decided
    assert services.queue(admin, QueueFilter(state="needs_work")) == [rows[0]]
    assert services.queue(admin, QueueFilter(state="in_review")) == [rows[3]]
    assert services.next_waiting(admin, QueueFilter()) == rows[1]
    assert services.next_waiting(b.instructor, QueueFilter(exercise_id=other.id)) is None


def test_state_counts_per_viewer(two_cohorts):
    a, b, _, _, rows = two_cohorts
    _graded(a, rows[0], GOOD)
    services.claim(a.instructor, rows[2])
    admin = factories.user(role="admin")
    # only the open states: decided submissions are not the queue's business
    assert services.state_counts(admin) == {"in_review": 1, "submitted": 2}
    assert services.state_counts(a.instructor) == {"in_review": 1}
    assert services.state_counts(b.instructor) == {"submitted": 2}


def test_reusable_comments_belong_to_their_author(setup, colleague):
    comments.save_comment(setup.instructor, "  Keep your spacing random.  ")
    comments.save_comment(setup.instructor, "Aim for 12 dots per cm².")
    db.session.flush()
    texts = [c.text for c in comments.comments_of(setup.instructor)]
    assert texts == ["Aim for 12 dots per cm².", "Keep your spacing random."]
    assert comments.comments_of(colleague) == []
    with pytest.raises(ValidationFailed, match="1 to 500 characters"):
        comments.save_comment(setup.instructor, "   ")


def test_a_forgotten_claim_goes_back_to_the_queue_at_maintenance(app, setup, submission):
    clock.freeze(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
    services.claim(setup.instructor, submission)
    db.session.flush()
    runner = app.test_cli_runner()
    kept = runner.invoke(args=["maintenance", "run", "--as-of", "2026-05-04"])
    assert "released 0 forgotten claim(s)" in kept.output, kept.output
    released = runner.invoke(args=["maintenance", "run", "--as-of", "2026-05-05"])
    assert "released 1 forgotten claim(s)" in released.output, released.output
    db.session.refresh(submission)
    assert submission.state == "submitted" and submission.claimed_by_id is None
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "submission.claim_expired")
    )
