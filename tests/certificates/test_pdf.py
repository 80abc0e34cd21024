"""The certificate PDF: one landscape page with the facts, a working QR code, fonts embedded."""

from __future__ import annotations

import dataclasses
from io import BytesIO

import cv2
import numpy as np
import pypdfium2
from pypdf import PdfReader

from smp_academy.certificates.pdf import (
    CertificateDocument,
    format_date,
    render_certificate_html,
)


def test_text_shows_holder_title_dates_and_code(
    certificate_doc: CertificateDocument, certificate_pdf: bytes
):
    text = PdfReader(BytesIO(certificate_pdf)).pages[0].extract_text()
    assert certificate_doc.holder_name in text
    assert certificate_doc.credential_title in text
    assert "4 March 2026" in text and format_date(certificate_doc.issued_on) == "4 March 2026"
    assert "4 March 2028" in text
    assert certificate_doc.code in text
    for item in certificate_doc.covers:
        assert item in text


def test_one_a4_landscape_page(certificate_pdf: bytes):
    reader = PdfReader(BytesIO(certificate_pdf))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert round(width) == 842 and round(height) == 595


def test_code_is_in_metadata(certificate_doc: CertificateDocument, certificate_pdf: bytes):
    metadata = PdfReader(BytesIO(certificate_pdf)).metadata
    assert certificate_doc.code in metadata["/Keywords"]


def test_every_font_is_embedded(certificate_pdf: bytes):
    page = PdfReader(BytesIO(certificate_pdf)).pages[0]
    fonts = [ref.get_object() for ref in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]


def test_qr_code_leads_to_the_verify_page(
    certificate_doc: CertificateDocument, certificate_pdf: bytes
):
    page = pypdfium2.PdfDocument(certificate_pdf)[0]
    image = page.render(scale=200 / 72, grayscale=True).to_numpy()
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    height, width = gray.shape
    corner = np.ascontiguousarray(gray[height // 2 :, width * 2 // 3 :])  # QR sits bottom right
    decoded, _, _ = cv2.QRCodeDetector().detectAndDecode(corner)
    assert decoded == certificate_doc.verify_url


def test_template_escapes_what_people_type(certificate_doc: CertificateDocument):
    doc = dataclasses.replace(certificate_doc, holder_name="<b>Eve</b> & Co")
    html = render_certificate_html(doc)
    assert "&lt;b&gt;Eve&lt;/b&gt; &amp; Co" in html and "<b>Eve" not in html


def test_no_expiry_is_printed_as_such(certificate_doc: CertificateDocument):
    html = render_certificate_html(dataclasses.replace(certificate_doc, expires_on=None))
    assert "No expiry" in html
