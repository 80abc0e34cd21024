"""Render + sign one certificate against WeasyPrint rendering a bare page, in one process.

The machines are shared and noisy, so absolute times drift between runs; the ratio of the
two medians, with A and B interleaved, is the figure to compare (target: at most 1.5x).

Usage: .venv/bin/python bench/certificates.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from smp_academy.certificates.codes import generate_code
from smp_academy.certificates.dev_identity import ensure_dev_signing_identity
from smp_academy.certificates.pdf import CertificateDocument, render_certificate_pdf
from smp_academy.certificates.signing import PdfSigner, verify_signed_pdf
from smp_academy.core.pdf import render_pdf

RUNS = 20
WARMUP = 3
BARE_HTML = (
    "<!doctype html><html><head><style>@page { size: A4 landscape }</style></head>"
    "<body><h1>Certificate</h1><p>A bare one-page document.</p></body></html>"
)


def sample_document() -> CertificateDocument:
    """A realistic certificate: long-ish name, five covered items, an expiry date."""
    code = generate_code()
    return CertificateDocument(
        code=code,
        holder_name="Amara Okonkwo-Lindqvist",
        credential_title="Certified SMP Practitioner",
        description="Competent to plan and perform scalp micropigmentation treatments, "
        "including hairline design, density building and scar camouflage.",
        covers=[
            "Foundations of Scalp Micropigmentation",
            "Hygiene and Bloodborne Pathogens",
            "Hairline Design",
            "Pigments and Needles",
            "Practical assessment: density drill on practice skin",
        ],
        issued_on=date(2026, 3, 4),
        expires_on=date(2028, 3, 4),
        verify_url=f"http://127.0.0.1:5000/verify/{code}",
        signatory_name="Dr. Maria Lindqvist",
        signatory_title="Head of Training",
    )


def timed(func: Callable[[], object]) -> float:
    """Milliseconds one call takes."""
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as instance:
        key_path, cert_path = ensure_dev_signing_identity(Path(instance))
        signer = PdfSigner(key_path, cert_path)
        doc = sample_document()
        unsigned = render_certificate_pdf(doc)
        signed = signer.sign(unsigned)
        steps: dict[str, Callable[[], object]] = {
            "bare WeasyPrint page (baseline)": lambda: render_pdf(BARE_HTML),
            "certificate: render + sign": lambda: signer.sign(render_certificate_pdf(doc)),
            "certificate: render only": lambda: render_certificate_pdf(doc),
            "certificate: sign only": lambda: signer.sign(unsigned),
            "verify signed PDF": lambda: verify_signed_pdf(signed, cert_path),
        }
        samples: dict[str, list[float]] = {name: [] for name in steps}
        for run in range(WARMUP + RUNS):
            for name, func in steps.items():  # interleaved: each round runs every step once
                elapsed = timed(func)
                if run >= WARMUP:
                    samples[name].append(elapsed)
    print_table({name: statistics.median(values) for name, values in samples.items()})


def print_table(medians: dict[str, float]) -> None:
    """Markdown table of medians plus the headline ratio."""
    baseline = medians["bare WeasyPrint page (baseline)"]
    print(f"| step (median of {RUNS} warm runs, interleaved) | ms | × baseline |")
    print("|---|---:|---:|")
    for name, value in medians.items():
        print(f"| {name} | {value:.1f} | {value / baseline:.2f} |")
    ratio = medians["certificate: render + sign"] / baseline
    overhead = medians["certificate: render + sign"] / medians["certificate: render only"]
    print(f"\nrender + sign / bare page = {ratio:.2f}× (target ≤ 1.5×)")
    print(f"render + sign / render only = {overhead:.2f}× (what signing adds)")


if __name__ == "__main__":
    main()
