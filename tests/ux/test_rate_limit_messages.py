"""A rate limit answers with a sentence a person can act on: what they did too often and how
long to wait, on the 429 page and in the JSON error alike."""

from __future__ import annotations

import re

import pytest

from smp_academy.core.rate_limits import wait_phrase
from tests.conftest import csrf_token
from tests.support import rate_limits

SENTENCE = re.compile(
    r"You have made too many certificate look-ups from your address in a short time\. "
    r"Please wait \d+ seconds?, then try again\."
)


@pytest.mark.parametrize(
    ("seconds", "phrase"),
    [
        (None, "a minute"),
        (0, "1 second"),
        (0.2, "1 second"),
        (41.5, "42 seconds"),
        (61, "61 seconds"),
        (90, "2 minutes"),
        (150, "3 minutes"),
        (3599, "about an hour"),
        (7201, "about 3 hours"),
    ],
)
def test_wait_phrase_rounds_up(seconds, phrase):
    assert wait_phrase(seconds) == phrase


@pytest.fixture
def two_lookups_a_minute(app):
    saved = app.config["RATELIMIT_PUBLIC_LOOKUP"]
    app.config["RATELIMIT_PUBLIC_LOOKUP"] = "2 per minute"
    with rate_limits(app):
        yield
    app.config["RATELIMIT_PUBLIC_LOOKUP"] = saved


def test_the_429_page_says_what_happened_and_how_long_to_wait(client, two_lookups_a_minute):
    for _ in range(2):
        assert client.get("/verify/SMP-0000-0000-0000").status_code == 404
    blocked = client.get("/verify/SMP-0000-0000-0000")
    page = blocked.get_data(as_text=True)
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    assert SENTENCE.search(page), page
    assert "per 1 minute" not in page


def test_the_json_error_is_the_same_sentence(client, two_lookups_a_minute):
    headers = {"Content-Type": "application/json"}
    for _ in range(2):
        client.get("/verify/SMP-0000-0000-0000", headers=headers)
    blocked = client.get("/verify/SMP-0000-0000-0000", headers=headers)
    assert blocked.status_code == 429 and blocked.is_json
    assert SENTENCE.fullmatch(blocked.get_json()["error"])


def test_the_sign_in_limit_says_what_was_done_too_often(app, client):
    token = csrf_token(client)
    with rate_limits(app):
        for i in range(10):
            client.post(
                "/login", data={"email": f"n{i}@example.com", "password": "x", "csrf_token": token}
            )
        page = client.post(
            "/login", data={"email": "n@example.com", "password": "x", "csrf_token": token}
        ).get_data(as_text=True)
    assert "too many account requests" in page and "per 1 minute" not in page
    assert "then try again." in page
