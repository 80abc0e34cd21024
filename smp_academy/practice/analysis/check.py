"""The immediate check of a photo on the upload page, before the trainee submits it.

It runs the first half of the analysis — decoding, finding the markers, reading the photo's
encoding, blur and sampling, looking for glare — and none of the dot measurement, so it answers
in a fraction of a second on a 12 MP photo. Its problems are the very ones the analysis report
warns about, so a photo that passes the check is one the analysis can measure.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import problems
from .decode import decode_gray
from .errors import MarkersNotFound, UnreadableImage
from .markers import locate_frame
from .problems import Problem
from .quality import inspect_template

DEFAULT_MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class PhotoCheck:
    """Whether the photo can be measured, and if not what to fix."""

    ok: bool
    problems: list[Problem]

    def as_dict(self) -> dict:
        """JSON-ready: {"ok": bool, "problems": [{"code", "message", "how_to_fix"}, …]}."""
        return {"ok": self.ok, "problems": [p.as_dict() for p in self.problems]}


def check_photo(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> PhotoCheck:
    """Check a photo of the practice template; never raises for bad input."""
    try:
        gray = decode_gray(data, max_pixels)
    except UnreadableImage as error:
        return PhotoCheck(False, [problems.unreadable(str(error))])
    try:
        coarse = locate_frame(gray)
    except MarkersNotFound as error:
        return PhotoCheck(False, [problems.markers_missing(error.missing)])
    found = list(inspect_template(gray, coarse).problems)
    return PhotoCheck(not found, found)
