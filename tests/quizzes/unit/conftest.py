"""The quiz engine's registry and statistics are pure: these tests need no app and no database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _transaction() -> Iterator[None]:
    """Replaces the suite's per-test database transaction, so no app is built for pure tests."""
    yield
