"""Registration, sign-in, sessions that end for real, password reset through the outbox."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from smp_academy.auth import services, signin
from smp_academy.auth.models import User, UserSession
from smp_academy.core import jobs
from smp_academy.core.errors import Conflict, ValidationFailed
from smp_academy.core.models import AuditEvent, OutboxMessage
from smp_academy.extensions import db
from tests import factories
from tests.conftest import csrf_token

PASSPHRASE = "quiet lantern orchard velvet"


def register(client, name="Rhea Register", email="rhea@example.com", password=PASSPHRASE):
    token = csrf_token(client, "/register")
    return client.post(
        "/register", data={"name": name, "email": email, "password": password, "csrf_token": token}
    )


def sign_in(email: str, password: str = factories.PASSWORD):
    return signin.authenticate(email, password, "192.0.2.1").user


def _link(email: str, path: str) -> str:
    """The path and query of the newest e-mailed link to ``path`` for ``email``."""
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None and message.status == "logged"
    return re.search(rf"http://academy\.example\.org({re.escape(path)}\?token=\S+)", message.body)[
        1
    ]


def test_register_then_confirm_by_link_signs_in(client):
    response = register(client)
    assert response.status_code == 302 and response.headers["Location"] == "/register/sent"
    user = db.session.scalar(select(User).where(User.email == "rhea@example.com"))
    assert user.role == "trainee" and user.password_hash.startswith("$argon2id$")
    assert user.email_confirmed_at is None
    early = client.post(
        "/login",
        data={
            "email": "rhea@example.com",
            "password": PASSPHRASE,
            "csrf_token": csrf_token(client),
        },
    )  # not before the address is confirmed: a fresh link is sent instead
    assert "Confirm your e-mail address first" in early.get_data(as_text=True)
    confirmed = client.get(_link("rhea@example.com", "/confirm-email"))
    assert confirmed.status_code == 302 and user.email_confirmed_at is not None
    assert "Rhea Register" in client.get("/").get_data(as_text=True)


def test_register_answers_alike_for_a_known_address_and_mails_its_owner(app, client, trainee):
    new = register(client, email="fresh@example.com")
    known = register(client, email=trainee.email.upper())
    assert (new.status_code, new.headers["Location"]) == (
        known.status_code,
        known.headers["Location"],
    )
    app.config["MAIL_URL"] = "smtp://mail.example.org"  # as in production: no copy on the page
    try:
        sent = client.get("/register/sent").get_data(as_text=True)
    finally:
        app.config["MAIL_URL"] = None
    assert "Check your e-mail" in sent and "already" not in sent
    assert db.session.scalar(select(db.func.count(User.id))) == 2  # the trainee and fresh
    note = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == trainee.email)
    ).one()
    assert "already have an account" in note.body


@pytest.mark.parametrize(
    "typed",
    [
        "ｔｒａｉｎｅｅ@example.com",  # full-width letters: NFKC makes them ASCII
        "TRAINEE@EXAMPLE.COM",
    ],
)
def test_look_alike_addresses_meet_the_same_account(client, typed):
    factories.user(email="trainee@example.com")
    register(client, email=typed)
    assert db.session.scalar(select(db.func.count(User.id))) == 1


@pytest.mark.parametrize("typed", ["train\u200bee@example.com", "trainee\u0007@example.com"])
def test_addresses_with_invisible_characters_are_refused(client, typed):
    response = register(client, email=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Check your e-mail" not in page
    assert "invisible or control character" in page or "Invalid email address" in page
    assert db.session.scalar(select(db.func.count(User.id))) == 0


def test_names_with_invisible_characters_are_refused():
    with pytest.raises(ValidationFailed, match="invisible or control character"):
        services.create_user("zw@example.com", "Ann\u200b Smith", factories.PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 10 characters"),
        ("password123", "too common"),
        ("password123!", "too weak"),
        ("aaaaaaaaaaaa", "too weak"),
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
    assert sign_in("long@example.com", long_one) is not None
    assert sign_in("long@example.com", long_one[:-1]) is None
    assert sign_in("long@example.com", long_one[:72]) is None


def test_wrong_csrf_token_changes_nothing(client):
    client.get("/register")
    response = client.post(
        "/register",
        data={
            "name": "X Y",
            "email": "x@example.com",
            "password": PASSPHRASE,
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
    assert sign_in(trainee.email) is None


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


def test_password_reset_through_the_outbox_is_single_use(client, trainee, auth):
    client.post(
        "/forgot-password",
        data={"email": trainee.email, "csrf_token": csrf_token(client, "/forgot-password")},
    )
    link = _link(trainee.email, "/reset-password")
    landing = client.get(link)  # the token moves into the session, out of the address bar
    assert landing.status_code == 302 and landing.headers["Location"] == "/reset-password"
    new = "a brand new passphrase"
    response = client.post(
        "/reset-password",
        data={"password": new, "confirm": new, "csrf_token": csrf_token(client, "/reset-password")},
    )
    assert response.status_code == 302
    assert sign_in(trainee.email, new) is not None
    client.get(link)
    reused = client.get("/reset-password")
    assert reused.status_code == 400 and "used already" in reused.get_data(as_text=True)


@pytest.mark.parametrize("event", ["a newer link", "a sign-in", "a password change"])
def test_older_reset_links_stop_working(client, trainee, auth, event):
    def ask() -> str:
        client.post(
            "/forgot-password",
            data={"email": trainee.email, "csrf_token": csrf_token(client, "/forgot-password")},
        )
        return _link(trainee.email, "/reset-password")

    old = ask()
    if event == "a newer link":
        ask()
    elif event == "a sign-in":
        auth.login(trainee)
        auth.logout()
    else:
        services.change_password(trainee, factories.PASSWORD, "a brand new passphrase", None)
        db.session.flush()
    client.get(old)
    page = client.get("/reset-password")
    assert page.status_code == 400 and "newer one was sent" in page.get_data(as_text=True)


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
    link = _link(trainee.email, "/reset-password")
    client.get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    tampered = client.get("/reset-password")
    assert tampered.status_code == 400 and "not valid" in tampered.get_data(as_text=True)
    client.get(link)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        expired = client.get("/reset-password")
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


def test_email_change_needs_the_password_a_free_address_and_the_new_inbox(client, trainee, admin):
    with pytest.raises(ValidationFailed):
        services.request_email_change(trainee, "wrong", "new@example.com")
    with pytest.raises(Conflict):
        services.request_email_change(trainee, factories.PASSWORD, admin.email)
    services.request_email_change(trainee, factories.PASSWORD, "New@Example.com")
    jobs.commit()
    assert trainee.email != "new@example.com"  # nothing changes before the new inbox answers
    response = client.get(_link("new@example.com", "/change-email"))
    assert response.status_code == 302 and trainee.email == "new@example.com"
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.contains("was changed"))
    ).one()
    assert told.to_address != "new@example.com"  # the old address hears of it


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
        assert sign_in("old@example.com") is user
    finally:
        app.config["PASSWORD_HASH"] = original
    assert user.password_hash != old_hash and "m=16,t=2" in user.password_hash
    assert sign_in("old@example.com") is user


def test_reset_tokens_stay_out_of_the_logs(client, trainee, caplog):
    caplog.set_level(logging.INFO, logger="smp_academy.mail")
    caplog.set_level(logging.INFO, logger="werkzeug")
    if True:
        client.post(
            "/forgot-password",
            data={"email": trainee.email, "csrf_token": csrf_token(client, "/forgot-password")},
        )
        link = _link(trainee.email, "/reset-password")
        token = link.split("token=")[1]
        logging.getLogger("werkzeug").info(
            '"GET %s HTTP/1.1" 302 -', link
        )  # as the dev server logs
    assert "token=[withheld]" in caplog.text
    assert token not in caplog.text
