"""Plain factory functions for test data; they flush, the test's transaction rolls back."""

from __future__ import annotations

import itertools

from smp_academy.auth import services as accounts
from smp_academy.auth.models import User
from smp_academy.core.roles import Role

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def user(role: str = "trainee", name: str | None = None, email: str | None = None) -> User:
    n = next(_counter)
    return accounts.create_user(
        email or f"user{n}@example.com", name or f"User {n}", PASSWORD, Role(role)
    )
