"""Digital credentials in a real browser, on a laptop (1280 px) and a phone (390 px): the holder
downloads the JSON from "My certificates"; a clinic checks that file on /verify and is told it
is genuine, and an altered copy gets a warning and nothing green. Every page fits the width
and passes axe-core.

Uses tests/browser/conftest.py: committed data (removed afterwards), a live server and headless
Chromium (skipped without one, a failure when CI=true)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smp_academy.auth.models import User
from smp_academy.extensions import db
from tests import factories
from tests.browser.test_certificate_browser import earned_certificate, log_in
from tests.browser.walk import findings_on

WIDTHS = (1280, 390)


def sized(browser, live_server: str, width: int):
    """A fresh page (no cookies) of the given width that may run axe-core."""
    context = browser.new_context(
        base_url=live_server,
        viewport={"width": width, "height": 900},
        bypass_csp=True,
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.mark.parametrize("width", WIDTHS)
def test_holder_downloads_the_credential_and_a_clinic_verifies_it(
    app, browser, live_server, width, tmp_path
):
    cert, _ = earned_certificate(app, f"Cora Credential {width}")
    holder = db.session.get(User, cert.holder_id)
    clinic = factories.user(role="clinic", name=f"Credential Clinic {width}")
    db.session.commit()
    findings = []

    page = sized(browser, live_server, width)
    log_in(page, holder)
    page.goto("/certificates")
    findings += findings_on(page, f"/certificates at {width} px", axe=True)
    share = page.get_by_label("Public link to share")
    assert share.input_value().endswith(f"/verify/{cert.code}")
    linkedin = page.get_by_role("link", name="Add to LinkedIn profile").get_attribute("href")
    assert linkedin.startswith("https://www.linkedin.com/profile/add?")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the digital credential (JSON)").click()
    download = info.value
    assert download.suggested_filename == f"{cert.code}.credential.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    page.context.close()

    credential = json.loads(saved.read_text())
    assert credential["id"].endswith(cert.code)
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(credential | {"name": "Master of Everything"}))

    page = sized(browser, live_server, width)
    log_in(page, clinic)
    assert_verdict(page, saved, "This credential is genuine and current", cert.code)
    findings += findings_on(page, f"/verify/credential (genuine) at {width} px", axe=True)
    assert_verdict(page, altered, "This credential has been altered", cert.code)
    assert page.locator("main .verdict-ok").count() == 0
    findings += findings_on(page, f"/verify/credential (altered) at {width} px", axe=True)

    page.goto("/verify")
    page.get_by_role("button", name="Check the credential").click()
    page.get_by_text("Choose the credential file or paste its JSON.").wait_for()
    findings += findings_on(page, f"/verify (no credential) at {width} px", axe=True)
    page.context.close()
    assert not findings, "\n".join(map(str, findings))


def assert_verdict(page, path: Path, heading: str, code: str) -> None:
    page.goto("/verify")
    page.get_by_label("Credential file (JSON, or the certificate PDF)").set_input_files(str(path))
    page.get_by_role("button", name="Check the credential").click()
    page.get_by_role("heading", name=heading).wait_for()
    main = page.locator("main").inner_text()
    assert code in main and "Cora Credential" in main
