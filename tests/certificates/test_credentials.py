"""The Open Badges credential of every certificate: made by the render job, checked by a path
independent of our verify code (the DID document fetched from our own route), carried inside
the signed PDF, revoked through the status list, superseded by a re-issue, back-filled."""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import time
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from smp_academy.certificates import credentials, documents, issuer, services, status_lists
from smp_academy.certificates.models import Certificate, CertificateCredential, StatusList
from smp_academy.certificates.openbadges.attachment import extract_credential_from_pdf
from smp_academy.core import clock, jobs
from smp_academy.extensions import db
from tests import factories
from tests.certificates import helpers
from tests.certificates.openbadges.test_independent_verification import check_independently
from tests.conftest import csrf_token
from tests.support import separate_app

SCHEMA = json.loads(
    (
        Path(__file__).parent / "openbadges/data/ob_v3p0_achievementcredential_schema.json"
    ).read_text()
)
BASE_URL = "http://academy.example.org"  # the suite's SMP_BASE_URL
ISSUED = date(2026, 3, 4)
CREDENTIALS = "915e07abb146"  # the migration that brought credentials


def published_did_document(client) -> dict:
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def published_bit(client, credential: dict) -> bool:
    """The credential's bit in the status list as served, decoded by hand from the spec:
    multibase ``u`` + base64url of a gzip'ed bitstring, index 0 the left-most bit."""
    entry = credential["credentialStatus"]
    assert entry["statusListCredential"].startswith(BASE_URL)
    response = client.get(entry["statusListCredential"].removeprefix(BASE_URL))
    assert response.status_code == 200
    encoded = response.get_json()["credentialSubject"]["encodedList"]
    assert encoded[0] == "u"
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


@pytest.fixture
def issued(trainee):
    """A certificate issued on 4 March 2026, its credential and PDF made by the job."""
    clock.freeze(helpers.at(ISSUED))
    cert, pdf = helpers.issued_with_pdf(trainee, title="Hygiene and Bloodborne Pathogens")
    return cert, pdf, cert.credential.document


def test_the_job_makes_a_credential_that_verifies_independently(client, issued):
    cert, _, credential = issued
    did_doc = published_did_document(client)
    check_independently(credential, did_doc)  # raises InvalidSignature if it does not verify
    assert credential["issuer"]["id"] == did_doc["id"] == "did:web:academy.example.org"
    assert credential["proof"]["verificationMethod"] == did_doc["assertionMethod"][0]
    assert credential["id"] == f"{BASE_URL}/verify/{cert.code}"
    assert credential["name"] == "Hygiene and Bloodborne Pathogens"
    assert credential["validFrom"] == "2026-03-04T00:00:00Z"
    assert credential["validUntil"] == "2027-03-04T23:59:59Z"
    assert credential["proof"]["created"] == "2026-03-04T12:00:00Z"


def test_the_credential_validates_against_the_ob3_schema(issued):
    jsonschema.Draft202012Validator(SCHEMA).validate(issued[2])


def test_the_credential_states_holder_criteria_alignments_and_evidence(trainee):
    clock.freeze(helpers.at(ISSUED))
    track = helpers.track(lessons=1)
    helpers.earn(trainee, track)
    [cert] = services.holder_certificates(trainee)
    jobs.commit()
    credential = cert.credential.document
    subject = credential["credentialSubject"]
    name, email = subject["identifier"]
    assert (name["identityHash"], name["hashed"]) == ("Terry Trainee", False)
    assert email["identityHash"].startswith("sha256$") and email["hashed"] is True
    assert trainee.email not in json.dumps(credential)
    achievement = subject["achievement"]
    assert achievement["criteria"]["id"] == f"{BASE_URL}/certifications/{track.certification.slug}"
    assert achievement["criteria"]["narrative"] == (
        "To earn this certification:\n\n"
        f"- Complete every lesson of {track.course.title}\n"
        f"- Pass the quiz {track.quiz.title}"
    )
    assert [
        (a["targetName"], a["targetUrl"], a.get("targetCode")) for a in achievement["alignment"]
    ] == [
        (track.course.title, f"{BASE_URL}/courses/{track.course.slug}", track.course.slug),
        (track.quiz.title, achievement["criteria"]["id"], track.quiz.slug),
    ]
    assert [(e["genre"], e["name"], e["description"]) for e in credential["evidence"]] == [
        ("course", track.course.title, "Met on 2026-03-04."),
        ("quiz", track.quiz.title, "Met on 2026-03-04."),
    ]


def test_the_pdf_carries_the_credential_and_its_pades_signature_still_verifies(issued):
    cert, pdf, credential = issued
    assert extract_credential_from_pdf(pdf) == credential
    check, found = documents.check_pdf(pdf)
    assert check.is_genuine, check.reason
    assert (check.code, found.id) == (cert.code, cert.id)


def test_the_credential_is_made_once(issued):
    cert, _, credential = issued
    documents.render_certificate(cert.id)  # a job dispatched twice
    assert cert.credential.document == credential


def test_each_certificate_has_its_own_random_position_and_salt(trainee):
    records = [helpers.certificate(trainee).credential for _ in range(3)]
    positions = [r.status_list_index for r in records]
    assert len(set(positions)) == 3 and all(0 <= p < status_lists.ENTRIES for p in positions)
    assert len({r.identity_salt for r in records}) == 3
    start = min(positions)
    assert sorted(positions) != [start, start + 1, start + 2]  # drawn, not counted up


def test_revocation_flips_the_published_bit_at_once_and_reinstatement_clears_it(
    client, login, admin, issued
):
    cert, _, credential = issued
    assert published_bit(client, credential) is False
    login(admin)
    path = f"/admin/certificates/{cert.code}"
    response = client.post(
        path,
        data={
            "action": "revoke",
            "revoke-csrf_token": csrf_token(client, path),
            "revoke-reason": "Assessment found invalid",
        },
    )
    assert response.status_code == 302
    assert published_bit(client, credential) is True  # the very next request
    signed_list = client.get(status_list_path(credential)).get_json()
    check_independently(signed_list, published_did_document(client))

    services.reinstate(admin, cert, "Appeal upheld")
    jobs.commit()
    assert published_bit(client, credential) is False


def status_list_path(credential: dict) -> str:
    return credential["credentialStatus"]["statusListCredential"].removeprefix(BASE_URL)


def test_a_reissue_revokes_the_old_credential_and_issues_a_valid_new_one(client, admin, issued):
    old, _, old_credential = issued
    new = services.reissue(admin, old, "Terry Corrected", "Typo in the name")
    jobs.commit()
    new_credential = new.credential.document
    assert published_bit(client, old_credential) is True
    assert published_bit(client, new_credential) is False
    check_independently(new_credential, published_did_document(client))
    assert new_credential["credentialSubject"]["identifier"][0]["identityHash"] == (
        "Terry Corrected"
    )
    assert new_credential["id"].endswith(new.code)


def test_a_renewal_leaves_the_previous_credential_valid_until_it_expires(client, trainee):
    clock.freeze(helpers.at(ISSUED))
    track = helpers.track(lessons=1)
    helpers.earn(trainee, track)
    jobs.commit()
    [first] = services.holder_certificates(trainee)
    clock.freeze(helpers.at(date(2027, 2, 20)))  # inside the renewal window
    helpers.take_quiz(trainee, track.quiz)
    jobs.commit()
    renewed, previous = services.holder_certificates(trainee)
    assert previous.id == first.id and renewed.cycle == 2
    assert published_bit(client, first.credential.document) is False


def test_status_lists_of_unknown_numbers_are_404_json(client):
    for path in ("/credentials/status/999", "/credentials/status/0"):
        response = client.get(path)
        assert response.status_code == 404 and response.is_json
        assert response.get_json() == {"error": "No status list has this number."}


def test_the_status_list_revalidates_and_can_be_read_from_any_site(client, issued):
    path = status_list_path(issued[2])
    first = client.get(path)
    assert first.headers["Cache-Control"] == "no-cache"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_signing_the_credential_adds_tens_of_milliseconds_to_the_job(trainee):
    cert = helpers.certificate(trainee)
    jobs.commit()  # warm: keys loaded, contexts cached, WeasyPrint imported
    record = cert.credential
    timings = []
    for _ in range(3):
        record.document = None
        started = time.perf_counter()
        documents.render_certificate(cert.id)  # the PDF is stored: the credential only
        timings.append(time.perf_counter() - started)
    print(f"credential build + sign: {min(timings) * 1000:.1f} ms")
    assert record.document is not None and min(timings) < 0.25


# --------------------------------------------------------------------------- back-fill


def test_backfill_gives_existing_certificates_their_credentials(cli, admin, trainee):
    old = helpers.certificate(trainee)
    revoked = helpers.certificate(trainee)
    services.revoke(admin, revoked, "Issued in error")
    jobs.commit()
    for cert in (old, revoked):  # as the migration leaves certificates issued before it
        cert.credential.document = None
    db.session.delete(
        db.session.get(StatusList, status_lists.list_number(old.credential.status_list_index))
    )
    db.session.flush()

    summary = cli("certificates", "credentials")
    assert summary.exit_code == 0, summary.stderr
    assert "2 with their digital credential" not in summary.stdout
    assert "run with --backfill" in summary.stdout

    result = cli("certificates", "credentials", "--backfill")
    assert result.exit_code == 0, result.stderr
    assert "queued 2 certificate(s)" in result.stdout
    db.session.expire_all()
    for cert in (old, revoked):
        assert cert.credential.document is not None
    missing = db.session.scalars(
        select(CertificateCredential).where(CertificateCredential.document.is_(None))
    ).all()
    assert missing == []


def test_a_job_for_a_vanished_certificate_does_nothing():
    documents.render_certificate(2_000_000_000)


def _certificate_before_credentials(holder, certification, n: int) -> int:
    """A certificate as issued before credentials existed (no credential record)."""
    cert = Certificate(
        code=f"SMP-TEST-TEST-000{n}",
        holder_id=holder.id,
        certification_id=certification.id,
        cycle=n + 1,
        holder_name=holder.name,
        credential_title=certification.title,
        issued_on=ISSUED,
    )
    db.session.add(cert)
    db.session.flush()
    return cert.id


def test_the_migration_gives_existing_certificates_a_position_and_a_salt(tmp_path):
    with separate_app(DATABASE_URL=f"sqlite:///{tmp_path / 'old.db'}", SECRET_KEY="backfill"):
        config = current_app.extensions["migrate"].migrate.get_config()
        before = ScriptDirectory.from_config(config).get_revision(CREDENTIALS).down_revision
        upgrade(revision=before)
        holder, certification = factories.user("trainee"), helpers.certification()
        ids = [_certificate_before_credentials(holder, certification, n) for n in range(3)]
        db.session.commit()
        upgrade()
        records = db.session.scalars(select(CertificateCredential)).all()
        assert sorted(r.certificate_id for r in records) == ids
        assert len({r.status_list_index for r in records}) == 3
        assert all(0 <= r.status_list_index < status_lists.ENTRIES for r in records)
        assert len({r.identity_salt for r in records}) == 3
        assert all(len(r.identity_salt) == 32 and r.document is None for r in records)
        db.session.rollback()
        downgrade(revision=before)
        assert "certificate_credentials" not in inspect(db.engine).get_table_names()


def test_after_a_key_rotation_old_credentials_still_verify(app, cli, monkeypatch, tmp_path, issued):
    _, _, old_credential = issued
    folder = tmp_path / "credential-keys"
    shutil.copytree(app.config["CREDENTIAL_KEYS_PATH"], folder)
    monkeypatch.setitem(app.config, "CREDENTIAL_KEYS_PATH", str(folder))
    result = cli("certificates", "credential-key", "2027-01")
    assert result.exit_code == 0, result.stderr
    assert "now signs new credentials" in result.stdout
    monkeypatch.delitem(app.extensions, "smp_credential_keys")  # what the restart does

    new = helpers.certificate(factories.user(name="Nadia New"))
    jobs.commit()
    new_credential = new.credential.document
    assert new_credential["proof"]["verificationMethod"].endswith("#2027-01")
    assert old_credential["proof"]["verificationMethod"].endswith("#dev-1")
    for credential in (old_credential, new_credential):
        assert credentials.verify_presented(credential).status == "valid"
    did_doc = issuer.did_document()
    assert [m["id"].split("#")[1] for m in did_doc["verificationMethod"]] == ["2027-01", "dev-1"]
    check_independently(old_credential, did_doc)
