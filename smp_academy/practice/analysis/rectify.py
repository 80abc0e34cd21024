"""Rectifying the working square and flattening its lighting.

Only the square (plus a small margin, so dots on its edge are measured whole) is warped, at a
resolution close to the photo's own sampling: finer would invent detail and cost time, coarser
would throw away the dot edges we measure.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import geometry

MIN_PX_PER_MM = 8.0
MAX_PX_PER_MM = 25.0
MARGIN_MM = 3.0

#: Resolution of the background estimate; dots are a few of its pixels wide.
BACKGROUND_PX_PER_MM = 4.0

#: Dark features narrower than this are taken out of the background (blowouts and their halos
#: included), so that they show up as darkness against it.
BACKGROUND_FEATURE_MM = 4.5


@dataclass(frozen=True)
class Rectified:
    """The working square seen from straight above, with a margin on each side."""

    gray: np.ndarray  # uint8, the rectified photo
    darkness: np.ndarray  # float32, 0 on bare skin or paper, towards 1 for opaque pigment
    px_per_mm: float
    margin_mm: float

    def to_mm(self, px: np.ndarray) -> np.ndarray:
        """Pixel coordinates (x, y) → template millimetres."""
        return (np.asarray(px, dtype=np.float64) + 0.5) / self.px_per_mm - self.margin_mm

    def to_px(self, mm: np.ndarray) -> np.ndarray:
        """Template millimetres → pixel coordinates (x, y)."""
        return (np.asarray(mm, dtype=np.float64) + self.margin_mm) * self.px_per_mm - 0.5

    def square_slice(self) -> tuple[slice, slice]:
        """Rows and columns of the pixels whose centres lie in the working square."""
        lo = int(np.ceil(self.to_px(0.0)))
        hi = int(np.floor(self.to_px(geometry.SQUARE_MM))) + 1
        return slice(lo, hi), slice(lo, hi)


def choose_px_per_mm(photo_px_per_mm: float) -> float:
    """Rectify at the photo's own sampling, kept within what the measurement needs."""
    return float(np.clip(round(photo_px_per_mm, 1), MIN_PX_PER_MM, MAX_PX_PER_MM))


def rectify_square(gray: np.ndarray, photo_to_mm: np.ndarray, px_per_mm: float) -> Rectified:
    """Warp the square (with its margin) out of the photo and compute its darkness map."""
    margin = MARGIN_MM
    side = round((geometry.SQUARE_MM + 2 * margin) * px_per_mm)
    mm_to_px = np.array(
        [
            [px_per_mm, 0, margin * px_per_mm - 0.5],
            [0, px_per_mm, margin * px_per_mm - 0.5],
            [0, 0, 1],
        ]
    )
    warped = cv2.warpPerspective(
        gray,
        mm_to_px @ photo_to_mm,
        (side, side),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return Rectified(warped, darkness_map(warped, px_per_mm), px_per_mm, margin)


def darkness_map(gray: np.ndarray, px_per_mm: float) -> np.ndarray:
    """1 − photo / background, where the background is the photo with every dot closed over.

    Dividing by the local background removes lighting gradients and the skin's own tone at once,
    so one threshold serves pale paper and dark skin alike.
    """
    background = estimate_background(gray, px_per_mm)
    darkness = 1.0 - gray.astype(np.float32) / background
    offset = float(np.median(darkness[::4, ::4]))  # closing sits on the noise's bright side
    return darkness - offset


def estimate_background(gray: np.ndarray, px_per_mm: float) -> np.ndarray:
    """A morphological closing at low resolution, enlarged back: dark spots vanish, edges stay."""
    scale = BACKGROUND_PX_PER_MM / px_per_mm
    small_size = (max(8, round(gray.shape[1] * scale)), max(8, round(gray.shape[0] * scale)))
    small = cv2.resize(gray, small_size, interpolation=cv2.INTER_AREA)
    k = round(BACKGROUND_FEATURE_MM * BACKGROUND_PX_PER_MM) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel, borderType=cv2.BORDER_REPLICATE)
    closed = cv2.medianBlur(closed, 3)
    big = cv2.resize(closed, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.maximum(big.astype(np.float32), 1.0)
