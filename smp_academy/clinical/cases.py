"""Opening a case and what comes before the first session: consent, screening and the plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from smp_academy.auth.models import User
from smp_academy.clinical import media
from smp_academy.clinical.checklists import (
    FITZPATRICK_TYPES,
    HAIR_LOSS_PATTERNS,
    REQUIRED_SCOPES,
    SCREENING_QUESTIONS,
    TREATABLE,
    labels,
    screening_outcome,
)
from smp_academy.clinical.inputs import found, free_text, one_of, past_date
from smp_academy.clinical.models import ClientCase, Consent, Screening
from smp_academy.clinical.pseudonyms import clean_initials, initials_problem, new_case_code
from smp_academy.core import audit
from smp_academy.core.clock import now_utc, today_utc
from smp_academy.core.errors import Conflict, ValidationFailed
from smp_academy.core.events import requirement_met
from smp_academy.extensions import db

ADULT_AGE = 18
CONSENT_METHODS = {"on_screen", "scan"}


def get_case(case_id: int) -> ClientCase:
    return found(ClientCase, case_id, "case")


def cases_of(trainee: User) -> list[ClientCase]:
    return list(
        db.session.scalars(
            select(ClientCase)
            .where(ClientCase.trainee_id == trainee.id)
            .order_by(ClientCase.opened_at.desc())
        )
    )


def open_case(trainee: User, initials: str | None, birth_year: int | None) -> ClientCase:
    """A new case under a generated code; initials and year of birth are optional."""
    problem = initials_problem(initials)
    if problem:
        raise ValidationFailed(problem, field="initials")
    if birth_year is not None:
        _check_birth_year(birth_year)
    for _ in range(3):  # a code collision is astronomically rare; retry rather than fail
        try:
            with db.session.begin_nested():
                case = ClientCase(
                    code=new_case_code(),
                    trainee_id=trainee.id,
                    initials=clean_initials(initials),
                    birth_year=birth_year,
                )
                db.session.add(case)
            break
        except IntegrityError:
            continue
    else:
        raise Conflict("A case code could not be generated; try again.")
    audit.record(trainee, "clinical.case_opened", case, code=case.code)
    return case


def _check_birth_year(year: int) -> None:
    this_year = today_utc().year
    if not 1900 <= year <= this_year:
        raise ValidationFailed("Enter a year of birth such as 1985.", field="birth_year")
    if this_year - year < ADULT_AGE:
        raise ValidationFailed(
            "The client must be 18 or over: SMP is not offered to minors.", field="birth_year"
        )


def ensure_open(case: ClientCase) -> None:
    """Refuse changes to a closed case or one whose consent was withdrawn."""
    if case.consent_withdrawn_at is not None:
        raise Conflict("The client withdrew consent: this case takes no further entries.")
    if case.closed_on is not None:
        raise Conflict("This case is closed: the treatment was declared complete.")


@dataclass(frozen=True)
class ConsentInput:
    method: str
    scopes: list[str]
    signature: str | None
    signed_on: date | None
    scans: list[media.Upload]


def record_consent(trainee: User, case: ClientCase, given: ConsentInput) -> Consent:
    """The client's consent, on screen (initials as signature) or as a scan of the form."""
    ensure_open(case)
    if case.consent is not None:
        raise Conflict("Consent is recorded already for this case.")
    one_of(given.method, CONSENT_METHODS, "method", "way consent was given")
    missing = REQUIRED_SCOPES - set(given.scopes)
    if missing:
        raise ValidationFailed(
            "The client must agree to every item marked as required before treatment.",
            field="scopes",
        )
    signed_on = past_date(given.signed_on, "signed_on", "date of consent")
    signature = _signature(given)
    photos = media.cleaned(given.scans, "scan", 1 if given.method == "scan" else 0, 4)
    consent = Consent(
        case=case,
        method=given.method,
        scopes=sorted(set(given.scopes)),
        signature=signature,
        signed_on=signed_on,
        recorded_by_id=trainee.id,
    )
    db.session.add(consent)
    for item in media.store(photos):
        media.photo_row(item, case.id, "consent")
    db.session.flush()
    audit.record(trainee, "clinical.consent_recorded", case, method=given.method)
    return consent


def _signature(given: ConsentInput) -> str | None:
    if given.method == "scan":
        return None
    signature = clean_initials(given.signature)
    if signature is None or initials_problem(signature):
        raise ValidationFailed(
            "The client signs on screen with their initials (up to three letters).",
            field="signature",
        )
    return signature


def record_screening(
    trainee: User,
    case: ClientCase,
    answers: dict[str, bool],
    clearance_on_file: bool,
    screened_on: date | None,
) -> Screening:
    """A medical screening; its outcome says whether, and on what terms, to treat."""
    ensure_open(case)
    if case.consent is None:
        raise Conflict("Record the client's consent before the screening.")
    day = past_date(screened_on, "screened_on", "date of the screening", case.consent.signed_on)
    complete = {q.key: bool(answers.get(q.key)) for q in SCREENING_QUESTIONS}
    outcome = screening_outcome(complete, clearance_on_file)
    screening = Screening(
        case_id=case.id,
        answers=complete,
        clearance_on_file=clearance_on_file,
        outcome=outcome,
        screened_on=day,
    )
    db.session.add(screening)
    db.session.flush()
    audit.record(trainee, "clinical.screening_recorded", case, outcome=outcome.value)
    return screening


def latest_screening(case: ClientCase) -> Screening | None:
    return db.session.scalar(
        select(Screening)
        .where(Screening.case_id == case.id)
        .order_by(Screening.screened_on.desc(), Screening.id.desc())
        .limit(1)
    )


def record_plan(
    trainee: User,
    case: ClientCase,
    hair_loss: str | None,
    has_scars: bool,
    fitzpatrick: int | None,
    design: str | None,
) -> None:
    """The consultation's findings and the agreed design (may be revised until closing)."""
    ensure_open(case)
    one_of(hair_loss, labels(HAIR_LOSS_PATTERNS), "hair_loss", "hair-loss pattern")
    one_of(fitzpatrick, labels(FITZPATRICK_TYPES), "fitzpatrick", "Fitzpatrick skin type")
    text = free_text(design, "design")
    if not text:
        raise ValidationFailed(
            "Describe the agreed design: hairline, density and shade.", field="design"
        )
    case.hair_loss, case.has_scars, case.fitzpatrick, case.design = (
        hair_loss,
        has_scars,
        fitzpatrick,
        text,
    )
    case.planned_at = case.planned_at or now_utc()
    audit.record(trainee, "clinical.plan_recorded", case)


def missing_before_treatment(case: ClientCase) -> list[str]:
    """What the trainee must still do before a session may be logged (empty when ready)."""
    missing = []
    if case.consent is None:
        missing.append("Record the client's consent.")
    screening = latest_screening(case)
    if screening is None:
        missing.append("Screen the client for contraindications.")
    elif screening.outcome not in TREATABLE:
        missing.append("The latest screening does not allow treatment: screen again when it does.")
    if not case.design:
        missing.append("Record the consultation and the agreed design.")
    return missing


def close_case(trainee: User, case: ClientCase) -> None:
    """Declare the treatment complete: the last session's date starts the healed reviews."""
    ensure_open(case)
    if not case.sessions:
        raise Conflict("Log at least one session before closing the case.")
    case.closed_on = max(s.performed_on for s in case.sessions)
    audit.record(trainee, "clinical.case_closed", case, closed_on=str(case.closed_on))
    requirement_met.send(case, user_id=case.trainee_id)
