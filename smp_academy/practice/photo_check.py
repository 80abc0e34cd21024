"""Whether a photo can be measured, checked at upload: a photo the analysis cannot measure is
refused with the reason and how to retake it, instead of waiting for an instructor who could
not grade it either (and locking the exercise meanwhile). The analysis's ``check_photo`` says
what is wrong in the same words as the report's warnings; here they become sentences."""

from __future__ import annotations

from smp_academy.practice.analysis import check_photo


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "."


def measurability_problems(data: bytes, *, max_pixels: int) -> list[str]:
    """Why the analysis could not measure this (cleaned) photo, each with how to retake it, as
    sentences; empty when it can."""
    check = check_photo(data, max_pixels=max_pixels)
    return [f"{_sentence(p.message)} {_sentence(p.how_to_fix)}" for p in check.problems]
