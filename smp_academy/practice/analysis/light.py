"""How a photo's 8-bit values encode light, and the way back to linear light.

Darkness, blur and "half as dark" are only meaningful in linear light, while phones write
sRGB-encoded values (IEC 61966-2-1); other sources (raw converters, scanners, renderers) may
write linear values. The photo is turned into 16-bit linear light once, before any
interpolation, so that rectifying and smoothing mix light rather than encoded values.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

ENCODINGS = ("srgb", "linear")
FULL = 65535  # 16-bit linear light of white


def to_light(values: np.ndarray, encoding: str) -> np.ndarray:
    """Linear light (0..1, float32) of 8-bit-scale values (0..255, any float) in ``encoding``."""
    v = np.asarray(values, dtype=np.float32) / np.float32(255)
    if encoding == "linear":
        return v
    curve = cv2.pow((v + np.float32(0.055)) / np.float32(1.055), 2.4)
    return np.where(v <= 0.04045, v / np.float32(12.92), curve).astype(np.float32)


def to_encoded(light: np.ndarray, encoding: str) -> np.ndarray:
    """8-bit values showing linear light (0..1) in ``encoding``: for images people look at."""
    v = np.clip(np.asarray(light, dtype=np.float32), 0, 1)
    if encoding == "srgb":
        curve = np.float32(1.055) * cv2.pow(v, 1 / 2.4) - np.float32(0.055)
        v = np.where(v <= 0.0031308, v * np.float32(12.92), curve)
    return np.clip(v * 255 + 0.5, 0, 255).astype(np.uint8)


@lru_cache(maxsize=len(ENCODINGS))
def _lut16(encoding: str) -> np.ndarray:
    light = to_light(np.arange(256, dtype=np.float32), encoding).reshape(256)
    return np.round(light * FULL).astype(np.uint16)


def light16(gray: np.ndarray, encoding: str) -> np.ndarray:
    """A uint8 photo as 16-bit linear light (0..65535)."""
    return cv2.LUT(gray, _lut16(encoding))
