"""The holder hears of everything that happens to their certificate: in the app and by e-mail
(subscribed to ``core.events``)."""

from __future__ import annotations

from smp_academy.auth.models import User
from smp_academy.certificates.models import Certificate
from smp_academy.certificates.status import verify_url
from smp_academy.core import events
from smp_academy.core.notify import notify
from smp_academy.extensions import db

MY_CERTIFICATES = "/certificates"


def _tell_holder(cert: Certificate, message: str, template: str, **context) -> None:
    holder = db.session.get(User, cert.holder_id)
    if holder is not None and holder.active:
        notify(
            holder,
            message,
            MY_CERTIFICATES,
            email_template=template,
            subject=message,
            cert=cert,
            **context,
        )


def on_issued(cert: Certificate, **_) -> None:
    _tell_holder(
        cert,
        f"Your certificate: {cert.credential_title}",
        "certificate_issued",
        cert_verify_url=verify_url(cert.code),
    )


def on_revoked(cert: Certificate, **_) -> None:
    _tell_holder(cert, f"Your certificate {cert.code} was revoked", "holder_revoked")


def on_superseded(old: Certificate, *, new: Certificate, renewal: bool, **_) -> None:
    if not renewal:  # a renewal is announced as an issue of the new certificate
        _tell_holder(
            new, f"Your certificate was re-issued as {new.code}", "certificate_reissued", old=old
        )


def on_expiring(cert: Certificate, **_) -> None:
    _tell_holder(
        cert, f"Your certificate expires on {cert.expires_on:%d %B %Y}", "certificate_expiring"
    )


def connect_receivers() -> None:
    events.certificate_issued.connect(on_issued)
    events.certificate_revoked.connect(on_revoked)
    events.certificate_superseded.connect(on_superseded)
    events.certificate_expiring.connect(on_expiring)
