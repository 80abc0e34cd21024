"""Signed certificate PDFs: genuine ones verify, edited or foreign ones are told apart."""

from __future__ import annotations

import os
import re
import stat
from io import BytesIO
from pathlib import Path

from cryptography import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader

from smp_academy.certificates.dev_identity import DEV_SUBJECT, ensure_dev_signing_identity
from smp_academy.certificates.pdf import CertificateDocument
from smp_academy.certificates.signing import PdfSigner, verify_signed_pdf


def flip_byte(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def test_dev_identity_is_made_once_with_a_private_key(tmp_path: Path):
    key_path, cert_path = ensure_dev_signing_identity(tmp_path)
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    assert DEV_SUBJECT in cert.subject.rfc4514_string()
    before = key_path.read_bytes(), cert_path.read_bytes()
    assert ensure_dev_signing_identity(tmp_path) == (key_path, cert_path)
    assert (key_path.read_bytes(), cert_path.read_bytes()) == before


def test_genuine_pdf_verifies_and_yields_its_code(
    signed_pdf: bytes, academy_identity: tuple[Path, Path], certificate_doc: CertificateDocument
):
    result = verify_signed_pdf(signed_pdf, academy_identity[1])
    assert (result.signed, result.intact, result.by_academy) == (True, True, True)
    assert result.is_genuine
    assert result.code == certificate_doc.code


def test_one_changed_byte_in_the_holder_name_breaks_the_signature(
    signed_pdf: bytes, academy_identity: tuple[Path, Path], certificate_doc: CertificateDocument
):
    # The name is stored in the signed revision's /Title as a literal PDF string.
    offset = signed_pdf.index(certificate_doc.holder_name.split()[0].encode())
    result = verify_signed_pdf(flip_byte(signed_pdf, offset), academy_identity[1])
    assert result.signed and not result.intact and not result.is_genuine


def test_one_changed_byte_in_the_page_content_breaks_the_signature(
    signed_pdf: bytes, academy_identity: tuple[Path, Path]
):
    contents = PdfReader(BytesIO(signed_pdf)).pages[0].raw_get("/Contents")
    object_start = re.search(rb"\b%d 0 obj" % contents.idnum, signed_pdf).start()
    data_start = signed_pdf.index(b"stream", object_start) + len(b"stream\n")
    result = verify_signed_pdf(flip_byte(signed_pdf, data_start + 40), academy_identity[1])
    assert result.signed and not result.intact


def test_content_painted_over_after_signing_is_detected(
    signed_pdf: bytes, academy_identity: tuple[Path, Path]
):
    """An editor's incremental save keeps the old signature bytes valid; coverage must not."""
    writer = IncrementalPdfFileWriter(BytesIO(signed_pdf))
    patch = writer.add_object(generic.StreamObject(stream_data=b"1 1 1 rg 150 330 540 60 re f"))
    writer.add_stream_to_page(0, patch)
    edited = BytesIO()
    writer.write(edited)
    result = verify_signed_pdf(edited.getvalue(), academy_identity[1])
    assert result.signed and not result.intact and not result.is_genuine


def test_pdf_signed_by_someone_else_is_not_by_the_academy(
    tmp_path: Path, certificate_pdf: bytes, academy_identity: tuple[Path, Path]
):
    forger = PdfSigner(*ensure_dev_signing_identity(tmp_path / "forger"))
    result = verify_signed_pdf(forger.sign(certificate_pdf), academy_identity[1])
    assert result.signed and result.intact and not result.by_academy
    assert not result.is_genuine


def test_unsigned_pdf_is_reported_unsigned(
    certificate_pdf: bytes, academy_identity: tuple[Path, Path]
):
    result = verify_signed_pdf(certificate_pdf, academy_identity[1])
    assert not result.signed and not result.intact and "no digital signature" in result.reason


def test_garbage_never_raises(signed_pdf: bytes, academy_identity: tuple[Path, Path]):
    samples = [b"", os.urandom(4096), b"%PDF-1.7\n" + os.urandom(512), signed_pdf[:5000]]
    for sample in samples:
        result = verify_signed_pdf(sample, academy_identity[1])
        assert not result.signed and not result.is_genuine and result.reason
