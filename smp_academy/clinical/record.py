"""A trainee's practical record as dated facts, for the certificate requirements: nothing about
any client, only what counts and when.

- A case counts once it is closed and every one of its sessions has a current, satisfactory
  sign-off; it counts from its last session's date. A case whose client later withdrew consent
  still counts: the sign-offs stay as facts.
- A session counts at the level of supervision its supervisor confirmed.
- Healed reviews count per case (the first review of each case).
- Assessments count when their current version is passed; CPD entries with their hours.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from smp_academy.clinical.checklists import AssessmentKind, SupervisionLevel
from smp_academy.clinical.models import (
    Assessment,
    ClientCase,
    CpdEntry,
    HealedReview,
    SignOff,
    TreatmentSession,
)
from smp_academy.extensions import db

#: supervision steps down in this order
LEVEL_ORDER = tuple(SupervisionLevel)


@dataclass(frozen=True)
class PracticalRecord:
    cases: tuple[date, ...]  # completion dates of the cases that count
    sessions: tuple[tuple[date, str], ...]  # (date, confirmed level) of satisfactory sessions
    reviewed_cases: tuple[date, ...]  # per case, the date of its first healed review
    observed_procedures: tuple[date, ...]  # passed
    practical_exams: tuple[date, ...]  # passed
    cpd: tuple[tuple[date, float], ...]


def practical_record(user_id: int) -> PracticalRecord:
    """The trainee's facts in four queries."""
    cases, sessions = _cases_and_sessions(user_id)
    reviews = db.session.execute(
        select(func.min(HealedReview.reviewed_on))
        .join(ClientCase, ClientCase.id == HealedReview.case_id)
        .where(ClientCase.trainee_id == user_id)
        .group_by(HealedReview.case_id)
    ).scalars()
    passed: dict[str, list[date]] = defaultdict(list)
    for kind, held_on in db.session.execute(
        select(Assessment.kind, Assessment.held_on).where(
            Assessment.trainee_id == user_id,
            Assessment.superseded_by_id.is_(None),
            Assessment.is_passed,
        )
    ):
        passed[kind].append(held_on)
    cpd = [
        (day, hours)
        for day, hours in db.session.execute(
            select(CpdEntry.completed_on, CpdEntry.hours).where(CpdEntry.trainee_id == user_id)
        )
    ]
    return PracticalRecord(
        cases=tuple(sorted(cases)),
        sessions=tuple(sorted(sessions)),
        reviewed_cases=tuple(sorted(reviews)),
        observed_procedures=tuple(sorted(passed[AssessmentKind.OBSERVED_PROCEDURE.value])),
        practical_exams=tuple(sorted(passed[AssessmentKind.PRACTICAL_EXAM.value])),
        cpd=tuple(sorted(cpd)),
    )


def _cases_and_sessions(user_id: int) -> tuple[list[date], list[tuple[date, SupervisionLevel]]]:
    rows = db.session.execute(
        select(
            ClientCase.id,
            ClientCase.closed_on,
            TreatmentSession.performed_on,
            SignOff.level,
            SignOff.is_satisfactory,
        )
        .join(TreatmentSession, TreatmentSession.case_id == ClientCase.id)
        .outerjoin(
            SignOff,
            (SignOff.session_id == TreatmentSession.id) & SignOff.superseded_by_id.is_(None),
        )
        .where(ClientCase.trainee_id == user_id)
    )
    by_case: dict[int, list[bool]] = defaultdict(list)
    closed: dict[int, date | None] = {}
    sessions = []
    for case_id, closed_on, performed_on, level, satisfactory in rows:
        closed[case_id] = closed_on
        by_case[case_id].append(bool(satisfactory))
        if satisfactory:
            sessions.append((performed_on, level))
    cases = [day for c, signed in by_case.items() if (day := closed[c]) and all(signed)]
    return cases, sessions


def stepped_down_on(
    sessions: tuple[tuple[date, str], ...], minimums: dict[str, int]
) -> date | None:
    """When the session minimums were met, supervision stepping down: a session counts towards
    its level only once every closer level has reached its minimum (e.g. independent sessions
    only after six under direct supervision). None while any minimum is not met."""
    counts: dict[str, int] = dict.fromkeys(LEVEL_ORDER, 0)
    reached: dict[str, date] = {}
    for day, level in sessions:
        closer = LEVEL_ORDER[: LEVEL_ORDER.index(SupervisionLevel(level))]
        if all(lower in reached or not minimums.get(lower) for lower in closer):
            counts[level] += 1
            if counts[level] == minimums.get(level):
                reached[level] = day
    if any(minimums.get(level) and level not in reached for level in LEVEL_ORDER):
        return None
    return max(reached.values(), default=None)
