"""What a trainee sees of certifications: held, or each requirement met or still to meet."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from smp_academy.auth.models import User
from smp_academy.certificates.models import Certificate, Certification
from smp_academy.certificates.requirements import (
    Result,
    achievements,
    check,
    requirement_names,
)
from smp_academy.certificates.services import holder_certificates
from smp_academy.certificates.status import CertificateStatus, status_of
from smp_academy.extensions import db


@dataclass(frozen=True)
class Pathway:
    """One certification from the trainee's side: the certificate held, or the way to it."""

    certification: Certification
    certificate: Certificate | None
    results: list[Result]

    @property
    def done(self) -> int:
        return sum(result.is_met for result in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def next(self) -> Result | None:
        return next((result for result in self.results if not result.is_met), None)


def active_certifications() -> list[Certification]:
    return list(
        db.session.scalars(
            select(Certification).where(~Certification.is_retired).order_by(Certification.id)
        )
    )


def _pathways(user: User, certs: list[Certificate]) -> list[Pathway]:
    held = {c.certification_id: c for c in certs if status_of(c) == CertificateStatus.VALID}
    done, names = achievements(user.id), requirement_names()
    return [
        Pathway(c, held.get(c.id), check(c.requires, done, names)) for c in active_certifications()
    ]


def certifications_to_earn(user: User, certs: list[Certificate]) -> list[Pathway]:
    """Certifications the user does not hold, each requirement with what is achieved."""
    return [pathway for pathway in _pathways(user, certs) if pathway.certificate is None]


def certification_overview(user: User) -> list[Pathway]:
    """For the trainee dashboard: every certification, held or not, and the next step."""
    return _pathways(user, holder_certificates(user))
