"""Who may see a case and who may sign, examine or look lots up.

A case is seen by its trainee, the supervisors named on or signing its sessions, the
instructors of the trainee's cohorts (its examiners) and admins; to everyone else it does not
exist (404). External supervisors have no account: their link opens one session's form only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select

from smp_academy.clinical.models import ClientCase, SignOff, TreatmentSession
from smp_academy.core.roles import Role, has_role
from smp_academy.courses.permissions import instructs
from smp_academy.extensions import db


def supervises_case(user_id: int, case_id: int) -> bool:
    """Named as the supervisor of one of the case's sessions, or signed one of them off."""
    signed = select(SignOff.id).where(
        SignOff.session_id == TreatmentSession.id, SignOff.signer_id == user_id
    )
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    TreatmentSession.case_id == case_id,
                    or_(TreatmentSession.supervisor_id == user_id, signed.exists()),
                )
            )
        )
    )


def can_examine(user: Any, trainee_id: int) -> bool:
    """Admins, and the instructors of one of the trainee's cohorts."""
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.INSTRUCTOR) and instructs(user.id, trainee_id)


def can_view_case(user: Any, case: ClientCase) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.id == case.trainee_id and has_role(user, Role.TRAINEE):
        return True
    if can_examine(user, case.trainee_id):
        return True
    return has_role(user, Role.INSTRUCTOR) and supervises_case(user.id, case.id)


def can_log(user: Any, case: ClientCase) -> bool:
    """Only the case's trainee writes its logbook entries."""
    return has_role(user, Role.TRAINEE) and user.id == case.trainee_id


def can_withdraw(user: Any, case: ClientCase) -> bool:
    """The trainee records the client's withdrawal; an admin may, when the client asks us."""
    return can_log(user, case) or has_role(user, Role.ADMIN)


def can_sign_off(user: Any, session: TreatmentSession) -> bool:
    """The instructor named as the session's supervisor."""
    return has_role(user, Role.INSTRUCTOR) and session.supervisor_id == user.id


def can_correct(user: Any, signer_id: int | None) -> bool:
    """A signed form is corrected by the instructor who signed it, or by an admin."""
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.INSTRUCTOR) and signer_id == user.id
