"""Certifications (from content/) and issued certificates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smp_academy.core.clock import now_utc
from smp_academy.core.types import UTCDateTime
from smp_academy.extensions import Model


class Certification(Model):
    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    validity_months: Mapped[int | None] = mapped_column(Integer)
    # the ordered requirement list of certifications.yaml, one dict per requirement (rows
    # synced before the list form hold the old {"courses": [...], …} mapping, still read)
    requires: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    renewal: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Certificate(Model):
    """One issued certificate. ``cycle`` numbers the holder's periods of a certification;
    only one live (not superseded) certificate may exist per holder, certification and cycle."""

    __tablename__ = "certificates"
    __table_args__ = (
        Index(
            "uq_certificates_live_cycle",
            "holder_id",
            "certification_id",
            "cycle",
            unique=True,
            sqlite_where=text("superseded_by_id IS NULL"),
            postgresql_where=text("superseded_by_id IS NULL"),
        ),
        CheckConstraint(
            "(revoked_at IS NULL) = (revocation_reason IS NULL)", name="revoked_has_reason"
        ),
        Index("ix_certificates_holder", "holder_id", "certification_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id"))
    cycle: Mapped[int] = mapped_column(Integer, default=1)
    # Frozen at issue: a later profile or content change does not alter an issued certificate.
    holder_name: Mapped[str] = mapped_column(String(120))
    credential_title: Mapped[str] = mapped_column(String(200))
    covers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What the credential rests on, as CONTRACT.md section 4 lists it (frozen at issue).
    requirements: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issue_reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    pdf_key: Mapped[str | None] = mapped_column(String(200))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    certification: Mapped[Certification] = relationship(lazy="joined")
    holder = relationship("User", foreign_keys=[holder_id], lazy="raise")
    superseded_by: Mapped[Certificate | None] = relationship(
        remote_side=[id], foreign_keys=[superseded_by_id], lazy="select"
    )
    credential: Mapped[CertificateCredential] = relationship(
        back_populates="certificate", lazy="select"
    )


class CertificateCredential(Model):
    """A certificate's Open Badges 3.0 credential, made at issue with the certificate: the
    position of its revocation bit in the status lists (drawn at random, so positions do not
    reveal the order of issue; list ``index // 131072 + 1``), the salt of the holder's hashed
    e-mail address in it, and the signed credential once the render job has made it.

    A row of its own, not columns of ``certificates``: a few kilobytes of JSON that only the
    credential's own paths read stay out of every list of certificates."""

    __tablename__ = "certificate_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), unique=True)
    status_list_index: Mapped[int] = mapped_column(Integer, unique=True)
    identity_salt: Mapped[str] = mapped_column(String(32))
    document: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    certificate: Mapped[Certificate] = relationship(back_populates="credential", lazy="raise")


class StatusList(Model):
    """One published Bitstring Status List (its ``id`` is the number in its URL), signed.
    Rebuilt in the transaction that revokes, reinstates or supersedes a certificate it covers,
    so the list served on the next request already says so."""

    __tablename__ = "credential_status_lists"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    credential: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
