"""Key folder, Multikey encoding, did:web, and rotation: old credentials keep verifying."""

from __future__ import annotations

import stat
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import serialization

from smp_academy.certificates.openbadges import did, keys
from smp_academy.certificates.openbadges.credential import build_achievement_credential
from smp_academy.certificates.openbadges.verify import verify_credential
from tests.certificates.openbadges.conftest import BASE_URL, DURING_VALIDITY, sign_with


def test_rotation_keeps_the_old_key_published(keyset, did_doc):
    assert keyset.current.key_id == "2026-01"
    assert [key.key_id for key in keyset.retired] == ["2025-01"]
    assert did_doc["id"] == "did:web:academy.example.org"
    assert did_doc["assertionMethod"] == [
        "did:web:academy.example.org#2026-01",
        "did:web:academy.example.org#2025-01",
    ]
    assert {m["type"] for m in did_doc["verificationMethod"]} == {"Multikey"}
    assert all(m["publicKeyMultibase"].startswith("z6Mk") for m in did_doc["verificationMethod"])


def test_a_credential_signed_with_a_retired_key_still_verifies(
    key_folder, credential_data, did_doc, no_revocations
):
    # Sign as the academy did before rotating to 2026-01 (2025-01 kept its private half here).
    old_key = keys.SigningKey(
        "2025-01",
        serialization.load_pem_private_key((key_folder / "2025-01.pem").read_bytes(), None),
    )
    old = sign_with(old_key, build_achievement_credential(credential_data))
    verdict = verify_credential(
        old, did_document=did_doc, status_list_lookup=no_revocations, now=DURING_VALIDITY
    )
    assert verdict.status == "valid", verdict.reason
    assert old["proof"]["verificationMethod"].endswith("#2025-01")


def test_a_key_missing_from_the_did_document_is_not_ours(
    tmp_path, credential_data, did_doc, no_revocations
):
    stranger = keys.generate_key(tmp_path, "2026-01")  # same key id, different key
    forged = sign_with(stranger, build_achievement_credential(credential_data))
    verdict = verify_credential(
        forged, did_document=did_doc, status_list_lookup=no_revocations, now=DURING_VALIDITY
    )
    assert verdict.status == "tampered"  # our 2026-01 key does not match the signature

    other = keys.generate_key(tmp_path, "2027-01")
    forged = sign_with(other, build_achievement_credential(credential_data))
    verdict = verify_credential(
        forged, did_document=did_doc, status_list_lookup=no_revocations, now=DURING_VALIDITY
    )
    assert verdict.status == "not_ours"
    assert "did:web:academy.example.org#2027-01" in verdict.reason


def test_another_issuers_did_is_not_ours(keyset, credential_data, did_doc, no_revocations):
    elsewhere = replace(credential_data.issuer, did="did:web:elsewhere.example")
    document = build_achievement_credential(replace(credential_data, issuer=elsewhere))
    verdict = verify_credential(
        sign_with(keyset.current, document),
        did_document=did_doc,
        status_list_lookup=no_revocations,
        now=DURING_VALIDITY,
    )
    assert verdict.status == "not_ours"
    assert "did:web:elsewhere.example" in verdict.reason


def test_a_retired_key_may_keep_only_its_public_half(tmp_path):
    first = keys.generate_key(tmp_path, "a")
    keys.generate_key(tmp_path, "b")
    public_pem = first.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / "a.pem").write_bytes(public_pem)
    keyset = keys.load_keyset(tmp_path)
    assert [k.key_id for k in keyset.public_keys] == ["b", "a"]
    assert keyset.retired[0].multibase == keys.encode_multikey(first.private_key.public_key())


def test_generated_keys_are_private_files(tmp_path):
    keys.generate_key(tmp_path, "k1")
    assert stat.S_IMODE((tmp_path / "k1.pem").stat().st_mode) == 0o600
    assert (tmp_path / "CURRENT").read_text() == "k1\n"


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (lambda folder: None, "no credential keys"),
        (lambda folder: (folder / "CURRENT").write_text("gone\n"), "gone.pem is missing"),
        (lambda folder: (folder / "CURRENT").write_text("../etc\n"), "is not a key id"),
    ],
)
def test_an_unusable_key_folder_is_a_clear_error(tmp_path, prepare, message):
    prepare(tmp_path)
    with pytest.raises(keys.KeyFolderError, match=message):
        keys.load_keyset(tmp_path)


def test_a_non_ed25519_or_garbage_pem_is_refused(tmp_path):
    keys.generate_key(tmp_path, "good")
    (tmp_path / "junk.pem").write_text(
        "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n"
    )
    with pytest.raises(keys.KeyFolderError, match=r"junk\.pem: not a readable PEM key"):
        keys.load_keyset(tmp_path)


def test_generate_refuses_to_overwrite_and_odd_ids(tmp_path):
    keys.generate_key(tmp_path, "k1")
    with pytest.raises(keys.KeyFolderError, match="already exists"):
        keys.generate_key(tmp_path, "k1")
    with pytest.raises(keys.KeyFolderError, match="key id"):
        keys.generate_key(tmp_path, "a/b")


def test_multikey_round_trip_and_known_value():
    # The W3C vc-di-eddsa test key: hex from its publicKeyMultibase, decoded back.
    value = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    assert keys.encode_multikey(keys.decode_multikey(value)) == value
    for bad in ("6Mkr", "z" + "1" * 10, "zQ3sh"):
        with pytest.raises(ValueError):
            keys.decode_multikey(bad)


@pytest.mark.parametrize(
    ("base_url", "expected", "route"),
    [
        ("https://academy.example.org", "did:web:academy.example.org", "/.well-known/did.json"),
        ("https://academy.example.org/", "did:web:academy.example.org", "/.well-known/did.json"),
        ("http://127.0.0.1:5000", "did:web:127.0.0.1%3A5000", "/.well-known/did.json"),
        ("https://example.org/smp/academy", "did:web:example.org:smp:academy", "/did.json"),
    ],
)
def test_did_web_from_base_url(base_url, expected, route):
    assert did.did_web(base_url) == expected
    assert did.did_document_route(base_url) == route


def test_did_web_refuses_a_non_url():
    with pytest.raises(ValueError):
        did.did_web("academy.example.org")


def test_assertion_key_requires_the_method_under_assertion_method(did_doc):
    method = "did:web:academy.example.org#2026-01"
    assert did.assertion_key(did_doc, method) is not None
    not_listed = did_doc | {"assertionMethod": []}
    assert did.assertion_key(not_listed, method) is None
    assert did.assertion_key(did_doc, "did:web:evil.example#2026-01") is None
    assert did.assertion_key(did_doc, f"{BASE_URL}#2026-01") is None
