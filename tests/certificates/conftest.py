"""Shared, expensive-to-make objects for the certificate document tests (made once)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from smp_academy.certificates.codes import generate_code
from smp_academy.certificates.dev_identity import ensure_dev_signing_identity
from smp_academy.certificates.pdf import CertificateDocument, render_certificate_pdf
from smp_academy.certificates.signing import PdfSigner


@pytest.fixture(scope="session")
def certificate_doc() -> CertificateDocument:
    code = generate_code()
    return CertificateDocument(
        code=code,
        holder_name="Amara Okonkwo-Lindqvist",
        credential_title="Certified SMP Practitioner",
        description="Competent to plan and perform scalp micropigmentation treatments.",
        covers=[
            "Foundations of Scalp Micropigmentation",
            "Hygiene and Bloodborne Pathogens",
            "Practical assessment: density drill on practice skin",
        ],
        issued_on=date(2026, 3, 4),
        expires_on=date(2028, 3, 4),
        verify_url=f"http://127.0.0.1:5000/verify/{code}",
        signatory_name="Dr. Maria Lindqvist",
        signatory_title="Head of Training",
    )


@pytest.fixture(scope="session")
def certificate_pdf(certificate_doc: CertificateDocument) -> bytes:
    return render_certificate_pdf(certificate_doc)


@pytest.fixture(scope="session")
def academy_identity(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return ensure_dev_signing_identity(tmp_path_factory.mktemp("instance"))


@pytest.fixture(scope="session")
def signer(academy_identity: tuple[Path, Path]) -> PdfSigner:
    return PdfSigner(*academy_identity)


@pytest.fixture(scope="session")
def signed_pdf(signer: PdfSigner, certificate_pdf: bytes) -> bytes:
    return signer.sign(certificate_pdf)


@pytest.fixture
def cli(app: Flask):
    """``cli("certificates", "verify-pdf", path)``: a command run as from the shell."""
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(args=list(args))

    return invoke
