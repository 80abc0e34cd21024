"""A trainee withdraws a submission nobody has claimed: the exercise opens again for a new
version; once an instructor claims it, it stays. Who may withdraw, and what the queue shows."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from smp_academy.core.errors import Conflict, NotFound
from smp_academy.core.models import AuditEvent
from smp_academy.core.storage import LocalStorage
from smp_academy.extensions import db
from smp_academy.grading import services as grading
from smp_academy.practice import services
from smp_academy.practice.models import Submission, SubmissionState
from tests.conftest import csrf_token
from tests.grading import helpers


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    with helpers.swapped_storage(app, LocalStorage(tmp_path / "files")) as store:
        yield store


@pytest.fixture
def setup():
    return helpers.cohort_setup()


@pytest.fixture
def exercise():
    return helpers.exercise()


@pytest.fixture
def waiting(setup, exercise):
    return helpers.submission(setup.trainee, exercise)


def _withdraw(client, submission):
    token = csrf_token(client, f"/submissions/{submission.id}")
    return client.post(f"/submissions/{submission.id}/withdraw", data={"csrf_token": token})


def test_a_waiting_submission_is_withdrawn_and_the_exercise_opens_again(
    client, login, setup, exercise, waiting
):
    login(setup.trainee)
    page = client.get(f"/submissions/{waiting.id}").get_data(as_text=True)
    assert "Withdraw this submission" in page

    response = _withdraw(client, waiting)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/exercises/{exercise.slug}"
    assert waiting.state == SubmissionState.WITHDRAWN and waiting.state_label == "Withdrawn"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your submission is withdrawn. Upload new photos when you are ready." in page
    assert 'name="photos"' in page  # the upload form is back
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "Submission", AuditEvent.object_id == str(waiting.id)
        )
    ).all()
    assert actions == ["submission.withdrawn"]

    token = csrf_token(client, f"/exercises/{exercise.slug}")
    again = client.post(
        f"/exercises/{exercise.slug}/submissions",
        data={"csrf_token": token, "photos": [(io.BytesIO(helpers.template_jpeg()), "b.jpg")]},
        content_type="multipart/form-data",
    )
    assert again.status_code == 302
    second = db.session.scalar(select(Submission).where(Submission.version == 2))
    assert second.previous_id == waiting.id and second.state == SubmissionState.SUBMITTED


def test_a_withdrawn_submission_leaves_the_queue_and_cannot_be_claimed(setup, waiting):
    services.withdraw(setup.trainee, waiting)
    assert grading.queue(setup.instructor, grading.QueueFilter()) == []
    assert grading.state_counts(setup.instructor) == {}
    with pytest.raises(Conflict, match="no longer waiting"):
        grading.claim(setup.instructor, waiting)


def test_a_claimed_submission_can_no_longer_be_withdrawn(client, login, setup, waiting):
    grading.claim(setup.instructor, waiting)
    db.session.flush()
    with pytest.raises(Conflict, match="can no longer be withdrawn: it is in review"):
        services.withdraw(setup.trainee, waiting)

    login(setup.trainee)
    page = client.get(f"/submissions/{waiting.id}").get_data(as_text=True)
    assert "Withdraw this submission" not in page
    assert f"{setup.instructor.name} is reviewing it now" in page
    response = _withdraw(client, waiting)  # an old tab still showing the button
    assert response.status_code == 302
    assert response.headers["Location"] == f"/submissions/{waiting.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This submission can no longer be withdrawn: it is in review." in page
    assert waiting.state == SubmissionState.IN_REVIEW


def test_only_its_trainee_withdraws_a_submission(client, auth, setup, waiting):
    other = helpers.cohort_setup()
    with pytest.raises(NotFound):
        services.withdraw(other.trainee, waiting)
    auth.login(other.trainee)
    token = csrf_token(client, "/profile")
    response = client.post(f"/submissions/{waiting.id}/withdraw", data={"csrf_token": token})
    assert response.status_code == 404
    auth.logout()
    auth.login(setup.instructor)
    token = csrf_token(client, "/profile")
    response = client.post(f"/submissions/{waiting.id}/withdraw", data={"csrf_token": token})
    assert response.status_code == 403
    assert waiting.state == SubmissionState.SUBMITTED


def test_withdrawing_needs_the_csrf_token(client, login, setup, waiting):
    login(setup.trainee)
    assert client.post(f"/submissions/{waiting.id}/withdraw").status_code == 400
    assert waiting.state == SubmissionState.SUBMITTED
