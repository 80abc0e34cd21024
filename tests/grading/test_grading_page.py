"""The grading page over HTTP: a regrade starts from the previous grade (levels, feedback,
pins) and the trainee sees the latest complete grade; "save and open the next"; a refused grade
keeps what was entered; reusable comments are edited and deleted by their author only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from smp_academy.core.storage import LocalStorage
from smp_academy.extensions import db
from smp_academy.grading import comments, services
from smp_academy.grading.models import Grade, ReusableComment
from smp_academy.grading.services import PinInput
from tests import factories
from tests.conftest import csrf_token
from tests.grading import helpers

GOOD = helpers.levels(4, 2, 2)


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    with (
        app.test_request_context(),
        helpers.swapped_storage(app, LocalStorage(tmp_path / "files")) as store,
    ):
        yield store


@pytest.fixture
def setup():
    return helpers.cohort_setup()


@pytest.fixture
def graded(setup):
    """A submission graded once, with feedback and two pins."""
    submission = helpers.submission(setup.trainee, helpers.exercise())
    photo = submission.photos[0].id
    services.claim(setup.instructor, submission)
    services.grade(
        setup.instructor,
        submission,
        helpers.levels(2, 2, 0),
        "Spacing falls into rows in the dense band.",
        [PinInput(photo, 0.25, 0.5, "Rows here"), PinInput(photo, 0.75, 0.2, "A blowout")],
    )
    db.session.flush()
    return submission


def _form_of(page: str) -> dict[str, str]:
    """The values the grading form would post: hidden inputs, checked radios, the feedback."""
    form = page[
        page.index('id="grade-form"') : page.index("</form>", page.index('id="grade-form"'))
    ]
    values = dict(re.findall(r'<input type="hidden" name="(pins-[^"]+)" value="([^"]*)"', form))
    values |= dict(
        re.findall(r'name="(level-[^"]+)" value="(\d+)" data-points="\d+" checked', form)
    )
    values["feedback"] = re.search(r"<textarea[^>]*>\s*([^<]*)</textarea>", form).group(1)
    return values


def test_a_regrade_starts_from_the_previous_grade(client, login, setup, graded):
    login(setup.instructor)
    path = f"/grading/submissions/{graded.id}"
    page = client.get(path).get_data(as_text=True)
    assert "This regrade starts from the latest grade (4/12" in page
    values = _form_of(page)
    assert values["feedback"] == "Spacing falls into rows in the dense band."
    assert {k: v for k, v in values.items() if k.startswith("level-")} == {
        "level-size-consistency": "2",
        "level-density": "2",
        "level-spacing-randomness": "0",
    }
    assert values["pins-1-note"] == "Rows here" and values["pins-2-note"] == "A blowout"

    # The instructor raises one level and posts the form as it stands: pins and feedback stay.
    values["level-spacing-randomness"] = "2"
    response = client.post(path, data=values | {"csrf_token": csrf_token(client, path)})
    assert response.status_code == 302
    latest = services.grades_of(graded)[0]
    assert latest.is_regrade and latest.total == 6 and latest.passed is False
    assert latest.feedback == "Spacing falls into rows in the dense band."
    assert [(p.number, p.x, p.y, p.note) for p in latest.pins] == [
        (1, 0.25, 0.5, "Rows here"),
        (2, 0.75, 0.2, "A blowout"),
    ]


def test_the_trainee_sees_the_latest_grade_first_with_its_pins(client, login, setup, graded):
    services.grade(setup.instructor, graded, GOOD, "Much better now.", [])
    db.session.flush()
    login(setup.trainee)
    page = client.get(f"/submissions/{graded.id}").get_data(as_text=True)
    latest, earlier = page.index("Much better now."), page.index("Spacing falls into rows")
    assert latest < page.index("Earlier grades") < earlier
    assert "Regrade by" in page[: page.index("Earlier grades")]


def test_a_refused_grade_keeps_what_was_entered(client, login, setup):
    submission = helpers.submission(setup.trainee, helpers.exercise())
    services.claim(setup.instructor, submission)
    login(setup.instructor)
    path = f"/grading/submissions/{submission.id}"
    data = {
        "csrf_token": csrf_token(client, path),
        "level-size-consistency": "4",
        "feedback": "Half-way there.",
        "pins-1-photo": str(submission.photos[0].id),
        "pins-1-x": "0.5",
        "pins-1-y": "0.5",
        "pins-1-note": "Look here",
    }
    page = client.post(path, data=data).get_data(as_text=True)
    assert "Choose a level for “Density against the target”." in page
    values = _form_of(page)
    assert values["level-size-consistency"] == "4" and values["feedback"] == "Half-way there."
    assert values["pins-1-note"] == "Look here"
    assert db.session.scalar(select(Grade)) is None


def test_save_and_open_the_next_claims_the_next_waiting_submission(client, login, setup):
    exercise = helpers.exercise()
    first = helpers.submission(setup.trainee, exercise)
    other = factories.user("trainee", name="Olga Other")
    factories.cohort(trainees=[other], instructors=[setup.instructor])
    second = helpers.submission(other, exercise)
    services.claim(setup.instructor, first)
    login(setup.instructor)
    path = f"/grading/submissions/{first.id}"
    page = client.get(path).get_data(as_text=True)
    assert 'name="then" value="next"' in page
    data = {f"level-{k}": str(v) for k, v in GOOD.items()} | {
        "csrf_token": csrf_token(client, path),
        "then": "next",
    }
    response = client.post(path, data=data)
    assert response.headers["Location"] == f"/grading/submissions/{second.id}"
    assert second.state == "in_review" and second.claimed_by_id == setup.instructor.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The submission is graded: passed." in page
    assert 'name="then" value="next"' not in page  # nothing else waits


def test_reusable_comments_are_edited_and_deleted(client, login, setup):
    comment = comments.save_comment(setup.instructor, "Keep the dots apart.")
    db.session.flush()
    login(setup.instructor)
    page = client.get("/grading/comments").get_data(as_text=True)
    assert "Keep the dots apart." in page
    token = csrf_token(client, "/grading/comments")
    response = client.post(
        f"/grading/comments/{comment.id}",
        data={f"c{comment.id}-csrf_token": token, f"c{comment.id}-text": "Keep every dot apart."},
    )
    assert response.status_code == 302
    assert comment.text == "Keep every dot apart."
    refused = client.post(
        f"/grading/comments/{comment.id}",
        data={f"c{comment.id}-csrf_token": token, f"c{comment.id}-text": "  "},
    )
    assert "A reusable comment has 1 to 500 characters." in client.get(
        refused.headers["Location"]
    ).get_data(as_text=True)
    assert comment.text == "Keep every dot apart."

    response = client.post(f"/grading/comments/{comment.id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(select(ReusableComment)) is None
    assert "The comment is deleted." in client.get("/grading/comments").get_data(as_text=True)


def test_another_instructors_comment_is_not_found(client, login, setup):
    theirs = comments.save_comment(factories.user("instructor"), "Not yours.")
    db.session.flush()
    login(setup.instructor)
    token = csrf_token(client, "/grading/comments")
    edit = client.post(
        f"/grading/comments/{theirs.id}",
        data={f"c{theirs.id}-csrf_token": token, f"c{theirs.id}-text": "Mine now."},
    )
    delete = client.post(f"/grading/comments/{theirs.id}/delete", data={"csrf_token": token})
    assert (edit.status_code, delete.status_code) == (404, 404)
    assert theirs.text == "Not yours."
    assert "Not yours." not in client.get("/grading/comments").get_data(as_text=True)
