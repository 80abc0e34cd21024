"""Tables of the core: the audit log, the e-mail outbox, notifications and the job outbox."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from smp_academy.core.clock import now_utc
from smp_academy.core.types import UTCDateTime, state_type
from smp_academy.extensions import Model, db


class AuditEvent(Model):
    """Who did what to which object, and when. Append-only."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(64))

    actor = db.relationship("User", lazy="joined")


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    LOGGED = "logged"  # no SMTP configured: written to the log
    FAILED = "failed"


class OutboxMessage(Model):
    """An e-mail: written in the transaction that caused it, delivered after commit."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    to_address: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[MailStatus] = mapped_column(state_type(MailStatus), default=MailStatus.QUEUED)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)


class Notification(Model):
    """An in-app message to one user (e.g. "your submission was graded")."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(String(300))
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JobState(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class Job(Model):
    """A background job, written in the transaction of the data it concerns (a transactional
    outbox): dispatched after that commit, dispatched again by maintenance while it stays
    pending, marked done in the job's own transaction."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index(
            "ix_jobs_pending",
            "not_before",
            postgresql_where=text("state = 'pending'"),
            sqlite_where=text("state = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    args: Mapped[list[Any]] = mapped_column(JSON, default=list)
    state: Mapped[JobState] = mapped_column(state_type(JobState), default=JobState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class IdempotentRequest(Model):
    """The answer to a non-idempotent request sent with an idempotency key, kept so that a
    retry (a lost response, a double click) gets the same answer instead of doing it twice."""

    __tablename__ = "idempotent_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    status: Mapped[int | None] = mapped_column()
    location: Mapped[str | None] = mapped_column(String(500))
    content_type: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
