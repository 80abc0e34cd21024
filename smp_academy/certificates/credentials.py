"""Each certificate's Open Badges 3.0 credential, and checking one that someone presents.

The credential is built from the certificate as it was frozen at issue (holder name, title,
dates, what it rests on), signed with the academy's current key and stored by the render job
(documents.py); a web request serves the stored one and never signs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from smp_academy.auth.models import User
from smp_academy.certificates import criteria, issuer, status_lists
from smp_academy.certificates.models import Certificate, CertificateCredential
from smp_academy.certificates.openbadges.credential import (
    CredentialData,
    Requirement,
    build_achievement_credential,
    new_identity_salt,
)
from smp_academy.certificates.openbadges.sharing import linkedin_add_to_profile_url
from smp_academy.certificates.openbadges.verify import Verdict, verify_credential
from smp_academy.certificates.status import verify_url
from smp_academy.core.clock import now_utc
from smp_academy.extensions import db


def add_record(cert: Certificate) -> CertificateCredential:
    """Give a new certificate its credential record: a free status list position and a fresh
    salt. A position that another issue took at the same moment is drawn again."""
    while True:
        index = status_lists.new_index()
        try:
            with db.session.begin_nested():
                cert.credential = CertificateCredential(
                    status_list_index=index, identity_salt=new_identity_salt()
                )
            return cert.credential
        except IntegrityError:
            if not status_lists.is_index_taken(index):
                raise


def credential_data(cert: Certificate) -> CredentialData:
    """Everything the credential of ``cert`` states, as plain values."""
    certification, record, base = cert.certification, cert.credential, issuer.base_url()
    results = criteria.criteria_of(certification)
    list_url, position = status_lists.entry_of(record.status_list_index)
    return CredentialData(
        code=cert.code,
        holder_name=cert.holder_name,
        holder_email=db.session.get_one(User, cert.holder_id).email,
        identity_salt=record.identity_salt,
        certification_slug=certification.slug,
        certification_title=cert.credential_title,
        certification_description=certification.description or cert.credential_title,
        criteria_narrative=criteria.criteria_narrative(results),
        criteria_url=criteria.criteria_url(base, certification),
        alignments=criteria.alignments(base, certification, results),
        requirements=tuple(_requirement(entry) for entry in cert.requirements or []),
        issued_on=cert.issued_on,
        expires_on=cert.expires_on,
        status_list_url=list_url,
        status_list_index=position,
        verify_url=verify_url(cert.code),
        issuer=issuer.issuer_profile(),
    )


def _requirement(entry: dict[str, Any]) -> Requirement:
    met_on = entry.get("met_on")
    return Requirement(
        kind=entry["kind"],
        title=entry["title"],
        required=entry.get("required"),
        achieved=entry.get("achieved"),
        met_on=date.fromisoformat(met_on) if met_on else None,
    )


def sign_credential(cert: Certificate) -> None:
    """Build, sign and store the credential of ``cert`` (the render job does this, once), and
    publish its status list if the list is new."""
    record = cert.credential
    record.document = issuer.sign(build_achievement_credential(credential_data(cert)))
    record.signed_at = now_utc()
    status_lists.ensure_published(status_lists.list_number(record.status_list_index))


def verification_context() -> dict[str, Any]:
    """What a presented credential is checked against: our DID document and our status lists
    as published now (read from the database, never fetched), at the present moment."""
    return {
        "did_document": issuer.did_document(),
        "status_list_lookup": status_lists.lookup,
        "now": now_utc(),
    }


def verify_presented(document: Any) -> Verdict:
    """Is ``document`` a credential of ours, unchanged, not revoked and not expired, now?"""
    return verify_credential(document, **verification_context())


def certificate_named(code: str | None) -> Certificate | None:
    """The certificate a presented credential names by its code, if there is one (whatever
    the verdict: a registry record to compare with, never a vouching for the file)."""
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def linkedin_url(cert: Certificate) -> str:
    """LinkedIn's "Add licence or certification" form, filled in with ``cert``."""
    config = current_app.config
    return linkedin_add_to_profile_url(
        name=cert.credential_title,
        organization=config["LINKEDIN_ORGANIZATION_ID"] or config["ACADEMY_NAME"],
        issued_on=cert.issued_on,
        expires_on=cert.expires_on,
        cert_id=cert.code,
        cert_url=verify_url(cert.code),
    )
