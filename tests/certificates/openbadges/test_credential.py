"""The credential we build: schema-valid OB 3.0, round-trips through sign and verify."""

from __future__ import annotations

import copy
import hashlib
import json
import time
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from smp_academy.certificates.openbadges import credential as cred
from smp_academy.certificates.openbadges.verify import verify_credential
from tests.certificates.openbadges.conftest import DURING_VALIDITY, sign_with

SCHEMA = json.loads(
    (Path(__file__).parent / "data/ob_v3p0_achievementcredential_schema.json").read_text()
)


def test_signed_credential_verifies_as_valid(
    signed_credential, did_doc, no_revocations, credential_data
):
    verdict = verify_credential(
        signed_credential,
        did_document=did_doc,
        status_list_lookup=no_revocations,
        now=DURING_VALIDITY,
    )
    assert verdict.status == "valid", verdict.reason
    assert verdict.code == credential_data.code
    assert verdict.holder_name == "Amara Okonkwo-Lindqvist"
    assert verdict.name == "Certified SMP Practitioner"
    assert verdict.valid_until == "2028-03-04T23:59:59Z"


def test_signed_credential_validates_against_the_ob3_schema(signed_credential):
    jsonschema.Draft202012Validator(SCHEMA).validate(signed_credential)


@pytest.mark.parametrize(
    "break_it",
    [
        lambda c: c.pop("validFrom"),
        lambda c: c["credentialSubject"]["achievement"].pop("criteria"),
        lambda c: c["credentialSubject"]["identifier"][1].update(identityHash="plain@example.org"),
        lambda c: c["credentialSubject"]["identifier"][0].update(extra="x"),
        lambda c: c["credentialSubject"]["achievement"]["alignment"][0].pop("targetUrl"),
        lambda c: c.update(type=["VerifiableCredential"]),
        lambda c: c["issuer"].pop("id"),
    ],
)
def test_the_schema_rejects_what_the_specification_forbids(signed_credential, break_it):
    """The schema checks are real: each spec rule, broken once, is caught."""
    broken = copy.deepcopy(signed_credential)
    break_it(broken)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(broken)


def test_email_is_only_published_as_a_salted_hash(signed_credential, credential_data):
    text = json.dumps(signed_credential).lower()
    assert "amara@example.org" not in text
    hashed = signed_credential["credentialSubject"]["identifier"][1]
    expected = hashlib.sha256(
        b"amara@example.org" + credential_data.identity_salt.encode()
    ).hexdigest()
    assert hashed == {
        "type": "IdentityObject",
        "identityHash": f"sha256${expected}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": credential_data.identity_salt,
    }
    assert (
        cred.identity_hash(" AMARA@example.ORG ", credential_data.identity_salt)
        == f"sha256${expected}"
    )


def test_requirements_travel_as_evidence_with_counts(signed_credential):
    evidence = signed_credential["evidence"]
    assert [(e["genre"], e["name"], e["description"]) for e in evidence] == [
        ("course", "Foundations of SMP", "Met on 2026-01-05."),
        ("supervised_cases", "Supervised cases", "Required 10, achieved 12, met on 2026-02-14."),
        ("cpd_hours", "CPD hours", "Required 7.5, achieved 3.25, not met."),
    ]


def test_alignment_without_url_points_at_the_criteria_page(signed_credential, credential_data):
    targets = signed_credential["credentialSubject"]["achievement"]["alignment"]
    assert [t["targetUrl"] for t in targets] == [
        "https://academy.example.org/courses/foundations",
        credential_data.criteria_url,
    ]


def test_achievement_id_is_stable_per_certification(issuer):
    first = cred.achievement_id(issuer, "certified-practitioner")
    assert first == cred.achievement_id(issuer, "certified-practitioner")
    assert first != cred.achievement_id(issuer, "advanced-practitioner")
    assert first.startswith("urn:uuid:")


def test_no_expiry_means_no_valid_until(credential_data):
    built = cred.build_achievement_credential(replace(credential_data, expires_on=None))
    assert "validUntil" not in built
    assert built["validFrom"] == "2026-03-04T00:00:00Z"


def test_new_identity_salts_differ():
    assert cred.new_identity_salt() != cred.new_identity_salt()


def test_signing_one_credential_takes_tens_of_milliseconds(keyset, credential_data):
    unsigned = cred.build_achievement_credential(credential_data)
    sign_with(keyset.current, unsigned)  # warm the context cache once
    started = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        sign_with(keyset.current, unsigned)
    per_credential = (time.perf_counter() - started) / rounds
    print(f"signing one credential: {per_credential * 1000:.1f} ms")
    assert per_credential < 0.5
