"""What a phone does to a scene between the light and the file.

The scene arrives as linear light (BGR float32, about 0..255). The phone adds what real
photos of printed templates and practice skins bring — uneven light and vignetting, a colour
cast, a hand's shadow, a reflection, lens and motion blur, sensor noise, the sRGB tone curve,
sharpening — and encodes JPEG or HEIC.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()

#: White-balance errors: warm indoor light, a cool shade, a green fluorescent tube (BGR gains).
COLOUR_CASTS = {
    "warm": (0.62, 0.86, 1.12),
    "cool": (1.15, 1.0, 0.8),
    "green": (0.9, 1.12, 0.85),
}


@dataclass(frozen=True)
class Shot:
    """How the photo is taken; ``None`` means drawn at random from a phone's usual range."""

    px_per_mm: float | None = None
    photo_size: tuple[int, int] | None = None
    blur_px: float | None = None  # lens blur, Gaussian sigma in photo pixels
    motion_px: float = 0.0  # length of a straight motion-blur streak
    noise: float | None = None  # noise left in the JPEG, std in 8-bit levels
    jpeg_quality: int | None = None
    heic: bool = False
    distortion: float = 0.0  # radial lens distortion k1 (> 0 barrel, < 0 pincushion)
    curl_mm: float = 0.0  # how far the paper's curled edges rise off the table
    colour_cast: str | None = None
    hand_shadow: bool = False
    glare: bool = False
    cover_marker: int | None = None  # a fingertip over most of this marker
    finger_on_marker: int | None = None  # a fingertip over a corner of this marker
    tone_curve: bool = True  # sRGB encoding, as every phone writes
    sharpen: float = 0.0  # unsharp-mask amount, as phones apply
    tilt: float = 0.025  # perspective: corner jitter as a share of the frame


def lighting(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    """Exposure × a linear gradient × vignetting, smooth, computed small and enlarged."""
    w, h = size
    ys, xs = np.mgrid[0:48, 0:64].astype(np.float32)
    xs, ys = xs / 63 - 0.5, ys / 47 - 0.5
    phi = rng.uniform(0, 2 * np.pi)
    ramp = 1 + rng.uniform(0.15, 0.5) * (xs * np.cos(phi) + ys * np.sin(phi))
    vignette = 1 - rng.uniform(0.05, 0.3) * (xs**2 + ys**2) * 2
    shape = ramp * vignette
    light = rng.uniform(190, 255) * shape / shape.max()  # a phone exposes to keep paper unclipped
    return cv2.resize(light.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def hand_shadow(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    """A soft shadow of a hand and forearm reaching in from one side (multiplier, 0.4..1)."""
    w, h = size
    small = np.zeros((96, 128), dtype=np.float32)
    side = rng.integers(4)
    depth = rng.uniform(0.25, 0.45)
    across = rng.uniform(0.3, 0.7)
    if side in (0, 1):  # from the left or the right
        x = int(128 * depth) if side == 0 else int(128 * (1 - depth))
        y = int(96 * across)
        xs = (0, x) if side == 0 else (x, 127)
        cv2.rectangle(small, (xs[0], y - 14), (xs[1], y + 14), 1.0, -1)
        cv2.ellipse(small, (x, y), (10, 16), 0, 0, 360, 1.0, -1)
    else:  # from the top or the bottom
        y = int(96 * depth) if side == 2 else int(96 * (1 - depth))
        x = int(128 * across)
        ys = (0, y) if side == 2 else (y, 95)
        cv2.rectangle(small, (x - 16, ys[0]), (x + 16, ys[1]), 1.0, -1)
        cv2.ellipse(small, (x, y), (18, 11), 0, 0, 360, 1.0, -1)
    small = cv2.GaussianBlur(small, (0, 0), 3.0)
    strength = rng.uniform(0.35, 0.55)
    shadow = 1 - strength * cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return shadow


def add_glare(rng: np.random.Generator, image: np.ndarray, centre_px, radius_px: float) -> None:
    """A specular reflection: a bright soft-edged spot that clips the sensor at its core."""
    x, y = (int(v) for v in centre_px)
    r = int(radius_px)
    h, w = image.shape[:2]
    x0, y0, x1, y1 = max(x - 2 * r, 0), max(y - 2 * r, 0), min(x + 2 * r, w), min(y + 2 * r, h)
    yy, xx = np.mgrid[y0:y1, x0:x1]
    d = np.hypot(xx - x, yy - y) / max(r, 1)
    boost = 400 * np.exp(-np.square(np.maximum(d - 0.6, 0)) / 0.08)
    image[y0:y1, x0:x1] += boost[..., None].astype(np.float32)


def add_sheen(rng: np.random.Generator, image: np.ndarray, where: tuple[slice, slice]) -> None:
    """Soft, unclipped shine on a practice skin's surface: a few broad highlights."""
    patch = image[where]
    h, w = patch.shape[:2]
    small = np.zeros((48, 48), dtype=np.float32)
    for _ in range(int(rng.integers(2, 5))):
        cx, cy = rng.integers(0, 48, 2)
        axes = (int(rng.integers(4, 12)), int(rng.integers(2, 6)))
        cv2.ellipse(small, (int(cx), int(cy)), axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
    small = cv2.GaussianBlur(small, (0, 0), 2.5)
    shine = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR) * rng.uniform(25, 60)
    patch += shine[..., None]


def expose(rng: np.random.Generator, image: np.ndarray, shot: Shot) -> np.ndarray:
    """Optics and sensor: blur, motion, colour cast; the tone curve; then the noise a phone's
    JPEG keeps after its own noise reduction (roughly even in 8-bit steps), and sharpening."""
    sigma = rng.uniform(0.6, 1.3) if shot.blur_px is None else shot.blur_px
    if sigma > 0:
        image = cv2.GaussianBlur(image, (0, 0), sigma)
    if shot.motion_px:
        image = cv2.filter2D(image, -1, _streak(rng, shot.motion_px))
    if shot.colour_cast:
        image *= np.array(COLOUR_CASTS[shot.colour_cast], dtype=np.float32)
    np.clip(image, 0, 255, out=image)
    if shot.tone_curve:
        image = 255 * _srgb(image / 255)
    noise = rng.uniform(1.0, 2.5) if shot.noise is None else shot.noise
    if noise:
        _add_noise(rng, image, noise)
    if shot.sharpen:
        soft = cv2.GaussianBlur(image, (0, 0), 1.2)
        image = cv2.addWeighted(image, 1 + shot.sharpen, soft, -shot.sharpen, 0)
    return cv2.convertScaleAbs(image)  # rounds and saturates to 0..255


def _add_noise(rng: np.random.Generator, image: np.ndarray, level: float) -> None:
    """Noise: mostly shared by the three channels (luma), half as much per channel."""
    luma = rng.standard_normal(image.shape[:2], dtype=np.float32)
    luma *= np.float32(level)
    chroma = rng.standard_normal(image.shape, dtype=np.float32)
    chroma *= np.float32(level * 0.5)
    image += chroma
    image += luma[..., None]


def _srgb(linear: np.ndarray) -> np.ndarray:
    """The sRGB curve (its linear toe, below 1/300 of white, is left out)."""
    return np.maximum(1.055 * cv2.pow(linear.astype(np.float32), 1 / 2.4) - 0.055, 0)


def _streak(rng: np.random.Generator, length: float) -> np.ndarray:
    """A normalised line kernel of ``length`` pixels at a random angle."""
    size = int(np.ceil(length)) | 1
    kernel = np.zeros((size, size), dtype=np.float32)
    angle = rng.uniform(0, np.pi)
    c = (size - 1) / 2
    dx, dy = np.cos(angle) * length / 2, np.sin(angle) * length / 2
    cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1)
    return kernel / kernel.sum()


def encode(rng: np.random.Generator, pixels: np.ndarray, shot: Shot) -> bytes:
    """JPEG at the shot's quality (a phone's 80–94 unless set), or HEIC."""
    if shot.heic:
        rgb = Image.fromarray(cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB))
        out = io.BytesIO()
        rgb.save(out, format="HEIF", quality=shot.jpeg_quality or 85)
        return out.getvalue()
    quality = int(rng.integers(80, 94)) if shot.jpeg_quality is None else shot.jpeg_quality
    ok, jpeg = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return jpeg.tobytes()
