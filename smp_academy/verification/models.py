"""The clinics' side of verification: API tokens, rosters and the look-up log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smp_academy.certificates.models import Certificate
from smp_academy.core.clock import now_utc
from smp_academy.core.types import UTCDateTime
from smp_academy.extensions import Model


class VerificationLookup(Model):
    """A look-up of a code: when, how, and by which clinic if known."""

    __tablename__ = "verification_lookups"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    code: Mapped[str] = mapped_column(String(40))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16))  # page | api | batch | pdf | qr

    clinic = relationship("User", lazy="joined")


class ClinicToken(Model):
    """An API token of a clinic; only its hash is stored."""

    __tablename__ = "clinic_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    clinic = relationship("User", lazy="joined")


class RosterEntry(Model):
    """A practitioner a clinic employs, followed by certificate code."""

    __tablename__ = "roster_entries"
    __table_args__ = (UniqueConstraint("clinic_id", "certificate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    certificate: Mapped[Certificate] = relationship(lazy="joined")
    clinic = relationship("User", lazy="joined")
