"""Client photos and CPD evidence through the practice upload pipeline and the storage.

Every file of a form is validated before anything is stored; files are written before the rows
that name them (the storage deletes them again if the unit of work rolls back). Erasing deletes
the rows in the unit of work and the files after its commit, so a rolled-back erasure leaves
both.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from smp_academy.clinical.inputs import found
from smp_academy.clinical.models import (
    SCALP_KINDS,
    ClientPhoto,
    CpdEntry,
    MeasurementStatus,
    TreatmentSession,
)
from smp_academy.core.errors import NotFound, ValidationFailed
from smp_academy.core.storage import get_storage, new_key
from smp_academy.extensions import db
from smp_academy.practice.uploads import CleanPhoto, UploadRejected, clean_photo, safe_filename

PREFIX = "clinical"


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class Received:
    """An upload decoded and re-encoded, with its name for messages about it."""

    name: str
    clean: CleanPhoto


@dataclass(frozen=True)
class StoredPhoto:
    clean: CleanPhoto
    key: str
    thumb_key: str


def cleaned(uploads: list[Upload], field: str, low: int, high: int) -> list[Received]:
    """The uploads of one form field, each decoded and re-encoded; none stored yet."""
    uploads = [u for u in uploads if u.data or u.filename]
    if len(uploads) < low:
        plural = "s" if low > 1 else ""
        raise ValidationFailed(f"Upload at least {low} photo{plural} here.", field=field)
    if len(uploads) > high:
        raise ValidationFailed(f"Upload at most {high} photos here.", field=field)
    config = current_app.config
    photos, problems = [], []
    for upload in uploads:
        try:
            clean = clean_photo(
                upload.data,
                max_bytes=config["UPLOAD_MAX_BYTES"],
                max_pixels=config["UPLOAD_MAX_PIXELS"],
            )
            photos.append(Received(safe_filename(upload.filename), clean))
        except UploadRejected as error:
            problems.append(f"“{safe_filename(upload.filename)}” {error}.")
    if problems:
        raise ValidationFailed(" ".join(problems) + " Nothing was saved.", field=field)
    return photos


def store(photos: list[Received]) -> list[StoredPhoto]:
    """Write each photo and its thumbnail under fresh keys."""
    storage = get_storage()
    written = []
    for photo in photos:
        clean = photo.clean
        item = StoredPhoto(clean, new_key(PREFIX, ".jpg"), new_key(PREFIX, ".thumb.jpg"))
        storage.save(item.key, clean.data, clean.content_type)
        storage.save(item.thumb_key, clean.thumbnail, "image/jpeg")
        written.append(item)
    return written


def photo_row(
    item: StoredPhoto, case_id: int, kind: str, area: str | None = None, **owner: int
) -> ClientPhoto:
    """The row of a stored photo; a scalp photo waits for its measurement."""
    photo = ClientPhoto(
        case_id=case_id,
        kind=kind,
        area=area,
        analysis_status=MeasurementStatus.PENDING if kind in SCALP_KINDS else None,
        storage_key=item.key,
        thumb_key=item.thumb_key,
        content_type=item.clean.content_type,
        width=item.clean.width,
        height=item.clean.height,
        size=len(item.clean.data),
        sha256=item.clean.sha256,
        **owner,
    )
    db.session.add(photo)
    return photo


def erase_photos(photos: list[ClientPhoto]) -> int:
    """Delete the rows (and with them the measurements) now, and their files, overlays
    included, once the unit of work commits; returns how many."""
    storage = get_storage()
    for photo in photos:
        for key in (photo.storage_key, photo.thumb_key, photo.overlay_key):
            if key:
                storage.delete_after_commit(key)
        db.session.delete(photo)
    return len(photos)


def get_photo(photo_id: int) -> ClientPhoto:
    return found(ClientPhoto, photo_id, "photo")


def file_of(photo: ClientPhoto, size: str) -> tuple[str, str]:
    """The stored key and type of a photo's full image, thumbnail or measurement overlay."""
    if size == "overlay":
        if photo.overlay_key is None:
            raise NotFound("This photo has no overlay: it was not measured.")
        return photo.overlay_key, "image/png"
    return (photo.storage_key if size == "full" else photo.thumb_key), "image/jpeg"


def session_thumbnails(session: TreatmentSession) -> list[tuple[str, str]]:
    """The session's photos as (kind, data: URI) thumbnails, for the external supervisor's page:
    a link without an account may not open any photo URL."""
    photos = db.session.scalars(
        select(ClientPhoto).where(ClientPhoto.session_id == session.id).order_by(ClientPhoto.id)
    )
    return [
        (photo.kind, "data:image/jpeg;base64," + base64.b64encode(load(photo.thumb_key)).decode())
        for photo in photos
    ]


def load(key: str) -> bytes:
    return get_storage().load(key)


def known_media_keys() -> set[str]:
    """Every stored key a clinical row names, for the orphaned-file clean-up."""
    photos = db.session.execute(
        select(ClientPhoto.storage_key, ClientPhoto.thumb_key, ClientPhoto.overlay_key)
    )
    evidence = db.session.execute(select(CpdEntry.evidence_key, CpdEntry.evidence_thumb_key))
    return {key for rows in (photos, evidence) for row in rows for key in row if key}
