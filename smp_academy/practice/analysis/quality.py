"""Looking at the photo before measuring it: calibration, resolution, focus, glare, markers.

The same inspection runs in the upload page's immediate check (check.py) and at the start of
every analysis, so what the check asks the trainee to fix is exactly what the report warns
about. Problems do not stop the analysis, but say when the numbers deserve less trust.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import geometry, problems
from .edges import covered_markers, edge_blur_mm, photo_encoding
from .light import FULL, light16
from .markers import FrameFit, Marker, refine_frame, square_px_per_mm
from .problems import Problem
from .rectify import MIN_PX_PER_MM, choose_px_per_mm, warp_box

#: A marker edge spread wider than this (Gaussian sigma) blurs the dots' edges noticeably.
MAX_BLUR_MM = 0.15
#: Blown-out area in the measured region that is worth a warning.
MIN_GLARE_MM2 = 2.0
GLARE_MAX_MEDIAN = 0.75  # linear light; 225 of 255 in sRGB
SATURATED = 0.955  # linear light; 250 of 255 in sRGB
GLARE_PX_PER_MM = 4.0  # glare spots are millimetres wide: a coarse look is enough
#: Sampling of the marker patches used to tell the photo's encoding and covered markers.
PATCH_PX_PER_MM = 10.0


@dataclass(frozen=True)
class Inspection:
    """The photo in linear light, its calibration and what is wrong with it."""

    encoding: str
    light: np.ndarray  # uint16 linear light of the whole photo
    frame: FrameFit  # refined in linear light
    photo_px_per_mm: float  # the photo's own sampling of the measured region
    px_per_mm: float  # the sampling the region is rectified at
    blur_mm: float  # Gaussian sigma on the markers' edges, rectified
    problems: tuple[Problem, ...]

    @property
    def warnings(self) -> list[str]:
        return [p.warning for p in self.problems]


@dataclass(frozen=True)
class Layout:
    """What is photographed: markers by id (corner and side, mm), their names for messages,
    the measured square (origin, side), a box inside it that is not skin (x0, y0, x1, y1, or
    None) and the least sampling the measurement needs."""

    markers: dict[int, Marker]
    names: dict[int, str]
    region_mm: tuple[float, float]
    hidden_mm: tuple[float, float, float, float] | None
    min_px_per_mm: float


TEMPLATE = Layout(
    geometry.template_markers(),
    problems.MARKER_NAMES,
    (0.0, geometry.SQUARE_MM),
    None,
    MIN_PX_PER_MM,
)


def inspect(gray: np.ndarray, coarse: FrameFit, layout: Layout = TEMPLATE) -> Inspection:
    """Inspect a photo whose markers were found (``coarse``, fitted on the 8-bit photo)."""
    by_id, names = layout.markers, layout.names
    ids, markers = list(by_id), list(by_id.values())
    encoding = photo_encoding(gray, coarse.photo_to_mm, PATCH_PX_PER_MM, markers)
    light = light16(gray, encoding)
    frame = refine_frame(light, coarse, by_id, names)
    photo_px_per_mm = square_px_per_mm(frame.photo_to_mm, *layout.region_mm)
    px_per_mm = choose_px_per_mm(photo_px_per_mm)
    blur_mm = edge_blur_mm(light, frame.photo_to_mm, px_per_mm, markers)
    hidden = {p.message for p in frame.problems if p.code == "marker_hidden"}
    covered = [
        problems.marker_hidden(ids[i], names)
        for i in covered_markers(gray, frame.photo_to_mm, PATCH_PX_PER_MM, markers)
    ]
    found = [
        *frame.problems,
        *(p for p in covered if p.message not in hidden),
        *resolution_problem(photo_px_per_mm, layout.min_px_per_mm),
        *blur_problem(blur_mm),
        *glare_problem(light, frame.photo_to_mm, layout.region_mm, layout.hidden_mm),
    ]
    return Inspection(encoding, light, frame, photo_px_per_mm, px_per_mm, blur_mm, tuple(found))


def resolution_problem(photo_px_per_mm: float, minimum: float) -> list[Problem]:
    """Below about 8 px/mm a 0.8 mm dot is only a handful of pixels across (10 px/mm for the
    finer dots on a scalp)."""
    if photo_px_per_mm >= minimum:
        return []
    return [problems.low_resolution(photo_px_per_mm, minimum)]


def blur_problem(sigma_mm: float) -> list[Problem]:
    """The blur is a sizeable share of a dot's radius."""
    return [problems.blurred(sigma_mm)] if sigma_mm > MAX_BLUR_MM else []


def glare_problem(
    light: np.ndarray,
    photo_to_mm: np.ndarray,
    region_mm: tuple[float, float],
    hidden_mm: tuple[float, float, float, float] | None,
) -> list[Problem]:
    """Saturated pixels in the measured region: dots under a reflection cannot be seen.

    White paper exposed brightly saturates without hiding anything, so glare is only looked
    for when the region's typical tone is well below white; the white sticker is left out.
    """
    origin, side = region_mm
    region = warp_box(light, photo_to_mm, GLARE_PX_PER_MM, (origin, origin), side)
    keep = np.ones(region.shape, dtype=bool)
    if hidden_mm is not None:
        x0, y0, x1, y1 = (round((v - origin) * GLARE_PX_PER_MM) for v in hidden_mm)
        keep[max(y0, 0) : y1, max(x0, 0) : x1] = False
    if float(np.median(region[keep])) >= GLARE_MAX_MEDIAN * FULL:
        return []
    area_mm2 = np.count_nonzero((region >= SATURATED * FULL) & keep) / GLARE_PX_PER_MM**2
    return [problems.glare(area_mm2)] if area_mm2 >= MIN_GLARE_MM2 else []
