"""Quizzes, versioned question banks, attempts, answers and accommodations."""

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
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smp_academy.core.clock import now_utc
from smp_academy.core.types import UTCDateTime, state_type
from smp_academy.extensions import Model
from smp_academy.quizzes.settings import QuizSettings


class AttemptStatus(enum.StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"


class Quiz(Model):
    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)

    course = relationship("Course", lazy="raise")
    questions: Mapped[list[Question]] = relationship(back_populates="quiz", lazy="raise")

    @property
    def config(self) -> QuizSettings:
        """The settings as one typed object (stored as JSON in ``settings``)."""
        return QuizSettings.from_dict(self.settings)


class Question(Model):
    """A question's identity in a bank; its text lives in immutable versions."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("quiz_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)

    quiz: Mapped[Quiz] = relationship(back_populates="questions", lazy="raise")
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.version", lazy="raise"
    )


class QuestionVersion(Model):
    """What a trainee saw: never edited, so old attempts keep their exact questions."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    question: Mapped[Question] = relationship(back_populates="versions", lazy="raise")

    @property
    def tags(self) -> list[str]:
        return list(self.spec.get("tags") or [])


class Attempt(Model):
    """One sitting of a quiz. The draw and the order are stored, so it can be resumed and
    reviewed exactly; ``status`` moves open → submitted once (a conditional UPDATE)."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        CheckConstraint("status IN ('open', 'submitted')", name="status_known"),
        CheckConstraint("(status = 'open') = (submitted_at IS NULL)", name="submitted_has_time"),
        Index("ix_quiz_attempts_user_quiz", "user_id", "quiz_id"),
        Index("ix_quiz_attempts_open_deadline", "status", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[AttemptStatus] = mapped_column(
        state_type(AttemptStatus), default=AttemptStatus.OPEN
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submit_reason: Mapped[str | None] = mapped_column(String(16))  # trainee | deadline
    # [{"version_id": int, "layout": {...}}, ...] in the order shown
    slots: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)  # 0..1
    passed: Mapped[bool | None] = mapped_column(Boolean)

    quiz: Mapped[Quiz] = relationship(lazy="joined")
    user = relationship("User", lazy="raise")
    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", order_by="AttemptAnswer.slot", lazy="raise"
    )

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN


class AttemptAnswer(Model):
    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    slot: Mapped[int] = mapped_column(Integer)
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    score: Mapped[float | None] = mapped_column(Float)

    attempt: Mapped[Attempt] = relationship(back_populates="answers", lazy="raise")


class Accommodation(Model):
    """Extra attempts or extra time granted to one trainee for one quiz."""

    __tablename__ = "quiz_accommodations"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    extra_attempts: Mapped[int] = mapped_column(Integer, default=0)
    extra_minutes: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
