"""The certificate as a document: a one-page A4 landscape PDF rendered from a template.

Pure on purpose (no Flask app, no database): an RQ worker renders a certificate once at
issue from a ``CertificateDocument`` and stores the bytes, so the same function serves the
web process, the CLI and workers. WeasyPrint itself stays behind ``core.pdf.render_pdf``,
which only lets the document reach our static files and ``data:`` URIs.

The certificate code is written into the PDF's ``/Keywords`` (and ``/Subject``) so that
``signing.verify_signed_pdf`` can read it back from the signed revision.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2
import segno

from smp_academy.core.pdf import render_pdf

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE_NAME = "certificates/certificate_pdf.html"
STYLESHEET = "css/certificate.css"
KEYWORD_PREFIX = "SMP Academy certificate"


@dataclass(frozen=True)
class CertificateDocument:
    """Everything printed on a certificate, frozen at issue so the PDF never drifts."""

    code: str
    holder_name: str
    credential_title: str
    description: str
    covers: list[str] = field(hash=False)
    issued_on: date
    expires_on: date | None
    verify_url: str
    signatory_name: str
    signatory_title: str
    academy_name: str = "SMP Academy"
    #: one line naming the practical record, from ``practical_record_line(cert.requirements)``
    practical_record: str = ""


#: how each counted requirement reads in the practical record line, given what was achieved
PRACTICAL_PHRASES = {
    "supervised_cases": "{:g} supervised client cases",
    "healed_reviews": "{:g} reviewed healed",
    "observed_procedure": "hygiene procedure observed",
    "practical_exam": "practical exam passed",
    "cpd_hours": "{:g} CPD hours",
}


def practical_record_line(requirements: list[dict]) -> str:
    """The line "Practical record: …" from a certificate's requirement entries (the met ones,
    each kind once), or "" when the credential rests on no practical work with clients."""
    phrases: dict[str, str] = {}
    for entry in requirements:
        kind = entry["kind"]
        if kind in PRACTICAL_PHRASES and entry["met_on"] and kind not in phrases:
            phrases[kind] = PRACTICAL_PHRASES[kind].format(entry["achieved"] or 0)
    return f"Practical record: {', '.join(phrases.values())}" if phrases else ""


def format_date(day: date) -> str:
    """Dates as printed: ``4 March 2026`` — unambiguous in every country a clinic is in."""
    return f"{day.day} {day:%B %Y}"


@functools.cache
def _environment() -> jinja2.Environment:
    """One autoescaping Jinja environment per process (not Flask's: workers have no app)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["certificate_date"] = format_date
    return env


def qr_data_uri(url: str) -> str:
    """The verify URL as an SVG QR code in a ``data:`` URI (vector, so it prints sharp)."""
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_data_uri(scale=1, border=4, dark="#14304f", omitsize=True)


def render_certificate_html(doc: CertificateDocument) -> str:
    """The certificate's HTML; separate from rendering so it can be looked at in a browser."""
    template = _environment().get_template(TEMPLATE_NAME)
    return template.render(
        doc=doc,
        qr_uri=qr_data_uri(doc.verify_url),
        keywords=f"{KEYWORD_PREFIX}, {doc.code}",
    )


def render_certificate_pdf(doc: CertificateDocument) -> bytes:
    """The certificate as PDF bytes: one A4 landscape page, fonts embedded, code in metadata."""
    return render_pdf(render_certificate_html(doc), stylesheet=STYLESHEET)
