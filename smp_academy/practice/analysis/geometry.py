"""The printed template's and scale sticker's geometry (CONTRACT.md sections 5 and 7), in mm.

Template: origin at the top-left corner of the working square, x to the right, y downward.
Sticker: origin at the sticker's centre. These numbers are shared by the printable sheets, the
analysis and the synthetic photos, so they live here once; changing any of them breaks every
template and sticker already printed.
"""

from __future__ import annotations

import math

#: Name of the OpenCV ArUco dictionary (``cv2.aruco.DICT_4X4_50``); kept as a name so this module
#: stays free of OpenCV.
ARUCO_DICTIONARY = "DICT_4X4_50"

#: Side of the working square; nothing is printed inside ``[0, SQUARE_MM]²``.
SQUARE_MM = 100.0

#: Side of each marker's outer black edge.
MARKER_MM = 15.0

#: A 4×4-bit marker plus its one-cell black border is 6 cells wide.
MARKER_CELLS = 6

#: White kept around each marker, which the detector needs to see the marker's outline.
QUIET_ZONE_MM = 4.0

#: Top-left corner of each marker's black square, by marker id.
MARKER_ORIGINS_MM: dict[int, tuple[float, float]] = {
    0: (-20.0, -20.0),
    1: (105.0, -20.0),
    2: (105.0, 105.0),
    3: (-20.0, 105.0),
}

MARKER_IDS: tuple[int, ...] = tuple(MARKER_ORIGINS_MM)

#: Light-grey corner ticks printed outside the square (not part of the contract; the analysis
#: ignores them): crop marks in line with the square's edges, starting TICK_GAP_MM from each
#: corner. In line with the edges they stay clear of the markers' quiet zones.
TICK_GAP_MM = 1.5
TICK_LENGTH_MM = 5.0
TICK_STROKE_MM = 0.3

#: Number of horizontal bands of the density profile, each ``SQUARE_MM / PROFILE_BANDS`` high.
PROFILE_BANDS = 10


def template_markers() -> dict[int, tuple[tuple[float, float], float]]:
    """The four markers by id, as (top-left corner, side) in millimetres."""
    return {marker_id: (MARKER_ORIGINS_MM[marker_id], MARKER_MM) for marker_id in MARKER_IDS}


def frame_bounds_mm() -> tuple[float, float, float, float]:
    """The markers' bounding box (x0, y0, x1, y1), without the quiet zone."""
    xs = [x for x, _ in MARKER_ORIGINS_MM.values()]
    ys = [y for _, y in MARKER_ORIGINS_MM.values()]
    return min(xs), min(ys), max(xs) + MARKER_MM, max(ys) + MARKER_MM


def tick_segments_mm() -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The corner ticks as line segments ((x0, y0), (x1, y1)), two per corner of the square."""
    gap, length, side = TICK_GAP_MM, TICK_LENGTH_MM, SQUARE_MM
    segments = []
    for cx, sx in ((0.0, -1.0), (side, 1.0)):
        for cy, sy in ((0.0, -1.0), (side, 1.0)):
            segments.append(((cx + sx * gap, cy), (cx + sx * (gap + length), cy)))
            segments.append(((cx, cy + sy * gap), (cx, cy + sy * (gap + length))))
    return segments


# The scale sticker for living scalps (CONTRACT.md section 7), in millimetres from the sticker's
# centre, x to the right and y downward as the marker reads upright.

#: ArUco id printed on every sticker (dictionary ARUCO_DICTIONARY).
STICKER_ID = 10

#: Side of the sticker's marker (outer black edge).
STICKER_MARKER_MM = 10.0

#: White kept around the sticker's marker, inside its cut line.
STICKER_WHITE_MM = 2.0

#: The sticker with its white border: the square left out of the measured region.
STICKER_SIDE_MM = STICKER_MARKER_MM + 2 * STICKER_WHITE_MM

#: Radius of the measured disc around the sticker's centre.
SCALP_RADIUS_MM = 15.0


def sticker_markers() -> dict[int, tuple[tuple[float, float], float]]:
    """The sticker's marker by id, as (top-left corner, side) in millimetres from its centre."""
    half = STICKER_MARKER_MM / 2
    return {STICKER_ID: ((-half, -half), STICKER_MARKER_MM)}


def scalp_area_cm2() -> float:
    """The measured region: the disc minus the sticker square (5.11 cm²)."""
    return (math.pi * SCALP_RADIUS_MM**2 - STICKER_SIDE_MM**2) / 100.0
