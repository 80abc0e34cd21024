"""Tell a user something: an in-app notification, and an e-mail through the outbox."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from smp_academy.core.clock import now_utc
from smp_academy.core.mail import queue_mail
from smp_academy.core.models import Notification
from smp_academy.extensions import db


def notify(
    user: Any,
    message: str,
    link: str | None = None,
    *,
    email_template: str | None = None,
    subject: str | None = None,
    **context: Any,
) -> Notification:
    """Record an in-app notification; with ``email_template`` also e-mail it (after commit)."""
    note = Notification(user_id=user.id, message=message[:300], link=link)
    db.session.add(note)
    if email_template:
        url = f"{current_app.config['BASE_URL']}{link or ''}"
        queue_mail(
            user.email,
            subject or message[:200],
            email_template,
            user=user,
            message=message,
            url=url,
            **context,
        )
    return note


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def recent(user_id: int, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc())
            .limit(limit)
        )
    )


def mark_all_read(user_id: int) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now_utc())
    )
