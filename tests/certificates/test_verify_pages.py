"""The public /verify pages (by code and by PDF upload) and the clinics' token and roster pages."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from smp_academy.certificates import services
from smp_academy.certificates.codes import ALPHABET, generate_code
from smp_academy.core import clock
from smp_academy.extensions import db
from smp_academy.verification.models import ClinicToken, RosterEntry, VerificationLookup
from tests import factories
from tests.certificates import helpers
from tests.conftest import csrf_token


def typo_of(code: str) -> str:
    return code[:-1] + ALPHABET[(ALPHABET.index(code[-1]) + 1) % 32]


def text(response) -> str:
    return response.get_data(as_text=True)


def lookups() -> list[VerificationLookup]:
    return list(db.session.scalars(select(VerificationLookup).order_by(VerificationLookup.id)))


@pytest.fixture
def cert(trainee):
    clock.freeze(helpers.at(date(2026, 3, 4)))
    return helpers.certificate(trainee, title="Hygiene and Bloodborne Pathogens")


def post_verify(client, **data):
    data["csrf_token"] = csrf_token(client, "/verify")
    return client.post("/verify", data=data, content_type="multipart/form-data")


# --------------------------------------------------------------------------- by code


def test_form_redirects_a_code_to_its_page(client, cert):
    form = client.get("/verify")
    assert form.status_code == 200
    assert "Certificate code" in text(form) and 'type="file"' in text(form)

    typed = cert.code.lower().replace("-", " ")
    response = post_verify(client, code=f"  {typed} ")
    assert response.status_code == 302
    assert response.location.endswith("/verify/" + typed.replace(" ", "%20"))
    page = client.get(response.location)
    assert page.status_code == 200 and cert.code in text(page)


def test_form_explains_typos_and_missing_input(client, cert):
    response = post_verify(client, code=typo_of(cert.code))
    assert response.status_code == 400
    assert "This code has a typo" in text(response)
    response = post_verify(client, code="hello")
    assert response.status_code == 400 and "not a certificate code" in text(response)
    response = post_verify(client, code="")
    assert response.status_code == 400
    assert "Enter a certificate code or upload the PDF." in text(response)


def test_result_page_shows_the_facts_and_nothing_personal(client, cert, trainee):
    response = client.get(f"/verify/{cert.code}")
    assert response.status_code == 200
    page = text(response)
    for fact in ("Valid", "Terry Trainee", "Hygiene and Bloodborne Pathogens", "2026-03-04"):
        assert fact in page
    assert "2027-03-04" in page and cert.code in page
    assert trainee.email not in page and "@" not in page.split("<main", 1)[-1]
    [lookup] = lookups()
    assert (lookup.channel, lookup.certificate_id, lookup.clinic_id) == ("page", cert.id, None)
    client.get(f"/verify/{cert.code}?via=qr")
    assert lookups()[-1].channel == "qr"


def test_result_page_for_expired_and_revoked(client, cert, admin):
    clock.freeze(helpers.at(date(2027, 4, 1)))
    page = text(client.get(f"/verify/{cert.code}"))
    assert "Expired" in page and "expired on 2027-03-04" in page

    services.revoke(admin, cert, "Certificate obtained by fraud")
    db.session.flush()
    page = text(client.get(f"/verify/{cert.code}"))
    assert "Revoked" in page and "revoked on 2027-04-01" in page
    assert "Certificate obtained by fraud" in page


def test_result_page_of_a_superseded_code_links_the_new_one(client, cert, admin):
    new = services.reissue(admin, cert, "Terry Trainee-Smith", "Name correction")
    db.session.flush()
    page = text(client.get(f"/verify/{cert.code}"))
    assert "Revoked" in page and f'href="/verify/{new.code}"' in page


def test_unknown_and_mistyped_codes(client, cert):
    response = client.get(f"/verify/{generate_code()}")
    assert response.status_code == 404
    assert "No certificate has this code." in text(response)
    response = client.get(f"/verify/{typo_of(cert.code)}")
    assert response.status_code == 404
    assert "typo" in text(response) and "No certificate has this code" not in text(response)


def test_a_clinic_looking_a_code_up_is_logged_and_shown_to_the_holder(
    client, cert, clinic, trainee, login, auth
):
    login(clinic).get(f"/verify/{cert.code}")
    assert lookups()[-1].clinic_id == clinic.id
    auth.logout()
    page = text(login(trainee).get("/certificates"))
    assert "Verified" in page and "1 time" in page and "Clearview Clinic (1)" in page


# --------------------------------------------------------------------------- by PDF upload


def upload(client, data: bytes, name: str = "certificate.pdf"):
    return post_verify(client, code="", pdf=(io.BytesIO(data), name))


def test_pdf_upload_genuine_altered_and_garbage(client, trainee, admin):
    cert, pdf = helpers.issued_with_pdf(trainee)

    page = text(upload(client, pdf))
    assert "signed by SMP Academy and has not been changed" in page
    assert "Valid" in page and cert.code in page and "Terry Trainee" in page
    assert [(row.channel, row.certificate_id) for row in lookups()] == [("pdf", cert.id)]

    response = upload(client, helpers.altered(pdf, cert.holder_name))
    assert response.status_code == 200
    assert "has been altered after it was signed" in text(response)
    assert "signed by SMP Academy and has not been changed" not in text(response)

    services.revoke(admin, cert, "Revoked after audit")
    db.session.flush()
    page = text(upload(client, pdf))  # a genuine file of a revoked certificate
    assert "signed by SMP Academy" in page and "Revoked" in page and "Revoked after audit" in page

    for junk in (b"GIF89a not a pdf at all", b"%PDF-1.7\n garbage \n%%EOF", b""):
        response = upload(client, junk, "photo.pdf")
        assert response.status_code == 200, junk
        assert "carries no SMP Academy signature" in text(response)
        assert "not a readable PDF" in text(response)


def test_pdf_upload_of_an_unsigned_pdf(client):
    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    out = io.BytesIO()
    writer.write(out)
    response = upload(client, out.getvalue())
    assert response.status_code == 200
    assert "carries no SMP Academy signature" in text(response)
    assert "no digital signature" in text(response)


# --------------------------------------------------------------------------- clinic pages


def test_clinic_creates_a_token_shown_once_and_revokes_it(client, clinic, login, cert):
    login(clinic)
    response = client.post(
        "/clinic/tokens",
        data={"name": "HR system", "csrf_token": csrf_token(client, "/clinic/tokens")},
    )
    assert response.status_code == 200
    token = re.search(r'<code id="new-token">([^<]+)</code>', text(response)).group(1)
    assert token.startswith("smpk_")
    row = db.session.scalar(select(ClinicToken).where(ClinicToken.clinic_id == clinic.id))
    assert row.name == "HR system" and token not in (row.token_hash, row.prefix)
    again = text(client.get("/clinic/tokens"))
    assert token not in again and row.prefix in again and "Active" in again

    api = client.post(
        "/api/v1/certificates/verify", json={"codes": [cert.code]}, headers=helpers.bearer(token)
    )
    assert api.status_code == 200

    response = client.post(
        f"/clinic/tokens/{row.id}/revoke",
        data={"csrf_token": csrf_token(client, "/clinic/tokens")},
    )
    assert response.status_code == 302
    assert "Revoked" in text(client.get("/clinic/tokens"))
    api = client.post(
        "/api/v1/certificates/verify", json={"codes": [cert.code]}, headers=helpers.bearer(token)
    )
    assert api.status_code == 401


def test_a_clinic_cannot_revoke_another_clinics_token(client, clinic, login):
    other = factories.user(role="clinic")
    token = helpers.token_for(other)
    row = db.session.scalar(select(ClinicToken).where(ClinicToken.clinic_id == other.id))
    login(clinic)
    response = client.post(
        f"/clinic/tokens/{row.id}/revoke",
        data={"csrf_token": csrf_token(client, "/clinic/tokens")},
    )
    assert response.status_code == 404
    db.session.refresh(row)
    assert row.revoked_at is None and token


def test_roster_adds_by_code_refuses_duplicates_and_shows_status(
    client, clinic, login, cert, admin
):
    other = helpers.certificate(factories.user(name="Rita Revoked"))
    services.revoke(admin, other, "Misconduct")
    db.session.flush()
    login(clinic)

    def add(code: str):
        token = csrf_token(client, "/clinic/roster")
        return client.post("/clinic/roster", data={"code": code, "note": "", "csrf_token": token})

    response = add(" " + cert.code.lower().replace("-", " ").replace("1", "l") + " ")
    assert response.status_code == 302
    assert add(other.code).status_code == 302
    entries = db.session.scalars(select(RosterEntry).where(RosterEntry.clinic_id == clinic.id))
    assert {e.certificate_id for e in entries} == {cert.id, other.id}

    duplicate = add(cert.code)
    assert duplicate.status_code == 200 and "already on your roster" in text(duplicate)
    assert "typo" in text(add(typo_of(cert.code)))
    assert "No certificate has this code." in text(add(generate_code()))
    assert db.session.query(RosterEntry).filter_by(clinic_id=clinic.id).count() == 2

    page = text(client.get("/clinic/roster"))
    rows = {name: row for row in page.split("<tr>") for name in ("Terry", "Rita") if name in row}
    assert "Valid" in rows["Terry"] and "2027-03-04" in rows["Terry"]
    assert "Revoked" in rows["Rita"]


@pytest.mark.parametrize("path", ["/clinic/tokens", "/clinic/roster"])
def test_clinic_pages_are_for_clinics_only(client, login, auth, trainee, instructor, admin, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.location
    for user in (trainee, instructor, admin):
        login(user)
        assert client.get(path).status_code == 403, user.role
        assert client.post(path, data={}).status_code in (400, 403)
        auth.logout()
