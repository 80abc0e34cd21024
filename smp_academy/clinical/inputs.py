"""Checks shared by the clinical services: each refusal names the form field it belongs to, so
the form shows it there and nothing is written."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from smp_academy.clinical.pseudonyms import identifying_text
from smp_academy.core.clock import today_utc
from smp_academy.core.errors import NotFound, ValidationFailed
from smp_academy.extensions import db

M = TypeVar("M")

NOTE_MAX = 2000


def found(model: type[M], row_id: int, what: str) -> M:
    """The row with this id, or NotFound."""
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound(f"No such {what}.")
    return row


def free_text(value: str | None, field: str, max_length: int = NOTE_MAX) -> str:
    """Optional free text about the treatment, never about who the client is."""
    text = (value or "").strip()
    if len(text) > max_length:
        raise ValidationFailed(f"Keep this under {max_length} characters.", field=field)
    reason = identifying_text(text)
    if reason:
        raise ValidationFailed(
            f"This {reason}. Client records hold no names or contact details: "
            "describe the treatment without them.",
            field=field,
        )
    return text


def short_text(value: str | None, field: str, label: str, max_length: int) -> str:
    """A required one-line value such as a pigment brand or a lot number."""
    text = " ".join((value or "").split())
    if not text:
        raise ValidationFailed(f"Enter the {label}.", field=field)
    if len(text) > max_length:
        raise ValidationFailed(f"The {label} is at most {max_length} characters.", field=field)
    return text


def past_date(value: date | None, field: str, label: str, not_before: date | None = None) -> date:
    """A date that has happened (and not before ``not_before``)."""
    if value is None:
        raise ValidationFailed(f"Enter the {label}.", field=field)
    if value > today_utc():
        raise ValidationFailed(f"The {label} cannot be in the future.", field=field)
    if not_before is not None and value < not_before:
        raise ValidationFailed(f"The {label} cannot be before {not_before:%d %B %Y}.", field=field)
    return value


def one_of(value: object, choices: Iterable[object], field: str, label: str) -> object:
    if value not in set(choices):
        raise ValidationFailed(f"Choose the {label}.", field=field)
    return value


def subset(values: Iterable[str], choices: Iterable[str], field: str, label: str) -> list[str]:
    known = list(choices)
    chosen = [value for value in known if value in set(values)]
    if not chosen or len(chosen) != len(set(values)):
        raise ValidationFailed(f"Choose the {label}.", field=field)
    return chosen


def fold(value: str) -> str:
    """A brand or lot as compared: trimmed, inner spaces collapsed, case ignored."""
    return " ".join(value.split()).casefold()
