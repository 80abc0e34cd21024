"""``flask storage cleanup``: remove stored files that no row refers to (what a crash between
writing a file and committing its row leaves behind)."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup

from smp_academy.certificates.documents import known_pdf_keys
from smp_academy.clinical.media import PREFIX as CLINICAL_PREFIX
from smp_academy.clinical.media import known_media_keys
from smp_academy.core.clock import now_utc
from smp_academy.core.storage import get_storage, orphan_keys
from smp_academy.practice.services import PHOTO_PREFIX, known_photo_keys

# A younger file may belong to an upload whose row is being committed right now.
MIN_AGE = timedelta(hours=1)
OWNED_PREFIXES = (
    (PHOTO_PREFIX, known_photo_keys),
    ("certificates", known_pdf_keys),
    (CLINICAL_PREFIX, known_media_keys),
)

storage = AppGroup("storage", help="Stored files (uploads and PDFs).")


def remove_orphans(min_age: timedelta = MIN_AGE, *, dry_run: bool = False) -> list[str]:
    """Stored files no row names (older than ``min_age``), deleted unless ``dry_run``."""
    store = get_storage()
    older_than = now_utc() - min_age
    orphans = [
        key
        for prefix, known in OWNED_PREFIXES
        for key in orphan_keys(store, prefix, known(), older_than)
    ]
    if not dry_run:
        for key in orphans:
            store.delete(key)
    return orphans


@storage.command("cleanup")
@click.option("--dry-run", is_flag=True, help="List orphaned files without deleting them.")
@click.option(
    "--min-age-minutes",
    default=60,
    show_default=True,
    type=click.IntRange(min=0),
    help="Only files at least this old.",
)
def cleanup_command(dry_run: bool, min_age_minutes: int) -> None:
    """Delete stored files that no photo or certificate row names."""
    orphans = remove_orphans(timedelta(minutes=min_age_minutes), dry_run=dry_run)
    for key in orphans:
        click.echo(f"{'would remove' if dry_run else 'removed'} {key}")
    click.echo(f"{len(orphans)} orphaned file(s){' found' if dry_run else ' removed'}")
