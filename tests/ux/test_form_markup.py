"""Form fields carry ARIA attributes only when they mean something: ``aria-describedby`` names
an element of the page and ``aria-invalid`` is "true" on a field with an error."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token

NONE_ATTRIBUTE = re.compile(r'\s[\w-]+="None"')


def described_ids(html: str) -> list[str]:
    return [i for ids in re.findall(r'aria-describedby="([^"]+)"', html) for i in ids.split()]


@pytest.mark.parametrize("path", ["/login", "/register", "/verify", "/forgot-password"])
def test_public_forms_print_no_none_attributes(client, path):
    html = client.get(path).get_data(as_text=True)
    assert "<input" in html
    assert not NONE_ATTRIBUTE.search(html), NONE_ATTRIBUTE.search(html).group(0)
    assert "aria-invalid" not in html


def test_profile_form_prints_no_none_attributes(client, login, trainee):
    login(trainee)
    html = client.get("/profile").get_data(as_text=True)
    assert 'autocomplete="current-password"' in html
    assert not NONE_ATTRIBUTE.search(html)


def test_a_field_with_an_error_is_invalid_and_described_by_its_message(client):
    form = {"name": "", "email": "nope", "password": "x", "csrf_token": csrf_token(client)}
    response = client.post("/register", data=form)
    html = response.get_data(as_text=True)
    assert html.count('aria-invalid="true"') >= 2
    ids = described_ids(html)
    assert ids and all(f'id="{i}"' in html for i in ids)
    assert not NONE_ATTRIBUTE.search(html)
