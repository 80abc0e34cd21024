"""The audit log, written by the services that change important state."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from smp_academy.core.models import AuditEvent
from smp_academy.extensions import db


def record(actor: Any, action: str, obj: Any = None, **details: Any) -> AuditEvent:
    """Add an audit event in the current transaction (the caller commits)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=str(obj.id) if obj is not None else None,
        details=details,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
