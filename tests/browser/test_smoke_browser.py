"""Smoke test in a real browser: register, confirm the address, log out, log in, see the
dashboard."""

from __future__ import annotations

import re

from sqlalchemy import select

from smp_academy.auth.models import User
from smp_academy.extensions import db

EMAIL = "smoke.browser@example.com"
PASSWORD = "pigment layers in the dermis"


def test_register_log_out_log_in_and_see_the_dashboard(page):
    page.goto("/")
    page.get_by_role("link", name="Register").first.click()
    page.get_by_label("Full name").fill("Sam Smoke")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/register/sent$"))
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()
    # development: no mail server, so the page shows the message; open its link
    mail = page.locator(".mail-copy").inner_text()
    page.goto(re.search(r"(/confirm-email\?token=\S+)", mail)[1])
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", name="Welcome, Sam Smoke").is_visible()
    assert page.get_by_text(
        "Your address is confirmed. Welcome to SMP Academy, Sam Smoke."
    ).is_visible()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_text("You are signed out.").is_visible()
    assert page.get_by_role("link", name="Log in").first.is_visible()
    assert page.get_by_role("heading", name="Welcome, Sam Smoke").count() == 0

    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password").fill("wrong password here")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("The e-mail or password is not correct").is_visible()

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", name="Welcome, Sam Smoke").is_visible()
    assert page.get_by_role("link", name="Sam Smoke").is_visible()  # the profile link

    db.session.rollback()  # see what the server committed
    user = db.session.scalar(select(User).where(User.email == EMAIL))
    assert user is not None and user.role == "trainee"
