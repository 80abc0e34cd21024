"""The overlay images shown to the trainee and the instructor beside the numbers.

Paper: the rectified square with every counted dot outlined (blowouts in red, touching dots in
orange, the rest in green) and a bar strip on the right giving the density of each 10-mm band,
so a soft hairline's gradient can be seen at a glance. Scalp: the region around the sticker,
its disc and the sticker square drawn, the dots outlined the same way and the key numbers
below, so fresh and healed can be laid side by side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from . import geometry

if TYPE_CHECKING:
    from . import AnalysisResult
    from .scalp import ScalpResult

MAX_SIDE_PX = 1600
SCALP_SIDE_PX = 800
GREEN, ORANGE, RED = (60, 180, 60), (0, 140, 255), (0, 0, 230)
SQUARE_COLOUR, BAR_COLOUR, TEXT_COLOUR = (200, 160, 0), (235, 200, 150), (40, 40, 40)


def render_overlay(result: AnalysisResult) -> bytes:
    """PNG bytes of the annotated square and its density strip."""
    scale = min(1.0, MAX_SIDE_PX / result.rectified.shape[0])
    image = cv2.cvtColor(_resized(result.rectified, scale), cv2.COLOR_GRAY2BGR)
    to_px = _mm_to_px(result.px_per_mm * scale, result.margin_mm, 0.0)
    _draw_square(image, to_px, 0.0, geometry.SQUARE_MM)
    _draw_dots(image, result.dots, to_px, result.px_per_mm * scale)
    strip = _density_strip(result.report["density_profile"], image.shape[0], to_px)
    return _png(np.hstack([image, strip]))


def render_scalp_overlay(result: ScalpResult) -> bytes:
    """PNG bytes of the region around the sticker, annotated, with its numbers below."""
    scale = SCALP_SIDE_PX / result.rectified.shape[0]
    size = (SCALP_SIDE_PX, SCALP_SIDE_PX)
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    image = cv2.cvtColor(
        cv2.resize(result.rectified, size, interpolation=interpolation), cv2.COLOR_GRAY2BGR
    )
    radius = geometry.SCALP_RADIUS_MM
    to_px = _mm_to_px(result.px_per_mm * scale, result.margin_mm, -radius)
    centre = tuple(int(v) for v in np.round(to_px(np.array([0.0, 0.0]))))
    cv2.circle(
        image, centre, round(radius * result.px_per_mm * scale), SQUARE_COLOUR, 2, cv2.LINE_AA
    )
    half = geometry.STICKER_SIDE_MM / 2
    _draw_square(image, to_px, -half, geometry.STICKER_SIDE_MM)
    _draw_dots(image, result.dots, to_px, result.px_per_mm * scale)
    return _png(np.vstack([image, _numbers_band(result.report, SCALP_SIDE_PX)]))


def _mm_to_px(px_per_mm: float, margin_mm: float, origin_mm: float):
    def to_px(mm: np.ndarray) -> np.ndarray:
        return (np.asarray(mm) - origin_mm + margin_mm) * px_per_mm - 0.5

    return to_px


def _png(image: np.ndarray) -> bytes:
    ok, png = cv2.imencode(".png", image)
    if not ok:
        raise RuntimeError("PNG encoding failed")
    return png.tobytes()


def _numbers_band(report: dict, width: int) -> np.ndarray:
    """The scalp report's key numbers as one line of text under the image."""
    band = np.full((44, width, 3), 255, dtype=np.uint8)
    parts = [
        f"{report['dot_count']} dots",
        f"{report['density_per_cm2']:.1f}/cm2",
        _number(report["mean_diameter_mm"], "{:.2f} mm"),
        _number(report["mean_contrast"], "contrast {:.2f}"),
        f"{report['blowout_count']} blowouts",
    ]
    cv2.putText(
        band,
        "  |  ".join(parts),
        (10, 29),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.6,
        TEXT_COLOUR,
        1,
        cv2.LINE_AA,
    )
    return band


def _number(value: float | None, fmt: str) -> str:
    return "n/a" if value is None else fmt.format(value)


def _resized(gray: np.ndarray, scale: float) -> np.ndarray:
    if scale >= 1.0:
        return gray
    size = (round(gray.shape[1] * scale), round(gray.shape[0] * scale))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


def _draw_square(image: np.ndarray, to_px, origin_mm: float, side_mm: float) -> None:
    lo, hi = (round(v) for v in to_px(np.array([origin_mm, origin_mm + side_mm])))
    cv2.rectangle(image, (lo, lo), (hi, hi), SQUARE_COLOUR, 1, cv2.LINE_AA)


def _draw_dots(image: np.ndarray, dots, to_px, px_per_mm: float) -> None:
    """Outline each dot; sub-pixel centres via the shift argument keep small circles true."""
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
