"""Synthetic photos of the printed practice template, with known ground truth.

A photo is rendered straight into camera pixels: every pixel is traced back to template
millimetres (bench/synthetic/camera.py), and each element (page, practice skin, markers, corner
ticks, dots, halos) is evaluated there with anti-aliased edges. That keeps the dots' true
diameters exact at any resolution and avoids warping a huge flat canvas. The phone then adds
light, blur, noise, its tone curve and compression (bench/synthetic/phone.py). Everything is
drawn from one seeded generator, so a seed always gives the same bytes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import cv2
import numpy as np

from bench.synthetic import phone
from bench.synthetic.camera import View, make_view, pixel_grid, window
from bench.synthetic.layout import LAYOUTS, Dots, DotTruth, dot_truth, place_dots
from bench.synthetic.phone import Shot
from smp_academy.practice.analysis import geometry
from smp_academy.practice.analysis.markers import marker_bits

#: Where the working square sits on the A4 page (same as the printable template).
PAGE_MM = (-55.0, -45.0, 155.0, 252.0)

#: Linear BGR reflectance of practice skins, light to dark.
SKIN_TONES = (
    (0.62, 0.70, 0.86),
    (0.50, 0.60, 0.78),
    (0.40, 0.50, 0.66),
    (0.27, 0.34, 0.48),
    (0.16, 0.21, 0.30),
)
PAPER = np.array([0.90, 0.92, 0.93], dtype=np.float32)
#: Printed black, relative to white: laser and inkjet prints lie between these.
MARKER_INK = (0.03, 0.08)
TICK_GREY = np.float32(0.45)


@dataclass(frozen=True)
class Truth(DotTruth):
    """What an ideal analysis of the photo reports, and how the photo was taken."""

    px_per_mm: float  # the photo's sampling of the working square
    background: str
    layout: str
    shot: Shot


def make_photo(
    seed: int,
    *,
    background: str | None = None,
    layout: str | None = None,
    gradient: bool | None = None,
    blowouts: bool = True,
    skin_texture: bool = False,
    **shot: object,
) -> tuple[bytes, Truth]:
    """Render one photo (JPEG unless the shot asks for HEIC) with its ground truth.

    ``shot`` takes the fields of ``phone.Shot`` (px_per_mm, photo_size, blur_px, …).
    ``gradient`` picks between the "gradient" and "random" layouts when no layout is named;
    ``blowouts=False`` makes a clean drill.
    """
    rng = np.random.default_rng(seed)
    settings = dataclasses.replace(Shot(), **shot)
    background = background or ("skin" if rng.random() < 0.5 else "paper")
    if layout is None:
        wants_gradient = bool(rng.random() < 0.5) if gradient is None else gradient
        layout = "gradient" if wants_gradient else "random"
    kind = LAYOUTS[layout] if blowouts else dataclasses.replace(LAYOUTS[layout], blowouts=(0, 0))
    dots = place_dots(rng, kind)
    view = _make_view(rng, settings)
    scene = _render(rng, view, dots, background, skin_texture)
    _add_effects(rng, view, scene, settings, background)
    data = phone.encode(rng, phone.expose(rng, scene, settings), settings)
    truth = Truth(
        **dataclasses.asdict(dot_truth(dots)),
        px_per_mm=view.pixels_per_mm(),
        background=background,
        layout=layout,
        shot=settings,
    )
    return data, truth


def _make_view(rng: np.random.Generator, shot: Shot) -> View:
    target = float(rng.uniform(9.0, 22.0)) if shot.px_per_mm is None else shot.px_per_mm
    margin = geometry.QUIET_ZONE_MM + 2.0
    x0, y0, x1, y1 = geometry.frame_bounds_mm()
    frame = (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
    matrix, size = make_view(rng, frame, target, shot.photo_size, tilt=shot.tilt)
    axis = int(rng.integers(2))
    return View(matrix, size, shot.distortion, shot.curl_mm, axis)


def _render(
    rng: np.random.Generator, view: View, dots: Dots, background: str, skin_texture: bool
) -> np.ndarray:
    """Reflectance of the scene (H×W×3 float32, BGR) times the scene's lighting."""
    w, h = view.size
    u, v = pixel_grid(view, 0, 0, w, h)
    table = np.array(rng.uniform(0.2, 0.4, 3), dtype=np.float32)
    px0, py0, px1, py1 = PAGE_MM
    on_page = (u > px0) & (u < px1) & (v > py0) & (v < py1)
    albedo = np.where(on_page[..., None], PAPER, table).astype(np.float32)
    if background == "skin":
        _paint_skin(rng, albedo, u, v, skin_texture)
    del u, v
    _paint_print(view, albedo, np.float32(rng.uniform(*MARKER_INK)) * PAPER)
    _paint_dots(rng, view, albedo, dots, background)
    return albedo * phone.lighting(rng, view.size)[..., None]


def _paint_skin(
    rng: np.random.Generator, albedo: np.ndarray, u: np.ndarray, v: np.ndarray, textured: bool
) -> None:
    """A practice skin seen through the square cut out of the page (cut a little generously)."""
    cut = rng.uniform(0.5, 2.0)
    side = geometry.SQUARE_MM
    hole = (u > -cut) & (u < side + cut) & (v > -cut) & (v < side + cut)
    tone = np.array(SKIN_TONES[rng.integers(len(SKIN_TONES))], dtype=np.float32)
    texture = skin_texture(rng, u[hole], v[hole], textured)
    albedo[hole] = tone[None, :] * texture[:, None]


def skin_texture(
    rng: np.random.Generator, u: np.ndarray, v: np.ndarray, textured: bool
) -> np.ndarray:
    """Multiplicative texture of a practice skin at page points (mm).

    Always a gentle mottle and a fine grain; ``textured`` adds what real practice skins show:
    pores (small dark specks), a printed skin pattern (low-contrast blotches) and fine lines.
    """
    coarse = cv2.resize(rng.normal(1, 0.04, (14, 14)).astype(np.float32), (128, 128))
    grain = rng.normal(1, 0.025, (512, 512)).astype(np.float32)
    iu = np.clip(((u + 3) / 106 * 127).astype(np.int32), 0, 127)
    iv = np.clip(((v + 3) / 106 * 127).astype(np.int32), 0, 127)
    texture = coarse[iv, iu] * grain[(v * 5).astype(np.int32) % 512, (u * 5).astype(np.int32) % 512]
    if textured:
        texture *= _printed_pattern(rng)(u, v)
    return texture


def _printed_pattern(rng: np.random.Generator):
    """Pores and a printed pattern, as a lookup on a 20 px/mm map tiled every 51.2 mm."""
    side = 1024
    tile = np.ones((side, side), dtype=np.float32)
    blotches = cv2.GaussianBlur(rng.random((side, side)).astype(np.float32), (0, 0), 14)
    blotches = (blotches - blotches.mean()) / max(float(blotches.std()), 1e-6)
    tile *= 1 - 0.06 * np.clip(blotches, 0, None)
    for _ in range(int(rng.integers(150, 300))):  # pores: 0.1–0.2 mm, a fifth as dark as ink
        x, y = rng.integers(0, side, 2)
        radius = int(rng.integers(1, 3))
        cv2.circle(tile, (int(x), int(y)), radius, float(rng.uniform(0.8, 0.9)), -1)
    for _ in range(int(rng.integers(10, 30))):  # fine lines of the printed "skin"
        p, q = rng.integers(0, side, (2, 2))
        cv2.line(tile, tuple(int(a) for a in p), tuple(int(b) for b in q), 0.93, 1)
    tile = cv2.GaussianBlur(tile, (0, 0), 0.7)

    def lookup(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        iu = (np.floor(u * 20).astype(np.int32)) % side
        iv = (np.floor(v * 20).astype(np.int32)) % side
        return tile[iv, iu]

    return lookup


def _paint_print(view: View, albedo: np.ndarray, black: np.ndarray) -> None:
    """The markers (black) and the corner ticks (light grey), as the template prints them."""
    cell = geometry.MARKER_MM / geometry.MARKER_CELLS
    for marker_id, (mx, my) in geometry.MARKER_ORIGINS_MM.items():
        box = (mx - 1, my - 1, mx + geometry.MARKER_MM + 1, my + geometry.MARKER_MM + 1)
        paint_marker(view, albedo, marker_bits(marker_id), (mx, my), cell, box, black)
    half = geometry.TICK_STROKE_MM / 2
    for (ax, ay), (bx, by) in geometry.tick_segments_mm():
        box = (min(ax, bx) - half, min(ay, by) - half, max(ax, bx) + half, max(ay, by) + half)

        def stroke(u, v, box=box):
            return (u >= box[0]) & (u <= box[2]) & (v >= box[1]) & (v <= box[3])

        _mix(albedo, *_coverage(view, box, stroke), TICK_GREY)


def paint_marker(
    view: View,
    albedo: np.ndarray,
    bits: np.ndarray,
    origin_mm: tuple[float, float],
    cell_mm: float,
    box_mm: tuple[float, float, float, float],
    black: np.ndarray,
) -> None:
    """An ArUco marker's black cells, anti-aliased, in ``black`` (BGR reflectance)."""
    mx, my = origin_mm
    cells = bits.shape[0]

    def is_black(u, v):
        cx = np.floor((u - mx) / cell_mm).astype(np.int32)
        cy = np.floor((v - my) / cell_mm).astype(np.int32)
        ok = (cx >= 0) & (cx < cells) & (cy >= 0) & (cy < cells)
        return ok & bits[np.clip(cy, 0, cells - 1), np.clip(cx, 0, cells - 1)]

    _mix(albedo, *_coverage(view, box_mm, is_black), black)


def _coverage(view: View, box_mm, inside, sub: int = 4):
    """Anti-aliased coverage of a shape (a predicate on mm coordinates) within its box."""
    x0, y0, x1, y1 = window(view, box_mm)
    u, v = pixel_grid(view, x0, y0, x1, y1, sub)
    hit = inside(u, v).astype(np.float32)
    cover = hit.reshape(y1 - y0, sub, x1 - x0, sub).mean(axis=(1, 3))
    return (slice(y0, y1), slice(x0, x1)), cover


def _mix(albedo: np.ndarray, where: tuple[slice, slice], cover: np.ndarray, ink) -> None:
    patch = albedo[where]
    patch[:] = patch * (1 - cover[..., None]) + ink * cover[..., None]


def _paint_dots(
    rng: np.random.Generator, view: View, albedo: np.ndarray, dots: Dots, background: str
) -> None:
    """Each dot as an anti-aliased blob of ink, plus the diffuse halo of a blowout."""
    strength = rng.uniform(0.65, 0.9) if background == "paper" else rng.uniform(0.55, 0.85)
    tint = np.array([0.16, 0.12, 0.10] if background == "skin" else [0.14, 0.1, 0.08], np.float32)
    feather = rng.uniform(0.0, 0.05)  # ink soaking into paper fibres or skin softens the edge
    paint_dots(view, albedo, dots, strength, tint, feather)


def paint_dots(
    view: View,
    albedo: np.ndarray,
    dots: Dots,
    strength: float,
    tint: np.ndarray,
    feather_mm: float,
) -> None:
    """Dots as ink with a linear edge ramp centred on each outline, so the outline is exactly
    where the ink is half as dark as inside; at least one photo pixel wide, where the ramp
    stands for the pixel's own averaging and is moved in a little so that the dot's ink (what a
    sensor pixel collects) is exactly the outline's area."""
    scales = view.local_scale(dots.centres)
    for i, (cx, cy) in enumerate(dots.centres):
        r = dots.radii[i]
        e, phi, w3, psi = dots.shape[i]
        amp, width = dots.halo[i]
        reach = r * (1 + e + w3) + (3.5 * width if amp else 0.2) + feather_mm
        x0, y0, x1, y1 = window(view, (cx - reach, cy - reach, cx + reach, cy + reach))
        u, v = pixel_grid(view, x0, y0, x1, y1)
        du, dv = u - cx, v - cy
        dist = np.hypot(du, dv)
        theta = np.arctan2(dv, du)
        outline = r * (1 + e * np.cos(2 * (theta - phi)) + w3 * np.cos(3 * (theta - psi)))
        pixel = 1.0 / scales[i]
        if feather_mm > pixel:
            ink = np.clip((outline - dist) / feather_mm + 0.5, 0, 1)
        else:  # a pixel's own average over the edge, which holds the ink's area exactly
            ink = np.clip((outline - pixel * pixel / (24 * r) - dist) / pixel + 0.5, 0, 1)
        if amp:
            halo = amp * np.exp(-np.square(np.maximum(dist - outline, 0)) / (2 * width**2))
            ink = np.maximum(ink, halo)
        ink *= strength * dots.strength[i]
        patch = albedo[y0:y1, x0:x1]
        patch *= 1 - ink[..., None] * (1 - tint)


def _add_effects(
    rng: np.random.Generator, view: View, scene: np.ndarray, shot: Shot, background: str
) -> None:
    """Shadow, sheen, reflection and fingers: what comes between the phone and the page."""
    if shot.hand_shadow:
        scene *= phone.hand_shadow(rng, view.size)[..., None]
    if background == "skin" and not shot.glare and rng.random() < 0.5:
        x0, y0, x1, y1 = window(view, (0, 0, geometry.SQUARE_MM, geometry.SQUARE_MM))
        phone.add_sheen(rng, scene, (slice(y0, y1), slice(x0, x1)))
    if shot.glare:
        spot = rng.uniform(20, 80, 2)
        scale = float(view.local_scale(spot[None])[0])
        phone.add_glare(rng, scene, view.mm_to_pixels(spot[None])[0], rng.uniform(3, 6) * scale)
    if shot.cover_marker is not None:
        _fingertip(view, scene, shot.cover_marker, (7.5, 7.5), (9, 14))
    if shot.finger_on_marker is not None:
        # A fingertip reaching over the quiet zone onto one side of the marker.
        side = int(rng.integers(4))
        along = rng.uniform(3.0, 12.0)
        at = [(along, -2.5), (17.5, along), (along, 17.5), (-2.5, along)][side]
        size = rng.uniform(2.5, 3.5)
        _fingertip(view, scene, shot.finger_on_marker, at, (size, 1.6 * size))


def _fingertip(
    view: View, scene: np.ndarray, marker_id: int, at_mm: tuple[float, float], axes_mm
) -> None:
    """A fingertip (skin-coloured ellipse, shaded) over a marker, centred ``at_mm`` from its
    top-left corner."""
    mx, my = geometry.MARKER_ORIGINS_MM[marker_id]
    centre = np.array([[mx + at_mm[0], my + at_mm[1]]])
    x, y = view.mm_to_pixels(centre)[0]
    scale = float(view.local_scale(centre)[0])
    axes = (int(axes_mm[0] * scale), int(axes_mm[1] * scale))
    cv2.ellipse(scene, (int(x), int(y)), axes, 30, 0, 360, (120, 150, 200), -1)
