"""Rectifying the working square and flattening its lighting.

Only the square (plus a small margin, so dots on its edge are measured whole) is warped, at a
resolution close to the photo's own sampling: finer would invent detail and cost time, coarser
would throw away the dot edges we measure. The photo arrives as 16-bit linear light
(light.py), so interpolation mixes light, as the camera's own blur does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from . import geometry
from .light import FULL

MIN_PX_PER_MM = 8.0
MAX_PX_PER_MM = 25.0
MARGIN_MM = 3.0

#: Resolution of the background estimate; dots are a few of its pixels wide.
BACKGROUND_PX_PER_MM = 4.0

#: Dark features narrower than this are taken out of the background (blowouts and their halos
#: included), so that they show up as darkness against it.
BACKGROUND_FEATURE_MM = 4.5

#: How much larger than drawn a sticker may have been cut.
HIDDEN_SLACK_MM = 0.5

#: Beyond a dot's edge its blurred skirt fades within this distance.
SKIRT_MM = 0.3


@dataclass(frozen=True)
class Rectified:
    """A square region seen from straight above, with a margin on each side."""

    light: np.ndarray  # uint16 linear light
    darkness: np.ndarray  # float32, 0 on bare skin or paper, towards 1 for opaque pigment
    px_per_mm: float
    margin_mm: float
    origin_mm: float = 0.0  # the region's corner in its own millimetres (x and y alike)

    def to_mm(self, px: np.ndarray) -> np.ndarray:
        """Pixel coordinates (x, y) → millimetres."""
        offset = self.margin_mm - self.origin_mm
        return (np.asarray(px, dtype=np.float64) + 0.5) / self.px_per_mm - offset

    def to_px(self, mm: np.ndarray | float) -> np.ndarray:
        """Millimetres → pixel coordinates (x, y)."""
        offset = self.margin_mm - self.origin_mm
        return (np.asarray(mm, dtype=np.float64) + offset) * self.px_per_mm - 0.5

    def square_slice(self, side_mm: float = geometry.SQUARE_MM) -> tuple[slice, slice]:
        """Rows and columns of the pixels whose centres lie in ``[origin, origin + side]``."""
        lo = int(np.ceil(self.to_px(self.origin_mm)))
        hi = int(np.floor(self.to_px(self.origin_mm + side_mm))) + 1
        return slice(lo, hi), slice(lo, hi)


def choose_px_per_mm(photo_px_per_mm: float) -> float:
    """Rectify at the photo's own sampling, kept within what the measurement needs."""
    return float(np.clip(round(photo_px_per_mm, 1), MIN_PX_PER_MM, MAX_PX_PER_MM))


def rectify(
    light: np.ndarray,
    photo_to_mm: np.ndarray,
    px_per_mm: float,
    origin_mm: float = 0.0,
    side_mm: float = geometry.SQUARE_MM,
    hidden_mm: tuple[float, float, float, float] | None = None,
) -> Rectified:
    """Warp a square region (with its margin) out of the photo and compute its darkness map.

    A box ``hidden_mm`` (x0, y0, x1, y1) that is not skin — the white scale sticker — reads no
    darkness, and is painted over (with HIDDEN_SLACK_MM more, for a sticker cut a little large)
    with the skin's level around it before the background is estimated: a bright patch would
    make the skin beside it look dark.
    """
    margin = MARGIN_MM
    start = origin_mm - margin
    warped = warp_box(light, photo_to_mm, px_per_mm, (start, start), side_mm + 2 * margin)
    rect = Rectified(warped, np.zeros(0, np.float32), px_per_mm, margin, origin_mm)
    if hidden_mm is None:
        return replace(rect, darkness=darkness_map(warped, px_per_mm))
    x0, y0, x1, y1 = hidden_mm
    slack = HIDDEN_SLACK_MM
    rows, cols = _box_slices(rect, (x0 - slack, y0 - slack, x1 + slack, y1 + slack))
    filled = warped.copy()
    filled[rows, cols] = _level_around(warped, rows, cols, round(px_per_mm))
    darkness = darkness_map(warped, px_per_mm, estimate_background(filled, px_per_mm))
    darkness[_box_slices(rect, hidden_mm)] = 0.0
    return replace(rect, darkness=darkness)


def _box_slices(rect: Rectified, box_mm: tuple[float, float, float, float]):
    x0, y0, x1, y1 = box_mm
    (c0, r0), (c1, r1) = np.round(rect.to_px(np.array([[x0, y0], [x1, y1]]))).astype(int)
    return slice(max(r0, 0), r1 + 1), slice(max(c0, 0), c1 + 1)


def _level_around(image: np.ndarray, rows: slice, cols: slice, band: int) -> int:
    """Median of a band ``band`` pixels wide around a box."""
    outer = image[
        max(rows.start - band, 0) : rows.stop + band, max(cols.start - band, 0) : cols.stop + band
    ]
    inner_mask = np.ones(outer.shape, dtype=bool)
    top, left = rows.start - max(rows.start - band, 0), cols.start - max(cols.start - band, 0)
    inner_mask[top : top + rows.stop - rows.start, left : left + cols.stop - cols.start] = False
    return int(np.median(outer[inner_mask]))


def warp_box(
    image: np.ndarray,
    photo_to_mm: np.ndarray,
    px_per_mm: float,
    origin_mm: tuple[float, float],
    side_mm: float,
) -> np.ndarray:
    """The square ``[origin, origin + side]`` mm seen from straight above, ``px_per_mm`` pixels
    per mm; pixel (i, j) has its centre at origin + ((j, i) + 0.5) / px_per_mm."""
    side = round(side_mm * px_per_mm)
    x0, y0 = origin_mm
    mm_to_px = np.array(
        [
            [px_per_mm, 0, -x0 * px_per_mm - 0.5],
            [0, px_per_mm, -y0 * px_per_mm - 0.5],
            [0, 0, 1],
        ]
    )
    return cv2.warpPerspective(
        image,
        mm_to_px @ photo_to_mm,
        (side, side),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )


def darkness_map(
    light: np.ndarray, px_per_mm: float, background: np.ndarray | None = None
) -> np.ndarray:
    """1 − light / background light, where the background is the photo with every dot closed
    over (unless given).

    Dividing by the local background removes lighting gradients and the skin's own tone at once,
    so one threshold serves pale paper and dark skin alike.
    """
    if background is None:
        background = estimate_background(light, px_per_mm)
    darkness = 1.0 - light.astype(np.float32) / background
    return darkness - bare_level(darkness, px_per_mm)


def estimate_background(light: np.ndarray, px_per_mm: float) -> np.ndarray:
    """A morphological closing at low resolution, enlarged back: dark spots vanish, edges stay."""
    scale = BACKGROUND_PX_PER_MM / px_per_mm
    small_size = (max(8, round(light.shape[1] * scale)), max(8, round(light.shape[0] * scale)))
    small = cv2.resize(light, small_size, interpolation=cv2.INTER_AREA)
    k = round(BACKGROUND_FEATURE_MM * BACKGROUND_PX_PER_MM) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel, borderType=cv2.BORDER_REPLICATE)
    closed = cv2.medianBlur(closed, 3)
    big = cv2.resize(closed, (light.shape[1], light.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.maximum(big.astype(np.float32), np.float32(FULL / 1000))


def bare_level(darkness: np.ndarray, px_per_mm: float) -> float:
    """The darkness of bare paper or skin, which should read 0.

    The closing rides on the bright side of the noise, so bare background reads a little dark.
    Its level is the median away from the dots and their blurred skirts: a plain median would
    count the skirts too, which in a crowded field makes every dot read small.
    """
    step = max(1, round(px_per_mm / 8))  # sample at about 8 px/mm
    sample = darkness[::step, ::step]
    rough = float(np.median(sample))
    noise = 1.4826 * float(np.median(np.abs(sample - rough)))
    inked = (sample > rough + max(4 * noise, 0.05)).astype(np.uint8)
    reach = 2 * round(SKIRT_MM * px_per_mm / step) + 1
    near_ink = cv2.dilate(inked, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (reach, reach)))
    bare = sample[near_ink == 0]
    return float(np.median(bare)) if bare.size > 0.05 * sample.size else rough
