"""Who may submit practice work, and why not; who may withdraw it."""

from __future__ import annotations

from typing import Any

from smp_academy.core.roles import Role, has_role
from smp_academy.practice.models import Exercise, Submission, SubmissionState

#: the states after which the exercise takes a new version
REOPENING_STATES = (SubmissionState.NEEDS_WORK, SubmissionState.WITHDRAWN)


def can_submit(user: Any, exercise: Exercise, versions: list[Submission]) -> bool:
    """A trainee may submit a first version, or a new one after "needs work" or withdrawing."""
    latest = versions[0] if versions else None
    return has_role(user, Role.TRAINEE) and (latest is None or latest.state in REOPENING_STATES)


def submit_refusal(versions: list[Submission]) -> str:
    """Why a new submission is not possible now (when ``can_submit`` says no)."""
    latest = versions[0] if versions else None
    if latest is not None and latest.state == SubmissionState.PASSED:
        return "You have passed this exercise."
    if latest is not None and latest.state == SubmissionState.SUBMITTED:
        return (
            "Your last submission is waiting for an instructor; you can withdraw it to replace "
            "the photos until someone starts reviewing it."
        )
    if latest is not None and latest.state == SubmissionState.IN_REVIEW:
        return "An instructor is reviewing your last submission; you can resubmit if it needs work."
    return "Only trainees submit practice work."


def can_withdraw(user: Any, submission: Submission) -> bool:
    """Its trainee, while nobody has claimed it."""
    return (
        has_role(user, Role.TRAINEE)
        and submission.trainee_id == user.id
        and submission.state == SubmissionState.SUBMITTED
    )
