"""Warnings about the photo itself: resolution, focus and glare.

They do not stop the analysis, but tell the trainee (and the instructor) when the numbers
deserve less trust and how to take a better photo.
"""

from __future__ import annotations

import numpy as np

from .light import FULL
from .rectify import MIN_PX_PER_MM, Rectified

#: A marker edge spread wider than this (Gaussian sigma) blurs the dots' edges noticeably.
MAX_BLUR_MM = 0.15
#: Blown-out area in the square that is worth a warning.
MIN_GLARE_MM2 = 2.0
GLARE_MAX_MEDIAN = 0.75  # linear light; 225 of 255 in sRGB
SATURATED = 0.955  # linear light; 250 of 255 in sRGB


def resolution_warning(photo_px_per_mm: float) -> list[str]:
    """Below about 8 px/mm a 0.8 mm dot is only a handful of pixels across."""
    if photo_px_per_mm >= MIN_PX_PER_MM:
        return []
    return [
        f"low resolution: {photo_px_per_mm:.1f} px/mm (need at least {MIN_PX_PER_MM:.0f}); "
        "move closer or use a higher resolution"
    ]


def blur_warning(sigma_mm: float) -> list[str]:
    """Warn when the blur is a sizeable share of a dot's radius."""
    if sigma_mm <= MAX_BLUR_MM:
        return []
    return [
        f"photo looks blurred (edge spread {sigma_mm:.2f} mm): hold still and focus on the square"
    ]


def glare_warning(rect: Rectified) -> list[str]:
    """Saturated pixels in the square: dots under a reflection cannot be seen.

    White paper exposed brightly saturates without hiding anything, so glare is only looked
    for when the square's typical tone is well below white.
    """
    rows, cols = rect.square_slice()
    square = rect.light[rows, cols]
    if float(np.median(square[::4, ::4])) >= GLARE_MAX_MEDIAN * FULL:
        return []
    blown = int(np.count_nonzero(square >= SATURATED * FULL))
    area_mm2 = blown / rect.px_per_mm**2
    if area_mm2 < MIN_GLARE_MM2:
        return []
    return [f"glare: {area_mm2:.0f} mm² of the square is blown out; avoid direct light or flash"]
