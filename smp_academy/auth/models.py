"""Accounts and their server-side sessions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smp_academy.core.clock import now_utc
from smp_academy.core.roles import Role
from smp_academy.core.types import UTCDateTime, state_type
from smp_academy.extensions import Model

ROLE_VALUES = ", ".join(f"'{role.value}'" for role in Role)


class User(Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({ROLE_VALUES})", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(state_type(Role), default=Role.TRAINEE, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Changes at every sign-in, password change and link sent: links carry the stamp they were
    # made with, so a newer link, a sign-in or a password change retires older links.
    security_stamp: Mapped[int] = mapped_column(default=0, server_default="0")

    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # Flask-Login's interface; ``session_token`` is set by the loader for the current request.
    # Not a column: the ORM must leave this plain annotation alone.
    __allow_unmapped__ = True
    session_token: str | None = None

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class UserSession(Model):
    """One signed-in browser. The cookie holds only a random token whose hash is stored here,
    so logging out, deactivation or a password change ends a session for real."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_agent: Mapped[str | None] = mapped_column(String(255))

    user: Mapped[User] = relationship(back_populates="sessions")


class Throttle(Model):
    """Failed attempts under one key (an account, an address) in the current window, and the
    lock they earned. In the database, so every worker sees the same count."""

    __tablename__ = "throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DeletionState(enum.StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"  # confirmed by an admin: the account is pseudonymised
    CANCELLED = "cancelled"  # withdrawn by the trainee


class DeletionRequest(Model):
    """A trainee's request to delete their account, confirmed by an admin. Kept after the
    deletion as the record that it happened (and of what was kept, in ``outcome``)."""

    __tablename__ = "account_deletion_requests"
    __table_args__ = (
        # One open request per account, settled by the database (a double click, two tabs).
        Index(
            "uq_account_deletion_requests_pending",
            "user_id",
            unique=True,
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
        CheckConstraint(
            "(state = 'pending') = (decided_at IS NULL)", name="decided_unless_pending"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[DeletionState] = mapped_column(
        state_type(DeletionState), default=DeletionState.PENDING
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What was removed and what was kept, counted by kind (shown to the admin afterwards).
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
