"""Signed links sent by e-mail: reset a password, confirm an address, change an address.

Each link names its purpose (a salt), expires, and carries the account's security stamp: the
stamp moves on at every link sent, sign-in and password change, so only the newest link works,
and it works once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from smp_academy.auth.models import User
from smp_academy.core.errors import ValidationFailed
from smp_academy.extensions import db

LIFETIMES = {
    "confirm": timedelta(days=7),
    "change-email": timedelta(days=1),
}
NOUNS = {"reset": "reset link", "confirm": "confirmation link", "change-email": "confirmation link"}
#: where each link leads; the token travels in the query string, which the access logs omit
PATHS = {"reset": "/reset-password", "confirm": "/confirm-email", "change-email": "/change-email"}


def _lifetime(purpose: str) -> timedelta:
    if purpose == "reset":
        return timedelta(seconds=current_app.config["PASSWORD_RESET_MAX_AGE"])
    return LIFETIMES[purpose]


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"smp-{purpose}")


def retire_links(user: User) -> None:
    """Make every link sent so far unusable (a sign-in, a password change, a newer link)."""
    user.security_stamp = (user.security_stamp or 0) + 1


def make_link(user: User, purpose: str, **claims: Any) -> str:
    """A fresh link for ``purpose``; older links of the account stop working."""
    retire_links(user)
    token = _serializer(purpose).dumps({"id": user.id, "stamp": user.security_stamp, **claims})
    return f"{current_app.config['BASE_URL']}{PATHS[purpose]}?token={token}"


def read_link(token: str, purpose: str) -> tuple[User, dict[str, Any]]:
    """The account a link was made for and its claims; refuses tampered, expired, used and
    superseded links with a message that says what to do."""
    noun = NOUNS[purpose]
    try:
        data = _serializer(purpose).loads(token, max_age=int(_lifetime(purpose).total_seconds()))
    except SignatureExpired:
        raise ValidationFailed(f"This {noun} has expired. Ask for a new one.") from None
    except BadSignature:
        raise ValidationFailed(f"This {noun} is not valid. Ask for a new one.") from None
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("stamp") != user.security_stamp:
        raise ValidationFailed(
            f"This {noun} has been used already or a newer one was sent. Ask for a new one."
        )
    return user, data
