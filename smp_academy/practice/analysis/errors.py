"""The two ways a photo can fail before it is measured; both are the uploader's to fix."""

from __future__ import annotations

MARKERS_NOT_FOUND = "template markers not found: photograph the whole printed frame"


class UnreadableImage(ValueError):
    """The bytes are not an image we can decode, are truncated, or exceed the pixel limit."""


class MarkersNotFound(ValueError):
    """Not all four template markers are visible, so the photo cannot be calibrated.

    ``missing`` names the markers not found (the upload check tells the trainee which).
    """

    def __init__(self, message: str = MARKERS_NOT_FOUND, missing: list[int] | None = None):
        super().__init__(message)
        self.missing = list(missing or [])


STICKER_NOT_FOUND = (
    "scale sticker not found: stick it flat beside the area and photograph both from above"
)


class StickerNotFound(ValueError):
    """The scale sticker (ArUco id 10) is not visible, so a scalp photo cannot be calibrated."""

    def __init__(self, message: str = STICKER_NOT_FOUND) -> None:
        super().__init__(message)
