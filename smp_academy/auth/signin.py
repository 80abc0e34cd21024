"""Signing in: credentials checked under a shared throttle, server-side sessions, passwords set
and reset.

A failed sign-in is an ordinary outcome (it is counted and committed), not an error; the answer
is the same for an unknown address, a wrong password and an inactive account. Failures are
counted per typed address and per client address, so guessing one account and spraying many
both hit a lock that the right password does not lift.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from flask import current_app
from sqlalchemy import delete, select

from smp_academy.auth import throttle, tokens
from smp_academy.auth.identifiers import comparable_email
from smp_academy.auth.models import User, UserSession
from smp_academy.auth.passwords import (
    check_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from smp_academy.core import audit
from smp_academy.core.clock import now_utc
from smp_academy.core.errors import ValidationFailed
from smp_academy.core.mail import queue_mail
from smp_academy.extensions import db

WRONG_CREDENTIALS = "The e-mail or password is not correct, or the account is not active."
LOCKED = "Too many failed sign-ins. Wait, or reset your password by e-mail."


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the user, or what to tell the person (and the status)."""

    user: User | None
    message: str | None = None
    status: int = 200


def _keys(email: str, address: str | None) -> tuple[str, str]:
    return f"sign-in:{comparable_email(email)}", f"sign-in-from:{address or 'unknown'}"


def authenticate(email: str, password: str, address: str | None) -> SignIn:
    """Check the credentials, unless the account or the client address is locked."""
    account_key, address_key = _keys(email, address)
    try:
        throttle.ensure_unlocked({account_key: LOCKED, address_key: LOCKED})
    except throttle.TooManyAttempts as locked:
        return SignIn(None, locked.message, 429)
    user = db.session.scalar(select(User).where(User.email == comparable_email(email)))
    if user is None:
        verify_password(_dummy_hash(), password)  # the same time as for a known address
    if user is None or not verify_password(user.password_hash, password) or not user.active:
        throttle.record_failure(account_key, throttle.SIGN_IN_ACCOUNT)
        throttle.record_failure(address_key, throttle.SIGN_IN_ADDRESS)
        audit.record(None, "user.login_failed", user, email=comparable_email(email)[:320])
        return SignIn(None, WRONG_CREDENTIALS, 200)
    throttle.clear(account_key)
    if user.email_confirmed_at is None:
        send_confirmation(user)
        return SignIn(None, "Confirm your e-mail address first: we have sent you a new link.")
    if needs_rehash(user.password_hash, current_app.config["PASSWORD_HASH"]):
        user.password_hash = _hash(password)  # the hashing parameters were raised since
    return SignIn(user)


def send_confirmation(user: User) -> None:
    """E-mail the link that confirms a new account's address (the newest link only works)."""
    queue_mail(
        user.email,
        "Confirm your SMP Academy account",
        "confirm_email",
        user=user,
        link=tokens.make_link(user, "confirm"),
    )


def start_session(user: User, *, remember: bool, user_agent: str | None) -> str:
    """Open a server-side session for ``user`` and return its token (for the cookie). Signing in
    retires every link sent before (a reset link in an old e-mail stops working)."""
    token = secrets.token_urlsafe(32)
    lifetime = current_app.config["REMEMBER_LIFETIME" if remember else "SESSION_LIFETIME"]
    db.session.add(
        UserSession(
            token_hash=_token_hash(token),
            user=user,
            expires_at=now_utc() + lifetime,
            user_agent=(user_agent or "")[:255],
        )
    )
    user.last_login_at = now_utc()
    tokens.retire_links(user)
    audit.record(user, "user.login", user)
    user.session_token = token
    return token


def load_session_user(token: str) -> User | None:
    """The user of a live session token, or None for an ended, expired or inactive one."""
    row = db.session.execute(
        select(User)
        .join(UserSession)
        .where(UserSession.token_hash == _token_hash(token), UserSession.expires_at > now_utc())
    ).scalar_one_or_none()
    if row is None or not row.active:
        return None
    row.session_token = token
    return row


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _token_hash(token)))


def end_other_sessions(user: User, keep_token: str | None = None) -> None:
    """End every session of ``user`` except ``keep_token`` (after a password change)."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_token:
        query = query.where(UserSession.token_hash != _token_hash(keep_token))
    db.session.execute(query)


def check_current_password(user: User, password: str, *, field: str) -> None:
    """Confirm a signed-in person knows the password before a sensitive change; failures are
    counted (and kept although the change is refused) and lock the check for a while."""
    key = f"password-check:{user.id}"
    throttle.ensure_unlocked({key: "Too many wrong passwords."})
    if not verify_password(user.password_hash, password):
        throttle.record_failure(key, throttle.PASSWORD_CHECK)
        raise ValidationFailed(
            "Your current password is not correct.", field=field, keep_changes=True
        )


def set_password(user: User, password: str, *, keep_token: str | None = None) -> None:
    """Store a new password: links sent before stop working, other sessions end."""
    user.password_hash = _hash(password)
    tokens.retire_links(user)
    end_other_sessions(user, keep_token)


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the account exists (a few per hour at most); the caller says the
    same thing whatever happened."""
    key = f"reset:{comparable_email(email)}"
    if throttle.locked_for(key) is not None:
        return
    throttle.record_failure(key, throttle.RESET_REQUESTS)
    user = db.session.scalar(select(User).where(User.email == comparable_email(email)))
    if user is None or not user.active:
        return
    queue_mail(
        user.email,
        "Reset your SMP Academy password",
        "password_reset",
        user=user,
        link=tokens.make_link(user, "reset"),
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )
    audit.record(user, "user.password_reset_requested", user)


def reset_link_problem(token: str) -> str | None:
    """Why a reset link cannot be used, or None when it can."""
    try:
        tokens.read_link(token, "reset")
    except ValidationFailed as error:
        return error.message
    return None


def reset_password(token: str, new_password: str) -> User:
    """Set the password a reset link was sent for; the link is used up, every session ends and
    a sign-in lock on the account is lifted (its owner has just proved their mailbox)."""
    user, _ = tokens.read_link(token, "reset")
    check_password(new_password, email=user.email, name=user.name, field="password")
    set_password(user, new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now_utc()  # the reset link reached the address
    throttle.unlock(f"sign-in:{user.email}")
    audit.record(user, "user.password_reset", user)
    return user


def _hash(password: str) -> str:
    return hash_password(password, current_app.config["PASSWORD_HASH"])


@cache
def _dummy_hash_for(params: tuple) -> str:
    return hash_password("not a real password", dict(params))


def _dummy_hash() -> str:
    return _dummy_hash_for(tuple(sorted(current_app.config["PASSWORD_HASH"].items())))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
