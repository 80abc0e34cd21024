"""Who may grade a submission: admins, and the instructors of one of the trainee's cohorts."""

from __future__ import annotations

from typing import Any

from smp_academy.core.roles import Role, has_role
from smp_academy.courses.permissions import instructs
from smp_academy.practice.models import Submission


def can_grade(user: Any, submission: Submission) -> bool:
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.INSTRUCTOR) and instructs(user.id, submission.trainee_id)
