"""The one source of the current time, so tests, and ``maintenance run --as-of`` in development,
can move it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Run a block with the clock fixed at ``at``, then put back whatever it was."""
    previous = _frozen
    freeze(at)
    try:
        yield
    finally:
        freeze(previous)


def on_day(day: date) -> datetime:
    """``day`` at the current time of day: "as if today were ``day``"."""
    return datetime.combine(day, now_utc().timetz())
