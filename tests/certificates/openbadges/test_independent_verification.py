"""Checking our proofs without our verify code, and our code against the W3C test vector.

The independent path follows vc-di-eddsa §3.3 by hand: canonicalise proof options and
document with pyld directly (its own copy of the VC 2.0 context, our shipped OB context),
hash each with SHA-256, concatenate proof hash then document hash, decode the base58btc
``proofValue`` and the Multikey from the DID document, and check Ed25519 with
``cryptography``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import base58
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld
from pyld.documentloader.frozen import BUNDLED_CONTEXTS, FrozenDocumentLoader

from smp_academy.certificates.openbadges import loader
from smp_academy.certificates.openbadges.proof import encode_signature, hash_data, verify_proof

OB_CONTEXT = Path(loader.__file__).parent / "contexts/ob-v3p0-context-3.0.3.json"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"

# W3C vc-di-eddsa test vector for eddsa-rdfc-2022 (TestVectors/eddsa-rdfc-2022, keyPair.json).
W3C_PUBLIC_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_PRIVATE_KEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_COMBINED_HASH = (
    "4c4d3890a157f8d611b13c265c2c22f39aa0a567c7c7dd9ba3e45cd579784eeb"
    "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
)
W3C_SIGNED = {
    "@context": ["https://www.w3.org/ns/credentials/v2", EXAMPLES_V2],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": f"https://vc.example/issuers/5678#{W3C_PUBLIC_KEY}",
        "proofPurpose": "assertionMethod",
        "proofValue": "z21EVs3eXERqTn4acNHT9viboqgzUaQ3kTmhPT3eA8qrVPE7CrQq78Wkzctn"
        "MX5W4CrzcKnHw8V6dvy5pgWYCU5e9",
    },
}


def pyld_canonical(document: dict) -> bytes:
    documents = {**BUNDLED_CONTEXTS, loader.OPEN_BADGES_V3: OB_CONTEXT}
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": FrozenDocumentLoader(documents),
    }
    return jsonld.normalize(document, options).encode("utf-8")


def multikey_from_did_document(did_doc: dict, method_id: str) -> Ed25519PublicKey:
    (method,) = [m for m in did_doc["verificationMethod"] if m["id"] == method_id]
    assert method_id in did_doc["assertionMethod"]
    raw = base58.b58decode(method["publicKeyMultibase"].removeprefix("z"))
    assert raw[:2] == b"\xed\x01"
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def check_independently(credential: dict, did_doc: dict) -> None:
    """vc-di-eddsa §3.3 verification by hand; raises InvalidSignature when it fails."""
    proof = credential["proof"]
    document = {k: v for k, v in credential.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    proof_config = {"@context": document["@context"]} | options
    proof_hash = hashlib.sha256(pyld_canonical(proof_config)).digest()
    document_hash = hashlib.sha256(pyld_canonical(document)).digest()
    signature = base58.b58decode(proof["proofValue"].removeprefix("z"))
    assert len(signature) == 64
    public_key = multikey_from_did_document(did_doc, proof["verificationMethod"])
    public_key.verify(signature, proof_hash + document_hash)


def test_our_proof_verifies_by_the_specification_alone(signed_credential, did_doc):
    check_independently(signed_credential, did_doc)


def test_the_independent_path_rejects_a_changed_credential(signed_credential, did_doc):
    changed = signed_credential | {"name": "Certified SMP Master"}
    with pytest.raises(InvalidSignature):
        check_independently(changed, did_doc)


def test_shipped_vc2_context_is_the_one_pyld_bundles():
    shipped = loader.SHIPPED_CONTEXTS[loader.CREDENTIALS_V2].read_bytes()
    assert shipped == BUNDLED_CONTEXTS[loader.CREDENTIALS_V2].read_bytes()


@pytest.fixture
def examples_context(monkeypatch):
    """The W3C examples context, served for the test vector only."""
    path = Path(__file__).parent / "data/credentials-examples-v2.jsonld"
    monkeypatch.setitem(loader.SHIPPED_CONTEXTS, EXAMPLES_V2, path)
    yield
    loader._RESOLVED_CONTEXTS.clear()


@pytest.mark.usefixtures("examples_context")
def test_w3c_eddsa_rdfc_2022_vector_verifies():
    public_key = Ed25519PublicKey.from_public_bytes(base58.b58decode(W3C_PUBLIC_KEY[1:])[2:])
    result = verify_proof(W3C_SIGNED, lambda method: public_key)
    assert result.status == "valid", result.reason


@pytest.mark.usefixtures("examples_context")
def test_w3c_vector_hash_and_signature_are_reproduced():
    unsecured = {k: v for k, v in W3C_SIGNED.items() if k != "proof"}
    options = {k: v for k, v in W3C_SIGNED["proof"].items() if k != "proofValue"}
    data = hash_data(unsecured, options)
    assert data.hex() == W3C_COMBINED_HASH
    seed = base58.b58decode(W3C_PRIVATE_KEY[1:])
    assert seed[:2] == b"\x80\x26"  # multicodec ed25519-priv
    signature = Ed25519PrivateKey.from_private_bytes(seed[2:]).sign(data)
    assert encode_signature(signature) == W3C_SIGNED["proof"]["proofValue"]
