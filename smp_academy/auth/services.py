"""Accounts: registration, sign-in sessions, password reset and changes, roles."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from smp_academy.auth.models import User, UserSession
from smp_academy.auth.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from smp_academy.core import audit
from smp_academy.core.clock import now_utc
from smp_academy.core.errors import Conflict, ValidationFailed
from smp_academy.core.mail import queue_mail
from smp_academy.core.roles import Role
from smp_academy.extensions import db

RESET_SALT = "password-reset"


def normalise_email(email: str) -> str:
    """Lower-cased, syntax-checked address (no DNS look-up: the machine may be offline)."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValidationFailed(f"Enter a valid e-mail address ({error}).", field="email") from None


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(email: str, name: str, password: str, role: Role = Role.TRAINEE) -> User:
    """Create an account after checking the e-mail, the name and the password policy."""
    email = normalise_email(email)
    name = name.strip()
    if not 1 <= len(name) <= 120:
        raise ValidationFailed("Enter your name (up to 120 characters).", field="name")
    if find_user_by_email(email) is not None:
        raise Conflict("An account with this e-mail address already exists.", field="email")
    _check_password(password, email=email, name=name)
    user = User(email=email, name=name, role=Role(role), password_hash=_hash(password))
    db.session.add(user)
    db.session.flush()
    return user


def register_trainee(email: str, name: str, password: str) -> User:
    user = create_user(email, name, password, Role.TRAINEE)
    audit.record(user, "user.registered", user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer for every failure)."""
    user = find_user_by_email(email)
    if user is None:
        verify_password(_dummy_hash(), password)  # same timing as a known e-mail
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash, current_app.config["PASSWORD_HASH"]):
        user.password_hash = _hash(password)  # the hashing parameters were raised since
    return user


def start_session(user: User, *, remember: bool, user_agent: str | None) -> str:
    """Open a server-side session for ``user`` and return its token (for the cookie)."""
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


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the account exists; the caller says the same thing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    token = _reset_serializer().dumps({"id": user.id, "pw": _password_fingerprint(user)})
    link = f"{current_app.config['BASE_URL']}/reset-password/{token}"
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    queue_mail(
        user.email,
        "Reset your SMP Academy password",
        "password_reset",
        user=user,
        link=link,
        minutes=minutes,
    )
    audit.record(user, "user.password_reset_requested", user)


def user_for_reset_token(token: str) -> User:
    """The user a reset token was made for; refuses tampered, expired and used tokens."""
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
    except SignatureExpired:
        raise ValidationFailed("This reset link has expired. Ask for a new one.") from None
    except BadSignature:
        raise ValidationFailed("This reset link is not valid. Ask for a new one.") from None
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("pw") != _password_fingerprint(user):
        raise ValidationFailed("This reset link has already been used or is no longer valid.")
    return user


def reset_token_problem(token: str) -> str | None:
    """Why a reset link cannot be used, or None when it can."""
    try:
        user_for_reset_token(token)
    except ValidationFailed as error:
        return error.message
    return None


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    _check_password(new_password, email=user.email, name=user.name, field="password")
    user.password_hash = _hash(new_password)
    end_other_sessions(user)
    audit.record(user, "user.password_reset", user)
    return user


def change_password(user: User, current: str, new_password: str, keep_token: str | None) -> None:
    if not verify_password(user.password_hash, current):
        raise ValidationFailed("Your current password is not correct.", field="current_password")
    _check_password(new_password, email=user.email, name=user.name, field="new_password")
    user.password_hash = _hash(new_password)
    end_other_sessions(user, keep_token)
    audit.record(user, "user.password_changed", user)
    queue_mail(user.email, "Your SMP Academy password was changed", "password_changed", user=user)


def change_email(user: User, password: str, new_email: str) -> None:
    if not verify_password(user.password_hash, password):
        raise ValidationFailed("Your current password is not correct.", field="password")
    email = normalise_email(new_email)
    if email == user.email:
        return
    if find_user_by_email(email) is not None:
        raise Conflict("An account with this e-mail address already exists.", field="email")
    old = user.email
    user.email = email
    audit.record(user, "user.email_changed", user, old=old, new=email)
    queue_mail(
        old, "Your SMP Academy e-mail address was changed", "email_changed", user=user, old=old
    )


def change_name(user: User, name: str) -> None:
    name = name.strip()
    if not 1 <= len(name) <= 120:
        raise ValidationFailed("Enter your name (up to 120 characters).", field="name")
    if name != user.name:
        audit.record(user, "user.name_changed", user, old=user.name, new=name)
        user.name = name


def set_role(actor: User, user: User, role: Role) -> None:
    """Change a user's role; an admin cannot demote themself (someone must stay admin)."""
    role = Role(role)
    if user.id == actor.id and role != Role.ADMIN:
        raise Conflict("You cannot remove your own administrator role.")
    if user.role != role:
        audit.record(actor, "user.role_changed", user, old=user.role, new=role)
        user.role = role


def set_active(actor: User, user: User, active: bool) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    if user.id == actor.id and not active:
        raise Conflict("You cannot deactivate your own account.")
    if user.active == active:
        return
    user.active = active
    if not active:
        end_other_sessions(user)
    audit.record(actor, "user.reactivated" if active else "user.deactivated", user)


def search_users(query: str = "", role: str = "", page: int = 1, per_page: int = 25):
    """Users matching a name or e-mail fragment and a role, newest first, paginated."""
    stmt = select(User).order_by(User.created_at.desc(), User.id.desc())
    if query:
        pattern = f"%{query.strip().lower()}%"
        stmt = stmt.where(func.lower(User.name).like(pattern) | User.email.like(pattern))
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == role)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def _check_password(password: str, *, email: str, name: str, field: str = "password") -> None:
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise ValidationFailed(problem, field=field)


def _hash(password: str) -> str:
    return hash_password(password, current_app.config["PASSWORD_HASH"])


@cache
def _dummy_hash_for(params: tuple) -> str:
    return hash_password("not a real password", dict(params))


def _dummy_hash() -> str:
    return _dummy_hash_for(tuple(sorted(current_app.config["PASSWORD_HASH"].items())))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does, which makes a reset link single-use."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)
