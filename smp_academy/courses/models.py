"""Courses, lessons and their figures (from content/), cohorts, enrolments and progress."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smp_academy.core.clock import now_utc
from smp_academy.core.types import UTCDateTime, state_type
from smp_academy.extensions import Model


class PrerequisitesMode(enum.StrEnum):
    """Whether a course's quiz and exercises wait for its prerequisites (content decides)."""

    ENFORCED = "enforced"
    ADVISORY = "advisory"


class Course(Model):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint(
            "prerequisites_mode IN ('enforced', 'advisory')", name="prerequisites_mode_known"
        ),
        CheckConstraint("available_after_days >= 0", name="release_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(20))
    estimated_hours: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    prerequisite_slugs: Mapped[list[str]] = mapped_column(JSON, default=list)
    prerequisites_mode: Mapped[PrerequisitesMode] = mapped_column(
        state_type(PrerequisitesMode, 10),
        default=PrerequisitesMode.ENFORCED,
        server_default=PrerequisitesMode.ENFORCED.value,
    )
    # Drip release: the course (its lessons, quiz and exercises) opens this many days after the
    # trainee's start (their cohort's start date, else their enrolment).
    available_after_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course", order_by="Lesson.position", lazy="raise"
    )


class Lesson(Model):
    """A lesson; its HTML is rendered once per content version, at sync."""

    __tablename__ = "lessons"
    __table_args__ = (
        UniqueConstraint("course_id", "slug"),
        CheckConstraint("available_after_days >= 0", name="release_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    reading_minutes: Mapped[int] = mapped_column(Integer)
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    body_html: Mapped[str] = mapped_column(Text)
    toc: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    search_text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    # Drip release: days after the trainee's start (see Course.available_after_days).
    available_after_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A lesson removed from content/ is retired, not deleted: progress rows refer to it.
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)

    course: Mapped[Course] = relationship(back_populates="lessons", lazy="raise")


class Figure(Model):
    """A course figure, kept in the database so every web process can serve it."""

    __tablename__ = "figures"
    __table_args__ = (UniqueConstraint("course_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CohortRole(enum.StrEnum):
    TRAINEE = "trainee"
    INSTRUCTOR = "instructor"


class Cohort(Model):
    """A group of trainees taught and graded by its instructors. An intake cohort takes the
    trainees who register on their own, so that their work reaches an instructor."""

    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint("turnaround_days BETWEEN 1 AND 60", name="turnaround_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    starts_on: Mapped[str | None] = mapped_column(String(10))
    is_intake: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The days within which the cohort's instructors aim to grade a submission (told to trainees).
    turnaround_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    members: Mapped[list[CohortMember]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", lazy="raise"
    )


class CohortMember(Model):
    __tablename__ = "cohort_members"
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),
        CheckConstraint("role IN ('trainee', 'instructor')", name="member_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[CohortRole] = mapped_column(state_type(CohortRole))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    cohort: Mapped[Cohort] = relationship(back_populates="members", lazy="raise")
    user = relationship("User", lazy="raise")


class Enrolment(Model):
    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class LessonProgress(Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
