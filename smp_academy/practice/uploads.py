"""Validate and clean an uploaded practice photo: decode it (never trusting the name or the
declared type), refuse bombs, apply the EXIF orientation, drop all metadata (GPS, device) by
re-encoding, and make a thumbnail. Pure: bytes in, bytes out."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass

from PIL import Image, ImageOps

from smp_academy.practice.analysis.decode import decode_untrusted
from smp_academy.practice.analysis.errors import UnreadableImage

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "HEIC", "MPO"}
THUMBNAIL_PX = 480
JPEG_QUALITY = 90


class UploadRejected(ValueError):
    """The file cannot be accepted; the message says why, for the person uploading it."""


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    thumbnail: bytes
    content_type: str
    width: int
    height: int
    sha256: str


def clean_photo(data: bytes, *, max_bytes: int, max_pixels: int) -> CleanPhoto:
    """A re-encoded, upright, metadata-free copy of the photo and its thumbnail."""
    if len(data) > max_bytes:
        raise UploadRejected(f"is larger than {max_bytes // (1024 * 1024)} MB")
    if not data:
        raise UploadRejected("is empty")
    try:
        image = decode_untrusted(data, max_pixels, _upright_rgb)
    except UnreadableImage as error:
        raise UploadRejected(_explain(str(error))) from None
    full = _encode(image)
    thumb = image.copy()
    thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    return CleanPhoto(
        full,
        _encode(thumb),
        "image/jpeg",
        image.width,
        image.height,
        hashlib.sha256(full).hexdigest(),
    )


def _upright_rgb(image: Image.Image) -> Image.Image:
    if image.format not in ACCEPTED_FORMATS:
        raise UnreadableImage(f"{image.format or 'this'} files are not accepted")
    image.load()
    upright = ImageOps.exif_transpose(image)
    if upright.mode.startswith("I;16") or upright.mode == "I":
        # 16-bit greyscale (PNG): convert("RGB") would clip everything above 255 to white.
        upright = upright.point(lambda value: value / 257).convert("L")
    if upright.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", upright.size, "white")
        rgba = upright.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return upright.convert("RGB")


def _encode(image: Image.Image) -> bytes:
    """JPEG without any metadata: nothing of the original file's EXIF, XMP, ICC or comment
    survives (Pillow writes ``info["comment"]`` back unless it is gone from the image)."""
    image.info.clear()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _explain(reason: str) -> str:
    if "too large" in reason:
        return f"has too many pixels to be a photo ({reason.split(': ', 1)[-1]})"
    if "not accepted" in reason:
        return f"is not a JPEG, PNG, WebP or HEIC photo ({reason})"
    return "is not a readable JPEG, PNG, WebP or HEIC photo"


def safe_filename(name: str | None) -> str:
    """The original name, for display only: no path, no control characters, short."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")
    return base[:100] or "photo"
