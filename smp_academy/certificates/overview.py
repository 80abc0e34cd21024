"""What a trainee sees of certifications: held, or the requirements still to meet."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from smp_academy.auth.models import User
from smp_academy.certificates.models import Certificate, Certification
from smp_academy.certificates.requirements import achievements, requirement_progress
from smp_academy.certificates.services import holder_certificates
from smp_academy.certificates.status import CertificateStatus, status_of
from smp_academy.extensions import db


def active_certifications() -> list[Certification]:
    return list(
        db.session.scalars(
            select(Certification).where(~Certification.is_retired).order_by(Certification.id)
        )
    )


def _valid_by_certification(certs: list[Certificate]) -> dict[int, Certificate]:
    return {c.certification_id: c for c in certs if status_of(c) == CertificateStatus.VALID}


def certifications_to_earn(user: User, certs: list[Certificate]) -> list[dict[str, Any]]:
    """Certifications the user does not hold yet, each with its requirements met or not."""
    held = _valid_by_certification(certs)
    done = achievements(user.id)
    return [
        {"certification": c, "progress": requirement_progress(c, done)}
        for c in active_certifications()
        if c.id not in held
    ]


def certification_overview(user: User) -> list[dict[str, Any]]:
    """For the trainee dashboard: each certification, held or not, and the next step."""
    held = _valid_by_certification(holder_certificates(user))
    done = achievements(user.id)
    overview = []
    for certification in active_certifications():
        steps = [
            (kind, slug, met)
            for kind, items in requirement_progress(certification, done).items()
            for slug, met in items
        ]
        overview.append(
            {
                "certification": certification,
                "certificate": held.get(certification.id),
                "done": sum(met for _, _, met in steps),
                "total": len(steps),
                "next": next(((kind, slug) for kind, slug, met in steps if not met), None),
            }
        )
    return overview
