"""Password hashing (Argon2id) and the password policy: long enough, and not guessable by a
real strength estimator (zxcvbn: dictionaries, keyboard walks, dates, l33t, the person's own
name and address), instead of an exact-match list that "password123!" slips past."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from smp_academy.core.errors import ValidationFailed

MIN_LENGTH = 10
MAX_LENGTH = 1024  # long passphrases are welcome; the bound only stops abuse of the hasher
#: zxcvbn's score 0-4; 3 is "safely unguessable: moderate protection from offline attacks"
MIN_STRENGTH = 3
#: zxcvbn refuses passwords over 72 characters: a longer passphrase is judged by its start
STRENGTH_PREFIX = 72
SITE_WORDS = ("smp", "academy", "micropigmentation", "scalp", "tattoo", "hairline")
_COMMON = Path(__file__).parent / "data" / "common-passwords.txt"


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hash_password(password: str, params: dict[str, int]) -> str:
    return _hasher(**params).hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches; never raises for a wrong password or a bad hash."""
    try:
        return _hasher(1, 8, 1).verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str, params: dict[str, int]) -> bool:
    return _hasher(**params).check_needs_rehash(stored_hash)


@cache
def _common_passwords() -> frozenset[str]:
    lines = _COMMON.read_text().splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why ``password`` is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    personal = {email.lower(), email.split("@")[0].lower(), name.lower().replace(" ", "")}
    if lowered.replace(" ", "") in personal:
        return "Do not use your name or e-mail address as your password."
    if lowered in _common_passwords():
        return "This password is too common. Choose a less predictable one."
    inputs = [*SITE_WORDS, *email.lower().replace("@", " ").split(), *name.lower().split()]
    estimate = zxcvbn(password[:STRENGTH_PREFIX], user_inputs=inputs)
    if estimate["score"] < MIN_STRENGTH:
        hint = estimate["feedback"]["warning"] or "It would be easy to guess."
        advice = " ".join(estimate["feedback"]["suggestions"]) or "Add another uncommon word."
        return f"This password is too weak. {hint.rstrip('.')}. {advice}"
    return None


def check_password(password: str, *, email: str, name: str, field: str = "password") -> None:
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise ValidationFailed(problem, field=field)
