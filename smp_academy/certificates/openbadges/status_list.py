"""W3C Bitstring Status List v1.0: one bit per credential, 1 = revoked.

The list is published as a signed ``BitstringStatusListCredential`` at a stable URL. Every
credential names its list and its index, so anyone can check revocation offline from a
cached copy of the list, and the list reveals nothing but which indexes are revoked. The
list has at least 131,072 entries (16 KB) so that one revocation cannot be singled out
(the spec's herd privacy); gzip shrinks a mostly-empty list to a few hundred bytes.
"""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from smp_academy.certificates.openbadges.loader import CREDENTIALS_V2
from smp_academy.certificates.openbadges.proof import format_datetime

MIN_ENTRIES = 131_072
STATUS_PURPOSE = "revocation"
# A list ten times the minimum is far beyond our needs; refuse to inflate anything larger.
_MAX_BYTES = 10 * MIN_ENTRIES // 8


class StatusListError(ValueError):
    """An encoded list that cannot be read, or an index outside it."""


def encode_list(revoked_indexes: Iterable[int], size: int = MIN_ENTRIES) -> str:
    """The ``encodedList`` with the given indexes set: multibase ``u`` + base64url(gzip)."""
    if size < MIN_ENTRIES or size % 8:
        raise StatusListError(f"a status list has at least {MIN_ENTRIES} entries, a multiple of 8")
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        _check_index(index, size)
        bits[index // 8] |= 0x80 >> (index % 8)  # index 0 is the left-most bit
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_list(encoded_list: str) -> bytes:
    """The raw bitstring of an ``encodedList``; StatusListError when it is not one."""
    if not isinstance(encoded_list, str) or not encoded_list.startswith("u"):
        raise StatusListError("the status list is not base64url multibase")
    body = encoded_list[1:]
    try:
        padded = body + "=" * (-len(body) % 4)
        compressed = base64.b64decode(padded, altchars=b"-_", validate=True)
        inflater = zlib.decompressobj(wbits=31)  # gzip container
        bits = inflater.decompress(compressed, _MAX_BYTES + 1)
    except (ValueError, zlib.error):
        raise StatusListError("the status list is not gzip-compressed base64url") from None
    if len(bits) > _MAX_BYTES:
        raise StatusListError("the status list is implausibly large")
    if not inflater.eof:
        raise StatusListError("the status list is truncated")
    if len(bits) * 8 < MIN_ENTRIES:
        raise StatusListError(f"the status list has fewer than {MIN_ENTRIES} entries")
    return bits


def bit_at(encoded_list: str, index: int) -> bool:
    """Whether entry ``index`` is set (for a revocation list: revoked)."""
    bits = decode_list(encoded_list)
    _check_index(index, len(bits) * 8)
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_entry(list_url: str, index: int) -> dict[str, Any]:
    """The ``credentialStatus`` of the credential at ``index`` of the list at ``list_url``."""
    _check_index(index, MIN_ENTRIES)
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": STATUS_PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def build_status_list_credential(
    url: str,
    issuer_did: str,
    revoked_indexes: Iterable[int],
    *,
    valid_from: datetime,
    size: int = MIN_ENTRIES,
) -> dict[str, Any]:
    """The unsigned list credential to publish at ``url``; sign it like any credential."""
    return {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": format_datetime(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encode_list(revoked_indexes, size),
        },
    }


def _check_index(index: int, size: int) -> None:
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < size:
        raise StatusListError(f"status list index {index!r} is outside 0–{size - 1}")
