"""What a person (or a clinic's program) reads when a rate limit stops them: what they did too
often and when they may try again, instead of Flask-Limiter's "30 per 1 minute".

Use ``too_many(...)`` as the ``error_message`` of a limit; the 429 page and the JSON error
both show it (core/boundary.py passes the exception's description to either).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from smp_academy.extensions import limiter


def wait_phrase(seconds: float | None) -> str:
    """How long to wait, rounded up: "1 second", "61 seconds", "2 minutes", "about an hour"
    (in seconds up to a minute and a half, where "2 minutes" would overstate it)."""
    if seconds is None:
        return "a minute"
    seconds = max(1, math.ceil(seconds))
    if seconds < 90:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    hours = math.ceil(minutes / 60)
    return "about an hour" if hours == 1 else f"about {hours} hours"


def seconds_until_reset() -> float | None:
    """How long until the limit this request broke lets it through again (None if unknown)."""
    current = limiter.current_limit
    return None if current is None else max(0.0, current.reset_at - time.time())


def too_many(what: str) -> Callable[[], str]:
    """The message of a limit on ``what`` ("certificate look-ups from your address"), computed
    when the limit is hit, with the wait then left."""

    def message() -> str:
        wait = wait_phrase(seconds_until_reset())
        return f"You have made too many {what} in a short time. Please wait {wait}, then try again."

    return message
