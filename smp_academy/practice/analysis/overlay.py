"""The overlay image shown to the trainee and the instructor beside the numbers.

The rectified square with every counted dot outlined (blowouts in red, split touching dots in
orange, the rest in green) and a bar strip on the right giving the density of each 10-mm band,
so a soft hairline's gradient can be seen at a glance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from . import geometry

if TYPE_CHECKING:
    from . import AnalysisResult

MAX_SIDE_PX = 1600
GREEN, ORANGE, RED = (60, 180, 60), (0, 140, 255), (0, 0, 230)
SQUARE_COLOUR, BAR_COLOUR, TEXT_COLOUR = (200, 160, 0), (235, 200, 150), (40, 40, 40)


def render_overlay(result: AnalysisResult) -> bytes:
    """PNG bytes of the annotated square and its density strip."""
    scale = min(1.0, MAX_SIDE_PX / result.rectified.shape[0])
    image = cv2.cvtColor(_resized(result.rectified, scale), cv2.COLOR_GRAY2BGR)
    px_per_mm = result.px_per_mm * scale

    def to_px(mm: np.ndarray) -> np.ndarray:
        return (np.asarray(mm) + result.margin_mm) * px_per_mm - 0.5

    _draw_square(image, to_px)
    _draw_dots(image, result, to_px, px_per_mm)
    strip = _density_strip(result.report["density_profile"], image.shape[0], to_px)
    ok, png = cv2.imencode(".png", np.hstack([image, strip]))
    if not ok:
        raise RuntimeError("PNG encoding failed")
    return png.tobytes()


def _resized(gray: np.ndarray, scale: float) -> np.ndarray:
    if scale >= 1.0:
        return gray
    size = (round(gray.shape[1] * scale), round(gray.shape[0] * scale))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


def _draw_square(image: np.ndarray, to_px) -> None:
    lo, hi = (round(v) for v in to_px(np.array([0.0, geometry.SQUARE_MM])))
    cv2.rectangle(image, (lo, lo), (hi, hi), SQUARE_COLOUR, 1, cv2.LINE_AA)


def _draw_dots(image: np.ndarray, result: AnalysisResult, to_px, px_per_mm: float) -> None:
    """Outline each dot; sub-pixel centres via the shift argument keep small circles true."""
    dots = result.dots
    shift = 4
    centres = np.round(to_px(dots.centres_mm) * (1 << shift)).astype(int)
    radii = np.round((dots.diameters_mm / 2 * px_per_mm + 1.5) * (1 << shift)).astype(int)
    for i, (x, y) in enumerate(centres):
        colour = RED if dots.is_blowout[i] else ORANGE if dots.is_merged[i] else GREEN
        thickness = 2 if dots.is_blowout[i] else 1
        radius = int(radii[i]) + (3 << shift if dots.is_blowout[i] else 0)
        cv2.circle(image, (int(x), int(y)), radius, colour, thickness, cv2.LINE_AA, shift)


def _density_strip(profile: list[float], height: int, to_px) -> np.ndarray:
    """One horizontal bar per band, level with the band, length proportional to its density."""
    width = max(120, height // 6)
    strip = np.full((height, width, 3), 255, dtype=np.uint8)
    top = float(max(profile) or 1.0)
    band_mm = geometry.SQUARE_MM / len(profile)
    font_scale = max(0.35, height / 2400)
    for i, density in enumerate(profile):
        y0, y1 = (round(v) for v in to_px(np.array([i * band_mm, (i + 1) * band_mm])))
        length = round((width - 12) * density / top)
        cv2.rectangle(strip, (6, y0 + 2), (6 + length, y1 - 2), BAR_COLOUR, -1)
        label = f"{density:.1f}/cm2"
        cv2.putText(
            strip,
            label,
            (8, (y0 + y1) // 2 + 5),
            cv2.FONT_HERSHEY_SIMPLEX,
            font_scale,
            TEXT_COLOUR,
            1,
            cv2.LINE_AA,
        )
    return strip
