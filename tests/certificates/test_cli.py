"""``clinics token``, ``certificates verify-pdf`` and ``demo``, as CONTRACT.md section 3 fixes
them: output, exit status 2 with one line on stderr for bad input."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfWriter
from sqlalchemy import select

from smp_academy.certificates import services, status
from smp_academy.certificates.models import Certificate
from smp_academy.extensions import db
from smp_academy.verification.models import ClinicToken
from tests.certificates import helpers

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(args=list(args))

    return invoke


def assert_bad_input(result) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- clinics token


def test_clinic_token_is_printed_once_and_authenticates_the_api(cli, clinic, client, trainee):
    cert = helpers.certificate(trainee)
    result = cli("clinics", "token", clinic.email.upper(), "--name", "Payroll")
    assert result.exit_code == 0, result.stderr
    token = result.stdout.strip()
    assert re.fullmatch(r"smpk_[A-Za-z0-9_-]{40,}", token)
    assert "not shown again" in result.stderr

    row = db.session.scalar(select(ClinicToken).where(ClinicToken.clinic_id == clinic.id))
    assert row.name == "Payroll" and token not in (row.token_hash, row.prefix)
    response = client.post(
        "/api/v1/certificates/verify", json={"codes": [cert.code]}, headers=helpers.bearer(token)
    )
    assert response.status_code == 200
    assert response.get_json()["results"][0]["status"] == "valid"


def test_clinic_token_for_an_unknown_email_is_bad_input(cli):
    result = cli("clinics", "token", "nobody@example.com")
    assert_bad_input(result)
    assert "nobody@example.com" in result.stderr


def test_clinic_token_for_a_trainee_is_bad_input(cli, trainee):
    result = cli("clinics", "token", trainee.email)
    assert_bad_input(result)
    assert "not a clinic" in result.stderr
    assert db.session.scalar(select(ClinicToken)) is None


# --------------------------------------------------------------------------- verify-pdf


def test_verify_pdf_reports_genuine_and_tampered_files(cli, trainee, admin, tmp_path):
    cert, pdf = helpers.issued_with_pdf(trainee)
    genuine = tmp_path / "genuine.pdf"
    genuine.write_bytes(pdf)

    result = cli("certificates", "verify-pdf", str(genuine))
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["signed"] is report["intact"] is report["by_academy"] is True
    assert report["valid_signature"] is True
    assert (report["code"], report["status"]) == (cert.code, "valid")
    assert report["certificate"] == status.certificate_json(cert)

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(helpers.altered(pdf, cert.holder_name))
    result = cli("certificates", "verify-pdf", str(tampered))
    assert result.exit_code == 1 and result.stderr == ""  # a verdict, printed in full
    report = json.loads(result.stdout)
    assert report["intact"] is False and report["valid_signature"] is False
    assert "changed" in report["message"]

    services.revoke(admin, cert, "Withdrawn")  # the status is the current one, not the printed
    db.session.flush()
    result = cli("certificates", "verify-pdf", str(genuine))
    report = json.loads(result.stdout)
    assert result.exit_code == 0  # the file is genuine; the certificate is revoked
    assert report["intact"] is True and report["status"] == "revoked"
    assert report["certificate"]["revocation_reason"] == "Withdrawn"


def test_verify_pdf_of_an_incremental_forgery_exits_1_without_a_traceback(cli, trainee, tmp_path):
    """pyHanko's difference analysis logs a traceback on this kind of edit: not to the user."""
    _, pdf = helpers.issued_with_pdf(trainee)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    patch = writer.add_object(generic.StreamObject(stream_data=b"1 1 1 rg 150 330 540 60 re f"))
    writer.add_stream_to_page(0, patch)
    forged = tmp_path / "forged.pdf"
    with forged.open("wb") as out:
        writer.write(out)

    result = cli("certificates", "verify-pdf", str(forged))
    assert result.exit_code == 1
    assert result.stderr == "" and "Traceback" not in result.output
    report = json.loads(result.stdout)
    assert report["signed"] is True and report["intact"] is False


def test_verify_pdf_bad_input_exits_2(cli, tmp_path):
    text = tmp_path / "notes.pdf"
    text.write_text("certainly not a PDF")
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n garbage")
    for path in (tmp_path / "missing.pdf", text, tmp_path, damaged):
        assert_bad_input(cli("certificates", "verify-pdf", str(path)))


def test_verify_pdf_of_an_unsigned_pdf_exits_1(cli, tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    path = tmp_path / "unsigned.pdf"
    with path.open("wb") as out:
        writer.write(out)
    result = cli("certificates", "verify-pdf", str(path))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["signed"], report["intact"], report["code"], report["status"]) == (
        False,
        False,
        None,
        None,
    )


# --------------------------------------------------------------------------- demo


def test_demo_is_idempotent_and_prints_a_valid_certificate(cli):
    synced = cli("content", "sync", "--path", str(CONTENT))
    assert synced.exit_code == 0, synced.stderr

    first, second = cli("demo"), cli("demo")
    assert first.exit_code == second.exit_code == 0, first.stderr
    pattern = r"Demo certificate of Hana Holder: (SMP-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})"
    code = re.search(pattern, first.stdout).group(1)
    assert re.search(pattern, second.stdout).group(1) == code
    for email in ("trainee@example.com", "clinic@example.com", "holder@example.com"):
        assert email in first.stdout

    cert = db.session.scalars(select(Certificate).where(Certificate.code == code)).one()
    assert status.status_of(cert) == "valid"
    assert cert.pdf_key  # rendered after the command's commit
