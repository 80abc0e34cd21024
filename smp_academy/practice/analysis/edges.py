"""The photo's encoding and blur, read off the straight outer edges of printed markers.

Printed black reflects about 5 % as much light as the paper around it (3–8 % across printers),
so the ratio of a marker's black to its white border tells how the photo encodes light: sRGB
shows that black at about a quarter of white, linear data at about a twentieth. The printer's
own black blurs that exponent too much to read an arbitrary tone curve from it, but the two
encodings photos come in lie far apart. (The shape of the blurred edges would tell the curve
too, but too noisily on a few pixels.)

In linear light a printed edge blurred by the camera is an error-function step, whose probit is
a straight line across the edge; its slope is the blur. The edges are sampled on rectified
patches exactly like the measured region, so the blur includes what rectification adds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .light import FULL
from .markers import Marker
from .rectify import warp_box

#: Printed black relative to the paper, in linear light (a typical laser or inkjet print).
PRINTED_BLACK = 0.05
#: Exponents ln(black)/ln(ratio) above this are sRGB (about 2.2: 1.8 to 2.5 across printers'
#: blacks); below it, linear data (about 1: 0.85 to 1.2).
SRGB_FROM_EXPONENT = 1.5
#: Across each edge, as a share of the marker's side (positive towards the white quiet zone):
#: the black plateau inside the marker's one-cell border, the white plateau outside it.
BLACK = (-0.12, -0.077)
WHITE = (0.077, 0.187)
ALONG = (0.133, 0.867)  # stretch of each side used, away from the corners
LEVELS = (0.08, 0.92)  # only these parts of the step carry its slope
MIN_CONTRAST = 0.25  # white − black, relative to white, for an edge to be read
PATCH_MARGIN = 0.233  # patch beyond the marker, as a share of its side
#: A white border is covered along an edge when this share of its rows are darker than
#: COVERED_RATIO of the edge's typical white (8-bit values: a fingertip reads about 0.65).
COVERED_ROWS = 0.12
COVERED_RATIO = 0.8


def photo_encoding(
    gray: np.ndarray, photo_to_mm: np.ndarray, px_per_mm: float, markers: Sequence[Marker]
) -> str:
    """ "srgb" or "linear", from the markers' black-to-white ratio in the 8-bit photo."""
    ratios = []
    for marker in markers:
        for offsets, values in marker_strips(gray, photo_to_mm, px_per_mm, marker):
            black, white = _plateaus(offsets, np.median(values, axis=0))
            if black is not None and white >= 40:
                ratios.append(max(black, 0.5) / white)
    if not ratios or not 0 < np.median(ratios) < 0.75:
        return "srgb"  # the markers cannot tell: every phone writes sRGB
    exponent = np.log(PRINTED_BLACK) / np.log(float(np.median(ratios)))
    return "srgb" if exponent >= SRGB_FROM_EXPONENT else "linear"


def edge_blur_mm(
    light: np.ndarray, photo_to_mm: np.ndarray, px_per_mm: float, markers: Sequence[Marker]
) -> float:
    """Gaussian blur (sigma, mm) of the rectified photo, on the markers' outer edges in linear
    light; 0 when no edge can be read (the caller then corrects nothing).

    Each edge's profile is the median across the rows along it, and each marker gives its own
    estimate, so a finger over part of one marker or its white border changes nothing.
    """
    estimates = []
    for marker in markers:
        xs: list[np.ndarray] = []  # one array per edge
        zs: list[np.ndarray] = []
        edge_index: list[np.ndarray] = []
        for offsets, values in marker_strips(light, photo_to_mm, px_per_mm, marker):
            level = _edge_levels(offsets, np.median(values, axis=0).astype(np.float32))
            if level is None:
                continue
            keep = (level > LEVELS[0]) & (level < LEVELS[1])
            xs.append(offsets[keep] * marker[1])  # in mm
            zs.append(_probit(level[keep]))
            edge_index.append(np.full(int(keep.sum()), len(edge_index)))
        if len(xs) >= 2 and sum(len(x) for x in xs) >= len(xs) + 2:
            slope = _shared_slope(xs, zs, edge_index)
            if slope > 0:
                estimates.append(1.0 / slope)
    return float(np.median(estimates)) if estimates else 0.0


def covered_markers(
    image: np.ndarray, photo_to_mm: np.ndarray, px_per_mm: float, markers: Sequence[Marker]
) -> list[int]:
    """Indexes of markers with something over part of their white border (a fingertip, a
    strong shadow): along some edge, many rows are much darker there than the rest."""
    covered = []
    for index, marker in enumerate(markers):
        for offsets, values in marker_strips(image, photo_to_mm, px_per_mm, marker):
            white = values[:, (offsets >= WHITE[0]) & (offsets <= WHITE[1])]
            if white.size == 0:
                continue
            per_row = np.median(white, axis=1).astype(np.float32)
            dark_rows = per_row < COVERED_RATIO * float(np.median(per_row))
            if dark_rows.mean() > COVERED_ROWS:
                covered.append(index)
                break
    return covered


def marker_strips(
    image: np.ndarray, photo_to_mm: np.ndarray, px_per_mm: float, marker: Marker
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The four outer edges of a marker as (offsets, values: rows along × offsets).

    Offsets are in marker sides from the edge, growing from the black border into the white.
    """
    (x, y), side = marker
    margin = PATCH_MARGIN * side
    patch = warp_box(image, photo_to_mm, px_per_mm, (x - margin, y - margin), side + 2 * margin)
    centres = ((np.arange(patch.shape[0]) + 0.5) / px_per_mm - margin) / side
    along = (centres >= ALONG[0]) & (centres <= ALONG[1])
    before = (centres >= -WHITE[1]) & (centres <= -BLACK[0])
    after = (centres >= 1 + BLACK[0]) & (centres <= 1 + WHITE[1])
    rows = patch[along]  # the left and right sides run along these rows
    cols = patch[:, along].T  # the top and bottom sides
    return [
        (-centres[before][::-1], rows[:, before][:, ::-1]),  # left: white is at smaller x
        (centres[after] - 1, rows[:, after]),  # right
        (-centres[before][::-1], cols[:, before][:, ::-1]),  # top
        (centres[after] - 1, cols[:, after]),  # bottom
    ]


def _plateaus(offsets: np.ndarray, profile: np.ndarray) -> tuple[float | None, float]:
    """Median black and white levels of an edge profile (black None when it has no samples)."""
    black = profile[(offsets >= BLACK[0]) & (offsets <= BLACK[1])]
    white = profile[(offsets >= WHITE[0]) & (offsets <= WHITE[1])]
    if len(black) == 0 or len(white) == 0:
        return None, 0.0
    return float(np.median(black)), float(np.median(white))


def _edge_levels(offsets: np.ndarray, profile: np.ndarray) -> np.ndarray | None:
    """The profile from 0 (black plateau) to 1 (white plateau), or None for a spoilt edge
    (a finger or a reflection on it, or too little contrast to read)."""
    b, w = _plateaus(offsets, profile)
    if b is None or w <= 0.02 * FULL or (w - b) / w < MIN_CONTRAST:
        return None
    white = profile[(offsets >= WHITE[0]) & (offsets <= WHITE[1])]
    if np.ptp(white) > 0.25 * (w - b):
        return None
    return (profile - b) / (w - b)


def _shared_slope(xs: list, zs: list, edge_index: list) -> float:
    """Least squares of probit = a_edge + b·s: each edge its own offset (printing and the fit
    of the frame shift edges by a few hundredths of a millimetre), one shared slope b."""
    s = np.concatenate(xs)
    design = np.zeros((len(s), len(xs) + 1))
    design[np.arange(len(s)), np.concatenate(edge_index)] = 1.0
    design[:, -1] = s
    coef, *_ = np.linalg.lstsq(design, np.concatenate(zs), rcond=None)
    return float(coef[-1])


@lru_cache(maxsize=1)
def _probit_table() -> tuple[np.ndarray, np.ndarray]:
    z = np.linspace(-4.0, 4.0, 801)
    return np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in z]), z


def _probit(p: np.ndarray) -> np.ndarray:
    cdf, z = _probit_table()
    return np.interp(p, cdf, z)
