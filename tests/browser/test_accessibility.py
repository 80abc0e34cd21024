"""Every page of every role, on a laptop (1280 px) and a phone (390 px): no horizontal scroll,
and no serious or critical axe-core violation.

A visitor, a trainee, an instructor, a clinic and an admin each walk the site from their home
page, following every link (tests/browser/walk.py), in an academy with the real curriculum and
some of everyone's work (tests/browser/world.py). The pages only a form leads to (a form with
errors, the result of a PDF check) are walked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from smp_academy.core.storage import LocalStorage
from tests import factories
from tests.browser.walk import Finding, crawl, findings_on, overflow_px
from tests.browser.world import World, build_world_on_a_thread
from tests.certificates import helpers as certificate_helpers
from tests.grading.helpers import swapped_storage

WIDTHS = (1280, 390)
ROLES = ("visitor", "trainee", "instructor", "clinic", "admin")
#: pages each walk must have reached, so that a broken link cannot make a walk pass by
#: seeing less
MUST_SEE = {
    "visitor": {"courses.index", "courses.catalogue", "courses.show_course", "auth.login",
                "auth.register", "verification.verify_form", "verification.verify_code"},
    "trainee": {"courses.index", "courses.show_lesson", "quizzes.show_quiz",
                "quizzes.take_attempt", "quizzes.review_attempt", "practice.show_exercise",
                "grading.show_submission", "certificates.my_certificates", "auth.profile",
                "auth.notifications", "courses.search"},
    "instructor": {"courses.index", "grading.grading_queue", "grading.grade_submission",
                   "admin.my_cohorts", "admin.cohort_progress", "quizzes.quiz_statistics"},
    "clinic": {"courses.index", "verification.clinic_roster", "verification.clinic_tokens",
               "verification.verify_code"},
    "admin": {"courses.index", "admin.list_users", "admin.show_user", "admin.audit_log",
              "admin.failed_jobs", "admin.content_status", "admin.list_cohorts",
              "certificates.manage_certificates", "certificates.manage_certificate"},
}  # fmt: skip


@pytest.fixture(scope="module")
def world(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Built once for the module (a few seconds), removed after it; files in a folder of its
    own so no other test meets them."""
    storage = LocalStorage(tmp_path_factory.mktemp("world-files"))
    with app.app_context(), swapped_storage(app, storage), factories.removed_afterwards():
        yield build_world_on_a_thread(app)


@pytest.fixture
def endpoint_of(app: Flask):
    adapter = app.url_map.bind("127.0.0.1")

    def endpoint(url: str) -> str | None:
        try:
            return adapter.match(urlsplit(url).path, method="GET")[0]
        except NotFound:
            return "not-found page"
        except (RequestRedirect, MethodNotAllowed):
            return None

    return endpoint


def open_as(browser: Any, live_server: str, width: int, email: str | None, world: World):
    """A page at this width, signed in as ``email`` (a visitor when None), axe allowed in."""
    context = browser.new_context(
        base_url=live_server, viewport={"width": width, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    if email:
        page.goto("/login")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(world.password(email))
        page.locator("main").get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/$"))
    return page


def seeds(role: str, world: World, live_server: str) -> list[str]:
    """Where a walk starts: the home page, and pages no link of that role leads to."""
    paths = {
        "visitor": ["/", "/forgot-password", f"/verify/{world.certificate_code}",
                    "/verify/SMP-0000-0000-0000", "/search?q=density"],
        "trainee": ["/", f"/attempts/{world.open_attempt_id}", "/search?q=density",
                    "/courses/dot-technique/lessons/starting-settings-and-calibration"],
        "instructor": ["/"],
        "clinic": ["/", f"/verify/{world.certificate_code}"],
        "admin": ["/", "/admin/audit?include_routine=y"],
    }[role] + ["/no-such-page"]  # fmt: skip
    return [live_server + path for path in paths]


def email_of(role: str, world: World) -> str | None:
    return None if role == "visitor" else getattr(world, role)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_the_width_and_passes_axe(
    browser, live_server, world, endpoint_of, role, width
):
    page = open_as(browser, live_server, width, email_of(role, world), world)
    findings: list[Finding] = []
    seen = set()
    for url in crawl(page, seeds(role, world, live_server), endpoint_of, per_endpoint=1):
        seen.add(endpoint_of(url))
        findings += findings_on(page, url, axe=True)
    page.context.close()
    assert MUST_SEE[role] <= seen, f"the walk missed {sorted(MUST_SEE[role] - seen)}"
    assert not findings, f"{len(findings)} problem(s) at {width} px:\n" + "\n".join(
        map(str, findings)
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_forms_with_errors_and_results_fit_and_pass_axe(
    browser, live_server, world, width, tmp_path
):
    """Pages that only a form post shows: its errors, and the verdict on an altered PDF."""
    page = open_as(browser, live_server, width, None, world)
    findings: list[Finding] = []

    page.goto("/register")
    page.locator("main").get_by_role("button", name="Register").click()
    findings += findings_on(page, "/register (errors)", axe=True)

    page.goto("/verify")
    page.get_by_label("Certificate code").fill("SMP-1234")
    page.get_by_role("button", name="Verify").click()
    findings += findings_on(page, "/verify (a malformed code)", axe=True)

    altered = tmp_path / "altered.pdf"
    altered.write_bytes(b"%PDF-1.7\nnot really\n%%EOF\n")
    page.goto("/verify")
    page.get_by_label("Or upload the certificate PDF").set_input_files(str(altered))
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("Do not rely on this file").wait_for()
    findings += findings_on(page, "/verify (an unsigned PDF)", axe=True)
    page.context.close()
    assert not findings, "\n".join(map(str, findings))


def test_every_lesson_fits_a_phone(browser, live_server, world, app):
    """Lessons hold wide tables and figures: each of them, not one per kind, at 390 px."""
    page = open_as(browser, live_server, 390, world.trainee, world)
    page.goto("/courses")
    courses = page.eval_on_selector_all(
        ".course-card h2 a", "links => links.map(a => a.getAttribute('href'))"
    )
    wide = []
    for course in courses:
        page.goto(course)
        for lesson in page.eval_on_selector_all(
            "a[href*='/lessons/']", "links => [...new Set(links.map(a => a.href))]"
        ):
            page.goto(lesson)
            if overflow_px(page) > 0:
                wide.append(f"{lesson}: {overflow_px(page)} px too wide")
    page.context.close()
    assert len(courses) >= 6 and not wide, wide


def test_the_phone_navigation_folds_behind_a_menu_button(browser, live_server, world):
    page = open_as(browser, live_server, 390, world.admin, world)
    menu = page.get_by_role("button", name="Menu")
    users = page.get_by_role("navigation", name="Main").get_by_role("link", name="Users")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not users.is_visible()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 80  # one line: brand and button

    menu.click()
    assert menu.get_attribute("aria-expanded") == "true" and users.is_visible()
    users.click()
    page.wait_for_url(re.compile(r"/admin/users$"))
    page.context.close()

    wide = open_as(browser, live_server, 1280, world.admin, world)
    assert not wide.get_by_role("button", name="Menu").is_visible()
    assert (
        wide.get_by_role("navigation", name="Main").get_by_role("link", name="Users").is_visible()
    )
    wide.context.close()


def test_a_clinic_checks_an_altered_certificate_pdf_on_a_phone(
    browser, live_server, world, tmp_path
):
    """The clinic's path at 390 px: an altered file gets a warning and nothing green, with the
    registry's record of its code apart."""
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(
        certificate_helpers.altered(world.certificate_pdf, world.certificate_holder)
    )
    page = open_as(browser, live_server, 390, world.clinic, world)
    page.goto("/verify")
    page.get_by_label("Or upload the certificate PDF").set_input_files(str(altered))
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("Do not rely on this file").wait_for()
    main = page.locator("main")
    assert main.get_by_text("Our registry's record for the code this file names").is_visible()
    assert world.certificate_code in main.inner_text() and main.locator(".badge-ok").count() == 0
    assert not findings_on(page, "/verify (altered PDF)", axe=True)
    page.context.close()
