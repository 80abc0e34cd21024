"""What the clinical pages show, gathered in a few queries each; and the audit of every view of
a case or its photos (client data is read only with a trace)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from smp_academy.auth.models import User
from smp_academy.clinical import cases as case_services
from smp_academy.clinical.measurements import Comparison, compare_review, fresh_photos
from smp_academy.clinical.models import (
    ClientCase,
    ClientPhoto,
    Screening,
    SignOff,
    SignOffInvitation,
    TreatmentSession,
)
from smp_academy.clinical.reviews import DueReview, due_soon, review_plan
from smp_academy.clinical.signoffs import current_sign_offs, pending_invitation
from smp_academy.core import audit
from smp_academy.core.roles import Role
from smp_academy.courses.permissions import trainee_scope
from smp_academy.extensions import db

VIEW_ACTIONS = {
    ClientCase: "clinical.case_viewed",
    TreatmentSession: "clinical.session_viewed",
    ClientPhoto: "clinical.photo_viewed",
}


def viewed(user: Any, obj: ClientCase | TreatmentSession | ClientPhoto, **details: Any) -> None:
    """Every view of client data leaves an audit event (an external supervisor's has no user)."""
    audit.record(user, VIEW_ACTIONS[type(obj)], obj, **details)


@dataclass(frozen=True)
class SessionRow:
    session: TreatmentSession
    sign_off: SignOff | None
    invitation: SignOffInvitation | None


@dataclass(frozen=True)
class CasePage:
    case: ClientCase
    screening: Screening | None
    sessions: list[SessionRow]
    reviews: list[DueReview]
    photos: dict[tuple[str, int | None], list[ClientPhoto]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    comparisons: dict[int, list[Comparison]] = field(default_factory=dict)  # by review id

    def photos_of(self, kind: str, owner_id: int | None = None) -> list[ClientPhoto]:
        return self.photos.get((kind, owner_id), [])


def photos_by_owner(case: ClientCase) -> dict[tuple[str, int | None], list[ClientPhoto]]:
    """The case's photos by kind and by the session or review they belong to."""
    grouped: dict[tuple[str, int | None], list[ClientPhoto]] = defaultdict(list)
    for photo in db.session.scalars(
        select(ClientPhoto).where(ClientPhoto.case_id == case.id).order_by(ClientPhoto.id)
    ):
        grouped[(photo.kind, photo.session_id or photo.review_id)].append(photo)
    return dict(grouped)


def case_page(case: ClientCase) -> CasePage:
    signed = current_sign_offs([s.id for s in case.sessions])
    rows = [
        SessionRow(
            s,
            signed.get(s.id),
            pending_invitation(s) if s.is_external and s.id not in signed else None,
        )
        for s in case.sessions
    ]
    photos, plan = photos_by_owner(case), review_plan(case)
    return CasePage(
        case=case,
        screening=case_services.latest_screening(case),
        sessions=rows,
        reviews=plan,
        photos=photos,
        missing=case_services.missing_before_treatment(case) if case.closed_on is None else [],
        comparisons=healed_comparisons(case, photos, plan),
    )


def healed_comparisons(
    case: ClientCase,
    photos: dict[tuple[str, int | None], list[ClientPhoto]],
    plan: list[DueReview],
) -> dict[int, list[Comparison]]:
    """Each healed review's photos against the latest fresh photo of the same area."""
    after = {s.id: photos.get(("after", s.id), []) for s in case.sessions}
    fresh = fresh_photos(case.sessions, after)
    return {
        due.review.id: compare_review(photos.get(("healed", due.review.id), []), fresh)
        for due in plan
        if due.review is not None
    }


@dataclass(frozen=True)
class LogbookSummary:
    """The trainee's dashboard line: open cases, sessions waiting, reviews due."""

    open_cases: int
    waiting: int
    reviews: list[DueReview]


def logbook_summary(trainee: User) -> LogbookSummary:
    cases = case_services.cases_of(trainee)
    sessions = [s for case in cases for s in case.sessions]
    signed = current_sign_offs([s.id for s in sessions])
    return LogbookSummary(
        open_cases=sum(
            1 for case in cases if case.closed_on is None and case.consent_withdrawn_at is None
        ),
        waiting=sum(1 for s in sessions if s.id not in signed),
        reviews=due_soon(cases),
    )


def supervised_trainees(user: User) -> list[User]:
    """The trainees whose logbooks ``user`` may open: their cohorts' (all, for admins)."""
    stmt = select(User).where(User.role == Role.TRAINEE).order_by(User.name)
    scope = trainee_scope(user)
    if scope is not None:
        stmt = stmt.where(User.id.in_(scope))
    return list(db.session.scalars(stmt))
