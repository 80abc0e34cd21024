"""The Open Badges 3.0 ``AchievementCredential`` of one certificate, built from plain values.

Choices worth knowing:
- ``type`` is ``["VerifiableCredential", "OpenBadgeCredential"]``: OB 3.0 defines
  ``AchievementCredential`` only as an alias of ``OpenBadgeCredential`` in its context, its
  examples and the 1EdTech validator use ``OpenBadgeCredential``, and some wallets match the
  type by string.
- The holder is identified without an id: one ``IdentityObject`` with the name in clear (OB
  3.0 "additional recipient profile information") and one with a salted SHA-256 of the
  e-mail address (``hashed: true``), so an employer who knows the address can confirm it
  while the address itself is never published.
- What the certificate rests on (CONTRACT §4 requirements) travels as ``evidence``: one entry
  per requirement with its kind, title and counts — never anything about a client.
- The credential's ``id`` is the public verify URL of the certificate: stable, and what
  OB 3.0 uses with ``issuer`` and ``validFrom`` to tell a newer rendering from an older one.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from smp_academy.certificates.openbadges.loader import CREDENTIALS_V2, OPEN_BADGES_V3
from smp_academy.certificates.openbadges.proof import format_datetime
from smp_academy.certificates.openbadges.status_list import status_entry

CONTEXT = [CREDENTIALS_V2, OPEN_BADGES_V3]
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]


@dataclass(frozen=True)
class IssuerProfile:
    name: str
    url: str  # the academy's home page (SMP_BASE_URL)
    did: str  # did_web(SMP_BASE_URL)


@dataclass(frozen=True)
class Alignment:
    """A course or practical requirement the certification is aligned to."""

    title: str
    url: str | None = None  # None: the requirement is described on the criteria page
    code: str | None = None  # e.g. the course slug


@dataclass(frozen=True)
class Requirement:
    """One entry of CONTRACT §4 ``requirements``: counts only."""

    kind: str
    title: str
    required: float | None
    achieved: float | None
    met_on: date | None


@dataclass(frozen=True)
class CredentialData:
    code: str
    holder_name: str
    holder_email: str
    identity_salt: str  # new_identity_salt(); published in the credential, as OB 3.0 intends
    certification_slug: str
    certification_title: str
    certification_description: str
    criteria_narrative: str
    criteria_url: str  # a public page describing the certification's requirements
    alignments: tuple[Alignment, ...]
    requirements: tuple[Requirement, ...]
    issued_on: date
    expires_on: date | None
    status_list_url: str
    status_list_index: int
    verify_url: str
    issuer: IssuerProfile
    image_url: str | None = None


def new_identity_salt() -> str:
    return secrets.token_hex(16)


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityHash of an e-mail address: ``sha256$`` + hex of address + salt.

    The address is trimmed and lower-cased first, so a verifier typing it differently still
    gets the same hash.
    """
    normalized = email.strip().lower()
    return "sha256$" + hashlib.sha256((normalized + salt).encode("utf-8")).hexdigest()


def build_achievement_credential(data: CredentialData) -> dict[str, Any]:
    """The unsigned credential; sign it with ``proof.sign``."""
    credential: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": data.verify_url,
        "type": list(CREDENTIAL_TYPE),
        "name": data.certification_title,
        "description": data.certification_description,
        "issuer": _issuer(data.issuer),
        "validFrom": format_datetime(datetime.combine(data.issued_on, time(0, 0), UTC)),
        "credentialSubject": _subject(data),
        "credentialStatus": status_entry(data.status_list_url, data.status_list_index),
    }
    if data.expires_on is not None:
        # A certificate is valid through its expiry day (services.status_of).
        last_second = datetime.combine(data.expires_on, time(23, 59, 59), UTC)
        credential["validUntil"] = format_datetime(last_second)
    if data.requirements:
        credential["evidence"] = [_evidence(requirement) for requirement in data.requirements]
    if data.image_url:
        credential["image"] = {"id": data.image_url, "type": "Image"}
    return credential


def achievement_id(issuer: IssuerProfile, slug: str) -> str:
    """A stable URI for a certification, the same in every credential that awards it."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{issuer.url}/certifications/{slug}')}"


def _issuer(issuer: IssuerProfile) -> dict[str, Any]:
    return {"id": issuer.did, "type": ["Profile"], "name": issuer.name, "url": issuer.url}


def _subject(data: CredentialData) -> dict[str, Any]:
    return {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": data.holder_name,
                "identityType": "name",
                "hashed": False,
            },
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(data.holder_email, data.identity_salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": data.identity_salt,
            },
        ],
        "achievement": _achievement(data),
    }


def _achievement(data: CredentialData) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": achievement_id(data.issuer, data.certification_slug),
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": data.certification_title,
        "description": data.certification_description,
        "criteria": {"id": data.criteria_url, "narrative": data.criteria_narrative},
        "creator": _issuer(data.issuer),
    }
    if data.alignments:
        achievement["alignment"] = [_alignment(item, data) for item in data.alignments]
    if data.image_url:
        achievement["image"] = {"id": data.image_url, "type": "Image"}
    return achievement


def _alignment(alignment: Alignment, data: CredentialData) -> dict[str, Any]:
    entry = {
        "type": ["Alignment"],
        "targetName": alignment.title,
        "targetUrl": alignment.url or data.criteria_url,
    }
    if alignment.code:
        entry["targetCode"] = alignment.code
    return entry


def _evidence(requirement: Requirement) -> dict[str, Any]:
    return {
        "type": ["Evidence"],
        "name": requirement.title,
        "genre": requirement.kind,
        "description": requirement_summary(requirement),
    }


def requirement_summary(requirement: Requirement) -> str:
    """``Required 10, achieved 12, met on 2026-02-14.`` — the parts that are known."""
    parts = [
        f"{label} {_number(value)}"
        for label, value in (("required", requirement.required), ("achieved", requirement.achieved))
        if value is not None
    ]
    parts.append(f"met on {requirement.met_on.isoformat()}" if requirement.met_on else "not met")
    text = ", ".join(parts)
    return text[0].upper() + text[1:] + "."


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
