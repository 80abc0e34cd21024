"""The grading page in Chromium: on a 1280 × 800 laptop the photo and the rubric are visible
together; the photo zooms and pans and shows the dot overlay; pins land where clicked at any
zoom; digits choose levels and "n" saves and opens the next submission; at 390 px it fits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from smp_academy.core.storage import LocalStorage
from smp_academy.extensions import db
from smp_academy.grading import services
from smp_academy.practice import services as practice
from smp_academy.practice.models import Submission
from tests import factories
from tests.grading import helpers

SHOTS = Path("/tmp/uxa-shots")


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    with helpers.swapped_storage(app, LocalStorage(tmp_path / "files")) as store:
        yield store


@pytest.fixture
def queue(app):
    """Two analysed submissions of one instructor's trainees; the first claimed."""
    setup = helpers.cohort_setup()
    other = factories.user("trainee", name="Olga Other")
    factories.cohort(trainees=[other], instructors=[setup.instructor])
    exercise = helpers.exercise(target=helpers.TARGET, title="Even density on paper")
    with app.test_request_context():
        first = helpers.submission(setup.trainee, exercise, note="My first square.")
        second = helpers.submission(other, exercise)
        for submission in (first, second):
            practice.analyze_photo(submission.photos[0].id)
        services.claim(setup.instructor, first)
    db.session.commit()
    return setup.instructor, first.id, second.id


def _sign_in(page, user) -> None:
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(re.compile(r"/$"))


def _open(page, submission_id: int, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/grading/submissions/{submission_id}")
    page.wait_for_function(
        "[...document.querySelectorAll('.viewer-photo:not([hidden]) img')]"
        ".every(img => img.complete && img.style.width)"
    )


def _inside_window(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
        }""",
        selector,
    )


def test_photo_and_rubric_side_by_side_on_a_laptop(page, queue):
    instructor, first_id, _second_id = queue
    _sign_in(page, instructor)
    _open(page, first_id, 1280, 800)
    page.locator(".grading-workspace").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.querySelector('.grading-workspace').offsetTop)")
    assert _inside_window(page, ".viewer .viewport")
    assert _inside_window(page, "fieldset.criterion")
    viewer, panel = (
        page.locator(".viewer").bounding_box(),
        page.locator(".grading-panel").bounding_box(),
    )
    assert viewer["x"] + viewer["width"] <= panel["x"]  # beside, not above
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "grading-1280.png"))

    page.keyboard.press("a")  # the analysis numbers, one key (or click) away
    assert page.locator("#analysis-details").get_attribute("open") is not None
    assert "Dots" in page.inner_text("#analysis-details")


def test_zoom_pan_overlay_and_a_pin_at_the_clicked_spot(page, queue):
    instructor, first_id, _second_id = queue
    _sign_in(page, instructor)
    _open(page, first_id, 1280, 800)
    stage = page.locator(".viewer-photo:not([hidden]) .stage")
    page.keyboard.press("+")
    page.keyboard.press("+")
    assert page.inner_text(".zoom-level") == "156 %"
    before = stage.evaluate("el => el.style.transform")
    box = page.locator(".viewer-photo:not([hidden]) .viewport").bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*centre)
    page.mouse.down()
    page.mouse.move(centre[0] - 80, centre[1] - 60, steps=5)
    page.mouse.up()
    assert stage.evaluate("el => el.style.transform") != before  # panned

    image = page.locator(".viewer-photo:not([hidden]) .stage img")
    shown = image.bounding_box()
    spot = (shown["x"] + shown["width"] * 0.4, shown["y"] + shown["height"] * 0.3)
    assert box["x"] < spot[0] < box["x"] + box["width"]
    page.once("dialog", lambda dialog: dialog.accept("Look at this row"))
    page.mouse.click(*spot)
    pin = page.locator(".pin.pin-new")
    pin.wait_for()
    photo = image.bounding_box()  # where the photo is now, in page pixels
    x = float(pin.get_attribute("data-x"))
    y = float(pin.get_attribute("data-y"))
    assert x == pytest.approx((spot[0] - photo["x"]) / photo["width"], abs=0.01)
    assert y == pytest.approx((spot[1] - photo["y"]) / photo["height"], abs=0.01)
    assert "Look at this row" in page.inner_text("#pin-list")

    page.keyboard.press("o")
    overlay = page.locator("[data-toggle-overlay]")
    assert overlay.get_attribute("aria-pressed") == "true"
    assert "/overlay" in image.get_attribute("src")
    page.keyboard.press("o")
    assert "/full" in image.get_attribute("src")


def test_digits_choose_levels_and_n_saves_and_opens_the_next(page, queue):
    instructor, first_id, second_id = queue
    _sign_in(page, instructor)
    _open(page, first_id, 1280, 800)
    page.keyboard.press("n")  # nothing chosen yet: not saved
    assert "choose a level for every criterion first" in page.inner_text("#rubric-verdict")
    page.keyboard.press("3")  # criterion 1: level 3 (Proficient, 4 points)
    page.keyboard.press("2")  # criterion 2: Developing (2)
    page.keyboard.press("k")  # back to criterion 2
    page.keyboard.press("3")  # criterion 2: Proficient (4)
    page.keyboard.press("2")  # criterion 3: Developing (2)
    assert page.inner_text("#rubric-total") == "10"
    assert page.is_checked("input[name=level-density][value='4']")
    page.keyboard.press("n")
    page.wait_for_url(f"**/grading/submissions/{second_id}")
    assert "The submission is graded: passed." in page.inner_text("main")
    db.session.rollback()
    assert db.session.get(Submission, first_id).state == "passed"
    assert db.session.get(Submission, second_id).state == "in_review"


def test_the_grading_page_fits_a_phone(page, queue):
    instructor, first_id, _second_id = queue
    _sign_in(page, instructor)
    _open(page, first_id, 390, 844)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide at 390 px"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "grading-390.png"), full_page=True)
