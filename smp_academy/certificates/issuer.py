"""The academy as an Open Badges issuer: its credential keys (loaded once per process), its
did:web identity and DID document, and signing with its current key.

The keys come from SMP_CREDENTIAL_KEYS_PATH (config.py makes a development folder). After a
key rotation the processes are restarted, like after any change of settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app

from smp_academy.certificates.openbadges import did, keys, proof
from smp_academy.certificates.openbadges.credential import IssuerProfile
from smp_academy.core.clock import now_utc


def keyset() -> keys.KeySet:
    """The current and retired keys, read once per process (KeyFolderError if unusable)."""
    loaded = current_app.extensions.get("smp_credential_keys")
    if loaded is None:
        loaded = keys.load_keyset(Path(current_app.config["CREDENTIAL_KEYS_PATH"]))
        current_app.extensions["smp_credential_keys"] = loaded
    return loaded


def base_url() -> str:
    return current_app.config["BASE_URL"]


def issuer_did() -> str:
    return did.did_web(base_url())


def issuer_profile() -> IssuerProfile:
    return IssuerProfile(current_app.config["ACADEMY_NAME"], base_url(), issuer_did())


def did_document() -> dict[str, Any]:
    """The DID document published at did.json: every key that ever signed, current first."""
    return did.did_document(base_url(), keyset())


def sign(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with an ``eddsa-rdfc-2022`` proof by the current key, dated now."""
    current = keyset().current
    method = did.verification_method_id(issuer_did(), current.key_id)
    return proof.sign(document, current, verification_method=method, created=now_utc())
