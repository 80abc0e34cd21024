"""The examiners' forms (observed hygiene procedure, practical exam: pass or fail per item) and
the trainee's CPD log with its evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from smp_academy.auth.models import User
from smp_academy.clinical import links, media
from smp_academy.clinical.checklists import ASSESSMENT_ITEMS, ASSESSMENT_TITLES, AssessmentKind
from smp_academy.clinical.inputs import found, free_text, past_date, short_text
from smp_academy.clinical.models import Assessment, CpdEntry
from smp_academy.core import audit
from smp_academy.core.errors import Conflict, NotFound, ValidationFailed
from smp_academy.core.events import requirement_met
from smp_academy.core.notify import notify
from smp_academy.core.roles import Role
from smp_academy.core.rows import lock
from smp_academy.extensions import db


@dataclass(frozen=True)
class AssessmentInput:
    held_on: date | None
    items: dict[str, bool]
    feedback: str


def get_assessment(assessment_id: int) -> Assessment:
    return found(Assessment, assessment_id, "assessment")


def assessments_of(trainee: User) -> list[Assessment]:
    """The trainee's current (not superseded) assessments, newest first."""
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.trainee_id == trainee.id, Assessment.superseded_by_id.is_(None))
            .order_by(Assessment.held_on.desc(), Assessment.id.desc())
        )
    )


def _values(kind: AssessmentKind, given: AssessmentInput) -> dict:
    items = {key: bool(given.items.get(key)) for key, _ in ASSESSMENT_ITEMS[kind]}
    feedback = free_text(given.feedback, "feedback")
    if not feedback:
        raise ValidationFailed("Give the trainee feedback on what you observed.", field="feedback")
    return {
        "held_on": past_date(given.held_on, "held_on", "date"),
        "items": items,
        "is_passed": all(items.values()),
        "feedback": feedback,
    }


def record_assessment(
    examiner: User, trainee: User, kind: AssessmentKind, given: AssessmentInput
) -> Assessment:
    """An examiner's form: passed when every station or step is passed."""
    if trainee.role != Role.TRAINEE:
        raise NotFound("No such trainee.")
    assessment = Assessment(
        trainee_id=trainee.id, kind=kind, examiner_id=examiner.id, **_values(kind, given)
    )
    db.session.add(assessment)
    db.session.flush()
    audit.record(
        examiner,
        "clinical.assessment_recorded",
        assessment,
        kind=kind.value,
        passed=assessment.is_passed,
    )
    _announce(assessment, trainee)
    return assessment


def correct_assessment(
    actor: User, old: Assessment, given: AssessmentInput, reason: str
) -> Assessment:
    """A new version superseding ``old``, which stays as it was."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Say why the signed form is corrected.", field="reason")
    lock(old)
    if old.superseded_by_id is not None:
        raise Conflict("A newer version of this form exists; correct that one.")
    new = Assessment(
        trainee_id=old.trainee_id,
        kind=old.kind,
        version=old.version + 1,
        correction_reason=reason[:2000],
        examiner_id=actor.id,
        **_values(old.kind, given),
    )
    db.session.add(new)
    db.session.flush()
    old.superseded_by_id = new.id
    audit.record(
        actor,
        "clinical.assessment_corrected",
        new,
        old=old.version,
        new=new.version,
        reason=new.correction_reason,
    )
    _announce(new, db.session.get_one(User, old.trainee_id))
    return new


def _announce(assessment: Assessment, trainee: User) -> None:
    verdict = "passed" if assessment.is_passed else "not passed yet"
    notify(
        trainee,
        f"{ASSESSMENT_TITLES[assessment.kind]}: {verdict}.",
        links.LOGBOOK,
    )
    requirement_met.send(assessment, user_id=trainee.id)


@dataclass(frozen=True)
class CpdInput:
    completed_on: date | None
    title: str
    provider: str
    hours: float | None
    evidence: list[media.Upload]


def cpd_entries_of(trainee: User) -> list[CpdEntry]:
    return list(
        db.session.scalars(
            select(CpdEntry)
            .where(CpdEntry.trainee_id == trainee.id)
            .order_by(CpdEntry.completed_on.desc())
        )
    )


def get_cpd_entry(entry_id: int) -> CpdEntry:
    return found(CpdEntry, entry_id, "CPD entry")


def log_cpd(trainee: User, given: CpdInput) -> CpdEntry:
    """Continuing education with a photo or scan of its certificate as evidence."""
    if given.hours is None or not 0.25 <= given.hours <= 100:
        raise ValidationFailed("Enter the hours (0.25 to 100).", field="hours")
    values = {
        "completed_on": past_date(given.completed_on, "completed_on", "date completed"),
        "title": short_text(given.title, "title", "activity", 200),
        "provider": short_text(given.provider, "provider", "provider", 120),
        "hours": round(given.hours, 2),
    }
    [item] = media.store(media.cleaned(given.evidence, "evidence", 1, 1))
    entry = CpdEntry(
        trainee_id=trainee.id,
        evidence_key=item.key,
        evidence_thumb_key=item.thumb_key,
        evidence_sha256=item.clean.sha256,
        **values,
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(trainee, "clinical.cpd_logged", entry, hours=entry.hours)
    requirement_met.send(entry, user_id=trainee.id)
    return entry
