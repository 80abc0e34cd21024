"""What can be wrong with a photo, said once for the upload check and the report's warnings.

Each problem has a stable code (for the page's logic and tests), a message saying what is wrong
and how to fix it; the report's warnings are the same two sentences joined, so the immediate
check and the analysis never disagree about a photo.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

MARKER_NAMES = {0: "top-left", 1: "top-right", 2: "bottom-right", 3: "bottom-left"}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    how_to_fix: str

    @property
    def warning(self) -> str:
        """One line for the report's warnings."""
        return f"{self.message}; {self.how_to_fix}"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def markers_missing(missing: list[int], names: dict[int, str] = MARKER_NAMES) -> Problem:
    where = ", ".join(names.get(k, f"id {k}") for k in missing)
    return Problem(
        "markers_missing",
        f"marker{'s' if len(missing) > 1 else ''} not found: {where}",
        "photograph the whole printed frame, all four black squares with their white border "
        "in view and nothing over them",
    )


def sticker_missing() -> Problem:
    return Problem(
        "markers_missing",
        "scale sticker not found",
        "stick it flat on the scalp beside the area and keep it, with its white border, in view",
    )


def marker_hidden(marker_id: int, names: dict[int, str] = MARKER_NAMES) -> Problem:
    return Problem(
        "marker_hidden",
        f"marker {marker_id} ({names.get(marker_id, 'marker')}) looks partly hidden or damaged",
        "keep fingers, shadows and reflections off the black squares and their white border",
    )


def marker_at_edge(marker_id: int, names: dict[int, str] = MARKER_NAMES) -> Problem:
    return Problem(
        "marker_at_edge",
        f"marker {marker_id} ({names.get(marker_id, 'marker')}) is at the edge of the photo",
        "step back a little so that a white border shows all round every black square",
    )


def not_flat(error_mm: float) -> Problem:
    return Problem(
        "not_flat",
        f"the markers do not fit a flat page (off by {error_mm:.2f} mm)",
        "lay the sheet flat and photograph it from straight above",
    )


def low_resolution(px_per_mm: float, needed: float) -> Problem:
    return Problem(
        "low_resolution",
        f"low resolution: {px_per_mm:.1f} px/mm (need at least {needed:.0f})",
        "move closer or use a higher resolution",
    )


def blurred(sigma_mm: float) -> Problem:
    return Problem(
        "blurred",
        f"photo looks blurred (edge spread {sigma_mm:.2f} mm)",
        "hold still and focus on the square",
    )


def glare(area_mm2: float) -> Problem:
    return Problem(
        "glare",
        f"glare: {area_mm2:.0f} mm² of the measured area is blown out",
        "avoid direct light or flash; tilt the light, not the phone",
    )


def hair(lines: int) -> Problem:
    return Problem(
        "hair",
        f"hair among the dots ({lines} strands seen): stubble may be counted as dots",
        "photograph freshly shaved skin, or trim the stubble short around the sticker",
    )


def unreadable(reason: str) -> Problem:
    return Problem(
        "unreadable", f"not a readable photo ({reason})", "upload a JPEG, PNG or HEIC photo"
    )
