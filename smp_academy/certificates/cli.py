"""``flask certificates verify-pdf``, ``verify-credential``, ``credentials`` and
``credential-key``.

Exit status of the two checks: 0 when the file is genuine (verify-pdf: signed by this academy
and unchanged since; verify-credential: also not revoked and not expired), 1 when it is not
(the JSON report says why), 2 when the input cannot be read at all (one line on stderr).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from smp_academy.certificates import credentials
from smp_academy.certificates.documents import backfill_credentials, check_pdf
from smp_academy.certificates.models import CertificateCredential
from smp_academy.certificates.openbadges.cli import EXIT_BAD_INPUT, verify_credential_file
from smp_academy.certificates.openbadges.keys import KeyFolderError, generate_key
from smp_academy.certificates.status import certificate_json, status_of
from smp_academy.core.cli_support import BadInput, unit_of_work
from smp_academy.extensions import db

NOT_GENUINE = 1
#: ``verify_signed_pdf``'s reason for a file it cannot parse: bad input, not a verdict
UNREADABLE_REASON = "this file is not a readable PDF"

certificates = AppGroup("certificates", help="Issued certificates.")


@contextmanager
def quiet(library: str) -> Iterator[None]:
    """Silence a PDF library's logger for one check: pyHanko logs a traceback when its
    difference analysis meets an incremental forgery, pypdf a warning for a damaged file; the
    report or the one-line error already says so, and a log would only scare the person."""
    logger = logging.getLogger(library)  # its modules' loggers inherit this level
    previous = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _read_pdf(file: Path) -> bytes:
    try:
        data = file.read_bytes()
    except OSError as error:
        raise BadInput(f"cannot read {file}: {error.strerror or error}") from None
    if not data.startswith(b"%PDF"):
        raise BadInput(f"{file} is not a PDF file")
    return data


@certificates.command("verify-pdf")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def verify_pdf(ctx: click.Context, file: Path) -> None:
    """Print JSON: is the signature intact and ours, the code inside, and its status now.
    Exits 1 when the file is not a genuine certificate PDF."""
    data = _read_pdf(file)
    with quiet("pyhanko"):
        check, cert = check_pdf(data)
    if check.reason == UNREADABLE_REASON:
        raise BadInput(f"{file} is not a readable PDF file (it is damaged or incomplete)")
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
    if not check.is_genuine:
        ctx.exit(NOT_GENUINE)


@certificates.command("verify-credential")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def verify_credential(ctx: click.Context, file: Path) -> None:
    """Print JSON: is this Open Badges credential (a JSON file, or the one a certificate PDF
    carries) ours, unchanged, not revoked and not expired. Exits 1 when it is not valid."""
    with quiet("pypdf"):
        exit_code, report = verify_credential_file(file, **credentials.verification_context())
    if exit_code == EXIT_BAD_INPUT:
        raise BadInput(report["error"])
    cert = credentials.certificate_named(report.get("code"))
    report["certificate"] = certificate_json(cert) if cert else None
    click.echo(json.dumps(report, indent=2))
    ctx.exit(exit_code)


@certificates.command("credentials")
@click.option(
    "--backfill", is_flag=True, help="Make the credential of every certificate that has none."
)
@unit_of_work
def credentials_summary(backfill: bool) -> None:
    """How many certificates carry their digital credential; --backfill makes the missing ones
    (in jobs) and publishes every status list afresh."""
    if backfill:
        queued = backfill_credentials()
        click.echo(f"queued {queued} certificate(s) for their digital credential")
        return
    total, signed = db.session.execute(
        select(func.count(CertificateCredential.id), func.count(CertificateCredential.document))
    ).one()
    click.echo(f"{total} certificate(s), {signed} with their digital credential")
    if signed < total:
        click.echo("run with --backfill to make the missing ones")


@certificates.command("credential-key")
@click.argument("key_id")
def new_credential_key(key_id: str) -> None:
    """Make KEY_ID the new current key that signs credentials (in SMP_CREDENTIAL_KEYS_PATH); the
    previous key stays in the folder and in did.json, so what it signed still verifies."""
    folder = Path(current_app.config["CREDENTIAL_KEYS_PATH"])
    try:
        key = generate_key(folder, key_id)
    except (KeyFolderError, OSError) as error:
        raise BadInput(str(error)) from None
    click.echo(
        f"{key.key_id} ({key.public.multibase}) now signs new credentials; restart the app "
        "and the workers so that they use it"
    )
