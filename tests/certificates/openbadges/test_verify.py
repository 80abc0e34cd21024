"""Verdicts other than tampering and revocation: expiry, shape, proofs we do not issue."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from smp_academy.certificates.openbadges.verify import verify_credential


def verdict_at(document, did_doc, lookup, now):
    return verify_credential(document, did_document=did_doc, status_list_lookup=lookup, now=now)


def test_expired_after_valid_until(signed_credential, did_doc, no_revocations):
    last_second = datetime(2028, 3, 4, 23, 59, 59, tzinfo=UTC)
    assert verdict_at(signed_credential, did_doc, no_revocations, last_second).status == "valid"
    verdict = verdict_at(
        signed_credential, did_doc, no_revocations, datetime(2028, 3, 5, tzinfo=UTC)
    )
    assert (verdict.status, verdict.reason) == ("expired", "it expired at 2028-03-04T23:59:59Z")


def test_revoked_wins_over_expired(signed_credential, did_doc, make_status_lists):
    verdict = verdict_at(
        signed_credential, did_doc, make_status_lists((4242,)), datetime(2030, 1, 1, tzinfo=UTC)
    )
    assert verdict.status == "revoked"


def test_not_yet_valid(signed_credential, did_doc, no_revocations):
    verdict = verdict_at(
        signed_credential, did_doc, no_revocations, datetime(2026, 3, 3, tzinfo=UTC)
    )
    assert verdict.status == "malformed"
    assert "only becomes valid" in verdict.reason


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda c: c.pop("proof"), "it carries no proof"),
        (lambda c: c.update(proof=[c["proof"], c["proof"]]), "several proofs"),
        (lambda c: c["proof"].update(cryptosuite="ecdsa-rdfc-2019"), "cryptosuite is wrong"),
        (lambda c: c["proof"].update(proofPurpose="authentication"), "proofPurpose is wrong"),
        (lambda c: c["proof"].pop("proofValue"), "no proofValue"),
        (lambda c: c.update({"@context": c["@context"][::-1]}), "not a Verifiable Credential 2.0"),
        (lambda c: c.update(type="OpenBadgeCredential"), "not typed as a VerifiableCredential"),
        (lambda c: c["@context"].append("https://evil.example/ctx"), "does not ship"),
    ],
)
def test_malformed_documents_say_why(signed_credential, did_doc, no_revocations, change, reason):
    document = copy.deepcopy(signed_credential)
    change(document)
    verdict = verdict_at(document, did_doc, no_revocations, datetime(2027, 1, 1, tzinfo=UTC))
    assert verdict.status == "malformed"
    assert reason in verdict.reason


@pytest.mark.parametrize("document", [None, [], "a credential", 42])
def test_non_objects_are_malformed(document, did_doc, no_revocations):
    verdict = verdict_at(document, did_doc, no_revocations, datetime(2027, 1, 1, tzinfo=UTC))
    assert verdict.status == "malformed"


def test_verdict_json_carries_status_reason_and_facts(signed_credential, did_doc, no_revocations):
    report = verdict_at(
        signed_credential, did_doc, no_revocations, datetime(2027, 1, 1, tzinfo=UTC)
    ).as_json()
    assert report["valid"] is True
    assert set(report) == {
        "status",
        "reason",
        "valid",
        "credential_id",
        "code",
        "name",
        "holder_name",
        "valid_from",
        "valid_until",
    }
