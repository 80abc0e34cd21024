"""Races on PostgreSQL: two transactions that both find the requirements met at the same
moment still produce one certificate (the unique index decides); two revocations at the same
moment both reach the published status list (the lock on the list's row decides).

The suite's fixture runs every test on one connection in a rolled-back transaction; racing
needs real, separate transactions, so this test commits through the app's engine with its own
sessions and deletes what it wrote afterwards.
"""

from __future__ import annotations

import os
import threading

import pytest
from flask import Flask
from sqlalchemy import func, select

from smp_academy.auth.models import User
from smp_academy.certificates import requirements, services, status_lists
from smp_academy.certificates.models import Certificate, StatusList
from smp_academy.certificates.openbadges.status_list import bit_at
from smp_academy.core import jobs
from smp_academy.core.models import AuditEvent
from smp_academy.extensions import db
from tests import factories
from tests.certificates import helpers
from tests.conftest import bind_sessions

pytestmark = pytest.mark.postgres  # deselected in CI's SQLite pass, run in its PostgreSQL pass


@pytest.fixture
def postgres(app: Flask) -> None:
    reason = "these races need PostgreSQL: set SMP_TEST_DATABASE_URL"
    if not os.environ.get("SMP_TEST_DATABASE_URL"):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: this test may not be skipped)")
        pytest.skip(reason)
    assert db.engine.dialect.name == "postgresql", "SMP_TEST_DATABASE_URL is not PostgreSQL"


@pytest.fixture
def own_sessions(postgres):
    """One session and connection per app context, committing for real."""
    bind_sessions(None)
    yield db.session
    db.session.remove()


def test_two_simultaneous_checks_issue_one_certificate(app, own_sessions, monkeypatch):
    with helpers.committed(db.engine):
        holder = factories.user(name="Rosa Race")
        track = helpers.track()
        helpers.meet_requirements_quietly(holder, track)
        own_sessions.commit()
        holder_id = holder.id
        own_sessions.remove()

        barrier = threading.Barrier(2, timeout=10)
        checked = requirements.requirements_met

        def check_then_wait(*args, **kwargs):
            met = checked(*args, **kwargs)
            barrier.wait()  # both transactions have seen "met, none issued" before either inserts
            return met

        monkeypatch.setattr(services, "requirements_met", check_then_wait)
        issued: list[list[str]] = []
        errors: list[BaseException] = []

        def complete() -> None:
            with app.app_context():
                try:
                    issued.append([c.code for c in services.check_and_issue(holder_id)])
                    db.session.commit()
                except BaseException as error:  # reported by the main thread
                    errors.append(error)
                    db.session.rollback()
                finally:
                    jobs.discard_pending()  # no PDF rendering or mail in this test
                    db.session.remove()

        threads = [threading.Thread(target=complete) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert not errors, errors
        assert sorted(len(codes) for codes in issued) == [0, 1]
        count = own_sessions.scalar(
            select(func.count(Certificate.id)).where(Certificate.holder_id == holder_id)
        )
        assert count == 1
        [code] = [c for codes in issued for c in codes]
        cert = own_sessions.scalar(select(Certificate).where(Certificate.holder_id == holder_id))
        assert cert.code == code
        events = own_sessions.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "certificate.issued", AuditEvent.object_id == str(cert.id)
            )
        )
        assert events == 1
        monkeypatch.setattr(services, "requirements_met", checked)
        assert services.check_and_issue(holder_id) == []  # and later checks add nothing
        own_sessions.remove()


@pytest.mark.parametrize("list_exists", [True, False], ids=["published", "new list"])
def test_two_simultaneous_revocations_both_reach_the_published_list(
    app, own_sessions, monkeypatch, list_exists
):
    """Each revocation rebuilds the list; without the lock on the list's row the later commit
    would publish a list without the other's bit. When the list is new, both race to create
    it, and that is settled too."""
    with helpers.committed(db.engine):
        admin = factories.user(role="admin", name="Ada Admin")
        holder = factories.user(name="Rita Revoked")
        certs = [helpers.certificate(holder) for _ in range(2)]
        jobs.discard_pending()
        if list_exists:
            status_lists.publish(1)
        own_sessions.commit()
        admin_id, cert_ids = admin.id, [c.id for c in certs]
        positions = [c.credential.status_list_index for c in certs]
        assert {status_lists.list_number(p) for p in positions} == {1}
        own_sessions.remove()

        barrier = threading.Barrier(2, timeout=10)
        locked_row = status_lists._locked_row

        def wait_then_lock(number: int):
            barrier.wait()  # both have revoked and neither has read the list yet
            return locked_row(number)

        monkeypatch.setattr(status_lists, "_locked_row", wait_then_lock)
        errors: list[BaseException] = []

        def revoke(cert_id: int) -> None:
            with app.app_context():
                try:
                    cert = db.session.get(Certificate, cert_id)
                    services.revoke(db.session.get(User, admin_id), cert, "Issued in error")
                    db.session.commit()
                except BaseException as error:  # reported by the main thread
                    errors.append(error)
                    db.session.rollback()
                finally:
                    jobs.discard_pending()
                    db.session.remove()

        threads = [threading.Thread(target=revoke, args=(cert_id,)) for cert_id in cert_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert not errors, errors
        published = own_sessions.get(StatusList, 1).credential
        encoded = published["credentialSubject"]["encodedList"]
        assert [bit_at(encoded, p) for p in positions] == [True, True]
        own_sessions.remove()
