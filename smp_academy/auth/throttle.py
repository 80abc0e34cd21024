"""Failed attempts counted per account and per address, in the database so that every worker
shares the count, with a lock that holds until it expires: the right password does not open a
locked account (a rate limit that lets the next correct guess through is no limit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from smp_academy.auth.models import Throttle
from smp_academy.core.clock import now_utc
from smp_academy.core.errors import DomainError
from smp_academy.core.rows import get_or_create
from smp_academy.extensions import db


@dataclass(frozen=True)
class Rule:
    """``limit`` failures within ``window`` lock the key for ``lock``."""

    limit: int
    window: timedelta
    lock: timedelta


SIGN_IN_ACCOUNT = Rule(5, timedelta(minutes=15), timedelta(minutes=15))
SIGN_IN_ADDRESS = Rule(20, timedelta(minutes=15), timedelta(minutes=15))
PASSWORD_CHECK = Rule(5, timedelta(minutes=15), timedelta(minutes=15))
RESET_REQUESTS = Rule(3, timedelta(hours=1), timedelta(hours=1))
BAD_TOKENS = Rule(10, timedelta(minutes=10), timedelta(minutes=10))


class TooManyAttempts(DomainError):
    status = 429

    def __init__(self, message: str, retry_after: timedelta) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def locked_for(key: str) -> timedelta | None:
    """How long ``key`` stays locked, or None."""
    row = db.session.scalar(select(Throttle).where(Throttle.key == key))
    if row is None or row.locked_until is None or row.locked_until <= now_utc():
        return None
    return row.locked_until - now_utc()


def ensure_unlocked(keys: dict[str, str]) -> None:
    """Refuse while any of ``keys`` is locked; ``keys`` maps a key to what to say about it."""
    for key, message in keys.items():
        wait = locked_for(key)
        if wait is not None:
            minutes = max(1, round(wait.total_seconds() / 60))
            raise TooManyAttempts(f"{message} Try again in {minutes} minute(s).", wait)


def record_failure(key: str, rule: Rule) -> bool:
    """Count one failure under ``key``; True when this one locked it."""
    row = _row(key)
    now = now_utc()
    if now - row.window_started_at > rule.window:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures >= rule.limit:
        row.locked_until = now + rule.lock
        row.failures, row.window_started_at = 0, now
        return True
    return False


def clear(key: str) -> None:
    """Forget the failures of ``key`` (after a success); a running lock is kept."""
    row = db.session.scalar(select(Throttle).where(Throttle.key == key))
    if row is not None:
        row.failures = 0


def unlock(key: str) -> None:
    """Lift a lock and forget the failures (the owner proved who they are another way)."""
    row = db.session.scalar(select(Throttle).where(Throttle.key == key))
    if row is not None:
        row.failures, row.locked_until = 0, None


def _row(key: str) -> Throttle:
    """The key's row, locked for this transaction so that two workers count both failures."""
    row = get_or_create(Throttle, key=key)
    db.session.execute(select(Throttle.key).where(Throttle.key == key).with_for_update())
    db.session.refresh(row)
    return row
