"""Checking a presented credential on /verify and with ``certificates verify-credential``:
valid, revoked (seen on the very next request), expired, tampered, not ours, malformed — and
a clear error, never "valid", for what cannot be read."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from smp_academy.certificates import credentials, services
from smp_academy.certificates.openbadges import keys, proof
from smp_academy.certificates.openbadges.attachment import credential_bytes
from smp_academy.core import clock, jobs
from smp_academy.extensions import db
from smp_academy.verification.models import VerificationLookup
from tests.certificates import helpers
from tests.conftest import csrf_token

GENUINE = "This credential is genuine and current"


@pytest.fixture
def issued(trainee):
    clock.freeze(helpers.at(date(2026, 3, 4)))
    cert, pdf = helpers.issued_with_pdf(trainee, title="Hygiene and Bloodborne Pathogens")
    return cert, pdf, cert.credential.document


def check(client, *, upload: tuple[bytes, str] | None = None, text: str = ""):
    """Post the "Verify a digital credential" form as a browser would."""
    data = {"credential-csrf_token": csrf_token(client, "/verify"), "credential-text": text}
    if upload is not None:
        data["credential-file"] = (io.BytesIO(upload[0]), upload[1])
    return client.post("/verify/credential", data=data, content_type="multipart/form-data")


def page_of(response) -> str:
    return response.get_data(as_text=True)


def revoke_through_the_admin_page(client, login, admin, cert, reason: str) -> None:
    login(admin)
    path = f"/admin/certificates/{cert.code}"
    data = {"action": "revoke", "revoke-csrf_token": csrf_token(client, path)}
    response = client.post(path, data=data | {"revoke-reason": reason})
    assert response.status_code == 302


# --------------------------------------------------------------------------- the form


def test_a_genuine_credential_by_file_by_paste_and_inside_the_pdf(client, issued):
    cert, pdf, credential = issued
    for answer in (
        check(client, upload=(credential_bytes(credential), "credential.json")),
        check(client, text=json.dumps(credential)),
        check(client, upload=(pdf, f"{cert.code}.pdf")),
    ):
        assert answer.status_code == 200
        page = page_of(answer)
        assert GENUINE in page and "Terry Trainee" in page and cert.code in page
        assert "2027-03-04" in page
    logged = db.session.scalars(
        select(VerificationLookup.channel).where(VerificationLookup.certificate_id == cert.id)
    ).all()
    assert logged == ["credential"] * 3


def test_revocation_is_seen_on_the_next_request_by_form_api_and_cli(
    client, login, admin, cli, tmp_path, issued
):
    cert, _, _ = issued
    fetched = client.get(f"/api/v1/certificates/{cert.code}/credential").get_json()
    saved = tmp_path / "credential.json"
    saved.write_bytes(credential_bytes(fetched))
    assert cli("certificates", "verify-credential", str(saved)).exit_code == 0

    revoke_through_the_admin_page(client, login, admin, cert, "Assessment found invalid")

    page = page_of(check(client, text=json.dumps(fetched)))
    assert "This credential has been revoked" in page and GENUINE not in page
    assert "The academy has revoked it." in page
    assert "The academy's reason: Assessment found invalid" in page
    result = cli("certificates", "verify-credential", str(saved))
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert (report["status"], report["valid"]) == ("revoked", False)
    assert report["certificate"]["revocation_reason"] == "Assessment found invalid"


def test_a_superseded_credential_is_revoked_and_names_the_new_code(client, admin, issued):
    old, _, credential = issued
    new = services.reissue(admin, old, "Terry Corrected", "Typo")
    jobs.commit()
    page = page_of(check(client, text=json.dumps(credential)))
    assert "This credential has been revoked" in page
    assert f"Superseded by {new.code} (re-issued)" in page
    assert GENUINE in page_of(check(client, text=json.dumps(new.credential.document)))


def test_an_expired_credential(client, issued):
    clock.freeze(datetime(2027, 3, 5, 9, tzinfo=UTC))
    page = page_of(check(client, text=json.dumps(issued[2])))
    assert "This credential has expired" in page
    assert "It expired at 2027-03-04T23:59:59Z." in page and GENUINE not in page


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.update(name="Master of SMP"),
        lambda c: c.update(validUntil="2099-12-31T23:59:59Z"),
        lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Someone Else"),
        lambda c: c["credentialSubject"]["achievement"].update(name="Master of SMP"),
        lambda c: c["credentialStatus"].update(statusListIndex="7"),
        lambda c: c["issuer"].update(name="Another Academy"),
        lambda c: c["proof"].update(created="2020-01-01T00:00:00Z"),
    ],
)
def test_tampering_with_any_field_fails(issued, change):
    changed = copy.deepcopy(issued[2])
    change(changed)
    verdict = credentials.verify_presented(changed)
    assert (verdict.status, verdict.reason) == (
        "tampered",
        "its signature does not match its content",
    )


def test_the_form_says_altered_for_a_tampered_credential(client, issued):
    changed = copy.deepcopy(issued[2])
    changed["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory Forger"
    page = page_of(check(client, upload=(credential_bytes(changed), "credential.json")))
    assert "This credential has been altered" in page and GENUINE not in page
    assert "What this file claims" in page and "Do not rely on this file" in page


def test_a_credential_signed_by_someone_else_is_not_ours(client, tmp_path, issued):
    keys.generate_key(tmp_path, "forger")
    forger = keys.load_keyset(tmp_path).current
    unsigned = {k: v for k, v in issued[2].items() if k != "proof"}
    forged = proof.sign(
        unsigned,
        forger,
        verification_method="did:web:forger.example#forger",
        created=datetime(2026, 3, 4, tzinfo=UTC),
    )
    page = page_of(check(client, text=json.dumps(forged)))
    assert "This credential was not issued by SMP Academy" in page and GENUINE not in page


def test_a_json_object_that_is_no_credential_is_malformed(client):
    page = page_of(check(client, text='{"hello": "world"}'))
    assert "This is not a credential SMP Academy can vouch for" in page
    assert "It is not a Verifiable Credential 2.0 document." in page and GENUINE not in page


@pytest.fixture(scope="module")
def pdf_without_credential() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


@pytest.mark.parametrize(
    ("upload", "text", "message"),
    [
        (None, "", "Choose the credential file or paste its JSON."),
        ((b"\x89PNG not json", "photo.png"), "", "This file cannot be checked: it is not a JSON"),
        (None, "[1, 2, 3]", "This text cannot be checked: it is not a credential (expected"),
        (None, "{not json", "This text cannot be checked: it is not a JSON document."),
        ((b"{}", "a.json"), "{}", "Choose a file or paste the JSON, not both."),
        ("pdf", "", "This file cannot be checked: the PDF carries no credential.json attachment."),
        (
            (b"%PDF-1.7 broken", "broken.pdf"),
            "",
            "This file cannot be checked: it is not a readable",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    client, pdf_without_credential, upload, text, message
):
    if upload == "pdf":
        upload = (pdf_without_credential, "blank.pdf")
    response = check(client, upload=upload, text=text)
    page = page_of(response)
    assert response.status_code == 400
    assert message in page and GENUINE not in page
    assert 'aria-invalid="true"' in page
    assert db.session.scalar(select(VerificationLookup)) is None


# --------------------------------------------------------------------------- the command


def test_cli_verifies_the_json_and_the_pdf(cli, tmp_path, issued):
    cert, pdf, credential = issued
    for name, data in (("credential.json", credential_bytes(credential)), ("cert.pdf", pdf)):
        path = tmp_path / name
        path.write_bytes(data)
        result = cli("certificates", "verify-credential", str(path))
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert (report["status"], report["valid"], report["code"]) == ("valid", True, cert.code)
        assert report["file"] == str(path)
        assert report["certificate"]["status"] == "valid"


def test_cli_exits_1_for_a_tampered_credential(cli, tmp_path, issued):
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(issued[2] | {"name": "Master of SMP"}))
    result = cli("certificates", "verify-credential", str(path))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["status"] == "tampered"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read it"),
        (b"not json at all", "it is not a JSON document"),
        (b"%PDF-1.7 broken", "it is not a readable PDF"),
    ],
)
def test_cli_unreadable_input_is_exit_2_with_one_line(cli, tmp_path: Path, content, message):
    path = tmp_path / "input"
    if content is not None:
        path.write_bytes(content)
    result = cli("certificates", "verify-credential", str(path))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
