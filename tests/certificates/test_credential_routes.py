"""Where credentials are published and shared: the public credential API, did.json, the
holder's JSON download, LinkedIn and the public link, Open Graph tags, the criteria page."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from smp_academy.certificates import services
from smp_academy.core import clock, jobs
from smp_academy.extensions import db
from tests import factories
from tests.certificates import helpers
from tests.support import rate_limits, separate_app

BASE_URL = "http://academy.example.org"


@pytest.fixture
def cert(trainee):
    clock.freeze(helpers.at(date(2026, 3, 4)))
    cert, _ = helpers.issued_with_pdf(trainee, title="Hygiene and Bloodborne Pathogens")
    return cert


def credential_api(client, code: str):
    response = client.get(f"/api/v1/certificates/{code}/credential")
    assert response.is_json, response.get_data(as_text=True)[:200]
    return response


# --------------------------------------------------------------------------- the API


def test_the_api_serves_the_stored_credential_to_anyone(client, cert):
    response = credential_api(client, cert.code.lower())  # look-ups are tolerant
    assert response.status_code == 200
    assert response.get_json() == cert.credential.document
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_api_answers_202_while_the_job_has_not_run(client, trainee):
    cert = helpers.certificate(trainee)
    jobs.discard_pending()
    response = credential_api(client, cert.code)
    assert response.status_code == 202
    assert response.headers["Retry-After"] == "5"
    assert "being made" in response.get_json()["message"]
    assert cert.credential.document is None  # the request did not sign


def test_the_api_explains_unknown_and_malformed_codes_in_json(client, cert):
    unknown = credential_api(client, "SMP-0000-0000-0000")
    assert unknown.status_code == 404
    assert unknown.get_json() == {"error": "No certificate has this code."}
    malformed = credential_api(client, "hello")
    assert (
        malformed.status_code == 404 and "not a certificate code" in malformed.get_json()["error"]
    )


def test_the_api_is_rate_limited_with_a_sentence(app, client, cert):
    app.config["RATELIMIT_PUBLIC_LOOKUP"] = "2 per minute"
    try:
        with rate_limits(app):
            statuses = [credential_api(client, cert.code).status_code for _ in range(3)]
            refused = credential_api(client, cert.code)
    finally:
        app.config["RATELIMIT_PUBLIC_LOOKUP"] = "30 per minute"
    assert statuses == [200, 200, 429] and refused.status_code == 429
    message = refused.get_json()["error"]
    assert message.startswith("You have made too many credential downloads from your address")
    assert "Retry-After" in refused.headers


# --------------------------------------------------------------------------- did.json


def test_did_json_lists_the_signing_key_for_assertions(client, cert):
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200 and response.is_json
    document = response.get_json()
    assert document["id"] == "did:web:academy.example.org"
    [method] = document["verificationMethod"]
    assert method["type"] == "Multikey" and method["publicKeyMultibase"].startswith("z6Mk")
    assert document["assertionMethod"] == [method["id"]]
    assert cert.credential.document["proof"]["verificationMethod"] == method["id"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_did_json_moves_with_a_base_url_that_has_a_path(tmp_path):
    settings = {"BASE_URL": "https://example.org/academy", "INSTANCE_DIR": str(tmp_path)}
    with separate_app(**settings) as app:
        client = app.test_client()
        assert client.get("/.well-known/did.json").status_code == 404
        document = client.get("/did.json").get_json()
    assert document["id"] == "did:web:example.org:academy"


# --------------------------------------------------------------------------- the holder


def test_the_holder_downloads_the_json_others_may_not(client, login, auth, trainee, cert):
    path = f"/certificates/{cert.code}.json"
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.location

    login(factories.user(name="Other Trainee"))
    assert client.get(path).status_code == 404
    auth.logout()

    login(trainee)
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert f'filename="{cert.code}.credential.json"' in response.headers["Content-Disposition"]
    assert response.get_json() == cert.credential.document


def test_the_json_download_waits_for_the_job_and_is_withdrawn_after_revocation(
    client, login, trainee, admin
):
    pending = helpers.certificate(trainee)
    jobs.discard_pending()
    login(trainee)
    waiting = client.get(f"/certificates/{pending.code}.json")
    assert waiting.status_code == 202 and waiting.headers["Retry-After"] == "5"
    page = waiting.get_data(as_text=True)
    assert "The digital credential of" in page
    assert f"/certificates/{pending.code}.json" in page

    services.revoke(admin, pending, "Issued in error")
    db.session.flush()
    withdrawn = client.get(f"/certificates/{pending.code}.json")
    assert withdrawn.status_code == 410
    assert "no longer handed out" in withdrawn.get_data(as_text=True)


def test_my_certificates_offers_the_json_linkedin_and_a_public_link(client, login, trainee, cert):
    page = login(trainee).get("/certificates").get_data(as_text=True)
    assert "Download the digital credential (JSON)" in page
    assert f'href="/certificates/{cert.code}.json"' in page
    assert f'readonly value="{BASE_URL}/verify/{cert.code}"' in page

    [linkedin] = re.findall(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', page)
    assert "Add to LinkedIn profile" in page
    query = parse_qs(urlsplit(unescape(linkedin)).query)
    assert query == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Hygiene and Bloodborne Pathogens"],
        "organizationName": ["SMP Academy"],
        "issueYear": ["2026"],
        "issueMonth": ["3"],
        "expirationYear": ["2027"],
        "expirationMonth": ["3"],
        "certUrl": [f"{BASE_URL}/verify/{cert.code}"],
        "certId": [cert.code],
    }


def test_linkedin_links_the_academy_page_when_its_id_is_set(app, client, login, trainee, cert):
    app.config["LINKEDIN_ORGANIZATION_ID"] = "1337"
    try:
        page = login(trainee).get("/certificates").get_data(as_text=True)
    finally:
        app.config["LINKEDIN_ORGANIZATION_ID"] = None
    assert "organizationId=1337" in page and "organizationName" not in page


def test_a_revoked_certificate_offers_no_sharing(client, login, trainee, admin, cert):
    services.revoke(admin, cert, "Issued in error")
    db.session.flush()
    page = login(trainee).get("/certificates").get_data(as_text=True)
    assert f"/certificates/{cert.code}.json" not in page
    assert "linkedin.com" not in page and "Public link to share" not in page


# --------------------------------------------------------------------------- public pages


def test_the_verify_page_carries_open_graph_tags(client, cert):
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    tags = dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)">', page))
    assert tags == {
        "og:type": "website",
        "og:site_name": "SMP Academy",
        "og:title": "Hygiene and Bloodborne Pathogens — Terry Trainee",
        "og:description": f"Certificate {cert.code} issued by SMP Academy to Terry Trainee on "
        "2026-03-04. Open the link to check its current status.",
        "og:url": f"{BASE_URL}/verify/{cert.code}",
    }
    assert "Valid" in page  # everything else is still there
    unknown = client.get("/verify/SMP-0000-0000-0000").get_data(as_text=True)
    assert "og:title" not in unknown


def test_the_criteria_page_that_credentials_link_to(client, trainee):
    track = helpers.track(lessons=1)
    helpers.earn(trainee, track)
    [cert] = services.holder_certificates(trainee)
    jobs.commit()
    criteria_url = cert.credential.document["credentialSubject"]["achievement"]["criteria"]["id"]
    response = client.get(criteria_url.removeprefix(BASE_URL))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert track.certification.title in page
    assert f'<a href="/courses/{track.course.slug}">Complete every lesson of' in page
    assert f"Pass the quiz {track.quiz.title}" in page
    assert "valid for 12 months" in page
    verify_page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert f'href="/certifications/{track.certification.slug}"' in verify_page
    assert client.get("/certifications/no-such-thing").status_code == 404
