"""Looking at the photo before measuring it: calibration, resolution, focus, glare, markers.

The same inspection runs in the upload page's immediate check (check.py) and at the start of
every analysis, so what the check asks the trainee to fix is exactly what the report warns
about. Problems do not stop the analysis, but say when the numbers deserve less trust.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import geometry, problems
from .edges import Marker, covered_markers, edge_blur_mm, photo_encoding
from .light import FULL, light16
from .markers import FrameFit, refine_frame, square_px_per_mm
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


def inspect(
    gray: np.ndarray,
    coarse: FrameFit,
    by_id: dict[int, Marker],
    names: dict[int, str],
    region_mm: tuple[float, float],
    sampling: Callable[[np.ndarray], float],
) -> Inspection:
    """Inspect a photo whose markers were found (``coarse``, fitted on the 8-bit photo).

    ``by_id`` gives each marker's place in the frame's millimetres, ``region_mm`` the measured
    square (origin, side) and ``sampling(homography)`` the photo's pixels per mm over it.
    """
    ids, markers = list(by_id), list(by_id.values())
    encoding = photo_encoding(gray, coarse.photo_to_mm, PATCH_PX_PER_MM, markers)
    light = light16(gray, encoding)
    frame = refine_frame(light, coarse, by_id, names)
    photo_px_per_mm = sampling(frame.photo_to_mm)
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
        *resolution_problem(photo_px_per_mm),
        *blur_problem(blur_mm),
        *glare_problem(light, frame.photo_to_mm, region_mm),
    ]
    return Inspection(encoding, light, frame, photo_px_per_mm, px_per_mm, blur_mm, tuple(found))


def inspect_template(gray: np.ndarray, coarse: FrameFit) -> Inspection:
    """The inspection of a template photo: four markers around the working square."""
    return inspect(
        gray,
        coarse,
        geometry.template_markers(),
        problems.MARKER_NAMES,
        (0.0, geometry.SQUARE_MM),
        square_px_per_mm,
    )


def resolution_problem(photo_px_per_mm: float) -> list[Problem]:
    """Below about 8 px/mm a 0.8 mm dot is only a handful of pixels across."""
    if photo_px_per_mm >= MIN_PX_PER_MM:
        return []
    return [problems.low_resolution(photo_px_per_mm, MIN_PX_PER_MM)]


def blur_problem(sigma_mm: float) -> list[Problem]:
    """The blur is a sizeable share of a dot's radius."""
    return [problems.blurred(sigma_mm)] if sigma_mm > MAX_BLUR_MM else []


def glare_problem(
    light: np.ndarray, photo_to_mm: np.ndarray, region_mm: tuple[float, float]
) -> list[Problem]:
    """Saturated pixels in the measured region: dots under a reflection cannot be seen.

    White paper exposed brightly saturates without hiding anything, so glare is only looked
    for when the region's typical tone is well below white.
    """
    origin, side = region_mm
    region = warp_box(light, photo_to_mm, GLARE_PX_PER_MM, (origin, origin), side)
    if float(np.median(region)) >= GLARE_MAX_MEDIAN * FULL:
        return []
    area_mm2 = np.count_nonzero(region >= SATURATED * FULL) / GLARE_PX_PER_MM**2
    return [problems.glare(area_mm2)] if area_mm2 >= MIN_GLARE_MM2 else []
