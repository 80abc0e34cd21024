"""The measured healed review in a real browser, at desktop and phone width: the upload check
refuses a photo without the scale sticker and says how to retake it; the accepted photo is
measured and the case page sets it beside the fresh photo of the same area, with the numbers
and the overlays one click away, for the trainee and their supervisor alike."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from smp_academy.clinical import cases
from smp_academy.clinical.models import ClientPhoto, MeasurementStatus
from smp_academy.core import jobs
from smp_academy.core.clock import today_utc
from smp_academy.core.storage import LocalStorage
from smp_academy.extensions import db
from tests import factories
from tests.browser.walk import axe_violations, findings_on
from tests.clinical import helpers
from tests.grading.helpers import swapped_storage

SEED = 6  # the area photographed fresh after the session and healed at the review


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    with swapped_storage(app, LocalStorage(tmp_path / "files")) as store:
        yield store


def _closed_case(trainee, instructor):
    """A case whose one session, 40 days ago, photographed the hairline; its photos are
    measured (the jobs run after the commit)."""
    case = helpers.ready_case(trainee)
    day = today_utc() - timedelta(days=40)
    after = [helpers.scalp_upload(SEED, name="fresh.jpg")]
    helpers.log(trainee, case, instructor, day, after=after, after_area="hairline")
    cases.close_case(trainee, case)
    jobs.commit()
    return case


def _file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": data}


def _sign_in(context, user):
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(re.compile(r"/$"))
    return page


def _images_loaded(page, panel) -> int:
    """How many of the panel's photos the browser shows (scrolled into view: they load lazily)."""
    images = panel.locator("img")
    for n in range(images.count()):
        images.nth(n).scroll_into_view_if_needed()
    page.wait_for_function(
        "els => els.every(img => img.complete && img.naturalWidth > 0)",
        arg=images.element_handles(),
    )
    return images.count()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_healed_review_is_checked_at_upload_and_measured_against_the_fresh_photo(
    browser, live_server, width
):
    trainee = factories.user("trainee", name="Pat Trainee")
    instructor = factories.user("instructor", name="Ines Instructor")
    factories.cohort(trainees=[trainee], instructors=[instructor])
    case = _closed_case(trainee, instructor)
    case_url = f"/clinical/cases/{case.id}"
    viewport = {"width": width, "height": 900}
    mine = browser.new_context(base_url=live_server, viewport=viewport)
    theirs = browser.new_context(base_url=live_server, viewport=viewport, bypass_csp=True)
    try:
        page = _sign_in(mine, trainee)
        page.goto(case_url)
        page.get_by_role("link", name="Record the 4-week healed review").click()
        page.get_by_label("Date of the review").fill(today_utc().isoformat())
        page.get_by_role("group", name="Fading").get_by_label("Slight").check()
        page.get_by_role("group", name="Spread (blurring) of the dots").get_by_label(
            "Slight"
        ).check()
        page.get_by_role("group", name="Colour shift").get_by_label("None").check()
        page.get_by_label("4 of 5").check()
        page.get_by_label("Area the healed photos show").select_option("hairline")
        photos = page.get_by_label("Photos of the healed result")
        photos.set_input_files([_file("no-sticker.jpg", helpers.jpeg(3, (640, 480)))])
        page.get_by_role("button", name="Record the review").click()

        error = page.locator("#photos-error")
        assert "“no-sticker.jpg” cannot be measured: scale sticker not found" in error.inner_text()
        assert "Keep photos without measurements" in error.inner_text()
        assert findings_on(page, page.url, axe=False) == []

        page.get_by_label("Photos of the healed result").set_input_files(
            [_file("healed.jpg", helpers.scalp(SEED, healed=True))]
        )
        page.get_by_role("button", name="Record the review").click()
        page.wait_for_url(re.compile(rf"{case_url}$"))
        assert "4-week healed review recorded" in page.inner_text("main")
        _check_panel(page, width)

        supervisor = _sign_in(theirs, instructor)
        supervisor.goto(case_url)
        panel = _check_panel(supervisor, width)
        assert axe_violations(supervisor) == []
        with supervisor.expect_response(re.compile(r"/overlay$")) as opened:
            panel.get_by_role("link", name=re.compile("^Overlay")).last.click()
        overlay = opened.value
        assert overlay.status == 200 and overlay.headers["content-type"] == "image/png"
    finally:
        mine.close()
        theirs.close()

    db.session.rollback()  # see what the server committed
    measured = db.session.scalars(
        select(ClientPhoto.analysis_status).where(ClientPhoto.case_id == case.id)
    )
    assert set(measured) == {MeasurementStatus.DONE}


def _check_panel(page, width: int):
    """The comparison of the hairline: both photos shown, the numbers, nothing sideways."""
    panel = page.locator("section.comparison")
    assert panel.get_by_role("heading", name="Fresh and healed, measured").is_visible()
    assert panel.get_by_role("heading", name="Frontal hairline").is_visible()
    assert _images_loaded(page, panel) == 2
    text = panel.inner_text()
    assert re.search(r"Dot spread\s+\+0\.\d\d mm in mean diameter \(×1\.\d\d\)", text), text
    assert re.search(r"Fading\s+\d+ % of the dots' contrast lost", text), text
    assert re.search(r"Density change\s+[+-]\d+\.\d dots per cm²", text), text
    assert panel.get_by_role("row", name=re.compile("^Mean dot diameter")).is_visible()
    assert findings_on(page, page.url, axe=False) == []  # no sideways scroll at this width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    return panel
