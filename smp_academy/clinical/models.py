"""The case logbook, sign-off forms, healed reviews, examiners' assessments and the CPD log.

Nothing here names a client: a case has a code we generate, and at most initials and a year of
birth. Signed forms are never edited: a correction is a new version that supersedes the old one
(``superseded_by_id``, written once), and a partial unique index lets each session have only one
current sign-off, whatever two supervisors do at the same moment.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smp_academy.clinical.checklists import (
    AREAS,
    AssessmentKind,
    ScreeningOutcome,
    SupervisionLevel,
)
from smp_academy.core.clock import now_utc
from smp_academy.core.types import UTCDateTime, enum_values, state_type
from smp_academy.extensions import Model


def _one_of(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


LEVELS = enum_values(SupervisionLevel)
PHOTO_KINDS = ["before", "after", "healed", "consent"]
#: photos of the scalp, measured beside the scale sticker (a consent form is not)
SCALP_KINDS = ["before", "after", "healed"]


class MeasurementStatus(enum.StrEnum):
    """Where the measurement of a scalp photo stands."""

    PENDING = "pending"
    DONE = "done"
    NO_STICKER = "no_sticker"
    FAILED = "failed"


class ClientCase(Model):
    """One client treated by one trainee over several sessions."""

    __tablename__ = "client_cases"
    __table_args__ = (
        CheckConstraint("birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100", name="birth"),
        CheckConstraint("fitzpatrick IS NULL OR fitzpatrick BETWEEN 1 AND 6", name="fitzpatrick"),
        CheckConstraint("initials IS NULL OR length(initials) <= 3", name="initials_short"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    initials: Mapped[str | None] = mapped_column(String(3))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    # the consultation: hair-loss pattern, scars, skin type and the agreed design
    hair_loss: Mapped[str | None] = mapped_column(String(24))
    has_scars: Mapped[bool] = mapped_column(Boolean, default=False)
    fitzpatrick: Mapped[int | None] = mapped_column(Integer)
    design: Mapped[str] = mapped_column(Text, default="")  # free text: erased on withdrawal
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the trainee declares the treatment complete; the last session's date starts the reviews
    closed_on: Mapped[date | None] = mapped_column(Date)
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    media_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    trainee = relationship("User", lazy="joined")
    consent: Mapped[Consent | None] = relationship(back_populates="case", lazy="selectin")
    sessions: Mapped[list[TreatmentSession]] = relationship(
        back_populates="case", order_by="TreatmentSession.number", lazy="selectin"
    )


class Consent(Model):
    """The client's consent, given before the first session: on screen or as a scanned form."""

    __tablename__ = "client_consents"
    __table_args__ = (
        CheckConstraint(_one_of("method", ["on_screen", "scan"]), name="method_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_cases.id"), unique=True)
    method: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    signature: Mapped[str | None] = mapped_column(String(3))  # the client's initials on screen
    signed_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    case: Mapped[ClientCase] = relationship(back_populates="consent", lazy="raise")


class Screening(Model):
    """A medical screening; the newest one decides whether a session may take place."""

    __tablename__ = "client_screenings"
    __table_args__ = (
        CheckConstraint(_one_of("outcome", enum_values(ScreeningOutcome)), name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_cases.id"), index=True)
    answers: Mapped[dict[str, bool]] = mapped_column(JSON)
    clearance_on_file: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[ScreeningOutcome] = mapped_column(state_type(ScreeningOutcome))
    screened_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class TreatmentSession(Model):
    """One treatment session, logged by the trainee; its supervisor signs it off."""

    __tablename__ = "client_sessions"
    __table_args__ = (
        UniqueConstraint("case_id", "number"),
        CheckConstraint(_one_of("level", LEVELS), name="level_known"),
        CheckConstraint("duration_minutes BETWEEN 1 AND 720", name="duration"),
        CheckConstraint(
            "(supervisor_id IS NULL) <> (external_email IS NULL)", name="one_supervisor"
        ),
        Index("ix_client_sessions_lot", "lot_key", "brand_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_cases.id"))
    number: Mapped[int] = mapped_column(Integer)
    performed_on: Mapped[date] = mapped_column(Date)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    pigment_brand: Mapped[str] = mapped_column(String(80))
    pigment_shade: Mapped[str] = mapped_column(String(80))
    pigment_lot: Mapped[str] = mapped_column(String(40))
    # brand and lot folded for the recall look-up (trimmed, case and inner spaces ignored)
    brand_key: Mapped[str] = mapped_column(String(80))
    lot_key: Mapped[str] = mapped_column(String(40))
    dilution: Mapped[str] = mapped_column(String(60))
    needle: Mapped[str] = mapped_column(String(40))
    machine: Mapped[str] = mapped_column(String(80))
    machine_settings: Mapped[str] = mapped_column(String(120), default="")
    level: Mapped[SupervisionLevel] = mapped_column(state_type(SupervisionLevel))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    external_name: Mapped[str | None] = mapped_column(String(120))
    external_email: Mapped[str | None] = mapped_column(String(320))
    adverse_event: Mapped[str] = mapped_column(String(16), default="none")
    notes: Mapped[str] = mapped_column(Text, default="")  # free text: erased on withdrawal
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    case: Mapped[ClientCase] = relationship(back_populates="sessions")
    supervisor = relationship("User", lazy="joined")

    @property
    def is_external(self) -> bool:
        return self.supervisor_id is None


class SignOff(Model):
    """A supervisor's observed-procedure form for one session. Immutable once written."""

    __tablename__ = "session_sign_offs"
    __table_args__ = (
        UniqueConstraint("session_id", "version"),
        Index(
            "uq_session_sign_offs_current",
            "session_id",
            unique=True,
            sqlite_where=text("superseded_by_id IS NULL"),
            postgresql_where=text("superseded_by_id IS NULL"),
        ),
        CheckConstraint(_one_of("level", LEVELS), name="level_known"),
        CheckConstraint(_one_of("method", ["account", "email_link"]), name="method_known"),
        CheckConstraint("(version = 1) = (correction_reason IS NULL)", name="correction_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("client_sessions.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("session_sign_offs.id"))
    correction_reason: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(16))
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signer_name: Mapped[str] = mapped_column(String(120))
    signer_email: Mapped[str] = mapped_column(String(320))
    level: Mapped[SupervisionLevel] = mapped_column(state_type(SupervisionLevel))
    hygiene: Mapped[dict[str, bool]] = mapped_column(JSON)
    ratings: Mapped[dict[str, int]] = mapped_column(JSON)
    feedback: Mapped[str] = mapped_column(Text, default="")
    is_satisfactory: Mapped[bool] = mapped_column(Boolean)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class SignOffInvitation(Model):
    """A single-use, expiring link for an external supervisor to sign one session off; only
    the token's SHA-256 is stored."""

    __tablename__ = "sign_off_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("client_sessions.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    supervisor_name: Mapped[str] = mapped_column(String(120))
    supervisor_email: Mapped[str] = mapped_column(String(320))
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[TreatmentSession] = relationship(lazy="joined")


class HealedReview(Model):
    """A healed review in one of the windows after the last session."""

    __tablename__ = "healed_reviews"
    __table_args__ = (
        UniqueConstraint("case_id", "window"),
        CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_cases.id"), index=True)
    window: Mapped[str] = mapped_column(String(16))
    reviewed_on: Mapped[date] = mapped_column(Date)
    fading: Mapped[str] = mapped_column(String(16))
    spread: Mapped[str] = mapped_column(String(16))
    colour_shift: Mapped[str] = mapped_column(String(16))
    satisfaction: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")  # free text: erased on withdrawal
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class ReviewReminder(Model):
    """A reminder that a review window opened, sent once per case and window."""

    __tablename__ = "healed_review_reminders"
    __table_args__ = (UniqueConstraint("case_id", "window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_cases.id"))
    window: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class ClientPhoto(Model):
    """A photo of a client's scalp (or of the signed consent form): cleaned by the practice
    upload pipeline, private, erased with the case's media."""

    __tablename__ = "client_photos"
    __table_args__ = (
        CheckConstraint(_one_of("kind", PHOTO_KINDS), name="kind_known"),
        CheckConstraint(
            "(kind IN ('before', 'after')) = (session_id IS NOT NULL)", name="session_photo"
        ),
        CheckConstraint("(kind = 'healed') = (review_id IS NOT NULL)", name="review_photo"),
        CheckConstraint(
            f"area IS NULL OR ({_one_of('area', [key for key, _ in AREAS])} "
            "AND kind IN ('after', 'healed'))",
            name="area_known",
        ),
        CheckConstraint(
            f"(kind = 'consent') = (analysis_status IS NULL) AND (analysis_status IS NULL OR "
            f"{_one_of('analysis_status', enum_values(MeasurementStatus))})",
            name="measured_kind",
        ),
        CheckConstraint(
            "(analysis_status = 'done') = (overlay_key IS NOT NULL)", name="measured_overlay"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_cases.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("client_sessions.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("healed_reviews.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    thumb_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # the area shown, so that a healed photo is set against the fresh one of the same area
    area: Mapped[str | None] = mapped_column(String(16))
    # the measurement beside the scale sticker (CONTRACT.md section 7), by a job; erased
    # with the photo
    analysis_status: Mapped[MeasurementStatus | None] = mapped_column(state_type(MeasurementStatus))
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    analysis_error: Mapped[str | None] = mapped_column(Text)
    overlay_key: Mapped[str | None] = mapped_column(String(200), unique=True)

    @property
    def is_measured(self) -> bool:
        return self.analysis_status == MeasurementStatus.DONE


class Assessment(Model):
    """An examiner's observed hygiene procedure or practical exam (pass or fail per item).
    Immutable; a correction is a new version superseding the old one."""

    __tablename__ = "practical_assessments"
    __table_args__ = (
        CheckConstraint(_one_of("kind", enum_values(AssessmentKind)), name="kind_known"),
        CheckConstraint("(version = 1) = (correction_reason IS NULL)", name="correction_reason"),
        Index("ix_practical_assessments_trainee", "trainee_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[AssessmentKind] = mapped_column(state_type(AssessmentKind, length=24))
    version: Mapped[int] = mapped_column(Integer, default=1)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("practical_assessments.id"))
    correction_reason: Mapped[str | None] = mapped_column(Text)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    held_on: Mapped[date] = mapped_column(Date)
    items: Mapped[dict[str, bool]] = mapped_column(JSON)
    is_passed: Mapped[bool] = mapped_column(Boolean)
    feedback: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    examiner = relationship("User", foreign_keys=[examiner_id], lazy="joined")


class CpdEntry(Model):
    """Continuing education in the CPD log, with a photo or scan of its evidence."""

    __tablename__ = "cpd_entries"
    __table_args__ = (CheckConstraint("hours > 0 AND hours <= 100", name="hours"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    completed_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(120))
    hours: Mapped[float] = mapped_column(Float)
    evidence_key: Mapped[str] = mapped_column(String(200), unique=True)
    evidence_thumb_key: Mapped[str] = mapped_column(String(200), unique=True)
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
