"""Issue-once under concurrency, on PostgreSQL: two transactions that both find the
requirements met at the same moment still produce one certificate (the unique index decides).

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

from smp_academy.certificates import requirements, services
from smp_academy.certificates.models import Certificate
from smp_academy.core import jobs
from smp_academy.core.models import AuditEvent
from smp_academy.extensions import db
from tests import factories
from tests.certificates import helpers
from tests.conftest import bind_sessions

pytestmark = pytest.mark.postgres  # deselected in CI's SQLite pass, run in its PostgreSQL pass


@pytest.fixture
def postgres(app: Flask) -> None:
    reason = "the issue-once race needs PostgreSQL: set SMP_TEST_DATABASE_URL"
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
