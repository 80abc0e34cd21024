"""Practice exercises (from content/), trainees' submissions and their photos."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smp_academy.core.clock import now_utc
from smp_academy.core.types import UTCDateTime, state_type
from smp_academy.extensions import Model


class Exercise(Model):
    __tablename__ = "exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    instructions_html: Mapped[str] = mapped_column(Text)
    # photos {min, max}, target {...}, rubric [...], pass_rule {...}
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)

    course = relationship("Course", lazy="raise")

    @property
    def rubric(self) -> list[dict[str, Any]]:
        return self.spec.get("rubric", [])

    @property
    def max_points(self) -> int:
        return sum(max(level["points"] for level in c["levels"]) for c in self.rubric)


class SubmissionState(enum.StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    PASSED = "passed"
    NEEDS_WORK = "needs_work"
    WITHDRAWN = "withdrawn"  # by the trainee, before anyone claimed it


class AnalysisStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    NO_MARKERS = "no_markers"
    FAILED = "failed"


STATE_LABELS = {
    SubmissionState.SUBMITTED: "Waiting for review",
    SubmissionState.IN_REVIEW: "In review",
    SubmissionState.PASSED: "Passed",
    SubmissionState.NEEDS_WORK: "Needs work",
    SubmissionState.WITHDRAWN: "Withdrawn",
}
STATE_VALUES = ", ".join(f"'{state.value}'" for state in SubmissionState)


class Submission(Model):
    """One version of a trainee's work on an exercise; a resubmission is a new version linked
    to the previous one. Never edited by the trainee once submitted; withdrawn (by the trainee)
    only while it waits unclaimed."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("exercise_id", "trainee_id", "version"),
        CheckConstraint(f"state IN ({STATE_VALUES})", name="state_known"),
        CheckConstraint(
            "(state = 'in_review') = (claimed_by_id IS NOT NULL)", name="review_has_claimant"
        ),
        Index("ix_submissions_queue", "state", "submitted_at"),
        # The grading queue reads open submissions oldest first and stops at its page size.
        Index(
            "ix_submissions_open_oldest",
            "submitted_at",
            "id",
            postgresql_where=text("state IN ('submitted', 'in_review')"),
            sqlite_where=text("state IN ('submitted', 'in_review')"),
        ),
        Index("ix_submissions_trainee", "trainee_id", "exercise_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id"))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    state: Mapped[SubmissionState] = mapped_column(
        state_type(SubmissionState), default=SubmissionState.SUBMITTED
    )
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    exercise: Mapped[Exercise] = relationship(lazy="joined")
    trainee = relationship("User", foreign_keys=[trainee_id], lazy="joined")
    claimed_by = relationship("User", foreign_keys=[claimed_by_id], lazy="joined")
    photos: Mapped[list[Photo]] = relationship(
        back_populates="submission", order_by="Photo.position", lazy="selectin"
    )

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


class Photo(Model):
    """A validated, re-encoded photo (metadata stripped) and its automatic analysis."""

    __tablename__ = "photos"
    __table_args__ = (UniqueConstraint("submission_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    thumb_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(120), default="")
    analysis_status: Mapped[AnalysisStatus] = mapped_column(
        state_type(AnalysisStatus), default=AnalysisStatus.PENDING
    )
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # numbers the analysis measures beyond the report (e.g. the density CV over 1 cm² cells)
    analysis_extras: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    analysis_error: Mapped[str | None] = mapped_column(Text)
    overlay_key: Mapped[str | None] = mapped_column(String(200))

    submission: Mapped[Submission] = relationship(back_populates="photos", lazy="raise")
