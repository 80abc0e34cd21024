"""Safe decoding of uploaded bytes to a grayscale array.

Uploads are untrusted: a small file can declare billions of pixels, so the size is checked from
the header before any pixel is decoded, and Pillow's own bomb warning is turned into an error.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import numpy as np
import pillow_heif
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .errors import UnreadableImage

T = TypeVar("T")

#: Largest photo decoded unless the caller says otherwise (a 48 MP phone photo is refused).
DEFAULT_MAX_PIXELS = 40_000_000

pillow_heif.register_heif_opener()

_DECODE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    IndexError,
    KeyError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


def decode_gray(data: bytes, max_pixels: int) -> np.ndarray:
    """Decode ``data`` to an upright 8-bit grayscale array, or raise UnreadableImage."""
    return decode_untrusted(data, max_pixels, _to_gray_array)


def decode_untrusted(data: bytes, max_pixels: int, convert: Callable[[Image.Image], T]) -> T:
    """Open untrusted bytes as an image (size checked from the header first, bombs and
    truncated files refused) and hand it to ``convert``; any decoding failure, including
    one inside ``convert``, becomes UnreadableImage."""
    if not data:
        raise UnreadableImage("empty file")
    try:
        with _strict_truncation(), warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                _check_size(image.size, max_pixels)
                return convert(image)
    except UnreadableImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own check fires inside Image.open, before ours can read the size.
        raise UnreadableImage(f"image too large: more than {max_pixels} pixels") from exc
    except _DECODE_ERRORS as exc:
        raise UnreadableImage(f"not a readable image ({_reason(exc)})") from exc


_TRUNCATION_LOCK = threading.Lock()


@contextmanager
def _strict_truncation() -> Iterator[None]:
    """Refuse truncated files even though WeasyPrint turns Pillow's process-wide
    LOAD_TRUNCATED_IMAGES on when it is imported (it would hand us a half-grey photo)."""
    with _TRUNCATION_LOCK:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _check_size(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise UnreadableImage("image has no pixels")
    if width * height > max_pixels:
        raise UnreadableImage(f"image too large: {width}×{height} pixels (limit {max_pixels})")


def _to_gray_array(image: Image.Image) -> np.ndarray:
    # For JPEG, draft mode decodes only the luma channel, which skips the colour conversion.
    if image.format == "JPEG":
        image.draft("L", image.size)
    image.load()
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        wide = np.asarray(upright, dtype=np.float32)
        return np.clip(wide * (255.0 / max(float(wide.max()), 1.0)), 0, 255).astype(np.uint8)
    if upright.mode != "L":
        upright = upright.convert("L")
    return np.ascontiguousarray(np.asarray(upright, dtype=np.uint8))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnidentifiedImageError):
        return "not an image format we know"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
