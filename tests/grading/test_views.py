"""The instructors' queue and grading page over HTTP, and what the trainee sees afterwards."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from bench.synthetic import make_photo
from smp_academy.core import clock
from smp_academy.core.storage import LocalStorage
from smp_academy.extensions import db
from smp_academy.grading import services
from smp_academy.grading.models import Grade
from smp_academy.practice import services as practice
from tests import factories
from tests.conftest import AuthActions, csrf_token
from tests.grading import helpers

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def synthetic() -> bytes:
    jpeg, _ = make_photo(21, background="paper", px_per_mm=10)
    return jpeg


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    with helpers.swapped_storage(app, LocalStorage(tmp_path / "files")) as store:
        yield store


@pytest.fixture
def setup():
    return helpers.cohort_setup()


@pytest.fixture
def exercise():
    return helpers.exercise(title="Even density on paper")


def _client_for(app, user) -> FlaskClient:
    """Another browser, signed in as ``user``."""
    other = app.test_client()
    assert AuthActions(other).login(user).status_code == 302
    return other


def _grade_form(submission, levels, feedback="", pins=()) -> dict[str, str]:
    data = {f"level-{key}": str(points) for key, points in levels.items()}
    data["feedback"] = feedback
    for number, (x, y, note) in enumerate(pins, start=1):
        data |= {
            f"pins-{number}-photo": str(submission.photos[0].id),
            f"pins-{number}-x": str(x),
            f"pins-{number}-y": str(y),
            f"pins-{number}-note": note,
        }
    return data


def _post_grade(client, submission, **form):
    path = f"/grading/submissions/{submission.id}"
    data = _grade_form(submission, **form) | {"csrf_token": csrf_token(client, path)}
    return client.post(path, data=data)


def test_the_queue_lists_waiting_submissions_with_their_waiting_time(
    client, login, setup, exercise
):
    clock.freeze(T0 - timedelta(days=3))
    old = helpers.submission(setup.trainee, exercise)
    other = factories.user(role="trainee", name="Olga Other")
    factories.cohort(trainees=[other], instructors=[setup.instructor])
    clock.freeze(T0)
    helpers.submission(other, exercise)
    clock.freeze(T0 + timedelta(hours=3))

    login(setup.instructor)
    page = client.get("/grading").get_data(as_text=True)
    rows = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d \d\d:\d\d)</td><td>([^<]+)</td>", page)
    assert rows == [("2026-02-27 09:00", "3.1 days"), ("2026-03-02 09:00", "3.0 h")]
    assert "Waiting: 2" in page and "In review: 0" in page
    assert setup.trainee.name in page and other.name in page
    assert f'href="/grading/submissions/{old.id}">Open' in page
    assert 'accesskey="n"' in page  # the keyboard-friendly "next submission"
    assert "the oldest has waited 3.1 days" in page


def test_the_queue_hides_other_cohorts_and_filters(client, login, setup, exercise):
    mine = helpers.submission(setup.trainee, exercise)
    outsider = helpers.cohort_setup()
    theirs = helpers.submission(outsider.trainee, exercise)
    login(setup.instructor)
    page = client.get("/grading").get_data(as_text=True)
    assert f"/grading/submissions/{mine.id}" in page
    assert f"/grading/submissions/{theirs.id}" not in page
    page = client.get("/grading?state=passed").get_data(as_text=True)
    assert "Nothing here." in page


def test_next_claims_the_oldest_and_opens_its_grading_page(client, login, setup, exercise):
    second = factories.user(role="trainee")
    factories.cohort(trainees=[second], instructors=[setup.instructor])
    clock.freeze(T0)
    oldest = helpers.submission(second, exercise)
    clock.freeze(T0 + timedelta(minutes=5))
    newer = helpers.submission(setup.trainee, exercise)
    clock.freeze(None)

    login(setup.instructor)
    token = csrf_token(client, "/grading")
    response = client.post("/grading/next", data={"csrf_token": token})
    assert response.headers["Location"] == f"/grading/submissions/{oldest.id}"
    assert oldest.state == "in_review" and oldest.claimed_by_id == setup.instructor.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Save grade" in page and "Put back in the queue" in page

    response = client.post("/grading/next", data={"csrf_token": token})
    assert response.headers["Location"] == f"/grading/submissions/{newer.id}"
    response = client.post("/grading/next", data={"csrf_token": token}, follow_redirects=True)
    assert "Nothing is waiting. Well done!" in response.get_data(as_text=True)


def test_grading_through_the_form_with_levels_feedback_and_a_pin(
    app, client, login, setup, exercise
):
    submission = helpers.submission(setup.trainee, exercise)
    services.claim(setup.instructor, submission)
    login(setup.instructor)
    response = _post_grade(
        client,
        submission,
        levels=helpers.levels(4, 2, 0),
        feedback="Lovely size control; the spacing forms rows.",
        pins=[(0.25, 0.5, "Rows start here"), (0.75, 0.1, "A blot")],
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/grading/submissions/{submission.id}"
    assert submission.state == "needs_work"
    (grade,) = services.grades_of(submission)
    assert grade.levels == helpers.levels(4, 2, 0) and grade.total == 6
    assert [(p.number, p.x, p.y, p.note) for p in grade.pins] == [
        (1, 0.25, 0.5, "Rows start here"),
        (2, 0.75, 0.1, "A blot"),
    ]

    trainee = _client_for(app, setup.trainee)
    page = trainee.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "<strong>Needs work</strong>" in page and "6/12" in page
    assert "<strong>Dot size consistency:</strong> Proficient (4) — Size: on target." in page
    assert "<strong>Density against the target:</strong> Developing (2)" in page
    assert "<strong>Random spacing:</strong> Not yet (0)" in page
    assert "Lovely size control; the spacing forms rows." in page
    assert re.search(
        r'<span class="pin" data-x="0.25" data-y="0.5" title="Rows start here">1<', page
    )
    assert '<li value="2">A blot</li>' in page
    assert "Submit a new version" in page


def test_a_graded_form_with_a_missing_level_is_refused(client, login, setup, exercise):
    submission = helpers.submission(setup.trainee, exercise)
    services.claim(setup.instructor, submission)
    login(setup.instructor)
    response = _post_grade(client, submission, levels={"size-consistency": 4, "density": 2})
    assert response.status_code == 200
    assert "Choose a level for “Random spacing”." in response.get_data(as_text=True)
    broken = _grade_form(submission, levels=helpers.levels(4, 4, 4))
    broken |= {"pins-1-photo": str(submission.photos[0].id), "pins-1-x": "left"}
    path = f"/grading/submissions/{submission.id}"
    page = client.post(path, data=broken | {"csrf_token": csrf_token(client, path)})
    assert "A pin could not be read" in page.get_data(as_text=True)
    assert submission.state == "in_review"
    assert db.session.scalar(select(Grade.id)) is None


def test_claim_and_release_buttons(app, client, login, setup, exercise):
    submission = helpers.submission(setup.trainee, exercise)
    colleague = factories.user(role="instructor", name="Colin Colleague")
    factories.cohort(trainees=[setup.trainee], instructors=[colleague])
    login(setup.instructor)
    path = f"/grading/submissions/{submission.id}"
    token = csrf_token(client, path)
    assert "Start reviewing" in client.get(path).get_data(as_text=True)
    client.post(f"{path}/claim", data={"csrf_token": token})
    assert submission.claimed_by_id == setup.instructor.id

    other = _client_for(app, colleague)
    response = other.post(
        f"{path}/claim", data={"csrf_token": csrf_token(other, path)}, follow_redirects=True
    )
    assert f"{setup.instructor.name} is already reviewing this submission." in response.get_data(
        as_text=True
    )
    response = client.post(f"{path}/release", data={"csrf_token": token})
    assert response.headers["Location"] == "/grading"
    assert submission.state == "submitted" and submission.claimed_by_id is None


def test_a_reusable_comment_is_saved_and_offered_on_the_next_grading_page(
    client, login, setup, exercise
):
    first = helpers.submission(setup.trainee, exercise)
    services.claim(setup.instructor, first)
    login(setup.instructor)
    path = f"/grading/submissions/{first.id}"
    response = client.post(
        "/grading/comments",
        data={
            "csrf_token": csrf_token(client, path),
            "text": "Keep each dot separate, even in the dense band.",
            "back": path,
        },
    )
    assert response.headers["Location"] == path
    _post_grade(client, first, levels=helpers.levels(0, 0, 0))

    again = helpers.submission(setup.trainee, exercise)
    services.claim(setup.instructor, again)
    page = client.get(f"/grading/submissions/{again.id}").get_data(as_text=True)
    assert 'data-text="Keep each dot separate, even in the dense band."' in page
    assert f'href="/grading/submissions/{first.id}">previous version (needs work)' in page

    evil = client.post(
        "/grading/comments",
        data={"csrf_token": csrf_token(client, path), "text": "x", "back": "https://evil.example"},
    )
    assert evil.headers["Location"] == "/grading"  # no open redirect


def test_suggestions_from_the_analysis_appear_on_the_grading_page(client, login, setup, synthetic):
    exercise = helpers.exercise(target=helpers.TARGET)
    submission = helpers.submission(setup.trainee, exercise, photos=[synthetic])
    practice.analyze_photo(submission.photos[0].id)  # the job, run here instead of after commit
    assert submission.photos[0].analysis_status == "done"
    services.claim(setup.instructor, submission)
    login(setup.instructor)
    page = client.get(f"/grading/submissions/{submission.id}").get_data(as_text=True)
    size = re.search(
        r"Dot size consistency <span class=\"muted[^\"]*\">· analysis suggests (\d)", page
    )
    density = re.search(r"Density against the target <span[^>]*>· analysis suggests (\d)", page)
    assert size and density
    assert "dots/cm² (target 12 ± 20%)" in page
    assert "Random spacing <span" not in page  # no spacing target: no suggestion
    assert (
        "What the numbers suggest" in page and "Suggestions only: the instructor decides." in page
    )
