"""The immediate check of a photo on the upload page, before the trainee submits it.

For the template it runs the first half of the analysis — decoding, finding the markers,
reading the photo's encoding, blur and sampling, looking for glare — and none of the dot
measurement, so it answers in a fraction of a second on a 12 MP photo. A scalp's region is
small, so there the whole measurement runs (hair among the dots shows only then). Either way
its problems are the very ones the analysis report warns about, so a photo that passes the
check is one the analysis can measure.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import problems
from .decode import DEFAULT_MAX_PIXELS, decode_gray
from .errors import MarkersNotFound, StickerNotFound, UnreadableImage
from .markers import locate_frame
from .problems import Problem
from .quality import inspect
from .scalp import measure_scalp

KINDS = ("template", "scalp")


@dataclass(frozen=True)
class PhotoCheck:
    """Whether the photo can be measured, and if not what to fix."""

    ok: bool
    problems: list[Problem]

    def as_dict(self) -> dict:
        """JSON-ready: {"ok": bool, "problems": [{"code", "message", "how_to_fix"}, …]}."""
        return {"ok": self.ok, "problems": [p.as_dict() for p in self.problems]}


def check_photo(
    data: bytes, *, kind: str = "template", max_pixels: int = DEFAULT_MAX_PIXELS
) -> PhotoCheck:
    """Check a photo of the practice template (``kind="template"``) or of a scalp beside the
    scale sticker (``kind="scalp"``); never raises for a bad photo."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of photo {kind!r}: one of {', '.join(KINDS)}")
    try:
        gray = decode_gray(data, max_pixels)
    except UnreadableImage as error:
        return PhotoCheck(False, [problems.unreadable(str(error))])
    try:
        if kind == "scalp":
            found = list(measure_scalp(gray).problems)
        else:
            found = list(inspect(gray, locate_frame(gray)).problems)
    except MarkersNotFound as error:
        return PhotoCheck(False, [problems.markers_missing(error.missing)])
    except StickerNotFound:
        return PhotoCheck(False, [problems.sticker_missing()])
    return PhotoCheck(not found, found)
