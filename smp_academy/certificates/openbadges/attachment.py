"""The credential as a file attachment of the certificate PDF, so one file carries both.

Attach before the PDF is PAdES-signed: the signature then covers the attachment too, and
reading it back works on the signed file (pypdf reads the incremental update).
"""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject, TextStringObject

ATTACHMENT_NAME = "credential.json"
# A credential is a few kilobytes; refuse to parse anything absurd from an uploaded PDF.
_MAX_ATTACHMENT_BYTES = 1_000_000


class CredentialFileError(ValueError):
    """The file cannot be read as a PDF or its attachment is not a credential's JSON."""


def attach_credential(pdf_bytes: bytes, credential: dict[str, Any]) -> bytes:
    """``pdf_bytes`` with ``credential`` embedded as ``credential.json``."""
    writer = PdfWriter(clone_from=_reader(pdf_bytes))
    embedded = writer.add_attachment(ATTACHMENT_NAME, credential_bytes(credential))
    embedded.subtype = NameObject("/application/json")  # written as /application#2Fjson
    embedded.description = TextStringObject("Open Badges 3.0 credential of this certificate")
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def extract_credential_from_pdf(pdf_bytes: bytes) -> dict[str, Any] | None:
    """The embedded credential, or None when the PDF carries none."""
    reader = _reader(pdf_bytes)
    try:
        contents = reader.attachments.get(ATTACHMENT_NAME)
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise CredentialFileError(f"its attachments cannot be read ({error})") from None
    if not contents:
        return None
    data = contents[-1]
    if len(data) > _MAX_ATTACHMENT_BYTES:
        raise CredentialFileError(f"its {ATTACHMENT_NAME} attachment is implausibly large")
    return parse_credential_json(data)


def credential_bytes(credential: dict[str, Any]) -> bytes:
    """The JSON file form of a credential (UTF-8, indented for people)."""
    return json.dumps(credential, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def credential_from_bytes(data: bytes) -> dict[str, Any]:
    """The credential in a JSON file's bytes, or attached to a PDF's; CredentialFileError
    when there is none to read."""
    if not data.startswith(b"%PDF"):
        return parse_credential_json(data)
    document = extract_credential_from_pdf(data)
    if document is None:
        raise CredentialFileError(f"the PDF carries no {ATTACHMENT_NAME} attachment")
    return document


def parse_credential_json(data: bytes) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CredentialFileError("it is not a JSON document") from None
    if not isinstance(document, dict):
        raise CredentialFileError("it is not a credential (expected a JSON object)")
    return document


def _reader(pdf_bytes: bytes) -> PdfReader:
    try:
        return PdfReader(BytesIO(pdf_bytes))
    except (PdfReadError, ValueError, OSError) as error:
        raise CredentialFileError(f"it is not a readable PDF ({error})") from None
