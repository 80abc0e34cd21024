"""Accounts: creation, registration with a confirmed address, profile changes, roles.

Registration answers the same way whether or not the address has an account: the page says a
message is on its way, and the message is a confirmation link for a new account or, for an
existing one, a note to its owner. Nobody learns from the form which addresses are registered.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from smp_academy.auth import signin, tokens
from smp_academy.auth.identifiers import comparable_email, normalise_email, normalise_name
from smp_academy.auth.models import User
from smp_academy.auth.passwords import check_password, hash_password
from smp_academy.core import audit
from smp_academy.core.clock import now_utc
from smp_academy.core.errors import Conflict
from smp_academy.core.mail import queue_mail
from smp_academy.core.roles import Role
from smp_academy.extensions import db


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == comparable_email(email)))


def create_user(
    email: str, name: str, password: str, role: Role = Role.TRAINEE, *, confirmed: bool = True
) -> User:
    """Create an account after checking the e-mail, the name and the password policy (an
    account made by an admin or a command is confirmed; a self-registered one is not yet)."""
    email, name = normalise_email(email), normalise_name(name)
    if find_user_by_email(email) is not None:
        raise Conflict("An account with this e-mail address already exists.", field="email")
    check_password(password, email=email, name=name)
    user = User(
        email=email,
        name=name,
        role=Role(role),
        password_hash=hash_password(password, current_app.config["PASSWORD_HASH"]),
        email_confirmed_at=now_utc() if confirmed else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def register_trainee(email: str, name: str, password: str) -> None:
    """Start a registration: a new account waits for its address to be confirmed; an address
    that has an account already gets a note instead (the form answers alike either way)."""
    email, name = normalise_email(email), normalise_name(name)
    check_password(password, email=email, name=name)
    existing = find_user_by_email(email)
    if existing is not None:
        queue_mail(
            existing.email,
            "Someone tried to register with your address",
            "account_exists",
            user=existing,
            login_url=f"{current_app.config['BASE_URL']}/login",
            reset_url=f"{current_app.config['BASE_URL']}/forgot-password",
        )
        return
    user = create_user(email, name, password, Role.TRAINEE, confirmed=False)
    audit.record(user, "user.registered", user)
    signin.send_confirmation(user)


def confirm_registration(token: str) -> User:
    """Confirm the address of a new account by its link; the caller signs the person in."""
    user, _ = tokens.read_link(token, "confirm")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now_utc()
        audit.record(user, "user.email_confirmed", user)
    return user


def change_password(user: User, current: str, new_password: str, keep_token: str | None) -> None:
    signin.check_current_password(user, current, field="current_password")
    check_password(new_password, email=user.email, name=user.name, field="new_password")
    signin.set_password(user, new_password, keep_token=keep_token)
    audit.record(user, "user.password_changed", user)
    queue_mail(user.email, "Your SMP Academy password was changed", "password_changed", user=user)


def request_email_change(user: User, password: str, new_email: str) -> bool:
    """Send a confirmation link to the new address; the change applies when it is opened.
    False when the address is the current one (nothing to do)."""
    signin.check_current_password(user, password, field="password")
    email = normalise_email(new_email)
    if email == user.email:
        return False
    if find_user_by_email(email) is not None:
        raise Conflict("An account with this e-mail address already exists.", field="email")
    queue_mail(
        email,
        "Confirm your new SMP Academy e-mail address",
        "confirm_new_email",
        user=user,
        link=tokens.make_link(user, "change-email", email=email),
    )
    audit.record(user, "user.email_change_requested", user, new=email)
    return True


def apply_email_change(token: str) -> User:
    """Switch the account to the address its link was sent to; the old address is told."""
    user, claims = tokens.read_link(token, "change-email")
    email = claims["email"]
    if find_user_by_email(email) not in (None, user):
        raise Conflict("An account with this e-mail address already exists.")
    old, user.email = user.email, email
    tokens.retire_links(user)
    audit.record(user, "user.email_changed", user, old=old, new=email)
    queue_mail(
        old, "Your SMP Academy e-mail address was changed", "email_changed", user=user, old=old
    )
    return user


def change_name(user: User, name: str) -> None:
    name = normalise_name(name)
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
        signin.end_other_sessions(user)
    audit.record(actor, "user.reactivated" if active else "user.deactivated", user)


def search_users(query: str = "", role: str = "", page: int = 1, per_page: int = 25):
    """Users matching a name or e-mail fragment and a role, newest first, paginated."""
    stmt = select(User).order_by(User.created_at.desc(), User.id.desc())
    if query:
        pattern = f"%{query.strip().lower()}%"
        stmt = stmt.where(func.lower(User.name).like(pattern) | User.email.like(pattern))
    if role in set(Role):
        stmt = stmt.where(User.role == role)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
