"""``flask certificates verify-pdf`` and ``flask clinics token``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from smp_academy.auth.services import find_user_by_email
from smp_academy.certificates import services
from smp_academy.core.cli_support import BadInput, unit_of_work
from smp_academy.verification.services import create_token

certificates = AppGroup("certificates", help="Issued certificates.")
clinics = AppGroup("clinics", help="Clinic accounts and their API tokens.")


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
    check, cert = services.check_pdf(data)
    report = {
        "file": str(file),
        "signed": check.signed,
        "intact": check.intact,
        "by_academy": check.by_academy,
        "valid_signature": check.is_genuine,
        "code": check.code,
        "status": services.status_of(cert) if cert else ("not_found" if check.code else None),
        "certificate": services.certificate_json(cert) if cert else None,
        "message": check.reason,
    }
    click.echo(json.dumps(report, indent=2))


@clinics.command("token")
@click.argument("email")
@click.option("--name", default="API token", show_default=True, help="A label for the token.")
@unit_of_work
def clinic_token(email: str, name: str) -> None:
    """Issue a new API token for a clinic account and print it once."""
    clinic = find_user_by_email(email)
    if clinic is None:
        raise BadInput(f"no account with the e-mail {email}")
    row, token = create_token(clinic, name)
    click.echo(token)
    click.echo(
        f"token {row.prefix}… for {clinic.name}: store it now, it is not shown again", err=True
    )
