"""The one source of the current time, so tests can move it."""

from __future__ import annotations

from datetime import UTC, date, datetime

_frozen: datetime | None = None


def now_utc() -> datetime:
    """The current time, timezone-aware UTC (or the frozen time in tests)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def today_utc() -> date:
    return now_utc().date()


def freeze(at: datetime | None) -> None:
    """Fix the clock at ``at`` (aware UTC), or unfreeze with None. For tests and benchmarks."""
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = at
