"""Warnings about the photo itself: resolution, focus and glare.

They do not stop the analysis, but tell the trainee (and the instructor) when the numbers
deserve less trust and how to take a better photo.
"""

from __future__ import annotations

import cv2
import numpy as np

from .rectify import MIN_PX_PER_MM, Rectified

#: A marker edge spread wider than this (Gaussian sigma) blurs the dots' edges noticeably.
MAX_BLUR_MM = 0.15
#: Blown-out area in the square that is worth a warning.
MIN_GLARE_MM2 = 2.0


def resolution_warning(photo_px_per_mm: float) -> list[str]:
    """Below about 8 px/mm a 0.8 mm dot is only a handful of pixels across."""
    if photo_px_per_mm >= MIN_PX_PER_MM:
        return []
    return [
        f"low resolution: {photo_px_per_mm:.1f} px/mm (need at least {MIN_PX_PER_MM:.0f}); "
        "move closer or use a higher resolution"
    ]


def blur_warning(gray: np.ndarray, corners_px: dict[int, np.ndarray]) -> list[str]:
    """Estimate focus from the markers' black-to-white edges, which are sharp when printed."""
    sigmas = [_edge_sigma_mm(gray, quad) for quad in corners_px.values()]
    sigma = float(np.median([s for s in sigmas if s is not None] or [0.0]))
    if sigma <= MAX_BLUR_MM:
        return []
    return [f"photo looks blurred (edge spread {sigma:.2f} mm): hold still and focus on the square"]


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
    sigma_px = contrast / (slope * np.sqrt(2 * np.pi))
    return sigma_px * 15.0 / side_px


def glare_warning(rect: Rectified) -> list[str]:
    """Saturated pixels in the square: dots under a reflection cannot be seen."""
    rows, cols = rect.square_slice()
    blown = int(np.count_nonzero(rect.gray[rows, cols] >= 250))
    area_mm2 = blown / rect.px_per_mm**2
    if area_mm2 < MIN_GLARE_MM2:
        return []
    return [f"glare: {area_mm2:.0f} mm² of the square is blown out; avoid direct light or flash"]
