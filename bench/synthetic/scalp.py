"""Synthetic photos of a treated scalp beside the scale sticker, with known dots.

The scalp is skin of one of the six Fitzpatrick types with its mottle and pores, optionally
stubble (short dark hairs), shine, a scar, and the curvature of a head (a sphere of 70–110 mm
radius touching the sticker). Dots are SMP impressions: 0.25–0.45 mm fresh; healed, each has
spread (the ink disc blurred in the skin), faded and a few have gone. The same seed gives the
same dots fresh and healed, so a pair of photos tests the comparison.

Ground truth follows the report's definitions: a dot's diameter is the equivalent-circle
diameter where its ink in the skin is half as dark as at its centre, and its contrast that
centre darkness against the skin around it; the region is the disc of 15 mm around the
sticker's centre minus the 14 mm sticker square.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import cv2
import numpy as np

from bench.synthetic import phone
from bench.synthetic.camera import View, make_view, pixel_grid, window
from bench.synthetic.layout import Dots, Layout, place_dots
from bench.synthetic.paper import PAPER, paint_marker, skin_texture
from bench.synthetic.phone import Shot
from smp_academy.practice.analysis import geometry
from smp_academy.practice.analysis.blur import blurred_disc, half_peak_radius
from smp_academy.practice.analysis.markers import marker_bits
from smp_academy.practice.analysis.scalp import in_region
from smp_academy.practice.analysis.stats import nearest_neighbour_distances

#: Linear BGR reflectance of Fitzpatrick types I–VI, and how dark SMP pigment reads on each
#: (the same grey pigment stands out less on darker skin).
FITZPATRICK = {
    1: ((0.62, 0.70, 0.86), 1.0),
    2: ((0.52, 0.61, 0.78), 1.0),
    3: ((0.40, 0.49, 0.66), 0.95),
    4: ((0.26, 0.33, 0.47), 0.85),
    5: ((0.14, 0.18, 0.27), 0.7),
    6: ((0.06, 0.08, 0.12), 0.55),
}
FIELD_MM = 24.0  # dots are placed over [-FIELD, FIELD]², beyond the measured disc
SCALP_DOTS = Layout(spacing=(1.0, 1.5), diameter=(0.25, 0.45), touching_share=0.02, blowouts=(0, 4))
STICKER_INK = np.float32(0.05)
PIGMENT_TINT = np.array([0.18, 0.16, 0.15], dtype=np.float32)  # BGR: a cool near-black
#: Share of the light the pigment's own colour lets through, as the photo's grey level sees
#: it (Rec. 601 luma weights, as Pillow's "L"): full pigment darkens skin by 1 − this.
TINT_LUMA = float(PIGMENT_TINT @ np.array([0.114, 0.587, 0.299]))


@dataclass(frozen=True)
class ScalpTruth:
    """What an ideal analyze_scalp reports for the photo."""

    dot_count: int
    mean_diameter_mm: float | None
    nn_spacing_mm: float | None
    mean_contrast: float | None
    density_per_cm2: float
    blowout_centres_mm: list[tuple[float, float]]
    centres_mm: np.ndarray  # the region's dots
    diameters_mm: np.ndarray
    px_per_mm: float
    fitzpatrick: int
    healed: bool
    shot: Shot


def make_scalp_photo(
    seed: int,
    *,
    fitzpatrick: int = 3,
    healed: bool = False,
    stubble: bool = False,
    shine: bool = False,
    scar: bool = False,
    blowouts: bool = True,
    **shot: object,
) -> tuple[bytes, ScalpTruth]:
    """Render one scalp photo (JPEG unless the shot asks for HEIC) with its ground truth.

    The dots depend on ``seed`` alone (fresh and healed photos of a seed show the same area);
    the camera, light and healing on the rest as well.
    """
    settings = dataclasses.replace(Shot(px_per_mm=None, tilt=0.01), **shot)
    layout_rng = np.random.default_rng(seed)
    rng = np.random.default_rng([seed, fitzpatrick, int(healed), int(stubble), int(shine)])
    kind = SCALP_DOTS if blowouts else dataclasses.replace(SCALP_DOTS, blowouts=(0, 0))
    dots = _centred(place_dots(layout_rng, kind))
    tone, pigment = FITZPATRICK[fitzpatrick]
    strength = layout_rng.uniform(0.55, 0.85) * pigment
    if healed:
        dots, spread, fade = _healed(rng, dots)
    else:
        spread, fade = np.zeros(len(dots.centres)), 1.0
    view = _make_view(rng, settings)
    scene = _render(rng, view, dots, tone, strength * fade, spread, stubble, scar)
    if shine:
        x0, y0, x1, y1 = window(view, (-20.0, -20.0, 20.0, 20.0))
        phone.add_sheen(rng, scene, (slice(y0, y1), slice(x0, x1)))
    if settings.glare:
        spot = rng.uniform(-12, 12, 2)
        scale = float(view.local_scale(spot[None])[0])
        phone.add_glare(rng, scene, view.mm_to_pixels(spot[None])[0], rng.uniform(2, 3) * scale)
    data = phone.encode(rng, phone.expose(rng, scene, settings), settings)
    truth = _truth(dots, spread, strength * fade, view, fitzpatrick, healed, settings)
    return data, truth


def _centred(dots: Dots) -> Dots:
    """The layout's 100-mm square moved to [-50, 50]², and only the field around the sticker
    kept (dots under the sticker stay: the sticker hides them)."""
    centres = dots.centres - 50.0
    keep = np.all(np.abs(centres) <= FIELD_MM, axis=1)
    return Dots(
        centres[keep],
        dots.radii[keep],
        dots.shape[keep],
        dots.strength[keep],
        dots.halo[keep],
        dots.is_blowout[keep],
        dots.touches[keep],
    )


def _healed(rng: np.random.Generator, dots: Dots) -> tuple[Dots, np.ndarray, float]:
    """Healing: every dot's ink has migrated outwards (its disc 10–35 % wider) and its edge
    softened in the skin (a Gaussian of 0.02–0.05 mm), the whole area fades by 20–45 %, and
    about 6 % of the dots are gone."""
    kept = rng.random(len(dots.centres)) > 0.06
    dots = Dots(*(np.asarray(getattr(dots, f.name))[kept] for f in dataclasses.fields(Dots)))
    grown = dots.radii * rng.uniform(1.1, 1.35) * rng.uniform(0.95, 1.05, len(dots.radii))
    dots = dataclasses.replace(dots, radii=grown)
    spread = rng.uniform(0.02, 0.05) * rng.uniform(0.8, 1.2, len(dots.centres))
    return dots, spread, float(rng.uniform(0.55, 0.8))


def _make_view(rng: np.random.Generator, shot: Shot) -> View:
    target = float(rng.uniform(11.0, 20.0)) if shot.px_per_mm is None else shot.px_per_mm
    size = shot.photo_size or (4000, 3000)
    span = 26.0  # what must be in the photo; the rest of the frame is scalp too
    matrix, size = make_view(rng, (-span, -span, span, span), target, size, tilt=shot.tilt)
    dome = float(rng.uniform(70.0, 110.0))
    return View(matrix, size, shot.distortion, 0.0, 0, (0.0, 0.0), dome)


def _render(
    rng: np.random.Generator,
    view: View,
    dots: Dots,
    tone: tuple[float, float, float],
    strength: float,
    spread: np.ndarray,
    stubble: bool,
    scar: bool,
) -> np.ndarray:
    """Reflectance of the scene (H×W×3 float32, BGR) times its lighting."""
    w, h = view.size
    u, v = pixel_grid(view, 0, 0, w, h)
    texture = skin_texture(rng, u, v, textured=True)
    if stubble:
        texture *= _stubble(rng)(u, v)
    albedo = np.array(tone, dtype=np.float32)[None, None, :] * texture[..., None]
    if scar:
        _paint_scar(rng, albedo, u, v)
    del u, v
    _paint_dots(view, albedo, dots, strength, spread)
    _paint_sticker(view, albedo)
    return albedo * phone.lighting(rng, view.size)[..., None] * _exposure(rng, tone)


def _exposure(rng: np.random.Generator, tone: tuple[float, float, float]) -> np.float32:
    """Auto exposure: a close-up of skin is exposed for the skin (to about a sixth of white in
    linear light), but no further than keeps the white sticker from clipping."""
    skin = float(np.mean(tone))
    return np.float32(min(rng.uniform(0.14, 0.2) / skin, 1.0 / PAPER.mean()))


def _stubble(rng: np.random.Generator):
    """Short dark hairs, 60–120 per cm², as a lookup on a 20 px/mm map tiled every 25.6 mm."""
    side = 512
    tile = np.ones((side, side), dtype=np.float32)
    for _ in range(int(rng.integers(400, 800))):
        x, y = rng.uniform(0, side, 2)
        length = rng.uniform(3, 16)  # 0.15–0.8 mm
        angle = rng.uniform(0, 2 * np.pi)
        end = (x + length * np.cos(angle), y + length * np.sin(angle))
        value = float(rng.uniform(0.25, 0.5))
        cv2.line(tile, (int(x), int(y)), (int(end[0]), int(end[1])), value, 1, cv2.LINE_AA)
    tile = cv2.GaussianBlur(tile, (0, 0), 0.6)

    def lookup(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return tile[
            (np.floor(v * 20).astype(np.int32)) % side, (np.floor(u * 20).astype(np.int32)) % side
        ]

    return lookup


def _paint_scar(rng: np.random.Generator, albedo: np.ndarray, u: np.ndarray, v: np.ndarray) -> None:
    """A pale, pinker, smooth patch somewhere in the measured disc."""
    cx, cy = rng.uniform(8, 12) * np.array([np.cos(a := rng.uniform(0, 2 * np.pi)), np.sin(a)])
    a_mm, b_mm, phi = rng.uniform(4, 8), rng.uniform(1.5, 3), rng.uniform(0, np.pi)
    du, dv = u - cx, v - cy
    along = du * np.cos(phi) + dv * np.sin(phi)
    across = -du * np.sin(phi) + dv * np.cos(phi)
    inside = np.clip(1.5 - np.hypot(along / a_mm, across / b_mm), 0, 1)  # soft-edged
    pale = np.array([1.12, 1.15, 1.25], dtype=np.float32)
    albedo *= 1 + inside[..., None] * (pale - 1)


def _paint_dots(
    view: View, albedo: np.ndarray, dots: Dots, strength: float, spread: np.ndarray
) -> None:
    """Each dot as pigment in the skin: a disc, blurred by its spread when healed."""
    scales = view.local_scale(dots.centres)
    for i, (cx, cy) in enumerate(dots.centres):
        r, sigma = dots.radii[i], spread[i]
        amp, width = dots.halo[i]
        reach = r + 4 * sigma + (3.5 * width if amp else 0.2)
        x0, y0, x1, y1 = window(view, (cx - reach, cy - reach, cx + reach, cy + reach))
        u, v = pixel_grid(view, x0, y0, x1, y1)
        dist = np.hypot(u - cx, v - cy)
        pixel = 1.0 / scales[i]
        if sigma > 0:
            rho = np.linspace(0, reach, 200)
            profile = blurred_disc(rho / sigma, r / sigma)
            ink = np.interp(dist, rho, profile).astype(np.float32)
        else:
            ink = np.clip((r - pixel * pixel / (24 * r) - dist) / pixel + 0.5, 0, 1)
        if amp:
            ink = np.maximum(
                ink, amp * np.exp(-np.square(np.maximum(dist - r, 0)) / (2 * width**2))
            )
        ink *= strength * dots.strength[i]
        patch = albedo[y0:y1, x0:x1]
        patch *= 1 - ink[..., None] * (1 - PIGMENT_TINT)


def _paint_sticker(view: View, albedo: np.ndarray) -> None:
    """The sticker: white label paper 14 mm square, the 10 mm marker printed on it."""
    half = geometry.STICKER_SIDE_MM / 2
    x0, y0, x1, y1 = window(view, (-half, -half, half, half), pad=1)
    u, v = pixel_grid(view, x0, y0, x1, y1, sub=4)
    cover = ((np.abs(u) <= half) & (np.abs(v) <= half)).astype(np.float32)
    cover = cover.reshape(y1 - y0, 4, x1 - x0, 4).mean(axis=(1, 3))
    patch = albedo[y0:y1, x0:x1]
    patch[:] = patch * (1 - cover[..., None]) + PAPER * cover[..., None]
    (origin, side) = geometry.sticker_markers()[geometry.STICKER_ID]
    box = (origin[0] - 0.5, origin[1] - 0.5, origin[0] + side + 0.5, origin[1] + side + 0.5)
    cell = side / geometry.MARKER_CELLS
    paint_marker(
        view, albedo, marker_bits(geometry.STICKER_ID), origin, cell, box, STICKER_INK * PAPER
    )


def _truth(
    dots: Dots,
    spread: np.ndarray,
    strength: float,
    view: View,
    fitzpatrick: int,
    healed: bool,
    shot: Shot,
) -> ScalpTruth:
    """Truth over the region; a dot's size and contrast as the skin holds it."""
    radii, shape = dots.radii, dots.shape
    diameters = 2 * radii * np.sqrt(1 + shape[:, 0] ** 2 / 2 + shape[:, 2] ** 2 / 2)
    contrast = strength * dots.strength * (1 - TINT_LUMA)
    if healed:
        half = np.array([half_peak_radius(r / s) * s for r, s in zip(radii, spread, strict=True)])
        diameters = 2 * half
        contrast = contrast * (1 - np.exp(-np.square(radii / spread) / 2))
    centres = dots.centres
    half_side = geometry.STICKER_SIDE_MM / 2
    visible = ~np.all(np.abs(centres) <= half_side, axis=1)
    inside = in_region(centres)
    clear_of_sticker = np.max(np.abs(centres), axis=1) - half_side > diameters / 2
    well_formed = inside & ~dots.touches & ~dots.is_blowout & clear_of_sticker
    spacing = nearest_neighbour_distances(centres[visible])[inside[visible]]
    area = geometry.scalp_area_cm2()
    radius = geometry.SCALP_RADIUS_MM
    square = view.mm_to_pixels(
        np.array([[-radius, -radius], [radius, -radius], [radius, radius], [-radius, radius]])
    )
    px_per_mm = float(np.sqrt(abs(cv2.contourArea(square.astype(np.float32))))) / (2 * radius)
    return ScalpTruth(
        dot_count=int(inside.sum()),
        mean_diameter_mm=float(diameters[well_formed].mean()) if well_formed.any() else None,
        nn_spacing_mm=float(spacing.mean()) if len(spacing) else None,
        mean_contrast=float(contrast[well_formed].mean()) if well_formed.any() else None,
        density_per_cm2=float(inside.sum()) / area,
        blowout_centres_mm=[(float(x), float(y)) for x, y in centres[inside & dots.is_blowout]],
        centres_mm=centres[inside],
        diameters_mm=diameters[inside],
        px_per_mm=px_per_mm,
        fitzpatrick=fitzpatrick,
        healed=healed,
        shot=shot,
    )
