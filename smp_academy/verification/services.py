"""Verification for clinics: look-ups (logged), API tokens, batch checks and rosters."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from smp_academy.auth import throttle
from smp_academy.auth.models import User
from smp_academy.certificates import credentials
from smp_academy.certificates.codes import CodeTypo, MalformedCode, normalize_code
from smp_academy.certificates.models import Certificate
from smp_academy.certificates.openbadges.attachment import (
    CredentialFileError,
    credential_from_bytes,
    parse_credential_json,
)
from smp_academy.certificates.openbadges.verify import Verdict
from smp_academy.certificates.status import certificate_json, find_by_code
from smp_academy.core import audit
from smp_academy.core.clock import now_utc
from smp_academy.core.errors import Conflict, NotFound, ValidationFailed
from smp_academy.core.roles import Role
from smp_academy.extensions import db
from smp_academy.verification.models import ClinicToken, RosterEntry, VerificationLookup

TOKEN_PREFIX = "smpk_"
MAX_CREDENTIAL_FILE_BYTES = 10 * 1024 * 1024


def log_lookup(
    code: str, cert: Certificate | None, channel: str, clinic: User | None = None
) -> None:
    db.session.add(
        VerificationLookup(
            code=code[:40],
            certificate_id=cert.id if cert else None,
            clinic_id=clinic.id if clinic else None,
            channel=channel,
        )
    )


def lookup(code: str, channel: str, clinic: User | None = None) -> Certificate | None:
    """Find a certificate by a well-formed, tolerant code and log the look-up either way."""
    try:
        cert = find_by_code(code)
    except NotFound:
        log_lookup(code, None, channel, clinic)
        return None
    log_lookup(cert.code, cert, channel, clinic)
    return cert


def batch_verify(clinic: User, codes: list[str]) -> list[dict[str, Any]]:
    """One result per code, in order: the certificate object or ``not_found``."""
    wanted: dict[str, str | None] = {}
    for code in codes:
        try:
            wanted[code] = normalize_code(code)
        except (MalformedCode, CodeTypo):
            wanted[code] = None
    found = {
        c.code: c
        for c in db.session.scalars(
            select(Certificate).where(Certificate.code.in_({v for v in wanted.values() if v}))
        )
    }
    results = []
    for code in codes:
        normal = wanted[code]
        cert = found.get(normal) if normal else None
        log_lookup(normal or code, cert, "batch", clinic)
        results.append(certificate_json(cert) if cert else {"code": code, "status": "not_found"})
    return results


# --------------------------------------------------------------------------- credentials


def check_credential(
    upload: bytes | None, pasted: str | None, clinic: User | None = None
) -> tuple[Verdict, Certificate | None]:
    """The verdict on a presented digital credential, and the certificate it names if we have
    one (the look-up is logged). ValidationFailed when there is nothing to check."""
    verdict = credentials.verify_presented(presented_credential(upload, pasted))
    cert = credentials.certificate_named(verdict.code)
    if verdict.code:
        log_lookup(verdict.code, cert, "credential", clinic)
    return verdict, cert


def presented_credential(upload: bytes | None, pasted: str | None) -> dict[str, Any]:
    """The JSON object in the uploaded file (or attached to an uploaded PDF), or pasted."""
    pasted = (pasted or "").strip()
    if upload and pasted:
        raise ValidationFailed("Choose a file or paste the JSON, not both.", field="text")
    if upload:
        if len(upload) > MAX_CREDENTIAL_FILE_BYTES:
            message = "This file is larger than 10 MB; a credential is much smaller."
            raise ValidationFailed(message, field="file")
        return _read(credential_from_bytes, upload, "This file", "file")
    if pasted:
        return _read(parse_credential_json, pasted.encode("utf-8"), "This text", "text")
    raise ValidationFailed("Choose the credential file or paste its JSON.", field="file")


def _read(
    parse: Callable[[bytes], dict[str, Any]], data: bytes, what: str, field: str
) -> dict[str, Any]:
    try:
        return parse(data)
    except CredentialFileError as error:
        raise ValidationFailed(f"{what} cannot be checked: {error}.", field=field) from None


# --------------------------------------------------------------------------- tokens


def ensure_token_guessing_allowed(address: str | None) -> None:
    """Refuse an address that sent too many unknown tokens lately (shared by every worker)."""
    throttle.ensure_unlocked(
        {f"bad-token:{address}": "Too many requests with an unknown API token."}
    )


def record_bad_token(address: str | None) -> None:
    throttle.record_failure(f"bad-token:{address}", throttle.BAD_TOKENS)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(clinic: User, name: str = "API token") -> tuple[ClinicToken, str]:
    """A new token for a clinic account; the plain token is returned once, only its hash kept."""
    if clinic.role != Role.CLINIC:
        raise ValidationFailed(f"{clinic.email} is not a clinic account")
    if not clinic.active:
        raise ValidationFailed(f"{clinic.email} is deactivated")
    name = (name or "API token").strip()[:80] or "API token"
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ClinicToken(clinic_id=clinic.id, name=name, token_hash=_hash(token), prefix=token[:12])
    db.session.add(row)
    db.session.flush()
    audit.record(clinic, "clinic.token_created", row, name=name, prefix=row.prefix)
    return row, token


def clinic_for_token(token: str) -> User | None:
    """The active clinic behind a live token (and note its use), or None."""
    row = db.session.scalar(
        select(ClinicToken).where(
            ClinicToken.token_hash == _hash(token), ClinicToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.clinic.active or row.clinic.role != Role.CLINIC:
        return None
    row.last_used_at = now_utc()
    return row.clinic


def clinic_tokens(clinic: User) -> list[ClinicToken]:
    return list(
        db.session.scalars(
            select(ClinicToken)
            .where(ClinicToken.clinic_id == clinic.id)
            .order_by(ClinicToken.created_at.desc())
        )
    )


def revoke_token(clinic: User, token_id: int) -> None:
    row = db.session.get(ClinicToken, token_id)
    if row is None or row.clinic_id != clinic.id:
        raise NotFound("No such token.")
    if row.revoked_at is None:
        row.revoked_at = now_utc()
        audit.record(clinic, "clinic.token_revoked", row, prefix=row.prefix)


# --------------------------------------------------------------------------- roster


def roster(clinic: User) -> list[RosterEntry]:
    return list(
        db.session.scalars(
            select(RosterEntry)
            .where(RosterEntry.clinic_id == clinic.id)
            .order_by(RosterEntry.added_at.desc())
        )
    )


def add_to_roster(clinic: User, code: str, note: str = "") -> RosterEntry:
    try:
        cert = lookup(code, "roster", clinic)
    except (MalformedCode, CodeTypo) as error:
        raise ValidationFailed(str(error).capitalize() + ".", field="code") from None
    if cert is None:
        raise ValidationFailed("No certificate has this code.", field="code")
    if db.session.scalar(
        select(RosterEntry).filter_by(clinic_id=clinic.id, certificate_id=cert.id)
    ):
        raise Conflict(f"{cert.holder_name} ({cert.code}) is already on your roster.", field="code")
    entry = RosterEntry(clinic_id=clinic.id, certificate=cert, note=note.strip()[:200])
    db.session.add(entry)
    return entry


def remove_from_roster(clinic: User, entry_id: int) -> None:
    entry = db.session.get(RosterEntry, entry_id)
    if entry is None or entry.clinic_id != clinic.id:
        raise NotFound("No such roster entry.")
    db.session.delete(entry)


# --------------------------------------------------------------------------- holder's view


def verification_summary(cert: Certificate) -> dict[str, Any]:
    """How many times a certificate was looked up, and by which clinics."""
    total = (
        db.session.scalar(
            select(func.count(VerificationLookup.id)).where(
                VerificationLookup.certificate_id == cert.id
            )
        )
        or 0
    )
    by_clinic = db.session.execute(
        select(User.name, func.count(VerificationLookup.id), func.max(VerificationLookup.at))
        .join(User, User.id == VerificationLookup.clinic_id)
        .where(VerificationLookup.certificate_id == cert.id)
        .group_by(User.name)
        .order_by(func.max(VerificationLookup.at).desc())
    ).all()
    return {"total": total, "clinics": by_clinic}
