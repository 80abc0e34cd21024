"""The audit log names people and objects, filters by who, what and when, and leaves sign-ins
out unless asked for."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from smp_academy.core import audit
from smp_academy.core.models import AuditEvent
from smp_academy.extensions import db
from tests import factories
from tests.certificates import helpers as certificate_helpers


def event(actor, action: str, obj=None, at: str = "2026-03-10 09:00", **details) -> AuditEvent:
    row = audit.record(actor, action, obj, **details)
    row.at = datetime.fromisoformat(at).replace(tzinfo=UTC)
    db.session.flush()
    return row


@pytest.fixture
def history(admin, trainee):
    """A sign-in, a role change and a revocation, on three days."""
    cert = certificate_helpers.certificate(trainee)
    db.session.query(AuditEvent).delete()  # only this test's events
    event(trainee, "user.login", trainee, at="2026-03-09 08:00")
    event(admin, "user.role_changed", trainee, at="2026-03-10 09:00", old="trainee", new="admin")
    event(admin, "certificate.revoked", cert, at="2026-03-11 10:00", reason="Withdrawn")
    return cert


def rows(client, query: str = "") -> str:
    response = client.get(f"/admin/audit{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]


def test_names_people_and_objects_instead_of_ids(client, login, admin, trainee, history):
    login(admin)
    table = rows(client)
    assert f'<a href="/admin/users/{admin.id}">{admin.name}</a>' in table
    assert f'<a href="/admin/users/{trainee.id}">{trainee.name}</a>' in table  # the object
    assert f"Certificate {history.code} ({trainee.name})" in table
    assert f"User {trainee.id}" not in table


def test_sign_ins_are_left_out_unless_asked_for(client, login, admin, history):
    login(admin)
    assert "user.login" not in rows(client)
    assert "user.login" in rows(client, "?include_routine=y")
    assert "user.login" in rows(client, "?action=user.login")  # choosing it shows it


def test_filters_by_actor_action_and_date(client, login, admin, trainee, history):
    login(admin)
    by_actor = rows(client, f"?actor={trainee.email.upper()}&include_routine=y")
    assert "user.login" in by_actor and "user.role_changed" not in by_actor
    by_action = rows(client, "?action=certificate.revoked")
    assert "certificate.revoked" in by_action and "user.role_changed" not in by_action
    one_day = rows(client, "?since=2026-03-10&until=2026-03-10")
    assert "user.role_changed" in one_day and "certificate.revoked" not in one_day
    assert "No events match." in rows(client, "?since=2026-04-01")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?since=10/03/2026", "Enter a date as YYYY-MM-DD."),
        ("?since=2026-03-11&until=2026-03-10", "The end date is before the start date."),
        ("?action=user.teleported", "Choose an action from the list."),
    ],
)
def test_a_bad_filter_is_explained_on_its_field(client, login, admin, history, query, message):
    login(admin)
    response = client.get(f"/admin/audit{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and 'aria-invalid="true"' in page
    assert "<tbody>" not in page


def test_the_admin_home_shows_recent_events_without_sign_ins(client, login, admin, history):
    login(admin)  # itself a sign-in, recorded now
    page = client.get("/").get_data(as_text=True)
    assert "certificate.revoked" in page and "user.login" not in page


def test_only_admins_read_the_audit_log(client, login):
    login(factories.user(role="instructor"))
    assert client.get("/admin/audit").status_code == 403
