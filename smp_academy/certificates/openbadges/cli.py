"""``certificates verify-credential FILE``: the pure part, for the Flask CLI to wrap.

Exit 0 when the credential is valid, 1 when it is not (revoked, expired, tampered, not ours,
malformed), 2 when the file cannot be read as a credential at all — then the JSON holds only
``error``, which the wrapper prints as one line on stderr.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from smp_academy.certificates.openbadges.attachment import (
    CredentialFileError,
    credential_from_bytes,
)
from smp_academy.certificates.openbadges.verify import StatusListLookup, verify_credential

EXIT_VALID, EXIT_NOT_VALID, EXIT_BAD_INPUT = 0, 1, 2
_MAX_FILE_BYTES = 50_000_000


def verify_credential_file(
    path: Path,
    *,
    did_document: dict[str, Any],
    status_list_lookup: StatusListLookup,
    now: datetime,
) -> tuple[int, dict[str, Any]]:
    """Verify a credential JSON file, or the credential attached to a certificate PDF."""
    try:
        document = read_credential_file(Path(path))
    except CredentialFileError as error:
        return EXIT_BAD_INPUT, {"error": f"{path}: {error}"}
    verdict = verify_credential(
        document, did_document=did_document, status_list_lookup=status_list_lookup, now=now
    )
    report = {"file": str(path)} | verdict.as_json()
    return (EXIT_VALID if verdict.is_valid else EXIT_NOT_VALID), report


def read_credential_file(path: Path) -> dict[str, Any]:
    """The credential in a JSON file or attached to a PDF; CredentialFileError otherwise."""
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise CredentialFileError("the file is too large to be a credential")
        data = path.read_bytes()
    except OSError as error:
        raise CredentialFileError(f"cannot read it ({error.strerror or error})") from None
    return credential_from_bytes(data)
