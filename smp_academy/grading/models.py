"""Grades (append-only: a regrade is a new row), pins on photos, reusable comments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smp_academy.core.clock import now_utc
from smp_academy.core.types import UTCDateTime
from smp_academy.extensions import Model


class Grade(Model):
    __tablename__ = "grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    grader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    levels: Mapped[dict[str, Any]] = mapped_column(JSON)  # criterion key -> points
    total: Mapped[int] = mapped_column(Integer)
    max_total: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    feedback: Mapped[str] = mapped_column(Text, default="")
    is_regrade: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    grader = relationship("User", lazy="joined")
    pins: Mapped[list[Pin]] = relationship(
        back_populates="grade", order_by="Pin.number", lazy="selectin"
    )


class Pin(Model):
    """A numbered note at a point of a photo, in relative coordinates (0–1)."""

    __tablename__ = "pins"
    __table_args__ = (
        CheckConstraint("x >= 0 AND x <= 1 AND y >= 0 AND y <= 1", name="inside_photo"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grade_id: Mapped[int] = mapped_column(ForeignKey("grades.id", ondelete="CASCADE"), index=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id"))
    number: Mapped[int] = mapped_column(Integer)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(500))

    grade: Mapped[Grade] = relationship(back_populates="pins", lazy="raise")


class ReusableComment(Model):
    __tablename__ = "reusable_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    instructor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
