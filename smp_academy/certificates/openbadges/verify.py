"""One verdict on a presented credential: valid, revoked, expired, tampered, not ours, malformed.

The checks run in the order that gives the most useful answer: a credential that cannot be
read is "malformed"; one signed with a key outside our DID document, or naming another
issuer, is "not_ours"; a signature that does not match the content is "tampered"; only a
genuine credential is then "revoked" (its status list bit, itself a signed list) or
"expired" (``validUntil``) — revocation first, as it is the stronger statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from smp_academy.certificates.codes import is_valid_code
from smp_academy.certificates.openbadges.did import assertion_key
from smp_academy.certificates.openbadges.loader import CREDENTIALS_V2
from smp_academy.certificates.openbadges.proof import verify_proof
from smp_academy.certificates.openbadges.status_list import STATUS_PURPOSE, StatusListError, bit_at

VerdictStatus = Literal["valid", "revoked", "expired", "tampered", "not_ours", "malformed"]
# Returns the signed status list credential published at a URL, or None if it is not ours.
StatusListLookup = Callable[[str], dict[str, Any] | None]


@dataclass(frozen=True)
class Verdict:
    status: VerdictStatus
    reason: str
    credential_id: str | None = None
    code: str | None = None
    name: str | None = None
    holder_name: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == "valid"

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"valid": self.is_valid}


class _Rejected(Exception):
    def __init__(self, status: VerdictStatus, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def verify_credential(
    document: Any,
    *,
    did_document: dict[str, Any],
    status_list_lookup: StatusListLookup,
    now: datetime,
) -> Verdict:
    """Verify ``document`` against our published DID document and status lists at ``now``."""
    if not isinstance(document, dict):
        return Verdict("malformed", "it is not a credential (expected a JSON object)")
    facts = _facts(document)
    try:
        _check_shape(document)
        _check_signature(document, did_document)
        _check_issuer(document, did_document)
        _check_status(document, did_document, status_list_lookup)
        _check_dates(document, now)
    except _Rejected as rejection:
        return Verdict(rejection.status, rejection.reason, **facts)
    return Verdict("valid", "signed by this academy, unchanged, not revoked, not expired", **facts)


def _check_shape(document: dict[str, Any]) -> None:
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != CREDENTIALS_V2:
        raise _Rejected("malformed", "it is not a Verifiable Credential 2.0 document")
    types = document.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        raise _Rejected("malformed", "it is not typed as a VerifiableCredential")


def _check_signature(document: dict[str, Any], did_document: dict[str, Any]) -> None:
    result = verify_proof(document, lambda method: assertion_key(did_document, method))
    if not result.is_valid:
        raise _Rejected(result.status, result.reason)


def _check_issuer(document: dict[str, Any], did_document: dict[str, Any]) -> None:
    issuer = _issuer_id(document)
    if issuer != did_document.get("id"):
        raise _Rejected("not_ours", f"it names another issuer: {issuer}")


def _check_status(
    document: dict[str, Any], did_document: dict[str, Any], lookup: StatusListLookup
) -> None:
    entry = document.get("credentialStatus")
    if entry is None:
        return
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        raise _Rejected("malformed", "its status entry is not a Bitstring Status List entry")
    if entry.get("statusPurpose") != STATUS_PURPOSE:
        raise _Rejected("malformed", "its status entry is not for revocation")
    url = entry.get("statusListCredential")
    index: Any = entry.get("statusListIndex")
    status_list = lookup(url) if isinstance(url, str) else None
    if status_list is None:
        raise _Rejected("malformed", f"its status list is not one we publish: {url}")
    encoded = _verified_encoded_list(status_list, did_document)
    try:
        revoked = bit_at(encoded, int(index))
    except (TypeError, ValueError, StatusListError) as error:
        raise _Rejected("malformed", f"its revocation status cannot be read: {error}") from None
    if revoked:
        raise _Rejected("revoked", "the academy has revoked it")


def _verified_encoded_list(status_list: dict[str, Any], did_document: dict[str, Any]) -> Any:
    """The list's ``encodedList`` once its own signature and issuer check out."""
    try:
        _check_signature(status_list, did_document)
        _check_issuer(status_list, did_document)
    except _Rejected as rejection:
        raise _Rejected(
            "malformed", f"its status list is not genuine: {rejection.reason}"
        ) from None
    subject = status_list.get("credentialSubject")
    return subject.get("encodedList") if isinstance(subject, dict) else None


def _check_dates(document: dict[str, Any], now: datetime) -> None:
    valid_from = _parse_datetime(document.get("validFrom"), "validFrom")
    if valid_from is not None and now < valid_from:
        raise _Rejected("malformed", f"it only becomes valid at {document['validFrom']}")
    valid_until = _parse_datetime(document.get("validUntil"), "validUntil")
    if valid_until is not None and now > valid_until:
        raise _Rejected("expired", f"it expired at {document['validUntil']}")


def _parse_datetime(value: Any, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise _Rejected("malformed", f"its {name} is not a date and time") from None
    if moment.tzinfo is None:
        raise _Rejected("malformed", f"its {name} has no time zone")
    return moment


def _issuer_id(document: dict[str, Any]) -> Any:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _facts(document: dict[str, Any]) -> dict[str, str | None]:
    """What the credential says about itself, for display next to the verdict."""
    credential_id = _text(document.get("id"))
    last_segment = (credential_id or "").rstrip("/").rsplit("/", 1)[-1]
    return {
        "credential_id": credential_id,
        "code": last_segment if is_valid_code(last_segment) else None,
        "name": _text(document.get("name")),
        "holder_name": _holder_name(document.get("credentialSubject")),
        "valid_from": _text(document.get("validFrom")),
        "valid_until": _text(document.get("validUntil")),
    }


def _holder_name(subject: Any) -> str | None:
    identifiers = subject.get("identifier") if isinstance(subject, dict) else None
    for identity in identifiers if isinstance(identifiers, list) else []:
        if isinstance(identity, dict) and identity.get("identityType") == "name":
            return _text(identity.get("identityHash")) if identity.get("hashed") is False else None
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
