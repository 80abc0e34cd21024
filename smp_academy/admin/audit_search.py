"""The audit log as admins read it: filtered by who, what and when, sign-ins left out unless
asked for, and every object named ("Certificate SMP-7K3Q-…", not "Certificate 12")."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import url_for
from flask_wtf import FlaskForm
from sqlalchemy import Select, func, select
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from smp_academy.auth.models import User
from smp_academy.certificates.models import Certificate
from smp_academy.core.models import AuditEvent
from smp_academy.courses.models import Cohort
from smp_academy.extensions import db
from smp_academy.practice.models import Submission

#: left out of the default view: they happen many times a day and drown everything else
ROUTINE_ACTIONS = ("user.login",)
PER_PAGE = 50
DATE_MESSAGE = "Enter a date as YYYY-MM-DD."


class DayField(DateField):
    """A date typed as YYYY-MM-DD (what a date input sends), with a message that says so."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(DATE_MESSAGE) from None


class AuditFilterForm(FlaskForm):
    """The filter of the audit log page (a GET form: nothing to protect with a CSRF token)."""

    class Meta:
        csrf = False

    actor = StringField(
        "Who",
        validators=[Optional(), Length(max=120)],
        render_kw={"placeholder": "Name or e-mail"},
    )
    action = SelectField("Action", choices=[SelectChoice("", "Any action")], validate_choice=False)
    since = DayField("From", validators=[Optional()])
    until = DayField("To", validators=[Optional()])
    include_routine = BooleanField("Include sign-ins")

    def __init__(self, actions: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.action.choices = [
            SelectChoice("", "Any action"),
            *(SelectChoice(a, a) for a in actions),
        ]

    def validate_action(self, field: SelectField) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose an action from the list.")

    def validate_until(self, field: DateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end date is before the start date.")


@dataclass(frozen=True)
class AuditCriteria:
    actor: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None
    include_routine: bool = False

    @classmethod
    def from_form(cls, form: AuditFilterForm) -> AuditCriteria:
        return cls(
            actor=(form.actor.data or "").strip(),
            action=form.action.data or "",
            since=form.since.data,
            until=form.until.data,
            include_routine=bool(form.include_routine.data),
        )


def recorded_actions() -> list[str]:
    """Every action the log holds, for the filter's list."""
    actions = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return list(db.session.scalars(actions))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def events_query(criteria: AuditCriteria) -> Select:
    """Newest first, narrowed by the criteria; sign-ins only when asked for or chosen."""
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if criteria.action:
        stmt = stmt.where(AuditEvent.action == criteria.action)
    elif not criteria.include_routine:
        stmt = stmt.where(AuditEvent.action.not_in(ROUTINE_ACTIONS))
    if criteria.actor:
        pattern = f"%{criteria.actor.lower()}%"
        actors = select(User.id).where(
            func.lower(User.name).like(pattern) | func.lower(User.email).like(pattern)
        )
        stmt = stmt.where(AuditEvent.actor_id.in_(actors))
    if criteria.since:
        stmt = stmt.where(AuditEvent.at >= _start_of(criteria.since))
    if criteria.until:
        stmt = stmt.where(AuditEvent.at < _start_of(criteria.until + timedelta(days=1)))
    return stmt


def search_events(criteria: AuditCriteria, page: int):
    return db.paginate(events_query(criteria), page=page, per_page=PER_PAGE, error_out=False)


# --------------------------------------------------------------------------- naming objects


@dataclass(frozen=True)
class ObjectLabel:
    text: str
    url: str | None = None


@dataclass(frozen=True)
class _Namer:
    """How to name the objects of one type: load them by id, then label each."""

    model: Any
    label: Callable[[Any], ObjectLabel]


def _user(user: User) -> ObjectLabel:
    return ObjectLabel(user.name, url_for("admin.show_user", user_id=user.id))


def _certificate(cert: Certificate) -> ObjectLabel:
    return ObjectLabel(
        f"Certificate {cert.code} ({cert.holder_name})",
        url_for("certificates.manage_certificate", code=cert.code),
    )


def _cohort(cohort: Cohort) -> ObjectLabel:
    return ObjectLabel(f"Cohort {cohort.name}", url_for("admin.show_cohort", cohort_id=cohort.id))


def _submission(submission: Submission) -> ObjectLabel:
    return ObjectLabel(
        f"{submission.exercise.title} by {submission.trainee.name}",
        url_for("grading.show_submission", submission_id=submission.id),
    )


NAMERS = {
    "User": _Namer(User, _user),
    "Certificate": _Namer(Certificate, _certificate),
    "Cohort": _Namer(Cohort, _cohort),
    "Submission": _Namer(Submission, _submission),
}


def _fallback(object_type: str, object_id: str) -> ObjectLabel:
    """A readable name for a type without a namer: ("ClinicToken", "7") -> "Clinic token #7"."""
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in object_type).strip()
    return ObjectLabel(f"{words.capitalize()} #{object_id}")


def object_labels(events: Sequence[AuditEvent]) -> dict[tuple[str, str], ObjectLabel]:
    """A label for the object of every event: one query per object type on the page."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.object_type and event.object_id:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    labels = {
        (kind, object_id): _fallback(kind, object_id)
        for kind, ids in wanted.items()
        for object_id in ids
    }
    for kind, ids in wanted.items():
        namer = NAMERS.get(kind)
        numeric = [int(i) for i in ids if i.isdigit()]
        if namer is None or not numeric:
            continue
        rows: Iterable[Any] = db.session.scalars(
            select(namer.model).where(namer.model.id.in_(numeric))
        )
        for row in rows:
            labels[(kind, str(row.id))] = namer.label(row)
    return labels
