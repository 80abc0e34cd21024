"""Bitstring Status List: encoding per the spec, and revocation seen by verification."""

from __future__ import annotations

import base64
import gzip

import pytest

from smp_academy.certificates.openbadges import status_list
from smp_academy.certificates.openbadges.verify import verify_credential
from tests.certificates.openbadges.conftest import DURING_VALIDITY, STATUS_LIST_URL


def raw_bits(encoded: str) -> bytes:
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_encoding_is_gzip_base64url_multibase_with_left_most_bit_first():
    encoded = status_list.encode_list([0, 9, 131_071])
    assert encoded.startswith("u") and "=" not in encoded
    bits = raw_bits(encoded)
    assert len(bits) == 16_384
    assert bits[0] == 0b1000_0000 and bits[1] == 0b0100_0000 and bits[-1] == 0b0000_0001
    assert sum(bin(byte).count("1") for byte in bits) == 3


def test_bit_at_reads_back_what_was_set():
    encoded = status_list.encode_list([5, 4242])
    assert [status_list.bit_at(encoded, i) for i in (4, 5, 4242, 4243)] == [
        False,
        True,
        True,
        False,
    ]


def test_an_empty_list_is_small():
    assert len(status_list.encode_list([])) < 200


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        ("H4sI", "not base64url multibase"),
        ("u!!!", "not gzip-compressed"),
        ("u" + base64.urlsafe_b64encode(b"plain text").decode(), "not gzip-compressed"),
        ("u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * 20_000)[:-30]).decode(), "truncated"),
        ("u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * 100)).decode(), "fewer than"),
        ("u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * 200_000)).decode(), "implausibly"),
    ],
)
def test_unreadable_lists_are_refused(encoded, message):
    with pytest.raises(status_list.StatusListError, match=message):
        status_list.decode_list(encoded)


@pytest.mark.parametrize("index", [-1, 131_072, True, "3"])
def test_indexes_outside_the_list_are_refused(index):
    with pytest.raises(status_list.StatusListError):
        status_list.encode_list([index])


def test_status_entry_names_list_and_index():
    assert status_list.status_entry(STATUS_LIST_URL, 17) == {
        "id": f"{STATUS_LIST_URL}#17",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "17",
        "statusListCredential": STATUS_LIST_URL,
    }


def test_a_revoked_credential_fails_with_the_reason(signed_credential, did_doc, make_status_lists):
    lookup = make_status_lists(revoked=(3, 4242))
    verdict = verify_credential(
        signed_credential, did_document=did_doc, status_list_lookup=lookup, now=DURING_VALIDITY
    )
    assert (verdict.status, verdict.reason) == ("revoked", "the academy has revoked it")


def test_revocation_of_other_entries_leaves_it_valid(signed_credential, did_doc, make_status_lists):
    lookup = make_status_lists(revoked=(4241, 4243))
    verdict = verify_credential(
        signed_credential, did_document=did_doc, status_list_lookup=lookup, now=DURING_VALIDITY
    )
    assert verdict.status == "valid"


def test_a_forged_status_list_is_not_believed(signed_credential, did_doc, make_status_lists):
    genuine = make_status_lists()(STATUS_LIST_URL)
    forged = genuine | {
        "credentialSubject": genuine["credentialSubject"]
        | {"encodedList": status_list.encode_list([])}
    }
    forged["credentialSubject"]["statusPurpose"] = "suspension"
    verdict = verify_credential(
        signed_credential,
        did_document=did_doc,
        status_list_lookup=lambda url: forged,
        now=DURING_VALIDITY,
    )
    assert verdict.status == "malformed"
    assert verdict.reason.startswith("its status list is not genuine")


def test_an_unknown_status_list_cannot_vouch(signed_credential, did_doc):
    verdict = verify_credential(
        signed_credential,
        did_document=did_doc,
        status_list_lookup=lambda url: None,
        now=DURING_VALIDITY,
    )
    assert verdict.status == "malformed"
    assert STATUS_LIST_URL in verdict.reason
