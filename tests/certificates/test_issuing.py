"""Issuing, revoking, re-issuing, expiry and renewal of certificates, and the stored PDF."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from smp_academy.auth import services as accounts
from smp_academy.certificates import documents, reminders, services, status
from smp_academy.certificates import pdf as certificate_pdf
from smp_academy.certificates.codes import CODE_RE
from smp_academy.certificates.models import Certificate
from smp_academy.core import clock, jobs
from smp_academy.core.errors import Conflict, ValidationFailed
from smp_academy.core.models import AuditEvent, OutboxMessage
from smp_academy.core.storage import get_storage
from smp_academy.courses.services import mark_complete
from smp_academy.extensions import db
from smp_academy.verification.models import RosterEntry
from tests import factories
from tests.certificates import helpers
from tests.conftest import csrf_token


def certificates_of(user) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate).where(Certificate.holder_id == user.id).order_by(Certificate.id)
        )
    )


def audit_events(action: str, cert: Certificate) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == action, AuditEvent.object_id == str(cert.id)
            )
        )
    )


def mails_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address))
    )


# --------------------------------------------------------------------------- issuing


def test_certificate_is_issued_when_the_last_requirement_is_met_and_only_once(trainee):
    clock.freeze(helpers.at(date(2026, 3, 4)))
    track = helpers.track(lessons=2)

    helpers.complete_lessons(trainee, track)
    assert certificates_of(trainee) == []  # the quiz is still missing
    helpers.take_quiz(trainee, track.quiz, right=False)
    assert certificates_of(trainee) == []  # a failed attempt earns nothing
    helpers.take_quiz(trainee, track.quiz)  # the last requirement, through the real service

    [cert] = certificates_of(trainee)
    assert CODE_RE.match(cert.code)
    assert (cert.holder_name, cert.credential_title) == (
        "Terry Trainee",
        track.certification.title,
    )
    assert cert.covers == [track.course.title]
    assert (cert.issued_on, cert.expires_on, cert.cycle) == (
        date(2026, 3, 4),
        date(2027, 3, 4),
        1,
    )
    assert cert.issued_by_id is None
    [event] = audit_events("certificate.issued", cert)
    assert event.details["reason"] == "earned"
    assert [m.subject for m in mails_to(trainee.email)] == [
        f"Your certificate: {track.certification.title}"
    ]

    assert services.check_and_issue(trainee.id) == []
    helpers.take_quiz(trainee, track.quiz)  # passing again announces again
    assert len(certificates_of(trainee)) == 1


def test_lessons_completed_last_also_issue(trainee):
    track = helpers.track(lessons=2)
    helpers.take_quiz(trainee, track.quiz)
    mark_complete(trainee, track.lessons[0])
    assert certificates_of(trainee) == []
    mark_complete(trainee, track.lessons[1])
    assert len(certificates_of(trainee)) == 1


def test_inactive_or_unqualified_users_get_nothing(trainee):
    track = helpers.track()
    helpers.complete_lessons(trainee, track)
    assert services.check_and_issue(trainee.id) == []
    other = factories.user()
    helpers.meet_requirements_quietly(other, track)
    other.active = False
    assert services.check_and_issue(other.id) == []


def test_manual_issue_needs_a_reason_and_is_audited(admin, trainee):
    certification = helpers.certification(validity_months=12)
    with pytest.raises(ValidationFailed):
        services.issue_manually(admin, trainee, certification, "   ")

    cert = services.issue_manually(admin, trainee, certification, "Transferred from paper")
    assert cert.issued_by_id == admin.id
    assert cert.issue_reason == "Transferred from paper"
    [event] = audit_events("certificate.issued", cert)
    assert event.actor_id == admin.id
    assert event.details["reason"] == "Transferred from paper"
    assert event.details["code"] == cert.code

    with pytest.raises(Conflict):  # one valid certificate per holder and certification
        services.issue_manually(admin, trainee, certification, "Again")


# --------------------------------------------------------------------------- revoke, reinstate


def test_revoke_needs_a_reason_and_shows_in_json_then_reinstate(admin, trainee):
    clock.freeze(helpers.at(date(2026, 5, 1)))
    cert = helpers.certificate(trainee)
    with pytest.raises(ValidationFailed):
        services.revoke(admin, cert, "  ")
    assert status.status_of(cert) == "valid"

    clock.freeze(helpers.at(date(2026, 6, 2)))
    services.revoke(admin, cert, "Falsified practical assessment")
    db.session.flush()
    data = status.certificate_json(cert)
    assert data["status"] == "revoked"
    assert data["revoked_on"] == "2026-06-02"
    assert data["revocation_reason"] == "Falsified practical assessment"
    assert audit_events("certificate.revoked", cert)
    with pytest.raises(Conflict):
        services.revoke(admin, cert, "twice")

    services.reinstate(admin, cert, "Appeal upheld")
    db.session.flush()
    data = status.certificate_json(cert)
    assert (data["status"], data["revoked_on"], data["revocation_reason"]) == (
        "valid",
        None,
        None,
    )
    [event] = audit_events("certificate.reinstated", cert)
    assert event.details["was"] == "Falsified practical assessment"
    with pytest.raises(Conflict):
        services.reinstate(admin, cert, "not revoked")


def test_reissue_on_a_name_correction_supersedes_the_old_code(admin, trainee):
    clock.freeze(helpers.at(date(2026, 1, 10)))
    old = helpers.certificate(trainee)
    clock.freeze(helpers.at(date(2026, 2, 20)))

    new = services.reissue(admin, old, "Terry O'Trainee", "Spelling of the surname")
    db.session.flush()

    assert new.code != old.code
    assert new.holder_name == "Terry O'Trainee"
    assert (new.issued_on, new.expires_on, new.cycle) == (old.issued_on, old.expires_on, 1)
    assert status.status_of(new) == "valid"
    data = status.certificate_json(old)
    assert data["status"] == "revoked"
    assert data["superseded_by"] == new.code
    assert new.code in data["revocation_reason"]
    assert data["revoked_on"] == "2026-02-20"
    assert audit_events("certificate.reissued", new)
    with pytest.raises(Conflict):
        services.reissue(admin, old, "Someone Else", "again")
    with pytest.raises(ValidationFailed):
        services.reissue(admin, new, "  ", "empty name")


# --------------------------------------------------------------------------- expiry, renewal


def test_certificate_expires_after_its_validity(trainee):
    clock.freeze(helpers.at(date(2026, 3, 4)))
    cert = helpers.certificate(trainee, validity_months=12)
    assert cert.expires_on == date(2027, 3, 4)
    clock.freeze(helpers.at(date(2027, 3, 4)))
    assert status.status_of(cert) == "valid"  # valid through its last day
    clock.freeze(helpers.at(date(2027, 3, 5)))
    assert status.status_of(cert) == "expired"
    assert status.certificate_json(cert)["status"] == "expired"


def test_certificate_without_validity_never_expires(trainee):
    cert = helpers.certificate(trainee, validity_months=None)
    clock.freeze(helpers.at(date(2090, 1, 1)))
    assert cert.expires_on is None
    assert status.certificate_json(cert)["status"] == "valid"


def test_renewal_in_the_window_issues_the_next_cycle_from_the_old_expiry(trainee):
    clock.freeze(helpers.at(date(2026, 1, 15)))
    track = helpers.track()
    helpers.earn(trainee, track)
    [first] = certificates_of(trainee)
    assert first.expires_on == date(2027, 1, 15)

    clock.freeze(helpers.at(date(2026, 12, 1)))  # before the 30-day window
    helpers.take_quiz(trainee, track.quiz)
    assert len(certificates_of(trainee)) == 1

    clock.freeze(helpers.at(date(2027, 1, 2)))  # inside the window
    assert services.check_and_issue(trainee.id) == []  # the earlier pass does not count
    helpers.take_quiz(trainee, track.quiz)
    first_again, second = certificates_of(trainee)
    assert first_again.id == first.id
    assert second.cycle == 2
    assert second.code != first.code
    assert second.issued_on == date(2027, 1, 2)
    assert second.expires_on == date(2028, 1, 15)  # starts at the old expiry
    assert status.status_of(first) == "valid"  # the history stays, still valid until it ends
    assert services.check_and_issue(trainee.id) == []


def test_expiry_reminders_go_to_the_holder_and_roster_clinics_once(trainee, clinic):
    clock.freeze(helpers.at(date(2026, 1, 15)))
    cert = helpers.certificate(trainee)
    far = helpers.certificate(factories.user(), validity_months=24)
    db.session.add(RosterEntry(clinic_id=clinic.id, certificate_id=cert.id))
    db.session.flush()

    clock.freeze(helpers.at(date(2026, 12, 10)))  # 36 days before: not yet
    assert reminders.send_expiry_reminders() == 0
    clock.freeze(helpers.at(date(2026, 12, 20)))  # 26 days before
    assert reminders.send_expiry_reminders() == 1
    db.session.flush()
    [to_holder] = [m for m in mails_to(trainee.email) if "expires" in m.subject]
    assert "2027-01-15" in to_holder.body and cert.code in to_holder.body
    [to_clinic] = mails_to(clinic.email)
    assert trainee.name in to_clinic.body and cert.code in to_clinic.body
    assert reminders.send_expiry_reminders() == 0
    assert len(mails_to(clinic.email)) == 1
    assert far.reminder_sent_at is None


def test_revocation_notifies_roster_clinics(admin, trainee, clinic):
    cert = helpers.certificate(trainee)
    db.session.add(RosterEntry(clinic_id=clinic.id, certificate_id=cert.id))
    db.session.flush()
    services.revoke(admin, cert, "Licence withdrawn")
    db.session.flush()
    [mail] = mails_to(clinic.email)
    assert cert.code in mail.subject


# --------------------------------------------------------------------------- the stored PDF


def test_pdf_is_rendered_once_after_commit(trainee, monkeypatch):
    calls = []
    real = certificate_pdf.render_certificate_pdf
    monkeypatch.setattr(
        certificate_pdf, "render_certificate_pdf", lambda doc: calls.append(doc.code) or real(doc)
    )
    cert = helpers.certificate(trainee)
    assert cert.pdf_key is None and calls == []  # nothing rendered inside the transaction
    jobs.commit()
    assert calls == [cert.code]
    key, digest = cert.pdf_key, cert.pdf_sha256
    assert get_storage().load(key).startswith(b"%PDF")
    documents.render_certificate(cert.id)
    assert documents.stored_pdf(cert) == get_storage().load(key)
    assert calls == [cert.code]
    assert (cert.pdf_key, cert.pdf_sha256) == (key, digest)


def test_download_serves_the_stored_pdf_to_its_holder_only(trainee, login, client, auth):
    cert, stored = helpers.issued_with_pdf(trainee)
    path = f"/certificates/{cert.code}.pdf"

    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.location

    login(factories.user(name="Other Trainee"))
    assert client.get(path).status_code == 404
    auth.logout()

    login(trainee)
    first, second = client.get(path), client.get(path)
    assert first.status_code == second.status_code == 200
    assert first.mimetype == "application/pdf"
    assert first.data == second.data == stored
    assert f'filename="{cert.code}.pdf"' in first.headers["Content-Disposition"]
    assert client.get("/certificates/SMP-0000-0000-0000.pdf").status_code == 404

    accounts.change_name(trainee, "Terence Trainee")  # a later profile change...
    db.session.flush()
    assert client.get(path).data == stored  # ...does not alter the issued certificate
    assert cert.holder_name == "Terry Trainee"


def test_my_certificates_lists_status_and_download(trainee, login, admin):
    valid = helpers.certificate(trainee, title="Hygiene certificate")
    revoked = helpers.certificate(trainee, title="Practitioner certificate")
    services.revoke(admin, revoked, "Error in assessment")
    db.session.flush()
    page = login(trainee).get("/certificates").get_data(as_text=True)
    assert valid.code in page and revoked.code in page
    assert f"/certificates/{valid.code}.pdf" in page
    assert f"/certificates/{revoked.code}.pdf" not in page  # no download of a revoked one
    assert "Revoked" in page and "Valid" in page


def test_reissue_renders_a_new_pdf_with_the_corrected_name(admin, trainee):
    old, _ = helpers.issued_with_pdf(trainee)
    new = services.reissue(admin, old, "Terry Corrected", "typo")
    jobs.commit()
    assert new.pdf_key and new.pdf_key != old.pdf_key
    check, found = documents.check_pdf(get_storage().load(new.pdf_key))
    assert check.is_genuine and found.id == new.id


def test_validity_ends_on_the_same_day_or_the_end_of_a_shorter_month():
    assert status.add_months(date(2026, 3, 4), 12) == date(2027, 3, 4)
    assert status.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


# --------------------------------------------------------------------------- rosters follow people


def roster_certificates(clinic) -> list[int]:
    return list(
        db.session.scalars(
            select(RosterEntry.certificate_id).where(RosterEntry.clinic_id == clinic.id)
        )
    )


def test_a_name_correction_keeps_the_practitioner_valid_on_clinic_rosters(admin, trainee, clinic):
    old = helpers.certificate(trainee)
    db.session.add(RosterEntry(clinic_id=clinic.id, certificate_id=old.id, note="Chair 2"))
    db.session.flush()
    new = services.reissue(admin, old, "Terry Trainée", "Accent missing")
    db.session.flush()
    assert roster_certificates(clinic) == [new.id]
    db.session.expire_all()
    [entry] = db.session.scalars(select(RosterEntry).where(RosterEntry.clinic_id == clinic.id))
    assert status.status_of(entry.certificate) == "valid" and entry.note == "Chair 2"


def test_a_renewal_moves_roster_entries_to_the_new_cycle(trainee, clinic):
    clock.freeze(helpers.at(date(2026, 1, 15)))
    track = helpers.track()
    helpers.earn(trainee, track)
    [first] = certificates_of(trainee)
    db.session.add(RosterEntry(clinic_id=clinic.id, certificate_id=first.id))
    db.session.flush()
    clock.freeze(helpers.at(date(2027, 1, 2)))
    helpers.take_quiz(trainee, track.quiz)
    _, second = certificates_of(trainee)
    assert roster_certificates(clinic) == [second.id]
    clock.freeze(helpers.at(date(2027, 2, 1)))  # the first cycle has ended
    assert status.status_of(first) == "expired"
    assert status.status_of(second) == "valid"


def test_admin_pages_revoke_and_reissue(client, login, admin, trainee):
    cert = helpers.certificate(trainee)
    login(admin)
    path = f"/admin/certificates/{cert.code}"
    page = client.get(path)
    assert page.status_code == 200 and cert.code in page.get_data(as_text=True)
    token = csrf_token(client, path)

    response = client.post(
        path,
        data={
            "action": "reissue",
            "reissue-csrf_token": token,
            "reissue-holder_name": "Terry Fixed",
            "reissue-reason": "Typo",
        },
    )
    assert response.status_code == 302
    [_, new] = certificates_of(trainee)
    assert response.location.endswith(f"/admin/certificates/{new.code}")
    assert new.holder_name == "Terry Fixed"

    new_path = f"/admin/certificates/{new.code}"
    response = client.post(
        new_path,
        data={
            "action": "revoke",
            "revoke-csrf_token": csrf_token(client, new_path),
            "revoke-reason": "Issued in error",
        },
    )
    assert response.status_code == 302
    db.session.refresh(new)
    assert status.certificate_json(new)["revocation_reason"] == "Issued in error"


def test_a_pdf_not_rendered_yet_is_being_prepared_never_rendered_in_the_request(
    trainee, login, client
):
    cert = helpers.certificate(trainee)  # its render job not run yet
    jobs.discard_pending()
    login(trainee)
    response = client.get(f"/certificates/{cert.code}.pdf")
    assert response.status_code == 202 and response.headers["Retry-After"]
    assert "being prepared" in response.get_data(as_text=True)
    db.session.refresh(cert)
    assert cert.pdf_key is None  # the request rendered nothing


def test_a_revoked_certificate_pdf_is_not_handed_out(trainee, login, client, admin):
    cert, _ = helpers.issued_with_pdf(trainee)
    services.revoke(admin, cert, "Assessment found to be invalid")
    db.session.flush()
    login(trainee)
    response = client.get(f"/certificates/{cert.code}.pdf")
    assert response.status_code == 410 and response.mimetype == "text/html"
    assert "Assessment found to be invalid" in response.get_data(as_text=True)
