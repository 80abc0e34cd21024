"""The practice loop in a real browser: a trainee uploads a photo of the template, an instructor
takes it from the queue with "Next submission", drops a pin on the photo, chooses a level per
criterion and saves; the trainee sees the grade, the feedback and the pin."""

from __future__ import annotations

import re

import pytest

from bench.synthetic import make_photo
from smp_academy.core.storage import LocalStorage
from smp_academy.extensions import db
from smp_academy.practice.models import Submission
from tests import factories
from tests.grading import helpers


@pytest.fixture(scope="module")
def synthetic() -> bytes:
    jpeg, _ = make_photo(31, background="paper", px_per_mm=10)
    return jpeg


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    """The live server stores the photos in this test's own directory."""
    with helpers.swapped_storage(app, LocalStorage(tmp_path / "files")) as store:
        yield store


def _sign_in(page, user) -> None:
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(re.compile(r"/$"))


def test_upload_grade_with_rubric_and_pin_then_the_trainee_sees_it(browser, live_server, synthetic):
    setup = helpers.cohort_setup()
    exercise = helpers.exercise(photos=(1, 2), target=helpers.TARGET, title="Even density")
    db.session.commit()  # the server answers from its own connections

    trainee = browser.new_context(base_url=live_server)
    instructor = browser.new_context(base_url=live_server)
    try:
        for context in (trainee, instructor):
            context.set_default_timeout(10_000)
        mine, theirs = trainee.new_page(), instructor.new_page()

        # The trainee uploads a photo on the exercise page.
        _sign_in(mine, setup.trainee)
        mine.goto(f"/exercises/{exercise.slug}")
        mine.set_input_files(
            "input[name=photos]",
            files=[{"name": "template.jpg", "mimeType": "image/jpeg", "buffer": synthetic}],
        )
        mine.fill("textarea[name=note]", "My first square.")
        mine.click("button:has-text('Upload and submit')")
        mine.wait_for_url(re.compile(r"/submissions/\d+$"))
        assert "Your photos are uploaded." in mine.content()
        submission_id = int(mine.url.rsplit("/", 1)[1])

        # The instructor takes it from the queue and grades it with the rubric and a pin.
        _sign_in(theirs, setup.instructor)
        theirs.goto("/grading")
        assert "Waiting: 1" in theirs.inner_text("main")
        theirs.click("button:has-text('Next submission')")
        theirs.wait_for_url(f"**/grading/submissions/{submission_id}")
        photo = theirs.locator(".pin-editor .pin-surface img").first
        photo.wait_for()
        theirs.wait_for_function("document.querySelector('.pin-surface img').complete")
        theirs.once("dialog", lambda dialog: dialog.accept("Dots merge here"))
        box = photo.bounding_box()
        photo.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.5})
        theirs.locator(".pin.pin-new").wait_for()
        assert theirs.locator("#pin-list .pin-note").inner_text() == "Dots merge here"
        theirs.check("input[name=level-size-consistency][value='4']")
        theirs.check("input[name=level-density][value='2']")
        assert "choose a level" in theirs.inner_text("#rubric-verdict")
        theirs.check("input[name=level-spacing-randomness][value='4']")
        assert theirs.inner_text("#rubric-total") == "10"
        theirs.fill("#feedback", "Even size; a few dots merge in the middle.")
        theirs.click("button:has-text('Save grade')")
        theirs.wait_for_url(f"**/grading/submissions/{submission_id}")
        assert "The submission is graded: passed." in theirs.content()

        # The trainee sees the grade, the feedback and the pin on the photo.
        mine.goto(f"/submissions/{submission_id}")
        text = mine.inner_text("main")
        assert "Passed" in text and "10/12" in text
        assert "Dot size consistency: Proficient (4)" in text
        assert "Even size; a few dots merge in the middle." in text
        pin = mine.locator(".pin-surface .pin")
        assert pin.inner_text() == "1" and pin.get_attribute("title") == "Dots merge here"
        assert float(pin.get_attribute("data-x")) == pytest.approx(0.25, abs=0.02)
        assert float(pin.get_attribute("data-y")) == pytest.approx(0.5, abs=0.02)
        left = pin.evaluate("el => el.style.left")  # placed on the photo by grading.js
        assert float(left.rstrip("%")) == pytest.approx(25, abs=2)
        assert mine.locator(".pin-notes li").inner_text() == "Dots merge here"
    finally:
        trainee.close()
        instructor.close()

    db.session.rollback()  # end the test's read snapshot to see what the server committed
    submission = db.session.get(Submission, submission_id)
    assert submission.state == "passed"
    assert submission.photos[0].analysis_status == "done"


@pytest.mark.parametrize("width", [1280, 390])
def test_a_chosen_photo_is_checked_at_once(page, synthetic, width):
    setup = helpers.cohort_setup()
    exercise = helpers.exercise(photos=(1, 2), target=helpers.TARGET, title="Even density")
    db.session.commit()
    covered, _ = make_photo(32, background="paper", px_per_mm=10, cover_marker=1)
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, setup.trainee)
    page.goto(f"/exercises/{exercise.slug}")
    page.set_input_files(
        "input[name=photos]",
        files=[
            {"name": "square.jpg", "mimeType": "image/jpeg", "buffer": synthetic},
            {"name": "covered.jpg", "mimeType": "image/jpeg", "buffer": covered},
        ],
    )
    check = page.locator("#photo-check")
    check.get_by_text("“square.jpg” can be measured.").wait_for()
    assert "“covered.jpg” cannot be measured" in check.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    db.session.rollback()
    assert db.session.query(Submission).count() == 0  # choosing is not submitting
