"""Keeping client identity out of the database: case codes we generate, initials and a year of
birth at most, and a cheap check that free text does not carry an e-mail address, a phone number
or a name. Pure.

The check is a net, not a guarantee: it catches the common slips (a phone number in the notes,
"Mr Jones", "client: John Smith") and says why, so the trainee rewrites the sentence.
"""

from __future__ import annotations

import re
import secrets

#: Crockford's base32, as in certificate codes: no I, L, O or U to misread
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 40 random bits: unguessable enough for an identifier that is never a secret

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().-]{6,}\d(?![\w.])")
DATE = re.compile(r"\b(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})\b")
URL = re.compile(r"\b(https?://|www\.)\S+", re.IGNORECASE)
#: a title or a label, then a capitalised word ("Mr Jones", "named Tom"; not "named area")
TITLED_NAME = re.compile(r"\b(?i:mr|mrs|ms|miss|mx|dr|sir|madam)\.?\s+[A-Z][a-z'’-]+")
LABELLED_NAME = re.compile(
    r"\b(?i:name|named|called|surname|client is|patient is)\s*[:=]?\s+[A-Z][a-z'’-]+"
)
INITIALS = re.compile(r"^[A-Z]{1,3}$")


def new_case_code() -> str:
    """A fresh case code such as ``C-7K3Q-9XWM``."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"C-{chars[:4]}-{chars[4:]}"


def identifying_text(text: str) -> str | None:
    """Why ``text`` looks like it identifies a person, or None."""
    if EMAIL.search(text):
        return "contains an e-mail address"
    if URL.search(text):
        return "contains a web address"
    undated = DATE.sub(" ", text)  # a date is not a phone number
    if any(_looks_like_phone(m.group()) for m in PHONE.finditer(undated)):
        return "contains what looks like a phone number"
    if TITLED_NAME.search(text) or LABELLED_NAME.search(text):
        return "contains what looks like a name"
    return None


def _looks_like_phone(candidate: str) -> bool:
    """Seven digits with separators or a leading +, or ten in a row (a lot number such as
    20260115 is not a phone number)."""
    digits = sum(ch.isdigit() for ch in candidate)
    if candidate.isdigit():
        return digits >= 10
    return digits >= 7


def clean_initials(value: str | None) -> str | None:
    """Initials as stored (up to three capital letters, no dots), or None when empty."""
    letters = re.sub(r"[\s.]", "", value or "").upper()
    return letters or None


def initials_problem(value: str | None) -> str | None:
    letters = clean_initials(value)
    if letters is None or INITIALS.match(letters):
        return None
    return "Initials are at most three letters (no full names)."
