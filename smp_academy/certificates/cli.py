"""``flask certificates verify-pdf``.

Exit status: 0 when the file is a genuine certificate PDF (signed by this academy and unchanged
since), 1 when it is not (altered, unsigned or signed by someone else: the JSON report says
which), 2 when the input cannot be read as a PDF at all (one line on stderr).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import AppGroup

from smp_academy.certificates.documents import check_pdf
from smp_academy.certificates.status import certificate_json, status_of
from smp_academy.core.cli_support import BadInput

NOT_GENUINE = 1
#: ``verify_signed_pdf``'s reason for a file it cannot parse: bad input, not a verdict
UNREADABLE_REASON = "this file is not a readable PDF"

certificates = AppGroup("certificates", help="Issued certificates.")


@contextmanager
def pyhanko_quiet() -> Iterator[None]:
    """pyHanko logs a traceback when its difference analysis meets an incremental forgery; the
    report already says the file was changed, so that log would only scare the person."""
    logger = logging.getLogger("pyhanko")  # its modules' loggers inherit this level
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
    with pyhanko_quiet():
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
