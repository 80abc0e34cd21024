"""The academy's did:web identifier and DID document, and finding a key in one.

did:web ties the issuer to the academy's own domain: anyone resolves
``did:web:academy.example.org`` by fetching ``https://academy.example.org/.well-known/did.json``.
The document lists the current key and every retired one under ``assertionMethod``, so a
credential signed before a key rotation still verifies.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from smp_academy.certificates.openbadges.keys import KeySet, decode_multikey

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def did_web(base_url: str) -> str:
    """``https://host:8443/academy`` → ``did:web:host%3A8443:academy`` (did:web §3.1)."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {base_url!r}")
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    segments = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did", "web", host, *segments])


def did_document_route(base_url: str) -> str:
    """Where, inside the app, the DID document must be served for ``did_web(base_url)``.

    With a bare host it is ``/.well-known/did.json``; when SMP_BASE_URL has a path (the app
    mounted under it), did:web looks for ``<path>/did.json``, i.e. ``/did.json`` in the app.
    """
    return "/did.json" if urlsplit(base_url).path.strip("/") else "/.well-known/did.json"


def verification_method_id(did: str, key_id: str) -> str:
    return f"{did}#{key_id}"


def did_document(base_url: str, keyset: KeySet) -> dict[str, Any]:
    """The DID document to publish: every key, current first, all usable for assertions."""
    did = did_web(base_url)
    methods = [
        {
            "id": verification_method_id(did, key.key_id),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.multibase,
        }
        for key in keyset.public_keys
    ]
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def assertion_key(document: dict[str, Any], method_id: str) -> Ed25519PublicKey | None:
    """The Ed25519 key behind ``method_id`` if this DID document lets it sign assertions."""
    if not isinstance(document, dict) or not method_id.startswith(f"{document.get('id')}#"):
        return None
    if method_id not in (document.get("assertionMethod") or []):
        return None
    for method in document.get("verificationMethod") or []:
        if isinstance(method, dict) and method.get("id") == method_id:
            try:
                return decode_multikey(str(method.get("publicKeyMultibase", "")))
            except ValueError:
                return None
    return None
