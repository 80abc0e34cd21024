"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C vc-di-eddsa §3.3).

The signature covers ``sha256(canonical proof options) || sha256(canonical document)``, both
canonicalised with RDFC-1.0 through the shipped contexts. An embedded proof keeps the
credential one readable JSON document, and it is what Open Badges 3.0 names for embedded
proofs, which is why we chose it over a VC-JWT.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from smp_academy.certificates.openbadges.keys import SigningKey
from smp_academy.certificates.openbadges.loader import CanonicalizationError, canonize

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"
SIGNATURE_LENGTH = 64

ProofStatus = Literal["valid", "tampered", "not_ours", "malformed"]
KeyResolver = Callable[[str], Ed25519PublicKey | None]


@dataclass(frozen=True)
class ProofResult:
    status: ProofStatus
    reason: str
    verification_method: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == "valid"


def sign(
    credential: dict[str, Any], key: SigningKey, *, verification_method: str, created: datetime
) -> dict[str, Any]:
    """A copy of ``credential`` with an embedded ``eddsa-rdfc-2022`` proof by ``key``."""
    unsecured = {name: value for name, value in credential.items() if name != "proof"}
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": format_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    signature = key.private_key.sign(hash_data(unsecured, options))
    return unsecured | {"proof": options | {"proofValue": encode_signature(signature)}}


def verify_proof(credential: dict[str, Any], resolve_key: KeyResolver) -> ProofResult:
    """Check the embedded proof; ``resolve_key`` maps a verification method id to its key."""
    proof: Any = credential.get("proof")  # a dict of strings once its shape is checked
    problem = _proof_shape_problem(proof)
    if problem:
        return ProofResult("malformed", problem)
    method = proof["verificationMethod"]
    public_key = resolve_key(method)
    if public_key is None:
        return ProofResult("not_ours", f"it is signed with a key we never used: {method}", method)
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    unsecured = {name: value for name, value in credential.items() if name != "proof"}
    try:
        signature = decode_signature(proof["proofValue"])
        public_key.verify(signature, hash_data(unsecured, options))
    except CanonicalizationError as error:
        return ProofResult("malformed", f"it cannot be checked: {error}", method)
    except (ValueError, InvalidSignature):
        return ProofResult("tampered", "its signature does not match its content", method)
    return ProofResult("valid", "the signature is intact", method)


def hash_data(unsecured: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    """proofConfigHash || transformedDocumentHash, each SHA-256 of canonical N-Quads."""
    proof_config = {"@context": unsecured.get("@context")} | proof_options
    return _sha256(canonize(proof_config)) + _sha256(canonize(unsecured))


def encode_signature(signature: bytes) -> str:
    return "z" + base58.b58encode(signature).decode("ascii")


def decode_signature(proof_value: str) -> bytes:
    """The raw signature of a base58btc ``proofValue``; ValueError when it cannot be one."""
    if not proof_value.startswith("z"):
        raise ValueError("proofValue is not base58btc multibase")
    signature = base58.b58decode(proof_value[1:])
    if len(signature) != SIGNATURE_LENGTH:
        raise ValueError("proofValue is not an Ed25519 signature")
    return signature


def format_datetime(moment: datetime) -> str:
    """XML Schema dateTime in UTC with a Z, to the second (what the specs' examples use)."""
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is needed")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _proof_shape_problem(proof: Any) -> str | None:
    if proof is None:
        return "it carries no proof"
    if not isinstance(proof, dict):
        return "it carries several proofs or an unreadable one; we issue exactly one"
    expected = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "proofPurpose": PROOF_PURPOSE}
    for name, value in expected.items():
        if proof.get(name) != value:
            return f"its proof is not an {CRYPTOSUITE} assertion proof ({name} is wrong)"
    for name in ("verificationMethod", "proofValue"):
        if not isinstance(proof.get(name), str):
            return f"its proof has no {name}"
    return None


def _sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()
