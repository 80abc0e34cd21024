"""A certificate's status and its public JSON object (CONTRACT.md section 4), and code look-up."""

from __future__ import annotations

import calendar
import enum
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from smp_academy.certificates.codes import CodeTypo, MalformedCode, normalize_code
from smp_academy.certificates.models import Certificate
from smp_academy.core.clock import today_utc
from smp_academy.core.errors import NotFound
from smp_academy.extensions import db


class CertificateStatus(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def status_of(cert: Certificate, today: date | None = None) -> CertificateStatus:
    """valid | expired | revoked (a superseded certificate reports as revoked)."""
    if cert.revoked_at is not None or cert.superseded_by_id is not None:
        return CertificateStatus.REVOKED
    if cert.expires_on is not None and cert.expires_on < (today or today_utc()):
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


def verify_url(code: str) -> str:
    return f"{current_app.config['BASE_URL']}/verify/{code}"


def certificate_json(cert: Certificate) -> dict[str, Any]:
    """The certificate object of CONTRACT.md section 4 (plus ``superseded_by`` when set)."""
    data = {
        "code": cert.code,
        "status": status_of(cert).value,
        "holder_name": cert.holder_name,
        "credential": cert.credential_title,
        "issued_on": cert.issued_on.isoformat(),
        "expires_on": cert.expires_on.isoformat() if cert.expires_on else None,
        "revoked_on": None,
        "revocation_reason": None,
        "verify_url": verify_url(cert.code),
        "requirements": list(cert.requirements or []),
    }
    if cert.revoked_at is not None:
        data["revoked_on"] = cert.revoked_at.date().isoformat()
        data["revocation_reason"] = cert.revocation_reason
    elif (successor := cert.superseded_by) is not None:
        data["revoked_on"] = successor.issued_at.date().isoformat()
        data["revocation_reason"] = f"Superseded by {successor.code} (re-issued)"
        data["superseded_by"] = successor.code
    return data


def find_by_code(text: str) -> Certificate:
    """Look a code up tolerantly; MalformedCode / CodeTypo / NotFound on failure."""
    code = normalize_code(text)
    cert = db.session.scalar(select(Certificate).where(Certificate.code == code))
    if cert is None:
        raise NotFound("No certificate has this code.")
    return cert


def lookup_problem(text: str) -> str | None:
    """The message for a code that cannot be looked up, or None when it is well formed."""
    try:
        normalize_code(text)
    except CodeTypo:
        return "This code has a typo: please check it against the certificate."
    except MalformedCode:
        return "This is not a certificate code. Codes look like SMP-7K3Q-9XWM-2F4T."
    return None
