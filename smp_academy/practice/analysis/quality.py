"""Warnings about the photo itself: resolution, focus and glare.

They do not stop the analysis, but tell the trainee (and the instructor) when the numbers
deserve less trust and how to take a better photo.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import geometry
from .rectify import MIN_PX_PER_MM, Rectified

#: A marker edge spread wider than this (Gaussian sigma) blurs the dots' edges noticeably.
MAX_BLUR_MM = 0.15
#: Blown-out area in the square that is worth a warning.
MIN_GLARE_MM2 = 2.0
GLARE_MAX_MEDIAN = 225
#: The 3×3 Sobel slope at the 99th percentile reads a step as blurred by about this much more
#: (sigma², in pixels²) than it is; measured on synthetic edges of known blur.
SOBEL_BIAS_PX2 = 0.8


def resolution_warning(photo_px_per_mm: float) -> list[str]:
    """Below about 8 px/mm a 0.8 mm dot is only a handful of pixels across."""
    if photo_px_per_mm >= MIN_PX_PER_MM:
        return []
    return [
        f"low resolution: {photo_px_per_mm:.1f} px/mm (need at least {MIN_PX_PER_MM:.0f}); "
        "move closer or use a higher resolution"
    ]


def marker_blur_mm(gray: np.ndarray, corners_px: dict[int, np.ndarray]) -> float:
    """The photo's blur (Gaussian sigma, mm) measured on the markers' black-to-white edges.

    Printed edges are sharp, so their spread in the photo is the camera's (focus, shake,
    compression); the median over the four markers ignores one that is partly hidden.
    """
    sigmas = [_edge_sigma_mm(gray, quad) for quad in corners_px.values()]
    return float(np.median([s for s in sigmas if s is not None] or [0.0]))


def blur_warning(sigma_mm: float) -> list[str]:
    """Warn when the blur is a sizeable share of a dot's radius."""
    if sigma_mm <= MAX_BLUR_MM:
        return []
    return [
        f"photo looks blurred (edge spread {sigma_mm:.2f} mm): hold still and focus on the square"
    ]


def _edge_sigma_mm(gray: np.ndarray, quad: np.ndarray) -> float | None:
    """Blur sigma of a marker's edges: contrast / (steepest slope × √(2π)), in millimetres."""
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    roi = gray[max(y0, 0) : y1 + 1, max(x0, 0) : x1 + 1].astype(np.float32)
    if roi.shape[0] < 8 or roi.shape[1] < 8:
        return None
    gx = cv2.Sobel(roi, cv2.CV_32F, 1, 0, ksize=3) / 8
    gy = cv2.Sobel(roi, cv2.CV_32F, 0, 1, ksize=3) / 8
    slope = float(np.percentile(np.hypot(gx, gy), 99))
    contrast = float(np.percentile(roi, 95) - np.percentile(roi, 5))
    side_px = float(np.mean(np.linalg.norm(quad - np.roll(quad, 1, axis=0), axis=1)))
    if slope <= 0 or contrast < 20:
        return None
    raw_px = contrast / (slope * np.sqrt(2 * np.pi))
    sigma_px = np.sqrt(max(raw_px**2 - SOBEL_BIAS_PX2, 0.0))
    return sigma_px * geometry.MARKER_MM / side_px


def glare_warning(rect: Rectified) -> list[str]:
    """Saturated pixels in the square: dots under a reflection cannot be seen.

    White paper exposed brightly saturates without hiding anything, so glare is only looked
    for when the square's typical tone is well below white.
    """
    rows, cols = rect.square_slice()
    square = rect.gray[rows, cols]
    if float(np.median(square[::4, ::4])) >= GLARE_MAX_MEDIAN:
        return []
    blown = int(np.count_nonzero(square >= 250))
    area_mm2 = blown / rect.px_per_mm**2
    if area_mm2 < MIN_GLARE_MM2:
        return []
    return [f"glare: {area_mm2:.0f} mm² of the square is blown out; avoid direct light or flash"]
