"""Synthetic scalp photos for the demo data and the browser test: skin, stubble-like dots and
the scale sticker of CONTRACT.md section 7 (ArUco ``DICT_4X4_50`` id 10, 10 mm, a white border),
so the scalp analysis can measure them. Nobody's scalp is in the repository."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageFilter

STICKER_ID = 10
PX_PER_MM = 12
SIZE = (800, 600)
HEALED_LOSS = 0.06  # share of the dots lost while healing


def scalp_photo(seed: int, dots_per_cm2: float = 40.0, healed: bool = False) -> bytes:
    """A JPEG of a patch of scalp with dots at about this density around the sticker; healed
    dots are softer and lighter, as pigment settles, and a few are gone. A seed places the same
    dots fresh and healed, so the two photos of a seed show one area."""
    rng = np.random.default_rng(seed)
    width, height = SIZE
    skin = np.array([188, 150, 128], dtype=np.float32) + rng.normal(0, 4, 3)
    image = np.clip(skin + rng.normal(0, 5, (height, width, 3)), 0, 255).astype(np.uint8)
    area_cm2 = width * height / (PX_PER_MM * 10) ** 2
    radius = 2 if healed else 1
    ink = (70, 68, 72) if healed else (38, 36, 40)
    centres = rng.uniform((0, 0), (width, height), (int(area_cm2 * dots_per_cm2), 2))
    if healed:  # a few dots do not hold: the same ones for a seed
        centres = centres[np.random.default_rng([seed, 1]).random(len(centres)) >= HEALED_LOSS]
    for x, y in centres:
        cv2.circle(image, (int(x), int(y)), radius, ink, -1, lineType=cv2.LINE_AA)
    side = 14 * PX_PER_MM  # the region measured (15 mm around the sticker) lies in the photo
    _sticker(image, ((width - side) // 2, (height - side) // 2))
    picture = Image.fromarray(image)
    if healed:
        picture = picture.filter(ImageFilter.GaussianBlur(0.8))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=88)
    return out.getvalue()


def _sticker(image: np.ndarray, corner: tuple[int, int]) -> None:
    """The 10 mm marker on a 14 mm white square (2 mm of white around it)."""
    side, border = 14 * PX_PER_MM, 2 * PX_PER_MM
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    marker = cv2.aruco.generateImageMarker(dictionary, STICKER_ID, side - 2 * border)
    x, y = corner
    image[y : y + side, x : x + side] = 255
    inner = image[y + border : y + side - border, x + border : x + side - border]
    inner[:] = marker[:, :, None]
