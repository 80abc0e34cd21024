"""``flask certificates verify-pdf``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from smp_academy.certificates.documents import check_pdf
from smp_academy.certificates.status import certificate_json, status_of
from smp_academy.core.cli_support import BadInput

certificates = AppGroup("certificates", help="Issued certificates.")


@certificates.command("verify-pdf")
@click.argument("file", type=click.Path(path_type=Path))
def verify_pdf(file: Path) -> None:
    """Print JSON: is the signature intact and ours, the code inside, and its status now."""
    try:
        data = file.read_bytes()
    except OSError as error:
        raise BadInput(f"cannot read {file}: {error.strerror or error}") from None
    if not data.startswith(b"%PDF"):
        raise BadInput(f"{file} is not a PDF file")
    check, cert = check_pdf(data)
    report = {
        "file": str(file),
        "signed": check.signed,
        "intact": check.intact,
        "by_academy": check.by_academy,
        "valid_signature": check.is_genuine,
        "code": check.code,
        "status": status_of(cert).value if cert else ("not_found" if check.code else None),
        "certificate": certificate_json(cert) if cert else None,
        "message": check.reason,
    }
    click.echo(json.dumps(report, indent=2))
