"""Practice-photo analysis: from the bytes of a photo to a report.

Pure functions, no Flask and no database, so the same code runs in a web request, an RQ
worker, the CLI and the tests:
- ``analyze`` measures a photo of the printed template (report keys and order: CONTRACT.md
  section 6), ``render_overlay`` draws what it found;
- ``analyze_scalp`` measures a living scalp beside the scale sticker (section 7),
  ``render_scalp_overlay`` draws it and ``compare_scalp`` sets fresh against healed;
- ``check_photo`` tells at once whether a photo can be measured, and what to fix if not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from . import geometry, quality
from .check import PhotoCheck, check_photo
from .decode import DEFAULT_MAX_PIXELS, decode_gray
from .dots import Dots, find_dots
from .errors import (
    MARKERS_NOT_FOUND,
    STICKER_NOT_FOUND,
    MarkersNotFound,
    StickerNotFound,
    UnreadableImage,
)
from .light import FULL, to_encoded
from .markers import locate_frame
from .overlay import render_overlay, render_scalp_overlay
from .problems import Problem
from .rectify import Rectified, rectify
from .scalp import ScalpResult, analyze_scalp, compare_scalp
from .stats import cv, density_cell_cv, density_profile, mean_or_none, nearest_neighbour_distances

__all__ = [
    "MARKERS_NOT_FOUND",
    "STICKER_NOT_FOUND",
    "AnalysisResult",
    "MarkersNotFound",
    "MeasuredDots",
    "PhotoCheck",
    "Problem",
    "ScalpResult",
    "StickerNotFound",
    "UnreadableImage",
    "analyze",
    "analyze_scalp",
    "check_photo",
    "compare_scalp",
    "render_overlay",
    "render_scalp_overlay",
]


@dataclass(frozen=True)
class MeasuredDots:
    """The counted dots (centre in the square), in template millimetres."""

    centres_mm: np.ndarray  # N×2
    diameters_mm: np.ndarray  # N, equivalent-circle diameter at half the dot's darkness
    is_blowout: np.ndarray  # N bool
    is_merged: np.ndarray  # N bool, touching another dot at half darkness
    is_well_formed: np.ndarray  # N bool, the dots the size statistics use


@dataclass(frozen=True)
class AnalysisResult:
    """The contract's report plus what the overlay needs."""

    report: dict
    dots: MeasuredDots
    light: np.ndarray  # uint16 linear light of the square with a margin, px_per_mm per mm
    encoding: str  # how the photo encoded light, to show the square as it looked
    px_per_mm: float
    margin_mm: float
    extras: dict = field(default_factory=dict)  # numbers beyond the contract's report

    @cached_property
    def rectified(self) -> np.ndarray:
        """The rectified square as an 8-bit grayscale image, for people to look at."""
        return to_encoded(self.light.astype(np.float32) / FULL, self.encoding)


def analyze(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> AnalysisResult:
    """Measure the dots in a photo of the practice template.

    Raises UnreadableImage for bytes that are not a decodable image within ``max_pixels``,
    and MarkersNotFound when the four markers are not all visible.
    """
    gray = decode_gray(data, max_pixels)
    seen = quality.inspect(gray, locate_frame(gray))
    rect = rectify(seen.light, seen.frame.photo_to_mm, seen.px_per_mm)
    found = find_dots(rect, seen.blur_mm * seen.px_per_mm)
    dots = _counted_dots(found, rect)
    warnings = seen.warnings
    report = build_report(dots, rect.px_per_mm, _coverage(found, rect), warnings)
    extras = {"density_cell_cv": _rounded(density_cell_cv(dots.centres_mm), 3)}
    return AnalysisResult(
        report, dots, rect.light, seen.encoding, rect.px_per_mm, rect.margin_mm, extras
    )


def _counted_dots(found: Dots, rect: Rectified) -> MeasuredDots:
    """Keep dots whose centre lies in the square; mark the ones fit for size statistics."""
    centres = rect.to_mm(found.centres_px)
    inside = np.all((centres >= 0) & (centres <= geometry.SQUARE_MM), axis=1)
    diameters = 2 * found.radius_px / rect.px_per_mm
    well_formed = ~found.is_blowout & ~found.is_merged & ~found.on_border
    return MeasuredDots(
        centres[inside],
        diameters[inside],
        found.is_blowout[inside],
        found.is_merged[inside],
        well_formed[inside],
    )


def _coverage(found: Dots, rect: Rectified) -> float:
    rows, cols = rect.square_slice()
    square = found.coverage_mask[rows, cols]
    return float(np.count_nonzero(square)) / max(square.size, 1)


def build_report(
    dots: MeasuredDots, px_per_mm: float, coverage: float, warnings: list[str]
) -> dict:
    """The report of CONTRACT.md section 6, keys in the contract's order.

    Statistics that need dots which are not there (a mean of nothing) are null, not 0.
    """
    area_cm2 = geometry.SQUARE_MM**2 / 100.0
    sizes = dots.diameters_mm[dots.is_well_formed]
    spacing = nearest_neighbour_distances(dots.centres_mm)
    spacing = spacing[np.isfinite(spacing)]  # a lone dot has no nearest neighbour
    return {
        "calibrated": True,
        "px_per_mm": round(px_per_mm, 1),
        "area_cm2": round(area_cm2, 1),
        "dot_count": len(dots.centres_mm),
        "density_per_cm2": round(len(dots.centres_mm) / area_cm2, 2),
        "density_profile": [round(d, 2) for d in density_profile(dots.centres_mm)],
        "mean_diameter_mm": _rounded(mean_or_none(sizes), 3),
        "diameter_cv": _rounded(cv(sizes), 3),
        "nn_spacing_mm": _rounded(mean_or_none(spacing), 3),
        "spacing_cv": _rounded(cv(spacing), 3),
        "blowout_count": int(np.count_nonzero(dots.is_blowout)),
        "coverage_fraction": round(coverage, 4),
        "warnings": list(warnings),
    }


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
