"""Reading trainees' answers: from JSON (autosave) or a form post (no JavaScript) to plain,
validated values. Anything malformed raises InvalidAnswer with a message safe to show."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

GetList = Callable[[str], list[str]]

WHOLE = re.compile(r"\d{1,6}")
# Digits with one optional decimal point or comma (4.5, 4,5, .5) and an optional exponent;
# stricter than float(), which also takes "nan", "inf" and "1_000".
DECIMAL = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d{1,3})?")


class InvalidAnswer(ValueError):
    """The submitted answer cannot be read; the message is safe to show to the trainee."""


def is_blank(value: Any) -> bool:
    """Nothing given: an unanswered question, which is never an error."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | dict) and not value


def answer_field(raw: Any, field: str) -> Any:
    """The answer's one field, or None when it is blank."""
    if is_blank(raw):
        return None
    if not isinstance(raw, Mapping):
        raise InvalidAnswer("an answer must be a JSON object")
    value = raw.get(field)
    return None if is_blank(value) else value


def as_id(value: Any, count: int, what: str) -> int:
    """A whole number in ``0 .. count-1``; booleans are refused although Python calls them ints."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAnswer(f"{what} must be a whole number")
    if not 0 <= value < count:
        raise InvalidAnswer(f"{what} {value} does not exist (expected 0 to {count - 1})")
    return value


def as_ids(values: Any, count: int, what: str) -> list[int]:
    """A list of distinct ids, in the order given."""
    if not isinstance(values, list):
        raise InvalidAnswer(f"the {what}s must be a list")
    ids = [as_id(value, count, what) for value in values]
    if len(set(ids)) != len(ids):
        raise InvalidAnswer(f"a {what} may be given only once")
    return ids


def as_number(value: Any) -> float:
    """A finite number; NaN and infinities would make every comparison meaningless."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidAnswer("the answer must be a number")
    try:
        number = float(value)
    except OverflowError:
        raise InvalidAnswer("the answer is too large") from None
    if not math.isfinite(number):
        raise InvalidAnswer("the answer must be a finite number")
    return number


def form_values(getlist: GetList, field: str) -> list[str]:
    """The non-blank values posted under ``field``, stripped."""
    return [value.strip() for value in getlist(field) if value.strip()]


def form_value(getlist: GetList, field: str) -> str | None:
    """The one value posted under ``field``, or None when it was left blank."""
    values = form_values(getlist, field)
    if len(values) > 1:
        raise InvalidAnswer("only one value may be given")
    return values[0] if values else None


def parse_whole(text: str, what: str) -> int:
    if not WHOLE.fullmatch(text):
        raise InvalidAnswer(f"{what} must be a whole number")
    return int(text)


def parse_decimal(text: str) -> float:
    """A typed number; a lone decimal comma is accepted because trainees type what they know."""
    if not DECIMAL.fullmatch(text):
        raise InvalidAnswer("the answer must be a number such as 4.5")
    return as_number(float(text.replace(",", ".")))


def key_as_int(key: Any) -> Any:
    """JSON object keys are strings: read "2" as left 2, leave anything else to be refused."""
    return int(key) if isinstance(key, str) and WHOLE.fullmatch(key) else key


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else str(value)
