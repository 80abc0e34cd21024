"""Identifiers as people type them, made comparable: Unicode NFKC (a full-width "ｔｅｓｔ@…" is
"test@…"), case-folded addresses, and no invisible or control characters, which would let two
accounts look the same."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

from smp_academy.core.errors import ValidationFailed

#: format (Cf: zero-width joiners, bidi marks…), control (Cc), unassigned (Cn), private (Co)
_HIDDEN_CATEGORIES = {"Cf", "Cc", "Cn", "Co"}


def has_hidden_characters(text: str) -> bool:
    return any(unicodedata.category(char) in _HIDDEN_CATEGORIES for char in text)


def normalise_text(text: str, *, field: str, what: str) -> str:
    """NFKC, trimmed; refused when it hides invisible or control characters."""
    text = unicodedata.normalize("NFKC", text).strip()
    if has_hidden_characters(text):
        raise ValidationFailed(
            f"The {what} contains an invisible or control character; type it again.",
            field=field,
        )
    return text


def normalise_email(email: str, field: str = "email") -> str:
    """The one spelling of an address we store and compare: NFKC, checked, lower-cased (no DNS
    look-up: the machine may be offline)."""
    email = normalise_text(email, field=field, what="e-mail address")
    try:
        return validate_email(email, check_deliverability=False).normalized.casefold()
    except EmailNotValidError as error:
        raise ValidationFailed(f"Enter a valid e-mail address ({error}).", field=field) from None


def comparable_email(email: str) -> str:
    """The stored spelling of whatever was typed, for look-ups that must not raise."""
    return unicodedata.normalize("NFKC", email).strip().casefold()


def normalise_name(name: str) -> str:
    name = normalise_text(name, field="name", what="name")
    if not 1 <= len(name) <= 120:
        raise ValidationFailed("Enter your name (up to 120 characters).", field="name")
    return name
