"""The credential inside the certificate PDF, the CLI core, and the LinkedIn link."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader, PdfWriter

from smp_academy.certificates.dev_identity import ensure_dev_signing_identity
from smp_academy.certificates.openbadges.attachment import (
    CredentialFileError,
    attach_credential,
    credential_bytes,
    extract_credential_from_pdf,
)
from smp_academy.certificates.openbadges.cli import verify_credential_file
from smp_academy.certificates.openbadges.sharing import linkedin_add_to_profile_url
from smp_academy.certificates.signing import PdfSigner, verify_signed_pdf


@pytest.fixture(scope="module")
def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def test_attach_and_extract_round_trip(blank_pdf, signed_credential):
    pdf = attach_credential(blank_pdf, signed_credential)
    assert extract_credential_from_pdf(pdf) == signed_credential
    assert len(PdfReader(BytesIO(pdf)).pages) == 1


def test_a_pdf_without_attachment_has_no_credential(blank_pdf):
    assert extract_credential_from_pdf(blank_pdf) is None


def test_a_broken_pdf_is_a_clear_error():
    with pytest.raises(CredentialFileError, match="not a readable PDF"):
        extract_credential_from_pdf(b"%PDF-1.7\nnot really")


@pytest.fixture
def verify_file(did_doc, no_revocations):
    def run(path):
        return verify_credential_file(
            path,
            did_document=did_doc,
            status_list_lookup=no_revocations,
            now=datetime(2027, 1, 1, tzinfo=UTC),
        )

    return run


def test_cli_accepts_the_json_file(tmp_path, signed_credential, verify_file):
    path = tmp_path / "credential.json"
    path.write_bytes(credential_bytes(signed_credential))
    code, report = verify_file(path)
    assert (code, report["status"], report["file"]) == (0, "valid", str(path))


def test_cli_accepts_the_pdf(tmp_path, blank_pdf, signed_credential, verify_file):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(attach_credential(blank_pdf, signed_credential))
    code, report = verify_file(path)
    assert (code, report["status"]) == (0, "valid")


def test_cli_exit_1_when_not_valid(tmp_path, signed_credential, verify_file):
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(signed_credential | {"name": "Master of SMP"}))
    code, report = verify_file(path)
    assert (code, report["status"], report["valid"]) == (1, "tampered", False)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read it"),
        (b"\xff\xfe not json", "not a JSON document"),
        (b"[1, 2]", "expected a JSON object"),
        (b"%PDF-1.7 broken", "not a readable PDF"),
    ],
)
def test_cli_exit_2_for_unreadable_input(tmp_path, verify_file, content, message):
    path = tmp_path / "input"
    if content is not None:
        path.write_bytes(content)
    code, report = verify_file(path)
    assert code == 2
    assert list(report) == ["error"]
    assert message in report["error"] and "\n" not in report["error"]


def test_cli_exit_2_for_a_pdf_without_credential(tmp_path, blank_pdf, verify_file):
    path = tmp_path / "plain.pdf"
    path.write_bytes(blank_pdf)
    code, report = verify_file(path)
    assert (code, report["error"]) == (2, f"{path}: the PDF carries no credential.json attachment")


def test_linkedin_url_carries_the_documented_parameters():
    url = linkedin_add_to_profile_url(
        name="Certified SMP Practitioner",
        organization="SMP Academy",
        issued_on=date(2026, 3, 4),
        expires_on=date(2028, 3, 4),
        cert_id="SMP-7K3Q-9XWM-2F4T",
        cert_url="https://academy.example.org/verify/SMP-7K3Q-9XWM-2F4T",
    )
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.linkedin.com/profile/add"
    assert parse_qs(parts.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Certified SMP Practitioner"],
        "organizationName": ["SMP Academy"],
        "issueYear": ["2026"],
        "issueMonth": ["3"],
        "expirationYear": ["2028"],
        "expirationMonth": ["3"],
        "certUrl": ["https://academy.example.org/verify/SMP-7K3Q-9XWM-2F4T"],
        "certId": ["SMP-7K3Q-9XWM-2F4T"],
    }


def test_linkedin_url_with_organization_id_and_no_expiry():
    query = parse_qs(
        urlsplit(
            linkedin_add_to_profile_url(
                name="X",
                organization=1337,
                issued_on=date(2026, 12, 1),
                expires_on=None,
                cert_id="c",
                cert_url="https://u",
            )
        ).query
    )
    assert query["organizationId"] == ["1337"]
    assert "organizationName" not in query and "expirationYear" not in query


def test_the_attachment_survives_pades_signing(tmp_path, blank_pdf, signed_credential):
    """Attach, then sign as the certificate job does: both the signature and the credential hold."""
    key_path, cert_path = ensure_dev_signing_identity(tmp_path)
    signed_pdf = PdfSigner(key_path, cert_path).sign(
        attach_credential(blank_pdf, signed_credential)
    )
    assert extract_credential_from_pdf(signed_pdf) == signed_credential
    check = verify_signed_pdf(signed_pdf, cert_path)
    assert check.signed and check.intact and check.by_academy
