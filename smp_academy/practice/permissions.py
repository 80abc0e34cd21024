"""Who may submit practice work, and why not."""

from __future__ import annotations

from typing import Any

from smp_academy.core.roles import Role, has_role
from smp_academy.practice.models import Exercise, Submission, SubmissionState


def can_submit(user: Any, exercise: Exercise, versions: list[Submission]) -> bool:
    """A trainee may submit a first version, or a new one after "needs work"."""
    latest = versions[0] if versions else None
    return has_role(user, Role.TRAINEE) and (
        latest is None or latest.state == SubmissionState.NEEDS_WORK
    )


def submit_refusal(versions: list[Submission]) -> str:
    """Why a new submission is not possible now (when ``can_submit`` says no)."""
    latest = versions[0] if versions else None
    if latest is not None and latest.state == SubmissionState.PASSED:
        return "You have passed this exercise."
    if latest is not None:
        return (
            "Your last submission is waiting for an instructor; you can resubmit if it needs work."
        )
    return "Only trainees submit practice work."
