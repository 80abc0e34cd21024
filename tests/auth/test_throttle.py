"""Failed sign-ins and password checks lock per account and per address, in the database (so
every worker sees the same count), and the lock holds even for the right password."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from smp_academy.auth import signin, throttle
from smp_academy.core.clock import freeze, now_utc
from smp_academy.core.models import AuditEvent, OutboxMessage
from smp_academy.extensions import db
from tests import factories
from tests.conftest import csrf_token


def post_login(client, email: str, password: str):
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)}
    )


def test_five_failures_lock_the_account_even_for_the_right_password(client, trainee):
    statuses = [post_login(client, trainee.email, "not the password").status_code for _ in range(5)]
    locked = post_login(client, trainee.email, factories.PASSWORD)
    assert statuses == [200] * 5
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.get_data(as_text=True)
    assert client.get("/profile").status_code == 302  # not signed in
    freeze(now_utc() + throttle.SIGN_IN_ACCOUNT.lock + timedelta(seconds=1))
    assert post_login(client, trainee.email, factories.PASSWORD).status_code == 302


def test_the_lock_does_not_tell_known_from_unknown_addresses(client):
    for _ in range(5):
        post_login(client, "nobody@example.com", "not the password")
    assert post_login(client, "nobody@example.com", "not the password").status_code == 429


def test_one_address_spraying_many_accounts_is_locked(client):
    for i in range(throttle.SIGN_IN_ADDRESS.limit):
        post_login(client, f"person{i}@example.com", "Spring2026!")
    user = factories.user(email="real@example.com")
    assert post_login(client, user.email, factories.PASSWORD).status_code == 429


def test_failures_count_across_workers(trainee):
    """Each call is what one worker does; the count lives in the shared database."""
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"):
        assert signin.authenticate(trainee.email, "wrong one!", address).user is None
    signin.authenticate(trainee.email, "wrong again", "198.51.100.5")
    outcome = signin.authenticate(trainee.email, factories.PASSWORD, "198.51.100.6")
    assert outcome.user is None and outcome.status == 429


def test_failed_sign_ins_are_audited_without_the_password(client, trainee):
    post_login(client, trainee.email, "my secret guess")
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.login_failed")
    ).one()
    assert event.object_id == str(trainee.id) and event.details == {"email": trainee.email}
    assert "my secret guess" not in str(event.details)


def test_wrong_current_passwords_on_the_profile_lock_the_check(client, login, trainee):
    login(trainee)

    def change_email(password: str):
        return client.post(
            "/profile",
            data={
                "action": "email",
                "email-email": "new@example.com",
                "email-password": password,
                "email-csrf_token": csrf_token(client, "/profile"),
            },
        )

    for _ in range(throttle.PASSWORD_CHECK.limit):
        assert "current password is not correct" in change_email("wrong").get_data(as_text=True)
    refused = change_email(factories.PASSWORD)
    assert "Too many wrong passwords" in refused.get_data(as_text=True)
    assert not db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_address == "new@example.com")
    )


def test_reset_requests_per_account_are_capped(client, trainee):
    for _ in range(10):
        client.post(
            "/forgot-password",
            data={"email": trainee.email, "csrf_token": csrf_token(client, "/forgot-password")},
        )
    sent = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == trainee.email)
    ).all()
    assert len(sent) == throttle.RESET_REQUESTS.limit


def test_a_password_reset_lifts_the_sign_in_lock(client, trainee):
    for _ in range(5):
        post_login(client, trainee.email, "not the password")
    signin.request_password_reset(trainee.email)
    link = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    token = link.body.split("token=")[1].split()[0]
    signin.reset_password(token, "a brand new passphrase")
    assert signin.authenticate(trainee.email, "a brand new passphrase", "203.0.113.9").user
