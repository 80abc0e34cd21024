"""Who may do what with a certificate."""

from __future__ import annotations

from typing import Any

from smp_academy.certificates.models import Certificate
from smp_academy.certificates.status import CertificateStatus, status_of
from smp_academy.core.roles import Role, has_role


def can_download(user: Any, cert: Certificate) -> bool:
    """The holder and admins; nobody else learns that the certificate exists."""
    return has_role(user, Role.ADMIN) or (
        has_role(user, Role.TRAINEE) and cert.holder_id == user.id
    )


def is_withdrawn(cert: Certificate) -> bool:
    """A revoked or superseded certificate's signed PDF would still look genuine on paper, so it
    is not handed out any more; its verification page says why."""
    return status_of(cert) == CertificateStatus.REVOKED
