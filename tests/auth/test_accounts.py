"""Registration, sign-in, sessions that end for real, password reset through the outbox."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from smp_academy.auth import services
from smp_academy.auth.models import User, UserSession
from smp_academy.core.errors import Conflict, ValidationFailed
from smp_academy.core.models import AuditEvent, OutboxMessage
from smp_academy.extensions import db
from tests import factories
from tests.conftest import csrf_token


def register(client, name="Rhea Register", email="rhea@example.com", password="a long passphrase"):
    token = csrf_token(client, "/register")
    return client.post(
        "/register", data={"name": name, "email": email, "password": password, "csrf_token": token}
    )


def test_register_signs_in_and_shows_the_dashboard(client):
    response = register(client)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "rhea@example.com"))
    assert user.role == "trainee" and user.password_hash.startswith("$argon2id$")
    assert "Rhea Register" in client.get("/").get_data(as_text=True)


def test_register_duplicate_email_keeps_input_and_says_why(client, trainee):
    response = register(client, email=trainee.email.upper())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already exists" in page and 'value="Rhea Register"' in page
    assert db.session.scalar(select(db.func.count(User.id))) == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 10 characters"),
        ("password123", "too common"),
        ("aaaaaaaaaaaa", "too common"),
        ("rhea@example.com", "name or e-mail"),
    ],
)
def test_weak_passwords_are_refused(client, password, message):
    page = register(client, password=password).get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(User).where(User.email == "rhea@example.com")) is None


def test_long_passphrases_are_accepted_without_truncation():
    long_one = "pigment dots on the upper dermis " * 25  # 825 characters
    services.create_user("long@example.com", "Long Pass", long_one)
    assert services.authenticate("long@example.com", long_one) is not None
    assert services.authenticate("long@example.com", long_one[:-1]) is None
    assert services.authenticate("long@example.com", long_one[:72]) is None


def test_wrong_csrf_token_changes_nothing(client):
    client.get("/register")
    response = client.post(
        "/register",
        data={
            "name": "X Y",
            "email": "x@example.com",
            "password": "a long passphrase",
            "csrf_token": "forged",
        },
    )
    assert response.status_code == 400
    assert db.session.scalar(select(User).where(User.email == "x@example.com")) is None


def test_login_gives_the_same_answer_for_unknown_and_known_emails(client, trainee, auth):
    unknown = client.post(
        "/login",
        data={
            "email": "nobody@example.com",
            "password": "whatever1234",
            "csrf_token": csrf_token(client),
        },
    )
    known = client.post(
        "/login",
        data={
            "email": trainee.email,
            "password": "wrong password!",
            "csrf_token": csrf_token(client),
        },
    )
    message = "The e-mail or password is not correct"
    assert message in unknown.get_data(as_text=True) and message in known.get_data(as_text=True)


def test_logout_ends_the_session_on_the_server(client, trainee, auth):
    auth.login(trainee)
    stolen = client.get_cookie("session").value
    auth.logout()
    client.set_cookie("session", stolen)
    response = client.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deactivation_ends_sessions_at_once(client, trainee, admin, login):
    login(trainee)
    assert client.get("/profile").status_code == 200
    services.set_active(admin, trainee, False)
    db.session.commit()
    assert client.get("/profile").status_code == 302
    assert services.authenticate(trainee.email, factories.PASSWORD) is None


def test_login_starts_a_fresh_session_each_time(client, trainee, auth):
    auth.login(trainee)
    auth.login(trainee)
    tokens = db.session.scalars(select(UserSession).where(UserSession.user_id == trainee.id)).all()
    assert len(tokens) == 2


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_next_redirect_stays_on_site(client, trainee, target):
    response = client.post(
        f"/login?next={target}",
        data={
            "email": trainee.email,
            "password": factories.PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_redirect_follows_local_paths(client, trainee):
    response = client.post(
        "/login?next=/profile",
        data={
            "email": trainee.email,
            "password": factories.PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    assert response.headers["Location"] == "/profile"


def _reset_link(email: str) -> str:
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None and message.status == "logged"
    return re.search(r"http://academy\.example\.org(/reset-password/\S+)", message.body).group(1)


def test_password_reset_through_the_outbox_is_single_use(client, trainee, auth):
    client.post(
        "/forgot-password",
        data={"email": trainee.email, "csrf_token": csrf_token(client, "/forgot-password")},
    )
    path = _reset_link(trainee.email)
    new = "a brand new passphrase"
    response = client.post(
        path, data={"password": new, "confirm": new, "csrf_token": csrf_token(client, path)}
    )
    assert response.status_code == 302
    assert services.authenticate(trainee.email, new) is not None
    reused = client.get(path)
    assert reused.status_code == 400 and "already been used" in reused.get_data(as_text=True)


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(client):
    response = client.post(
        "/forgot-password",
        data={"email": "ghost@example.com", "csrf_token": csrf_token(client, "/forgot-password")},
        follow_redirects=True,
    )
    assert "If an account exists" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 0


def test_tampered_and_expired_reset_tokens_are_refused(client, trainee, app):
    client.post(
        "/forgot-password",
        data={"email": trainee.email, "csrf_token": csrf_token(client, "/forgot-password")},
    )
    path = _reset_link(trainee.email)
    tampered = client.get(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"))
    assert tampered.status_code == 400 and "not valid" in tampered.get_data(as_text=True)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        expired = client.get(path)
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)


def test_reset_links_use_the_configured_base_url_not_the_host_header(client, trainee):
    evil = "http://evil.example"
    page = client.get("/forgot-password", base_url=evil).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/forgot-password", base_url=evil, data={"email": trainee.email, "csrf_token": token}
    )
    message = db.session.scalars(select(OutboxMessage)).one()
    assert "evil.example" not in message.body and "http://academy.example.org/" in message.body


def test_password_change_ends_other_sessions(app, trainee):
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        c.post(
            "/login",
            data={
                "email": trainee.email,
                "password": factories.PASSWORD,
                "csrf_token": csrf_token(c),
            },
        )
    new = "another long passphrase"
    response = first.post(
        "/profile",
        data={
            "action": "password",
            "password-current_password": factories.PASSWORD,
            "password-new_password": new,
            "password-confirm": new,
            "password-csrf_token": csrf_token(first, "/profile"),
        },
    )
    assert response.status_code == 302
    assert first.get("/profile").status_code == 200
    assert second.get("/profile").status_code == 302


def test_email_change_needs_the_password_and_a_free_address(trainee, admin):
    with pytest.raises(ValidationFailed):
        services.change_email(trainee, "wrong", "new@example.com")
    with pytest.raises(Conflict):
        services.change_email(trainee, factories.PASSWORD, admin.email)
    services.change_email(trainee, factories.PASSWORD, "New@Example.com")
    assert trainee.email == "new@example.com"


def test_logins_and_role_changes_are_audited(trainee, admin):
    services.set_role(admin, trainee, "instructor")
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.role_changed")
    ).one()
    assert event.actor_id == admin.id and event.details == {"old": "trainee", "new": "instructor"}


def test_admin_cannot_demote_or_deactivate_themself(admin):
    with pytest.raises(Conflict):
        services.set_role(admin, admin, "trainee")
    with pytest.raises(Conflict):
        services.set_active(admin, admin, False)


def test_remember_me_sets_a_persistent_cookie(client, trainee, auth):
    response = auth.login(trainee, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") and "HttpOnly" in c for c in cookies)


def test_a_hash_made_with_older_parameters_is_upgraded_at_sign_in(app):
    user = factories.user(email="old@example.com")
    old_hash = user.password_hash
    stronger = {"time_cost": 2, "memory_cost": 16, "parallelism": 1}
    original, app.config["PASSWORD_HASH"] = app.config["PASSWORD_HASH"], stronger
    try:
        assert services.authenticate("old@example.com", factories.PASSWORD) is user
    finally:
        app.config["PASSWORD_HASH"] = original
    assert user.password_hash != old_hash and "m=16,t=2" in user.password_hash
    assert services.authenticate("old@example.com", factories.PASSWORD) is user
