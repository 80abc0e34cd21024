"""The JSON API of CONTRACT.md section 4: public look-up, batch verification, rate limits."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from smp_academy.certificates import services, status
from smp_academy.certificates.codes import ALPHABET, check_character, format_code, generate_code
from smp_academy.core import clock
from smp_academy.extensions import db
from smp_academy.verification.models import ClinicToken, VerificationLookup
from smp_academy.verification.services import revoke_token
from tests import factories
from tests.certificates import helpers
from tests.support import rate_limits

CERTIFICATE_KEYS = {
    "requirements",
    "code",
    "status",
    "holder_name",
    "credential",
    "issued_on",
    "expires_on",
    "revoked_on",
    "revocation_reason",
    "verify_url",
}


def get(client, code: str):
    response = client.get(f"/api/v1/certificates/{code}")
    assert response.is_json, response.get_data(as_text=True)[:200]
    return response


def batch(client, body=None, token: str | None = None, **kwargs):
    headers = helpers.bearer(token) if token else {}
    if body is not None:
        kwargs["json"] = body
    response = client.post("/api/v1/certificates/verify", headers=headers, **kwargs)
    assert response.is_json, response.get_data(as_text=True)[:200]
    return response


def typo_of(code: str) -> str:
    """The code with its check character replaced: the shape of a mistyped code."""
    wrong = ALPHABET[(ALPHABET.index(code[-1]) + 1) % 32]
    return code[:-1] + wrong


def lookups() -> list[VerificationLookup]:
    return list(db.session.scalars(select(VerificationLookup).order_by(VerificationLookup.id)))


@pytest.fixture
def cert(trainee):
    clock.freeze(helpers.at(date(2026, 3, 4)))
    return helpers.certificate(trainee, title="Hygiene and Bloodborne Pathogens")


# --------------------------------------------------------------------------- public look-up


def test_valid_certificate(client, cert):
    response = get(client, cert.code)
    assert response.status_code == 200
    assert response.get_json() == {
        "code": cert.code,
        "status": "valid",
        "holder_name": "Terry Trainee",
        "credential": "Hygiene and Bloodborne Pathogens",
        "issued_on": "2026-03-04",
        "expires_on": "2027-03-04",
        "revoked_on": None,
        "revocation_reason": None,
        "verify_url": f"http://academy.example.org/verify/{cert.code}",
        "requirements": [],
    }
    assert "email" not in response.get_data(as_text=True)
    [lookup] = lookups()
    assert (lookup.code, lookup.certificate_id, lookup.clinic_id, lookup.channel) == (
        cert.code,
        cert.id,
        None,
        "api",
    )


def test_expired_certificate(client, cert):
    clock.freeze(helpers.at(date(2027, 3, 5)))
    response = get(client, cert.code)
    assert response.status_code == 200
    assert response.get_json()["status"] == "expired"
    assert response.get_json()["expires_on"] == "2027-03-04"


def test_revoked_certificate(client, cert, admin):
    clock.freeze(helpers.at(date(2026, 9, 1)))
    services.revoke(admin, cert, "Practical assessment was not done in person")
    db.session.flush()
    body = get(client, cert.code).get_json()
    assert body["status"] == "revoked"
    assert body["revoked_on"] == "2026-09-01"
    assert body["revocation_reason"] == "Practical assessment was not done in person"
    assert set(body) == CERTIFICATE_KEYS


def test_superseded_certificate_names_its_successor(client, cert, admin):
    new = services.reissue(admin, cert, "Terry Trainee-Smith", "Name correction")
    db.session.flush()
    body = get(client, cert.code).get_json()
    assert body["status"] == "revoked"
    assert body["superseded_by"] == new.code
    assert new.code in body["revocation_reason"]
    assert get(client, new.code).get_json()["holder_name"] == "Terry Trainee-Smith"


def test_unknown_code_is_404_and_logged(client, cert):
    code = generate_code()
    response = get(client, code)
    assert response.status_code == 404
    assert response.get_json() == {"error": "No certificate has this code."}
    [lookup] = lookups()
    assert (lookup.code, lookup.certificate_id) == (code, None)


@pytest.mark.parametrize("text", ["hello", "SMP-1234", "SMP-UUUU-UUUU-UUUU", "x" * 30])
def test_malformed_code_is_404_with_an_error(client, text):
    response = get(client, text)
    assert response.status_code == 404
    assert "not a certificate code" in response.get_json()["error"]


def test_wrong_check_character_says_typo(client, cert):
    response = get(client, typo_of(cert.code))
    assert response.status_code == 404
    assert "typo" in response.get_json()["error"]
    assert lookups() == []  # a typo is not a look-up of anything


def test_lookup_forgives_case_spaces_dashes_and_confusable_letters(client, cert):
    data = "10" + "7K3Q9XWM2"
    cert.code = format_code(data + check_character(data))  # e.g. SMP-107K-...
    db.session.flush()
    body = cert.code[4:].replace("-", "")
    variants = [
        cert.code.lower(),
        f"smp {body[:4]} {body[4:8]} {body[8:]}".lower(),
        body,
        "SMP-" + "IO" + body[2:],  # I for 1, O for 0
        "smp-lo" + body[2:].lower(),  # l for 1, o for 0
    ]
    for text in variants:
        response = get(client, text.replace(" ", "%20"))
        assert response.status_code == 200, text
        assert response.get_json()["code"] == cert.code


def test_api_errors_are_json_never_html(client):
    for response in (
        client.post("/api/v1/certificates/SMP-0000-0000-0000"),  # 405
        client.get("/api/v1/nothing-here"),
        client.get("/api/v1/certificates/verify"),
        client.put("/api/v1/certificates/verify", json={}),
    ):
        assert 400 <= response.status_code < 500
        assert response.is_json and "error" in response.get_json()
        assert b"<html" not in response.data.lower()


# --------------------------------------------------------------------------- batch


@pytest.fixture
def token(clinic) -> str:
    return helpers.token_for(clinic)


def test_batch_needs_a_token(client, cert):
    response = batch(client, {"codes": [cert.code]})
    assert response.status_code == 401
    assert "token" in response.get_json()["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = [
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer smpk_not-a-real-token"},
    ]
    for headers in wrong:
        response = client.post(
            "/api/v1/certificates/verify", json={"codes": [cert.code]}, headers=headers
        )
        assert response.status_code == 401 and response.is_json
    assert lookups() == []


def test_batch_refuses_a_revoked_token(client, clinic, cert):
    token = helpers.token_for(clinic)
    assert batch(client, {"codes": [cert.code]}, token).status_code == 200
    row = db.session.scalar(select(ClinicToken).where(ClinicToken.clinic_id == clinic.id))
    revoke_token(clinic, row.id)
    db.session.flush()
    response = batch(client, {"codes": [cert.code]}, token)
    assert response.status_code == 401
    assert "error" in response.get_json()


def test_batch_token_of_a_deactivated_clinic_is_refused(client, clinic, token, cert):
    clinic.active = False
    db.session.flush()
    assert batch(client, {"codes": [cert.code]}, token).status_code == 401


def test_batch_wants_json(client, token, cert):
    for kwargs in (
        {"data": f'{{"codes": ["{cert.code}"]}}', "content_type": "text/plain"},
        {"data": {"codes": cert.code}},  # a form post
    ):
        response = batch(client, token=token, **kwargs)
        assert response.status_code == 415
        assert "application/json" in response.get_json()["error"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": "{not json", "content_type": "application/json"},
        {"data": "", "content_type": "application/json"},
        {"json": ["SMP-7K3Q-9XWM-2F4T"]},
        {"json": {"code": "SMP-7K3Q-9XWM-2F4T"}},
        {"json": {"codes": "SMP-7K3Q-9XWM-2F4T"}},
        {"json": {"codes": []}},
        {"json": {"codes": [generate_code() for _ in range(101)]}},
        {"json": {"codes": ["SMP-7K3Q-9XWM-2F4T", 7]}},
        {"json": {"codes": None}},
    ],
    ids=["bad-json", "empty", "list", "no-codes", "string", "zero", "101", "number", "null"],
)
def test_batch_malformed_body_is_400(client, token, kwargs):
    response = batch(client, token=token, **kwargs)
    assert response.status_code == 400
    assert response.get_json()["error"]
    assert lookups() == []


def test_batch_returns_results_in_order_and_logs_the_clinic(client, clinic, token, cert, admin):
    revoked = helpers.certificate(factories.user(name="Rita Revoked"))
    services.revoke(admin, revoked, "Misconduct")
    db.session.flush()
    unknown, typo = generate_code(), typo_of(cert.code)
    codes = [revoked.code, unknown, cert.code.lower(), "garbage", typo]
    response = batch(client, {"codes": codes}, token)
    assert response.status_code == 200
    results = response.get_json()["results"]
    statuses = [r["status"] for r in results]
    assert statuses == ["revoked", "not_found", "valid", "not_found", "not_found"]
    assert results[0] == status.certificate_json(revoked)
    assert results[1] == {"code": unknown, "status": "not_found"}
    assert results[2]["code"] == cert.code and set(results[2]) == CERTIFICATE_KEYS
    assert results[3] == {"code": "garbage", "status": "not_found"}
    assert results[4] == {"code": typo, "status": "not_found"}

    logged = lookups()
    assert [(row.channel, row.clinic_id) for row in logged] == [("batch", clinic.id)] * 5
    assert [row.certificate_id for row in logged] == [revoked.id, None, cert.id, None, None]
    row = db.session.scalar(select(ClinicToken).where(ClinicToken.clinic_id == clinic.id))
    assert row.last_used_at is not None


def test_batch_accepts_100_codes(client, token, cert):
    codes = [cert.code] + [generate_code() for _ in range(99)]
    response = batch(client, {"codes": codes}, token)
    assert response.status_code == 200
    assert len(response.get_json()["results"]) == 100


# --------------------------------------------------------------------------- rate limits


def test_public_lookup_is_rate_limited_per_ip(app, client, cert):
    saved = app.config["RATELIMIT_PUBLIC_LOOKUP"]
    app.config["RATELIMIT_PUBLIC_LOOKUP"] = "3 per minute"
    try:
        with rate_limits(app):
            for _ in range(3):
                assert get(client, cert.code).status_code == 200
            response = get(client, generate_code())
            assert response.status_code == 429
            assert int(response.headers["Retry-After"]) > 0
            assert "error" in response.get_json()
            assert len(lookups()) == 3  # the refused look-up reached no code
            elsewhere = client.get(
                f"/api/v1/certificates/{cert.code}", environ_base={"REMOTE_ADDR": "10.9.8.7"}
            )
            assert elsewhere.status_code == 200
    finally:
        app.config["RATELIMIT_PUBLIC_LOOKUP"] = saved
    assert get(client, cert.code).status_code == 200  # limits are off again


def test_batch_is_rate_limited_per_token(app, client, clinic, cert):
    first, second = helpers.token_for(clinic, "one"), helpers.token_for(clinic, "two")
    saved = app.config["RATELIMIT_BATCH"]
    app.config["RATELIMIT_BATCH"] = "2 per minute"
    try:
        with rate_limits(app):
            for _ in range(2):
                assert batch(client, {"codes": [cert.code]}, first).status_code == 200
            response = batch(client, {"codes": [cert.code]}, first)
            assert response.status_code == 429
            assert "Retry-After" in response.headers
            assert batch(client, {"codes": [cert.code]}, second).status_code == 200
    finally:
        app.config["RATELIMIT_BATCH"] = saved


def test_a_batch_costs_one_per_code(app, client, clinic, cert):
    token = helpers.token_for(clinic, "bulk")
    saved = app.config["RATELIMIT_BATCH"]
    app.config["RATELIMIT_BATCH"] = "150 per minute"
    try:
        with rate_limits(app):
            assert batch(client, {"codes": [cert.code] * 100}, token).status_code == 200
            assert batch(client, {"codes": [cert.code] * 60}, token).status_code == 429
    finally:
        app.config["RATELIMIT_BATCH"] = saved


def test_made_up_tokens_are_limited_by_address(client, cert):
    statuses = [
        batch(client, {"codes": [cert.code]}, f"smpk_invented{i}").status_code for i in range(11)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    refused = batch(client, {"codes": [cert.code]}, "smpk_one_more")
    assert refused.status_code == 429 and "unknown API token" in refused.get_json()["error"]


def test_a_malformed_batch_says_what_to_send(client, clinic):
    token = helpers.token_for(clinic, "shape")
    for body in ({"codes": []}, {"codes": "SMP-1"}, {"codes": [1, 2]}, {"code": ["x"]}, [1]):
        response = batch(client, body, token)
        assert response.status_code == 400
        assert 'send a JSON object {"codes": [...]}' in response.get_json()["error"]
