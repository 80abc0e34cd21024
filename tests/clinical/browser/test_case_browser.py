"""A trainee logs a case end to end in a real browser, at desktop and phone width: consent,
screening and plan, a session with photos, the external supervisor's sign-off through the
e-mailed link, closing the case and the healed review."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from smp_academy.clinical.models import ClientCase, HealedReview, SignOff
from smp_academy.clinical.synthetic import scalp_photo
from smp_academy.core.clock import today_utc
from smp_academy.core.models import OutboxMessage
from smp_academy.core.storage import LocalStorage
from smp_academy.extensions import db
from tests import factories
from tests.grading.helpers import swapped_storage


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    with swapped_storage(app, LocalStorage(tmp_path / "files")) as store:
        yield store


def _photo(seed: int, name: str) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": scalp_photo(seed)}


def _fits(page, width: int) -> None:
    """Nothing sticks out sideways: the page scrolls only down at this width."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def _sign_in(page, user) -> None:
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(re.compile(r"/$"))


@pytest.mark.parametrize("width", [1280, 390])
def test_a_case_from_consent_to_healed_review(browser, live_server, width):
    trainee = factories.user("trainee", name="Pat Trainee")
    instructor = factories.user("instructor", name="Ines Instructor")
    factories.cohort(trainees=[trainee], instructors=[instructor])
    db.session.commit()
    session_day = today_utc() - timedelta(days=30)
    viewport = {"width": width, "height": 900}
    me = browser.new_context(base_url=live_server, viewport=viewport)
    mentor = browser.new_context(base_url=live_server, viewport=viewport)
    try:
        page = me.new_page()
        page.set_default_timeout(30_000)
        _sign_in(page, trainee)
        page.get_by_role("link", name="Case logbook").first.click()
        page.wait_for_url(re.compile(r"/clinical$"))  # the navigation is done
        _fits(page, width)
        page.get_by_role("link", name="Open a new case").click()
        page.get_by_label("Client's initials (optional)").fill("RD")
        page.get_by_label("Year of birth (optional)").fill("1984")
        page.get_by_role("button", name="Open the case").click()
        assert "Record the client's consent next" in page.inner_text("main")
        case_url = page.url
        _fits(page, width)

        page.get_by_role("link", name="Record consent").click()
        page.get_by_label("Signed on screen").check()
        for scope in (
            "Scalp micropigmentation by a trainee",
            "The risks were explained",
            "Photos of the scalp for training",
            "Records kept under a case code",
        ):
            page.get_by_label(scope).check()
        page.get_by_label("Client's signature: their initials").fill("RD")
        page.get_by_label("Date of consent").fill((session_day - timedelta(days=3)).isoformat())
        page.get_by_role("button", name="Record consent").click()
        assert "Consent recorded" in page.inner_text("main")

        page.get_by_role("link", name="Screen the client").click()
        page.get_by_label("Date of the screening").fill(
            (session_day - timedelta(days=3)).isoformat()
        )
        page.get_by_role("button", name="Record the screening").click()
        assert "Clear to treat" in page.inner_text("main")

        page.get_by_role("link", name="Record the consultation").click()
        page.get_by_label("Hair-loss pattern").select_option("norwood-3")
        page.get_by_label("Fitzpatrick skin type").select_option("3")
        page.get_by_label("Agreed design").fill("Soft mature hairline at 8 cm, Ash 2.")
        page.get_by_role("button", name="Save the plan").click()

        page.get_by_role("link", name="Log a session").click()
        _fits(page, width)
        page.get_by_label("Date of the session").fill(session_day.isoformat())
        page.get_by_label("Duration (minutes)").fill("180")
        page.get_by_label("Frontal hairline").check()
        page.get_by_label("Pigment brand").fill("Scalp Ink Co")
        page.get_by_label("Pigment shade").fill("Ash 2")
        page.get_by_label("Pigment lot number").fill("SI-2026-0412")
        page.get_by_label("Dilution").fill("1:3 sterile water")
        page.get_by_label("Needle configuration").fill("1RL 0.25")
        page.get_by_label("Machine", exact=True).fill("SMP Pen X")
        page.get_by_label("Direct: the supervisor at the chair").check()
        page.get_by_label("Supervisor", exact=True).select_option("0")
        page.get_by_label("External supervisor's name").fill("Morgan Mentor")
        page.get_by_label("External supervisor's e-mail").fill("mentor@clinic.example")
        page.get_by_label("Photos before the session").set_input_files([_photo(1, "before.jpg")])
        page.get_by_label("Photos after the session").set_input_files([_photo(2, "after.jpg")])
        page.get_by_role("button", name="Log the session").click()
        page.wait_for_url(case_url)
        assert "Session 1 logged" in page.inner_text("main")
        assert "Waiting for Morgan Mentor" in page.inner_text("main")

        db.session.rollback()  # see what the server committed
        mail = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.to_address == "mentor@clinic.example")
        )
        link = re.search(r"/clinical/sign-off/\S+", mail.body).group(0)

        theirs = mentor.new_page()
        theirs.set_default_timeout(30_000)
        theirs.goto(link)
        _fits(theirs, width)
        assert "SI-2026-0412" in theirs.inner_text("main")
        theirs.get_by_label("Direct: the supervisor at the chair").check()
        for step in (
            "Hand hygiene",
            "Barrier film",
            "Single-use needle cartridge",
            "Pigment in single-use caps",
            "Gloves changed",
            "Sharps into",
            "Surfaces cleaned",
        ):
            theirs.get_by_label(step).check()
        for group in (
            "Depth",
            "Needle angle",
            "Dot spacing",
            "Hairline design",
            "Client communication",
        ):
            theirs.get_by_role("group", name=re.compile(group)).get_by_label(
                "Meets expectations"
            ).check()
        theirs.get_by_label("Feedback to the trainee").fill("Even depth; slow down at the temples.")
        theirs.get_by_label("Satisfactory", exact=True).check()
        theirs.get_by_role("button", name="Sign off the session").click()
        assert "Thank you" in theirs.inner_text("main")
        theirs.goto(link)
        assert "not valid" in theirs.inner_text("main") and "SI-2026" not in theirs.content()

        page.goto(case_url)
        assert "Satisfactory" in page.inner_text("main")
        page.get_by_role("button", name="Close the case (treatment complete)").click()
        page.get_by_role("link", name="Record the 4-week healed review").click()
        page.get_by_label("Date of the review").fill(today_utc().isoformat())
        page.get_by_role("group", name="Fading").get_by_label("Slight").check()
        page.get_by_role("group", name="Spread (blurring) of the dots").get_by_label("None").check()
        page.get_by_role("group", name="Colour shift").get_by_label("None").check()
        page.get_by_label("5 of 5").check()
        page.get_by_label("Photos of the healed result").set_input_files([_photo(3, "healed.jpg")])
        page.get_by_role("button", name="Record the review").click()
        assert "4-week healed review recorded" in page.inner_text("main")
        _fits(page, width)
    finally:
        me.close()
        mentor.close()

    db.session.rollback()
    case = db.session.scalar(select(ClientCase).where(ClientCase.trainee_id == trainee.id))
    assert case.initials == "RD" and case.closed_on == session_day
    form = db.session.scalar(select(SignOff))
    assert form.method == "email_link" and form.signer_name == "Morgan Mentor"
    assert db.session.scalar(select(HealedReview.satisfaction)) == 5
