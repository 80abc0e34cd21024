"""Scalp photos of the case logbook measured beside the scale sticker (CONTRACT.md section 7).

At upload each scalp photo is checked at once (``ensure_measurable``): one the analysis cannot
measure is refused with the reason and how to retake it, unless the trainee keeps the photos
without measurements (an area where no sticker could be placed). After the commit a job
measures every scalp photo (``analyze_client_photo``) and stores the report and an overlay. The
case page sets each healed photo against the fresh one of the same area (``compare_review``),
so a supervisor judges the healed result on numbers as well as by eye.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from smp_academy.clinical.checklists import AREAS, labels
from smp_academy.clinical.media import PREFIX, Received
from smp_academy.clinical.models import ClientPhoto, MeasurementStatus, TreatmentSession
from smp_academy.core import jobs
from smp_academy.core.errors import ValidationFailed
from smp_academy.core.storage import get_storage, new_key
from smp_academy.extensions import db
from smp_academy.practice.analysis import (
    StickerNotFound,
    UnreadableImage,
    analyze_scalp,
    check_photo,
    compare_scalp,
    render_scalp_overlay,
)

KEEP_LABEL = "Keep photos without measurements"
RETAKE = (
    " Retake the photo with the scale sticker flat beside the area, photographed from above, "
    f"or tick “{KEEP_LABEL}” if no sticker could be placed there. Nothing was saved."
)
#: what the pages say about a photo that has no measurement (yet)
NOT_MEASURED = {
    MeasurementStatus.PENDING: "Being measured: reload the page in a moment.",
    MeasurementStatus.NO_STICKER: (
        "Not measured: no scale sticker in the photo. Next time, place the scale sticker flat "
        "beside the area and photograph from above."
    ),
    MeasurementStatus.FAILED: "Not measured: the photo could not be read.",
}
AREA_NOT_STATED = "Area not stated"


def ensure_measurable(photos: list[Received], field: str) -> None:
    """Refuse, on ``field``, the photos the scalp analysis cannot measure, saying why."""
    max_pixels = current_app.config["UPLOAD_MAX_PIXELS"]
    refusals = []
    for photo in photos:
        check = check_photo(photo.clean.data, kind="scalp", max_pixels=max_pixels)
        if not check.ok:
            reasons = "; ".join(problem.warning for problem in check.problems)
            refusals.append(f"“{photo.name}” cannot be measured: {reasons}.")
    if refusals:
        raise ValidationFailed(" ".join(refusals) + RETAKE, field=field)


def photo_area(value: str | None, worked: Iterable[str], field: str, photos: str) -> str | None:
    """The area a set of photos shows: one of the areas worked, or not stated (None)."""
    if not value:
        return None
    allowed = set(worked)
    if value not in allowed:
        names = ", ".join(labels(AREAS)[key].lower() for key, _ in AREAS if key in allowed)
        raise ValidationFailed(
            f"The {photos} photos show one of the areas worked ({names}), or leave it unstated.",
            field=field,
        )
    return value


def measure_later(photos: list[ClientPhoto]) -> None:
    """A job per photo, dispatched once the photos are committed."""
    db.session.flush()
    for photo in photos:
        jobs.enqueue(analyze_client_photo, photo.id)


def analyze_client_photo(photo_id: int) -> None:
    """Job: measure one scalp photo beside the sticker; store the report and an overlay.

    Idempotent: a photo measured already, or erased meanwhile, is left alone. The row is locked
    so that an erasure waits for the measurement (and erases its overlay) or goes first.
    """
    photo = db.session.scalar(
        select(ClientPhoto).where(ClientPhoto.id == photo_id).with_for_update()
    )
    if photo is None or photo.analysis_status != MeasurementStatus.PENDING:
        return
    storage = get_storage()
    try:
        result = analyze_scalp(
            storage.load(photo.storage_key), max_pixels=current_app.config["UPLOAD_MAX_PIXELS"]
        )
    except StickerNotFound as error:
        photo.analysis_status, photo.analysis_error = MeasurementStatus.NO_STICKER, str(error)
        return
    except UnreadableImage as error:
        photo.analysis_status, photo.analysis_error = MeasurementStatus.FAILED, str(error)
        return
    overlay_key = new_key(PREFIX, ".overlay.png")
    storage.save(overlay_key, render_scalp_overlay(result), "image/png")
    photo.overlay_key = overlay_key
    photo.analysis = json.loads(json.dumps(result.report))
    photo.analysis_status, photo.analysis_error = MeasurementStatus.DONE, None


def measurement_note(photo: ClientPhoto) -> str | None:
    """Why a scalp photo shows no numbers, for the pages (None when measured, or a consent
    form)."""
    return NOT_MEASURED.get(photo.analysis_status) if photo.analysis_status else None


@dataclass(frozen=True)
class Comparison:
    """A healed photo set against the fresh (after-session) photo of the same area."""

    area: str | None
    healed: ClientPhoto
    fresh: ClientPhoto | None
    numbers: dict | None  # compare_scalp's, when both photos are measured

    @property
    def is_waiting(self) -> bool:
        """A measurement of either photo is still to come."""
        photos = (self.healed, self.fresh)
        return any(p is not None and p.analysis_status == MeasurementStatus.PENDING for p in photos)

    @property
    def area_name(self) -> str:
        return labels(AREAS)[self.area] if self.area else AREA_NOT_STATED

    @property
    def density_change_per_cm2(self) -> float | None:
        """Dots per cm² healed minus fresh."""
        if self.numbers is None:
            return None
        fresh, healed = (self.numbers[side]["density_per_cm2"] for side in ("fresh", "healed"))
        return None if fresh is None or healed is None else round(healed - fresh, 2)


def by_area(photos: Iterable[ClientPhoto]) -> dict[str | None, ClientPhoto]:
    """One photo per area, in the order given: the first measured one, else the first."""
    chosen: dict[str | None, ClientPhoto] = {}
    for photo in photos:
        current = chosen.get(photo.area)
        if current is None or (photo.is_measured and not current.is_measured):
            chosen[photo.area] = photo
    return chosen


def fresh_photos(
    sessions: list[TreatmentSession], after: dict[int, list[ClientPhoto]]
) -> dict[str | None, ClientPhoto]:
    """Per area, the after photo of the latest session that photographed it."""
    fresh: dict[str | None, ClientPhoto] = {}
    for session in sorted(sessions, key=lambda s: s.number):
        fresh |= by_area(after.get(session.id, []))
    return fresh


def compare_review(
    healed: list[ClientPhoto], fresh: dict[str | None, ClientPhoto]
) -> list[Comparison]:
    """Each area of a healed review against its fresh photo, with the numbers when both are
    measured."""
    comparisons = []
    for area, photo in by_area(healed).items():
        before = fresh.get(area)
        numbers = None
        if before is not None and before.analysis and photo.analysis:
            numbers = compare_scalp(before.analysis, photo.analysis)
        comparisons.append(Comparison(area, photo, before, numbers))
    return comparisons
