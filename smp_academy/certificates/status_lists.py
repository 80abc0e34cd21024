"""Where each certificate's revocation bit lives, and the signed status lists published with it.

A certificate's ``status_list_index`` (on its ``CertificateCredential``) is a position across
all lists: list
``index // ENTRIES + 1``, entry ``index % ENTRIES``. Positions are drawn at random, as the
Bitstring Status List specification advises (a list then says nothing about the order of
issue), among lists kept at most half full, so a draw is almost always free at once.

A list is rebuilt from the database and signed in the very transaction that revokes,
reinstates or supersedes one of its certificates, so the list served on the next request
already tells; a web request that only reads a list never signs. The rebuild first locks the
list's row: two revocations at once take turns, and the second, reading after the lock, sees
the first's bit (PostgreSQL's READ COMMITTED; SQLite has one writer at a time anyway).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from smp_academy.certificates import issuer
from smp_academy.certificates.models import Certificate, CertificateCredential, StatusList
from smp_academy.certificates.openbadges.status_list import (
    MIN_ENTRIES,
    build_status_list_credential,
)
from smp_academy.core import events
from smp_academy.core.clock import now_utc
from smp_academy.extensions import db

ENTRIES = MIN_ENTRIES
#: where the lists are published, followed by their number
PATH = "/credentials/status/"
_NUMBER = re.compile(r"[1-9][0-9]{0,8}")
#: what sets a certificate's bit: exactly what ``status.status_of`` reports as revoked
IS_REVOKED = or_(Certificate.revoked_at.is_not(None), Certificate.superseded_by_id.is_not(None))


def new_index() -> int:
    """A free position for a new certificate, drawn at random."""
    issued = db.session.scalar(select(func.count(CertificateCredential.id))) or 0
    capacity = (issued // (ENTRIES // 2) + 1) * ENTRIES
    while True:
        candidate = secrets.randbelow(capacity)
        if not is_index_taken(candidate):
            return candidate


def is_index_taken(index: int) -> bool:
    taken = exists().where(CertificateCredential.status_list_index == index)
    return bool(db.session.scalar(select(taken)))


def list_number(index: int) -> int:
    return index // ENTRIES + 1


def list_url(number: int) -> str:
    return f"{issuer.base_url()}{PATH}{number}"


def entry_of(index: int) -> tuple[str, int]:
    """The URL of the list that holds ``index`` and the entry within it."""
    return list_url(list_number(index)), index % ENTRIES


def revoked_entries(number: int) -> list[int]:
    """The entries of list ``number`` whose certificates are revoked or superseded now."""
    start = (number - 1) * ENTRIES
    position = CertificateCredential.status_list_index
    indexes = db.session.scalars(
        select(position)
        .join(Certificate, Certificate.id == CertificateCredential.certificate_id)
        .where(position >= start, position < start + ENTRIES, IS_REVOKED)
    )
    return [index - start for index in indexes]


def publish(number: int) -> StatusList:
    """Rebuild list ``number`` from the certificates as this transaction sees them, and sign it."""
    row = _locked_row(number)
    unsigned = build_status_list_credential(
        list_url(number), issuer.issuer_did(), revoked_entries(number), valid_from=now_utc()
    )
    row.credential = issuer.sign(unsigned)
    row.updated_at = now_utc()
    return row


def ensure_published(number: int) -> None:
    """Publish list ``number`` if it never was (for the first credential that names it)."""
    if db.session.get(StatusList, number) is None:
        publish(number)


def publish_all() -> int:
    """Rebuild every list a certificate names (after a back-fill); returns how many."""
    indexes = db.session.scalars(select(CertificateCredential.status_list_index))
    numbers = sorted({list_number(index) for index in indexes})
    for number in numbers:
        publish(number)
    return len(numbers)


def _locked_row(number: int) -> StatusList:
    """The list's row, locked until the end of this transaction (created when new)."""
    locked = select(StatusList).where(StatusList.id == number).with_for_update()
    row = db.session.scalar(locked)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = StatusList(id=number, credential={}, updated_at=now_utc())
            db.session.add(row)
        return row
    except IntegrityError:  # another transaction created it a moment ago: take turns
        return db.session.scalars(locked).one()


def published(number: int) -> StatusList | None:
    return db.session.get(StatusList, number)


def lookup(url: str) -> dict[str, Any] | None:
    """The signed list we publish at ``url``, or None when ``url`` is not one of ours."""
    prefix = f"{issuer.base_url()}{PATH}"
    number = url.removeprefix(prefix) if url.startswith(prefix) else ""
    row = published(int(number)) if _NUMBER.fullmatch(number) else None
    return row.credential if row is not None else None


def _republish(cert: Certificate, **_: Any) -> None:
    publish(list_number(cert.credential.status_list_index))


def _republish_superseded(old: Certificate, **_: Any) -> None:
    """A re-issue revokes the old credential; a renewal leaves it valid until it expires."""
    if old.superseded_by_id is not None:
        _republish(old)


def connect_receivers() -> None:
    events.certificate_revoked.connect(_republish)
    events.certificate_reinstated.connect(_republish)
    events.certificate_superseded.connect(_republish_superseded)
