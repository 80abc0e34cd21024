"""Synthetic practice photos with known ground truth, for the accuracy tests and the benchmark.

A photo is rendered straight into camera pixels: every pixel is mapped back to template
millimetres through the photo's homography, and each element (page, practice skin, markers,
corner ticks, dots, halos) is evaluated there with anti-aliased edges. That keeps the dots'
true diameters exact at any resolution and avoids warping a huge flat canvas. The camera then
adds a lighting gradient, vignetting, blur, noise and JPEG compression. Everything is drawn from
one seeded generator, so a seed always gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from smp_academy.practice.analysis import geometry
from smp_academy.practice.analysis.markers import marker_bits
from smp_academy.practice.analysis.stats import nearest_neighbour_distances

#: Phone-like 4:3 sizes; the smallest that holds the frame is used unless one is asked for.
PHOTO_SIZES = ((2048, 1536), (3264, 2448), (4000, 3000), (4624, 3468), (5120, 3840))

#: Where the working square sits on the A4 page (same as the printable template).
PAGE_MM = (-55.0, -45.0, 155.0, 252.0)

_SKIN_TONES = (  # BGR reflectance of practice skins, light to dark
    (0.62, 0.70, 0.86),
    (0.50, 0.60, 0.78),
    (0.40, 0.50, 0.66),
    (0.27, 0.34, 0.48),
)
_PAPER = np.array([0.90, 0.92, 0.93], dtype=np.float32)
_EDGE_GAP_MM = 0.35  # least white between two dots that are not meant to touch


@dataclass(frozen=True)
class Dots:
    """Dots in template millimetres with their kind."""

    centres: np.ndarray  # N×2
    diameters: np.ndarray  # N
    is_pair: np.ndarray  # N bool: one of two touching dots
    halo: np.ndarray  # N×2: halo amplitude (0 for none) and width in mm
    is_blowout: np.ndarray  # N bool


@dataclass(frozen=True)
class Truth:
    """What an ideal analysis of the photo would report."""

    dot_count: int
    mean_diameter_mm: float  # over single, well-formed dots
    nn_spacing_mm: float
    density_profile: list[float]
    blowout_centres_mm: list[tuple[float, float]]
    px_per_mm: float  # the photo's sampling of the working square
    background: str
    centres_mm: np.ndarray
    diameters_mm: np.ndarray


@dataclass(frozen=True)
class _Camera:
    mm_to_photo: np.ndarray
    size: tuple[int, int]  # width, height


def make_photo(
    seed: int,
    *,
    background: str | None = None,
    px_per_mm: float | None = None,
    photo_size: tuple[int, int] | None = None,
    gradient: bool | None = None,
    cover_marker: int | None = None,
    glare: bool = False,
) -> tuple[bytes, Truth]:
    """Render one photo as JPEG bytes, with its ground truth."""
    rng = np.random.default_rng(seed)
    background = background or ("skin" if rng.random() < 0.5 else "paper")
    gradient = bool(rng.random() < 0.5) if gradient is None else gradient
    dots = place_dots(rng, gradient)
    target = float(rng.uniform(9.0, 22.0)) if px_per_mm is None else px_per_mm
    camera = _make_camera(rng, target, photo_size)
    image = _render(rng, camera, dots, background)
    if cover_marker is not None:
        _cover_marker(camera, image, cover_marker)
    if glare:
        _add_glare(rng, camera, image)
    jpeg = _shoot(rng, image)
    return jpeg, _truth(dots, camera, background)


def place_dots(rng: np.random.Generator, gradient: bool) -> Dots:
    """Irregular, Poisson-disc-like dots on a jittered hex lattice, with pairs and blowouts."""
    spacing = rng.uniform(2.0, 3.2)
    mean_d = rng.uniform(0.55, 1.0)
    centres = _jittered_lattice(rng, spacing)
    if gradient:  # a soft hairline: sparse at the top, dense at the bottom
        keep = rng.random(len(centres)) < 0.3 + 0.7 * centres[:, 1] / geometry.SQUARE_MM
        centres = centres[keep]
    diameters = np.clip(
        rng.normal(mean_d, mean_d * rng.uniform(0.06, 0.12), len(centres)), 0.3, 1.6
    )
    centres, diameters = _drop_conflicts(centres, diameters)
    centres, diameters, is_pair = _add_touching_pairs(rng, centres, diameters)
    return _add_blowouts(rng, centres, diameters, is_pair)


def _jittered_lattice(rng: np.random.Generator, spacing: float) -> np.ndarray:
    rows = np.arange(0.6, geometry.SQUARE_MM - 0.6, spacing * np.sqrt(3) / 2)
    cols = np.arange(0.6, geometry.SQUARE_MM - 0.6, spacing)
    xs, ys = np.meshgrid(cols, rows)
    xs = xs + (np.arange(len(rows))[:, None] % 2) * spacing / 2
    pts = np.column_stack([xs.ravel(), ys.ravel()])
    angle = rng.uniform(0, 2 * np.pi, len(pts))
    radius = spacing * 0.35 * np.sqrt(rng.random(len(pts)))
    pts = pts + np.column_stack([np.cos(angle), np.sin(angle)]) * radius[:, None]
    inside = np.all((pts > 0.5) & (pts < geometry.SQUARE_MM - 0.5), axis=1)
    return pts[inside]


def _conflicts(a: np.ndarray, ra: np.ndarray, b: np.ndarray, rb: np.ndarray) -> np.ndarray:
    """Matrix of pairs whose edges are closer than the gap kept between separate dots."""
    dist = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2)
    return dist < ra[:, None] + rb[None, :] + _EDGE_GAP_MM


def _drop_conflicts(centres: np.ndarray, diameters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    radii = diameters / 2
    order = np.argsort(centres[:, 1])  # neighbours are close in y: compare within a sliding window
    centres, radii = centres[order], radii[order]
    keep = np.ones(len(centres), dtype=bool)
    for start in range(0, len(centres), 256):
        stop = min(len(centres), start + 256)
        lo = max(0, start - 256)
        clash = _conflicts(centres[start:stop], radii[start:stop], centres[lo:stop], radii[lo:stop])
        idx = np.arange(start, stop)[:, None]
        earlier = np.arange(lo, stop)[None, :] < idx
        clash &= earlier & keep[lo:stop][None, :]
        for row in np.nonzero(clash.any(axis=1))[0]:
            keep[start + row] = not np.any(clash[row] & keep[lo:stop])
    return centres[keep], radii[keep] * 2


def _add_touching_pairs(
    rng: np.random.Generator, centres: np.ndarray, diameters: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Give about 3 % of the dots a partner that touches or slightly overlaps it."""
    is_pair = np.zeros(len(centres), dtype=bool)
    new_c, new_d = [], []
    for i in rng.choice(len(centres), size=max(3, len(centres) // 33), replace=False):
        d = float(np.clip(rng.normal(diameters[i], 0.05), 0.3, 1.6))
        angle = rng.uniform(0, 2 * np.pi)
        dist = rng.uniform(0.8, 0.97) * (diameters[i] + d) / 2
        c = centres[i] + dist * np.array([np.cos(angle), np.sin(angle)])
        others = np.ones(len(centres), dtype=bool)
        others[i] = False
        near = _conflicts(c[None], np.array([d / 2]), centres[others], diameters[others] / 2)
        partner_clash = (
            new_c
            and _conflicts(c[None], np.array([d / 2]), np.array(new_c), np.array(new_d) / 2).any()
        )
        if near.any() or partner_clash or is_pair[i] or not (c > 0.5).all() or not (c < 99.5).all():
            continue
        is_pair[i] = True
        new_c.append(c)
        new_d.append(d)
    centres = np.vstack([centres, np.array(new_c).reshape(-1, 2)])
    diameters = np.concatenate([diameters, new_d])
    return centres, diameters, np.concatenate([is_pair, np.ones(len(new_c), dtype=bool)])


def _add_blowouts(
    rng: np.random.Generator, centres: np.ndarray, diameters: np.ndarray, is_pair: np.ndarray
) -> Dots:
    """Turn about 1 % of the single dots into blowouts: a diffuse halo, or a far larger dot."""
    halo = np.zeros((len(centres), 2))
    is_blowout = np.zeros(len(centres), dtype=bool)
    singles = np.nonzero(~is_pair)[0]
    for i in rng.choice(singles, size=int(rng.integers(4, 16)), replace=False):
        grown = diameters[i] * rng.uniform(1.8, 2.2)
        others = np.arange(len(centres)) != i
        clash = _conflicts(
            centres[i][None], np.array([grown / 2]), centres[others], diameters[others] / 2
        )
        if rng.random() < 0.3 and not clash.any():
            diameters[i] = grown
        else:
            halo[i] = (rng.uniform(0.3, 0.5), rng.uniform(0.35, 0.6))
        is_blowout[i] = True
    return Dots(centres, diameters, is_pair, halo, is_blowout)


def _make_camera(
    rng: np.random.Generator, px_per_mm: float, photo_size: tuple[int, int] | None
) -> _Camera:
    """A random view of the frame: rotation, perspective and position in the photo."""
    margin = geometry.QUIET_ZONE_MM + 2.0
    x0, y0, x1, y1 = geometry.frame_bounds_mm()
    frame = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)
    frame += np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * margin
    angle = np.deg2rad(90 * rng.integers(0, 4) + rng.uniform(-12, 12))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    flat = (frame - 50.0) @ rot.T * px_per_mm
    skew = rng.normal(0, 0.025 * (x1 - x0) * px_per_mm, (4, 2))
    quad = flat + skew - (flat + skew).mean(axis=0)
    size = photo_size or _smallest_photo(quad)
    extent = quad.max(axis=0) - quad.min(axis=0)
    shrink = min(1.0, 0.98 * min(size[0] / extent[0], size[1] / extent[1]))
    quad *= shrink  # a photo too small for the wanted resolution gets a lower one
    extent *= shrink
    slack = np.array(size) - extent
    offset = -quad.min(axis=0) + slack * rng.uniform(0.1, 0.9, 2)
    quad = quad + offset
    matrix = cv2.getPerspectiveTransform(frame.astype(np.float32), quad.astype(np.float32))
    return _Camera(matrix, size)


def _smallest_photo(quad: np.ndarray) -> tuple[int, int]:
    extent = quad.max(axis=0) - quad.min(axis=0)
    for size in PHOTO_SIZES:
        if extent[0] < 0.98 * size[0] and extent[1] < 0.98 * size[1]:
            return size
    return PHOTO_SIZES[-1]


def _mm_grid(camera: _Camera, x0: int, y0: int, x1: int, y1: int, sub: int = 1):
    """Millimetre coordinates of pixel centres (or sub×sub sub-samples) in a photo window."""
    offsets = (np.arange(sub) + 0.5) / sub - 0.5
    xs = (np.arange(x0, x1)[:, None] + offsets[None, :]).ravel().astype(np.float32)
    ys = (np.arange(y0, y1)[:, None] + offsets[None, :]).ravel().astype(np.float32)
    m = np.linalg.inv(camera.mm_to_photo).astype(np.float32)
    xx, yy = np.meshgrid(xs, ys)
    w = m[2, 0] * xx + m[2, 1] * yy + m[2, 2]
    u = (m[0, 0] * xx + m[0, 1] * yy + m[0, 2]) / w
    v = (m[1, 0] * xx + m[1, 1] * yy + m[1, 2]) / w
    return u, v


def _box_px(camera: _Camera, box_mm: tuple[float, float, float, float], pad: int = 2):
    """Photo-pixel window holding a millimetre box, clipped to the photo."""
    x0, y0, x1, y1 = box_mm
    pts = np.array([[[x0, y0]], [[x1, y0]], [[x1, y1]], [[x0, y1]]], dtype=np.float64)
    px = cv2.perspectiveTransform(pts, camera.mm_to_photo).reshape(4, 2)
    w, h = camera.size
    lo = np.maximum(np.floor(px.min(axis=0)).astype(int) - pad, 0)
    hi = np.minimum(np.ceil(px.max(axis=0)).astype(int) + pad, (w, h))
    return int(lo[0]), int(lo[1]), int(hi[0]), int(hi[1])


def _coverage(camera: _Camera, box_mm, inside, sub: int = 4):
    """Anti-aliased coverage of a shape (a predicate on mm coordinates) within its box."""
    x0, y0, x1, y1 = _box_px(camera, box_mm)
    u, v = _mm_grid(camera, x0, y0, x1, y1, sub)
    hit = inside(u, v).astype(np.float32)
    cover = hit.reshape(y1 - y0, sub, x1 - x0, sub).mean(axis=(1, 3))
    return (slice(y0, y1), slice(x0, x1)), cover


def _render(rng: np.random.Generator, camera: _Camera, dots: Dots, background: str) -> np.ndarray:
    """Reflectance of the scene (H×W×3 float32, BGR) times the scene's lighting."""
    w, h = camera.size
    u, v = _mm_grid(camera, 0, 0, w, h)
    table = np.array(rng.uniform(0.2, 0.4, 3), dtype=np.float32)
    px0, py0, px1, py1 = PAGE_MM
    on_page = (u > px0) & (u < px1) & (v > py0) & (v < py1)
    albedo = np.where(on_page[..., None], _PAPER, table).astype(np.float32)
    if background == "skin":
        _paint_skin(rng, albedo, u, v)
    del u, v
    _paint_print(camera, albedo)
    _paint_dots(rng, camera, albedo, dots, background)
    return albedo * _lighting(rng, camera)[..., None]


def _paint_skin(rng: np.random.Generator, albedo: np.ndarray, u: np.ndarray, v: np.ndarray) -> None:
    """A practice skin seen through the square cut out of the page (cut a little generously)."""
    cut = rng.uniform(0.5, 2.0)
    side = geometry.SQUARE_MM
    hole = (u > -cut) & (u < side + cut) & (v > -cut) & (v < side + cut)
    tone = np.array(_SKIN_TONES[rng.integers(len(_SKIN_TONES))], dtype=np.float32)
    coarse = cv2.resize(rng.normal(1, 0.04, (12, 12)).astype(np.float32), (64, 64))
    grain = rng.normal(1, 0.025, (256, 256)).astype(np.float32)
    iu = np.clip(((u + cut) / (side + 2 * cut) * 63).astype(np.int32), 0, 63)
    iv = np.clip(((v + cut) / (side + 2 * cut) * 63).astype(np.int32), 0, 63)
    gu = ((u * 5).astype(np.int32)) % 256  # 0.2 mm grain
    gv = ((v * 5).astype(np.int32)) % 256
    texture = coarse[iv, iu] * grain[gv, gu]
    albedo[hole] = tone[None, :] * texture[hole][:, None]


def _paint_print(camera: _Camera, albedo: np.ndarray) -> None:
    """The markers (black) and the corner ticks (light grey), as the template prints them."""
    for marker_id, (mx, my) in geometry.MARKER_ORIGINS_MM.items():
        bits = marker_bits(marker_id)
        cell = geometry.MARKER_MM / geometry.MARKER_CELLS

        def black(u, v, mx=mx, my=my, bits=bits, cell=cell):
            cx = np.floor((u - mx) / cell).astype(np.int32)
            cy = np.floor((v - my) / cell).astype(np.int32)
            ok = (cx >= 0) & (cx < bits.shape[1]) & (cy >= 0) & (cy < bits.shape[0])
            return ok & bits[np.clip(cy, 0, 5), np.clip(cx, 0, 5)]

        box = (mx - 1, my - 1, mx + geometry.MARKER_MM + 1, my + geometry.MARKER_MM + 1)
        _mix(albedo, *_coverage(camera, box, black), np.float32(0.06))
    half = geometry.TICK_STROKE_MM / 2
    for (ax, ay), (bx, by) in geometry.tick_segments_mm():
        box = (min(ax, bx) - half, min(ay, by) - half, max(ax, bx) + half, max(ay, by) + half)

        def stroke(u, v, box=box):
            return (u >= box[0]) & (u <= box[2]) & (v >= box[1]) & (v <= box[3])

        _mix(albedo, *_coverage(camera, box, stroke), np.float32(0.78))


def _mix(albedo: np.ndarray, where: tuple[slice, slice], cover: np.ndarray, ink) -> None:
    patch = albedo[where]
    patch[:] = patch * (1 - cover[..., None]) + ink * cover[..., None]


def _paint_dots(
    rng: np.random.Generator, camera: _Camera, albedo: np.ndarray, dots: Dots, background: str
) -> None:
    """Each dot as an anti-aliased disc of ink, plus the diffuse halo of a blowout."""
    strength = rng.uniform(0.65, 0.9) if background == "paper" else rng.uniform(0.55, 0.85)
    tint = np.array([0.16, 0.12, 0.10] if background == "skin" else [0.14, 0.1, 0.08], np.float32)
    scales = _local_scales(camera, dots.centres)
    for i, (cx, cy) in enumerate(dots.centres):
        r = dots.diameters[i] / 2
        amp, width = dots.halo[i]
        reach = r + (3.5 * width if amp else 0.2)
        y0x0y1x1 = _box_px(camera, (cx - reach, cy - reach, cx + reach, cy + reach))
        x0, y0, x1, y1 = y0x0y1x1
        u, v = _mm_grid(camera, x0, y0, x1, y1)
        dist = np.hypot(u - cx, v - cy)
        ink = np.clip((r - dist) * scales[i] + 0.5, 0, 1)
        if amp:
            ink = np.maximum(
                ink, amp * np.exp(-np.square(np.maximum(dist - r, 0)) / (2 * width**2))
            )
        ink *= strength * rng.uniform(0.93, 1.07)
        patch = albedo[y0:y1, x0:x1]
        patch *= 1 - ink[..., None] * (1 - tint)


def _local_scales(camera: _Camera, centres: np.ndarray) -> np.ndarray:
    """Photo pixels per millimetre at each dot (perspective makes it vary over the frame)."""
    step = np.array([[1.0, 0.0], [0.0, 1.0]])
    pts = np.concatenate([centres, centres + step[0], centres + step[1]])
    px = cv2.perspectiveTransform(pts[:, None, :], camera.mm_to_photo).reshape(3, -1, 2)
    jx, jy = px[1] - px[0], px[2] - px[0]
    return np.sqrt(np.abs(jx[:, 0] * jy[:, 1] - jx[:, 1] * jy[:, 0]))


def _lighting(rng: np.random.Generator, camera: _Camera) -> np.ndarray:
    """Exposure × a linear gradient × vignetting, smooth, computed small and enlarged."""
    w, h = camera.size
    ys, xs = np.mgrid[0:48, 0:64].astype(np.float32)
    xs, ys = xs / 63 - 0.5, ys / 47 - 0.5
    phi = rng.uniform(0, 2 * np.pi)
    ramp = 1 + rng.uniform(0.15, 0.5) * (xs * np.cos(phi) + ys * np.sin(phi))
    vignette = 1 - rng.uniform(0.05, 0.3) * (xs**2 + ys**2) * 2
    shape = ramp * vignette
    light = rng.uniform(190, 255) * shape / shape.max()  # a phone exposes to keep paper unclipped
    return cv2.resize(light.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def _cover_marker(camera: _Camera, image: np.ndarray, marker_id: int) -> None:
    """A fingertip over most of one marker."""
    mx, my = geometry.MARKER_ORIGINS_MM[marker_id]
    centre = np.array([[[mx + 7.5, my + 7.5]]])
    px = cv2.perspectiveTransform(centre, camera.mm_to_photo).reshape(2)
    scale = float(np.mean(_local_scales(camera, np.array([[mx, my]]))))
    axes = (int(9 * scale), int(14 * scale))
    cv2.ellipse(image, (int(px[0]), int(px[1])), axes, 30, 0, 360, (120, 150, 200), -1)


def _add_glare(rng: np.random.Generator, camera: _Camera, image: np.ndarray) -> None:
    """A blown-out reflection somewhere in the square."""
    spot = np.array([[rng.uniform(20, 80, 2)]])
    px = cv2.perspectiveTransform(spot, camera.mm_to_photo).reshape(2)
    scale = float(_local_scales(camera, spot.reshape(1, 2))[0])
    radius = int(rng.uniform(3, 6) * scale)
    cv2.circle(image, (int(px[0]), int(px[1])), radius, (400, 400, 400), -1)


def _shoot(rng: np.random.Generator, image: np.ndarray) -> bytes:
    """Lens blur, sensor noise and JPEG compression."""
    sigma = rng.uniform(0.6, 1.3)
    image = cv2.GaussianBlur(image, (0, 0), sigma)
    image += rng.normal(0, rng.uniform(1.5, 4.0), image.shape[:2]).astype(np.float32)[..., None]
    pixels = np.clip(image, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(80, 94))])
    assert ok
    return jpeg.tobytes()


def _truth(dots: Dots, camera: _Camera, background: str) -> Truth:
    centres = dots.centres
    single = ~dots.is_pair & ~dots.is_blowout
    bands = np.clip((centres[:, 1] // 10).astype(int), 0, geometry.PROFILE_BANDS - 1)
    counts = np.bincount(bands, minlength=geometry.PROFILE_BANDS)
    side = geometry.SQUARE_MM
    square = np.array([[[0, 0]], [[side, 0]], [[side, side]], [[0, side]]], dtype=np.float64)
    quad = cv2.perspectiveTransform(square, camera.mm_to_photo).reshape(4, 2)
    px_per_mm = float(np.sqrt(cv2.contourArea(quad.astype(np.float32)))) / side
    return Truth(
        dot_count=len(centres),
        mean_diameter_mm=float(dots.diameters[single].mean()),
        nn_spacing_mm=float(nearest_neighbour_distances(centres).mean()),
        density_profile=[float(c) / 10.0 for c in counts],
        blowout_centres_mm=[(float(x), float(y)) for x, y in centres[dots.is_blowout]],
        px_per_mm=px_per_mm,
        background=background,
        centres_mm=centres,
        diameters_mm=dots.diameters,
    )
