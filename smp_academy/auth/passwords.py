"""Password hashing (Argon2id) and the password policy."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 1024  # long passphrases are welcome; the bound only stops abuse of the hasher
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
    if lowered in _common_passwords() or len(set(lowered)) < 4:
        return "This password is too common. Choose a less predictable one."
    personal = {email.lower(), email.split("@")[0].lower(), name.lower().replace(" ", "")}
    if lowered.replace(" ", "") in personal:
        return "Do not use your name or e-mail address as your password."
    return None
