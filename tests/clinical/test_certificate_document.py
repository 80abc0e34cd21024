"""The certificate PDF names the practical record in one line and stays one page."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from pypdf import PdfReader

from smp_academy.certificates.pdf import (
    CertificateDocument,
    practical_record_line,
    render_certificate_pdf,
)

ENTRIES = [
    {"kind": "course", "achieved": None, "met_on": "2026-01-01"},
    {"kind": "supervised_cases", "achieved": 4, "met_on": "2026-03-01"},
    {"kind": "healed_reviews", "achieved": 4, "met_on": "2026-04-01"},
    {"kind": "observed_procedure", "achieved": 1, "met_on": "2026-02-01"},
    {"kind": "practical_exam", "achieved": 1, "met_on": "2026-04-02"},
]


def test_the_practitioner_certificate_names_its_practical_record():
    doc = CertificateDocument(
        code="SMP-7K3Q-9XWM-2F4T",
        holder_name="Amara Okonkwo-Lindqvist",
        credential_title="Certified SMP Practitioner",
        description="The holder has completed the SMP Academy courses and practice drills, "
        "treated supervised clients with every session signed off, reviewed the healed "
        "results, and passed an observed hygiene procedure and a practical exam.",
        covers=[
            "SMP Foundations",
            "Pigment Science and Colour Matching",
            "Hygiene, Infection Control and Bloodborne Pathogens",
            "Hairline Design",
            "Dot Technique",
            "Professional Practice",
            "Practical assessment: 3 graded practice exercises",
        ],
        issued_on=date(2026, 3, 4),
        expires_on=date(2029, 3, 4),
        verify_url="http://127.0.0.1:5000/verify/SMP-7K3Q-9XWM-2F4T",
        signatory_name="Dr. Alex Morgan",
        signatory_title="Director of Training",
        practical_record=practical_record_line(ENTRIES),
    )
    reader = PdfReader(BytesIO(render_certificate_pdf(doc)))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert (
        "Practical record: 4 supervised client cases, 4 reviewed healed, hygiene procedure "
        "observed, practical exam passed"
    ) in text
