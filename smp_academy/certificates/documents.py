"""The certificate's documents: its Open Badges credential and its PDF (which carries the
credential as an attachment), made and signed once, in a job, and stored; PDFs checked on
upload."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select

from smp_academy.certificates import credentials, status_lists
from smp_academy.certificates.models import Certificate, CertificateCredential
from smp_academy.certificates.status import verify_url
from smp_academy.core import jobs
from smp_academy.core.storage import get_storage, new_key
from smp_academy.extensions import db

if TYPE_CHECKING:
    from smp_academy.certificates.pdf import CertificateDocument
    from smp_academy.certificates.signing import PdfSigner, PdfVerification


def _signer() -> PdfSigner:
    """One signer per process: the key is loaded once."""
    signer = current_app.extensions.get("smp_pdf_signer")
    if signer is None:
        from smp_academy.certificates.signing import PdfSigner

        key_path, cert_path = signing_identity()
        signer = PdfSigner(key_path, cert_path)
        current_app.extensions["smp_pdf_signer"] = signer
    return signer


def signing_identity() -> tuple[Path, Path]:
    """The key and certificate paths the configuration settled on (see config.py)."""
    return Path(current_app.config["SIGNING_KEY_PATH"]), Path(
        current_app.config["SIGNING_CERT_PATH"]
    )


def certificate_document(cert: Certificate) -> CertificateDocument:
    from smp_academy.certificates.pdf import CertificateDocument, practical_record_line

    config = current_app.config
    return CertificateDocument(
        code=cert.code,
        holder_name=cert.holder_name,
        credential_title=cert.credential_title,
        description=cert.certification.description,
        covers=list(cert.covers),
        issued_on=cert.issued_on,
        expires_on=cert.expires_on,
        verify_url=verify_url(cert.code),
        signatory_name=config["SIGNATORY_NAME"],
        signatory_title=config["SIGNATORY_TITLE"],
        academy_name=config["ACADEMY_NAME"],
        practical_record=practical_record_line(cert.requirements),
    )


def render_certificate(cert_id: int) -> None:
    """Job: make what the certificate still lacks, once — its signed credential, then its PDF
    with the credential attached before the PAdES signature (which so covers it too). The row
    lock makes two runs for one certificate (a re-dispatch) wait for each other, and the
    second finds everything stored."""
    cert = db.session.scalar(
        select(Certificate).where(Certificate.id == cert_id).with_for_update(of=Certificate)
    )
    if cert is None:
        return
    if cert.credential.document is None:
        credentials.sign_credential(cert)
    if cert.pdf_key:
        return
    from smp_academy.certificates.openbadges.attachment import attach_credential
    from smp_academy.certificates.pdf import render_certificate_pdf

    assert cert.credential.document is not None  # signed just above
    unsigned = attach_credential(
        render_certificate_pdf(certificate_document(cert)), cert.credential.document
    )
    pdf = _signer().sign(unsigned)
    key = new_key("certificates", ".pdf")
    get_storage().save(key, pdf, "application/pdf")
    cert.pdf_key = key
    cert.pdf_sha256 = hashlib.sha256(pdf).hexdigest()


def backfill_credentials() -> int:
    """Queue the render job for every certificate without a credential (made before
    credentials existed); their PDFs stay as issued. Every status list is published afresh.
    Returns how many certificates were queued."""
    missing = db.session.scalars(
        select(CertificateCredential.certificate_id)
        .where(CertificateCredential.document.is_(None))
        .order_by(CertificateCredential.certificate_id)
    ).all()
    for cert_id in missing:
        jobs.enqueue(render_certificate, cert_id)
    status_lists.publish_all()
    return len(missing)


def known_pdf_keys() -> set[str]:
    """Every stored key a certificate row names (for the orphan clean-up)."""
    return {key for key in db.session.scalars(select(Certificate.pdf_key)) if key}


def stored_pdf(cert: Certificate) -> bytes | None:
    """The stored PDF, or None while its job has not run yet (a web request never renders)."""
    return get_storage().load(cert.pdf_key) if cert.pdf_key else None


def check_pdf(data: bytes) -> tuple[PdfVerification, Certificate | None]:
    """Is this PDF's signature intact and ours, and which certificate does it carry?"""
    from smp_academy.certificates.signing import verify_signed_pdf

    _, cert_path = signing_identity()
    check = verify_signed_pdf(data, cert_path)
    cert = None
    if check.code:
        cert = db.session.scalar(select(Certificate).where(Certificate.code == check.code))
    return check, cert
