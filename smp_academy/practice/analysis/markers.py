"""Finding the four template markers and the homography from the photo to the template.

Detection runs on a downscaled copy (ArUco's contour search is the slow part and does not need
every pixel); the corners are then refined at full resolution, where their accuracy sets the
accuracy of every millimetre we report. The final refinement runs in linear light: in sRGB a
blurred black square looks smaller than it is, which leaves every corner about 0.1 mm off.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import geometry, problems
from .errors import MarkersNotFound
from .problems import Problem

#: Long side of the image that the marker search runs on.
DETECTION_SIDE_PX = 1600

#: A marker whose corners disagree with the others by more than this is probably partly hidden.
MAX_MARKER_ERROR_MM = 0.4
#: Corners of a flat page fit one homography within a few hundredths of a millimetre; paper that
#: curls (or a strongly distorting lens) leaves all four markers off by more than this.
MAX_FLAT_ERROR_MM = 0.15

#: White that must show around a marker, as a share of its side (the sticker's 2 mm of 10 mm).
MIN_QUIET_SHARE = 0.2

#: A marker as (its top-left corner in mm, its side in mm).
Marker = tuple[tuple[float, float], float]

_DICTIONARY = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, geometry.ARUCO_DICTIONARY))


@dataclass(frozen=True)
class FrameFit:
    """Where the template lies in the photo."""

    photo_to_mm: np.ndarray  # 3×3 homography, photo pixels → template millimetres
    corners_px: dict[int, np.ndarray]  # marker id → 4×2 refined corners in photo pixels
    problems: tuple[Problem, ...]


def marker_bits(marker_id: int) -> np.ndarray:
    """The marker's 6×6 cells including its border; True where the cell is black."""
    cells = cv2.aruco.generateImageMarker(_DICTIONARY, marker_id, geometry.MARKER_CELLS)
    return cells == 0


def locate_frame(gray: np.ndarray) -> FrameFit:
    """Find all four template markers and fit the homography, or raise MarkersNotFound."""
    return locate_markers(gray, geometry.template_markers(), problems.MARKER_NAMES)


def locate_markers(gray: np.ndarray, by_id: dict[int, Marker], names: dict[int, str]) -> FrameFit:
    """Find all the given markers (id → (corner, side) in mm) and fit the homography from the
    photo to their millimetres, or raise MarkersNotFound naming the missing ones."""
    corners = detect_markers(gray, tuple(by_id))
    missing = [k for k in by_id if k not in corners]
    if missing:
        raise MarkersNotFound(missing=missing)
    return _fit_frame(gray, {k: _refine(gray, v) for k, v in corners.items()}, by_id, names)


def refine_frame(
    light: np.ndarray, frame: FrameFit, by_id: dict[int, Marker], names: dict[int, str]
) -> FrameFit:
    """The same frame with its corners refined again in linear light (16-bit) and refitted."""
    corners = {k: refine_corners(light, quad) for k, quad in frame.corners_px.items()}
    return _fit_frame(light, corners, by_id, names)


def _fit_frame(
    image: np.ndarray,
    corners: dict[int, np.ndarray],
    by_id: dict[int, Marker],
    names: dict[int, str],
) -> FrameFit:
    homography, bad, flat_error = _fit_homography(corners, by_id)
    found = [problems.marker_hidden(k, names) for k in bad]
    if flat_error > MAX_FLAT_ERROR_MM:
        found.append(problems.not_flat(flat_error))
    found += [problems.marker_at_edge(k, names) for k in markers_at_edge(image.shape, corners)]
    return FrameFit(homography, corners, tuple(found))


def detect_markers(gray: np.ndarray, wanted: tuple[int, ...]) -> dict[int, np.ndarray]:
    """Corners (4×2, photo pixels, ArUco's order) of the wanted markers found in the photo."""
    scale = min(1.0, DETECTION_SIDE_PX / max(gray.shape))
    small = gray
    if scale < 1.0:
        size = (round(gray.shape[1] * scale), round(gray.shape[0] * scale))
        small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    detector = cv2.aruco.ArucoDetector(_DICTIONARY, params)
    found, ids, _ = detector.detectMarkers(small)
    result: dict[int, np.ndarray] = {}
    if ids is None:
        return result
    for quad, marker_id in zip(found, ids.ravel(), strict=True):
        if int(marker_id) in wanted and int(marker_id) not in result:
            # Pixel centres: a coordinate c in the small image is (c + 0.5) / scale - 0.5.
            result[int(marker_id)] = (quad.reshape(4, 2) + 0.5) / scale - 0.5
    return result


def _refine(gray: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Refine the corners at full resolution within a third of a marker cell."""
    return _subpixel(gray, quad, (0, 0))


def refine_corners(light: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Refine corners on a 16-bit image (cornerSubPix takes 8-bit or float: a float window)."""
    pad = 2 * _half_window(quad) + 2
    x0, y0 = np.maximum(np.floor(quad.min(axis=0)).astype(int) - pad, 0)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int) + pad
    window = light[y0 : y1 + 1, x0 : x1 + 1].astype(np.float32)
    return _subpixel(window, quad, (int(x0), int(y0)))


def _half_window(quad: np.ndarray) -> int:
    side = float(np.mean(np.linalg.norm(quad - np.roll(quad, 1, axis=0), axis=1)))
    return max(2, round(0.3 * side / geometry.MARKER_CELLS))


def _subpixel(image: np.ndarray, quad: np.ndarray, offset: tuple[int, int]) -> np.ndarray:
    half = _half_window(quad)
    pts = (quad - offset).astype(np.float32).reshape(-1, 1, 2).copy()
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_COUNT, 30, 0.01)
    refined = cv2.cornerSubPix(image, pts, (half, half), (-1, -1), criteria).reshape(4, 2) + offset
    moved = np.linalg.norm(refined - quad, axis=1)
    # A corner that wandered away was pulled by something else (a finger, the photo edge).
    return np.where((moved < half)[:, None], refined, quad)


def _fit_homography(
    corners: dict[int, np.ndarray], by_id: dict[int, Marker]
) -> tuple[np.ndarray, list[int], float]:
    """Least squares over all corners; with three markers or more, refit without one that
    disagrees.

    Returns the homography, the marker left out (if any) and how far the markers kept lie
    off it (the median of their worst corners, mm): a measure of how flat the page is. One
    marker alone fits exactly and says nothing about flatness.
    """
    ids = list(by_id)
    homography = _homography(corners, by_id, ids)
    errors = {k: _marker_error_mm(homography, corners[k], by_id[k]) for k in ids}
    if len(ids) < 3:
        return homography, [], 0.0
    worst = max(errors, key=errors.__getitem__)
    rest = [k for k in ids if k != worst]
    typical = float(np.median([errors[k] for k in rest]))
    if errors[worst] <= max(MAX_MARKER_ERROR_MM, 3 * typical):
        return homography, [], float(np.median(list(errors.values())))
    homography = _homography(corners, by_id, rest)
    kept = [_marker_error_mm(homography, corners[k], by_id[k]) for k in rest]
    return homography, [worst], float(np.median(kept))


def _homography(
    corners: dict[int, np.ndarray], by_id: dict[int, Marker], ids: list[int]
) -> np.ndarray:
    src = np.concatenate([corners[k] for k in ids]).astype(np.float64)
    dst = np.concatenate([marker_corners_mm(by_id[k]) for k in ids])
    homography, _ = cv2.findHomography(src, dst, 0)
    if homography is None:
        raise MarkersNotFound()
    return homography


def marker_corners_mm(marker: Marker) -> np.ndarray:
    """A marker's corners in ArUco's order (top-left, top-right, bottom-right, bottom-left).

    Markers are printed upright, so ArUco's corner order matches the page's.
    """
    (x, y), s = marker
    return np.array([(x, y), (x + s, y), (x + s, y + s), (x, y + s)], dtype=np.float64)


def _marker_error_mm(homography: np.ndarray, quad: np.ndarray, marker: Marker) -> float:
    mapped = cv2.perspectiveTransform(quad.reshape(-1, 1, 2).astype(np.float64), homography)
    return float(np.max(np.linalg.norm(mapped.reshape(4, 2) - marker_corners_mm(marker), axis=1)))


def markers_at_edge(shape: tuple[int, ...], corners: dict[int, np.ndarray]) -> list[int]:
    """Markers whose white quiet zone is cut off by the photo's edge."""
    height, width = shape[:2]
    cut = []
    for marker_id, quad in corners.items():
        side = float(np.mean(np.linalg.norm(quad - np.roll(quad, 1, axis=0), axis=1)))
        quiet = side * MIN_QUIET_SHARE
        x, y = quad[:, 0], quad[:, 1]
        if min(x.min(), y.min(), width - 1 - x.max(), height - 1 - y.max()) < quiet:
            cut.append(marker_id)
    return cut


def square_px_per_mm(
    homography: np.ndarray, origin: float = 0.0, side: float = geometry.SQUARE_MM
) -> float:
    """The photo's own sampling of a square region (the working square unless told):
    sqrt(its area in pixels) / its side."""
    lo, hi = origin, origin + side
    square = np.array([[lo, lo], [hi, lo], [hi, hi], [lo, hi]], dtype=np.float64)
    mm_to_photo = np.linalg.inv(homography)
    quad = cv2.perspectiveTransform(square.reshape(-1, 1, 2), mm_to_photo).reshape(4, 2)
    return float(np.sqrt(abs(cv2.contourArea(quad.astype(np.float32))))) / side
