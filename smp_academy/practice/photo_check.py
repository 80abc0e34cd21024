"""Whether a photo can be measured, checked at upload: a photo the analysis cannot measure is
refused with the reason and how to retake it, instead of waiting for an instructor who could
not grade it either (and locking the exercise meanwhile). Pure: bytes in, problems out."""

from __future__ import annotations

from dataclasses import dataclass

from smp_academy.practice.analysis import MarkersNotFound, UnreadableImage, analyze

RETAKE = (
    "Retake it from directly above with the whole printed frame in view: all four corner "
    "markers sharp, uncovered and evenly lit, nothing cut off at the edges."
)


@dataclass(frozen=True)
class PhotoProblem:
    """Why a photo cannot be measured, and what the trainee should do about it."""

    message: str
    how_to_fix: str


def measurability_problems(data: bytes, *, max_pixels: int) -> list[PhotoProblem]:
    """The reasons the analysis could not measure this (cleaned) photo; empty when it can."""
    try:
        analyze(data, max_pixels=max_pixels)
    except MarkersNotFound as error:
        return [PhotoProblem(str(error), RETAKE)]
    except UnreadableImage as error:
        return [PhotoProblem(str(error), "Take the photo again with your phone's camera app.")]
    return []
