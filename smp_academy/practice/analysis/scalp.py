"""Measuring dots on a living scalp beside the scale sticker (CONTRACT.md section 7).

The sticker's marker gives the scale and the view; the scalp is taken as locally flat. The
region measured is the disc of radius 15 mm around the sticker's centre minus the sticker with
its white border. The dot finding is the practice analysis's, with the sticker painted over
before the skin's level is estimated, smaller dots allowed (scalp dots are finer than pen
dots, and hair stubble finer still), and a dot's contrast reported: its darkness against the
skin around it with the photo's blur undone, which is what fades as a treatment heals.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import geometry, problems
from .decode import DEFAULT_MAX_PIXELS, decode_gray
from .dots import Dots, find_dots
from .errors import MarkersNotFound, StickerNotFound
from .light import FULL, to_encoded
from .markers import locate_markers
from .problems import Problem
from .quality import Layout, inspect
from .rectify import Rectified, rectify
from .stats import cv, mean_or_none, nearest_neighbour_distances

#: Scalp dots are 0.2–0.5 mm fresh; stubble seen end-on is about 0.1 mm.
SCALP_MIN_DOT_MM = 0.15
#: The contract asks for 10 px/mm or more over the sticker.
SCALP_MIN_PX_PER_MM = 10.0
STICKER_NAMES = {geometry.STICKER_ID: "scale sticker"}
#: Strands of hair around the sticker (a 36 mm square) worth a warning.
MIN_HAIRS = 10
_HALF = geometry.STICKER_SIDE_MM / 2

SCALP = Layout(
    geometry.sticker_markers(),
    STICKER_NAMES,
    (-geometry.SCALP_RADIUS_MM, 2 * geometry.SCALP_RADIUS_MM),
    (-_HALF, -_HALF, _HALF, _HALF),
    SCALP_MIN_PX_PER_MM,
)


@dataclass(frozen=True)
class ScalpDots:
    """The counted dots (centre in the region), in millimetres from the sticker's centre."""

    centres_mm: np.ndarray  # N×2
    diameters_mm: np.ndarray  # N
    contrast: np.ndarray  # N, darkness against the skin around, 0..1
    is_blowout: np.ndarray  # N bool
    is_merged: np.ndarray  # N bool
    is_well_formed: np.ndarray  # N bool, the dots the size statistics use


@dataclass(frozen=True)
class ScalpResult:
    """The contract's report plus what the overlay and the upload check need."""

    report: dict
    dots: ScalpDots
    light: np.ndarray  # uint16 linear light of the region's square with a margin
    encoding: str
    px_per_mm: float
    margin_mm: float
    problems: tuple[Problem, ...] = ()  # the report's warnings, coded

    @cached_property
    def rectified(self) -> np.ndarray:
        """The region's square as an 8-bit grayscale image, for people to look at."""
        return to_encoded(self.light.astype(np.float32) / FULL, self.encoding)


def analyze_scalp(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> ScalpResult:
    """Measure the dots around the scale sticker in a photo of a scalp.

    Raises UnreadableImage for bytes that are not a decodable image within ``max_pixels``,
    and StickerNotFound when the sticker cannot be seen.
    """
    return measure_scalp(decode_gray(data, max_pixels))


def measure_scalp(gray: np.ndarray) -> ScalpResult:
    """analyze_scalp on a decoded 8-bit photo."""
    seen = inspect(gray, locate_sticker(gray), SCALP)
    origin, side = SCALP.region_mm
    rect = rectify(
        seen.light, seen.frame.photo_to_mm, seen.px_per_mm, origin, side, SCALP.hidden_mm
    )
    found = find_dots(rect, seen.blur_mm * seen.px_per_mm, SCALP_MIN_DOT_MM, count_lines=True)
    dots, spacing = _counted_dots(found, rect)
    found_problems = (*seen.problems, *_hair_problem(found.line_count))
    warnings = [p.warning for p in found_problems]
    report = build_scalp_report(dots, spacing, rect.px_per_mm, warnings)
    return ScalpResult(
        report, dots, rect.light, seen.encoding, rect.px_per_mm, rect.margin_mm, found_problems
    )


def _hair_problem(lines: int) -> list[Problem]:
    """Long thin strands are left out, but where they are many, short ones get counted."""
    return [problems.hair(lines)] if lines >= MIN_HAIRS else []


def locate_sticker(gray: np.ndarray):
    """The sticker's frame fitted on the 8-bit photo, or StickerNotFound."""
    try:
        return locate_markers(gray, SCALP.markers, STICKER_NAMES)
    except MarkersNotFound:
        raise StickerNotFound() from None


def in_region(points_mm: np.ndarray) -> np.ndarray:
    """Which points (N×2, mm from the sticker's centre) lie in the measured region."""
    pts = np.asarray(points_mm, dtype=np.float64).reshape(-1, 2)
    in_disc = np.hypot(pts[:, 0], pts[:, 1]) <= geometry.SCALP_RADIUS_MM
    on_sticker = np.all(np.abs(pts) <= _HALF, axis=1)
    return in_disc & ~on_sticker


def _counted_dots(found: Dots, rect: Rectified) -> tuple[ScalpDots, np.ndarray]:
    """The dots in the region, and each one's distance to its nearest other visible dot
    (which may lie outside the region)."""
    centres = rect.to_mm(found.centres_px)
    radii = found.radius_px / rect.px_per_mm
    inside = in_region(centres)
    # A dot partly under the sticker shows only part of itself: count it, do not size it.
    gap = np.max(np.abs(centres), axis=1) - _HALF
    under_sticker = gap < radii + 1.0 / rect.px_per_mm
    well_formed = ~found.is_blowout & ~found.is_merged & ~found.on_border & ~under_sticker
    visible = ~np.all(np.abs(centres) <= _HALF, axis=1)
    spacing = nearest_neighbour_distances(centres[visible])[inside[visible]]
    dots = ScalpDots(
        centres[inside],
        2 * radii[inside],
        found.ink[inside],
        found.is_blowout[inside],
        found.is_merged[inside],
        well_formed[inside],
    )
    return dots, spacing


def build_scalp_report(
    dots: ScalpDots, spacing: np.ndarray, px_per_mm: float, warnings: list[str]
) -> dict:
    """The report of CONTRACT.md section 7, keys in the contract's order.

    Statistics that need dots which are not there (a mean of nothing) are null, not 0.
    """
    area_cm2 = geometry.scalp_area_cm2()
    sizes = dots.diameters_mm[dots.is_well_formed]
    spacing = spacing[np.isfinite(spacing)]  # a lone dot has no nearest neighbour
    contrast = dots.contrast[dots.is_well_formed]
    return {
        "calibrated": True,
        "px_per_mm": round(px_per_mm, 1),
        "area_cm2": round(area_cm2, 2),
        "dot_count": len(dots.centres_mm),
        "density_per_cm2": round(len(dots.centres_mm) / area_cm2, 2),
        "mean_diameter_mm": _rounded(mean_or_none(sizes), 3),
        "diameter_cv": _rounded(cv(sizes), 3),
        "nn_spacing_mm": _rounded(mean_or_none(spacing), 3),
        "spacing_cv": _rounded(cv(spacing), 3),
        "blowout_count": int(np.count_nonzero(dots.is_blowout)),
        "mean_contrast": _rounded(mean_or_none(contrast), 3),
        "warnings": list(warnings),
    }


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


#: Report numbers the comparison reads, fresh and healed side by side.
COMPARED = ("dot_count", "density_per_cm2", "mean_diameter_mm", "mean_contrast", "blowout_count")


def compare_scalp(fresh: dict, healed: dict) -> dict:
    """Fresh against healed, from two analyze_scalp reports of the same area.

    ``dot_spread_mm``: how much the mean dot diameter grew; ``fading``: the share of the dots'
    contrast lost; ``density_change``: the relative change in dots per cm² (dots lost or merged
    while healing). Each is null when either photo lacks the number.
    """
    spread = _difference(healed.get("mean_diameter_mm"), fresh.get("mean_diameter_mm"))
    return {
        "fresh": {key: fresh.get(key) for key in COMPARED},
        "healed": {key: healed.get(key) for key in COMPARED},
        "dot_spread_mm": _rounded(spread, 3),
        "dot_spread_ratio": _rounded(
            _ratio(healed.get("mean_diameter_mm"), fresh.get("mean_diameter_mm")), 3
        ),
        "fading": _rounded(_loss(healed.get("mean_contrast"), fresh.get("mean_contrast")), 3),
        "density_change": _rounded(
            _change(healed.get("density_per_cm2"), fresh.get("density_per_cm2")), 3
        ),
        "warnings": _comparison_warnings(fresh, healed),
    }


def _difference(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before


def _ratio(after: float | None, before: float | None) -> float | None:
    return None if after is None or not before else after / before


def _loss(after: float | None, before: float | None) -> float | None:
    ratio = _ratio(after, before)
    return None if ratio is None else 1.0 - ratio


def _change(after: float | None, before: float | None) -> float | None:
    ratio = _ratio(after, before)
    return None if ratio is None else ratio - 1.0


def _comparison_warnings(fresh: dict, healed: dict) -> list[str]:
    """Why the comparison may mislead: either photo's own warnings, and photos far apart in
    resolution (a blurrier, coarser photo makes dots look a little larger and paler)."""
    warnings = [f"fresh photo: {w}" for w in fresh.get("warnings", [])]
    warnings += [f"healed photo: {w}" for w in healed.get("warnings", [])]
    a, b = fresh.get("px_per_mm"), healed.get("px_per_mm")
    if a and b and max(a, b) / min(a, b) > 1.5:
        warnings.append(
            f"the photos differ in resolution ({a:.1f} and {b:.1f} px/mm): "
            "take both from the same distance"
        )
    return warnings
