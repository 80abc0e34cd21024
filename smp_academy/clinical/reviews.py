"""Healed reviews in their windows after the last session, and reminders when a window opens.

The windows are ``checklists.REVIEW_WINDOWS`` unless the setting CLINICAL_REVIEW_WINDOWS
overrides their days, e.g. ``{"4-week": [28, 60]}`` (or the same as JSON in the environment).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from smp_academy.auth.models import User
from smp_academy.clinical import links, measurements, media
from smp_academy.clinical.checklists import (
    COLOUR_SHIFT,
    FADING,
    REVIEW_WINDOWS,
    SATISFACTION,
    SPREAD,
    ReviewWindow,
    labels,
)
from smp_academy.clinical.inputs import free_text, one_of, past_date
from smp_academy.clinical.models import ClientCase, HealedReview, ReviewReminder
from smp_academy.core import audit
from smp_academy.core.clock import today_utc
from smp_academy.core.errors import Conflict, ValidationFailed
from smp_academy.core.events import requirement_met
from smp_academy.core.notify import notify
from smp_academy.extensions import db

MAX_PHOTOS = 6
#: the dashboard mentions a review this many days before its window opens
SOON = timedelta(days=14)


def review_windows() -> tuple[ReviewWindow, ...]:
    """The windows, with the days the setting overrides."""
    configured = current_app.config.get("CLINICAL_REVIEW_WINDOWS") or {}
    if isinstance(configured, str):
        configured = json.loads(configured)
    return tuple(
        replace(window, opens=int(configured[window.key][0]), closes=int(configured[window.key][1]))
        if window.key in configured
        else window
        for window in REVIEW_WINDOWS
    )


def window_by_key(key: str) -> ReviewWindow:
    for window in review_windows():
        if window.key == key:
            return window
    raise ValidationFailed("Choose which healed review this is.", field="window")


@dataclass(frozen=True)
class DueReview:
    case: ClientCase
    window: ReviewWindow
    opens: date
    closes: date
    review: HealedReview | None

    @property
    def state(self) -> str:
        """done | open | upcoming | missed"""
        if self.review is not None:
            return "done"
        today = today_utc()
        if today < self.opens:
            return "upcoming"
        return "open" if today <= self.closes else "missed"


def reviews_by_case(case_ids: list[int]) -> dict[int, dict[str, HealedReview]]:
    """The reviews of these cases by window, in one query (none without cases)."""
    found: dict[int, dict[str, HealedReview]] = {case_id: {} for case_id in case_ids}
    if not case_ids:
        return found
    for row in db.session.scalars(select(HealedReview).where(HealedReview.case_id.in_(case_ids))):
        found[row.case_id][row.window] = row
    return found


def reviews_of(case: ClientCase) -> dict[str, HealedReview]:
    return reviews_by_case([case.id])[case.id]


def review_plan(case: ClientCase, done: dict[str, HealedReview] | None = None) -> list[DueReview]:
    """Each window of a closed case with its dates and its review, if done."""
    if case.closed_on is None:
        return []
    done = reviews_of(case) if done is None else done
    return [
        DueReview(case, window, *window.span(case.closed_on), done.get(window.key))
        for window in review_windows()
    ]


def due_soon(cases: list[ClientCase]) -> list[DueReview]:
    """Reviews open now or opening within two weeks, for the trainee's dashboard."""
    horizon = today_utc() + SOON
    current = [c for c in cases if c.consent_withdrawn_at is None and c.closed_on is not None]
    done = reviews_by_case([case.id for case in current])
    return [
        due
        for case in current
        for due in review_plan(case, done[case.id])
        if due.state == "open" or (due.state == "upcoming" and due.opens <= horizon)
    ]


@dataclass(frozen=True)
class ReviewInput:
    window: str
    reviewed_on: date | None
    fading: str | None
    spread: str | None
    colour_shift: str | None
    satisfaction: int | None
    notes: str = ""
    photos: list[media.Upload] = field(default_factory=list)
    area: str = ""  # the area the photos show, set against its fresh photo
    keep_unmeasured: bool = False  # keep photos the sticker analysis cannot measure


def record_review(trainee: User, case: ClientCase, given: ReviewInput) -> HealedReview:
    """A healed review with photos, inside its window; one per case and window."""
    if case.consent_withdrawn_at is not None:
        raise Conflict("The client withdrew consent: this case takes no further entries.")
    if case.closed_on is None:
        raise Conflict("Close the case (treatment complete) before its healed reviews.")
    window = window_by_key(given.window)
    if window.key in reviews_of(case):
        raise Conflict(f"The {window.title} of this case is recorded already.")
    values = _review_values(case, window, given)
    worked = {area for session in case.sessions for area in session.areas}
    area = measurements.photo_area(given.area, worked, "area", "healed")
    photos = media.cleaned(given.photos, "photos", 1, MAX_PHOTOS)
    if not given.keep_unmeasured:
        measurements.ensure_measurable(photos, "photos")
    review = HealedReview(case_id=case.id, window=window.key, **values)
    db.session.add(review)
    db.session.flush()
    measurements.measure_later(
        [
            media.photo_row(item, case.id, "healed", area, review_id=review.id)
            for item in media.store(photos)
        ]
    )
    audit.record(trainee, "clinical.review_recorded", case, window=window.key)
    requirement_met.send(review, user_id=case.trainee_id)
    return review


def _review_values(case: ClientCase, window: ReviewWindow, given: ReviewInput) -> dict:
    assert case.closed_on is not None  # a healed review follows the last session
    opens, closes = window.span(case.closed_on)
    day = past_date(given.reviewed_on, "reviewed_on", "review date")
    if not opens <= day <= closes:
        raise ValidationFailed(
            f"The {window.title} is done between {opens:%d %B %Y} and {closes:%d %B %Y}.",
            field="reviewed_on",
        )
    return {
        "reviewed_on": day,
        "fading": one_of(given.fading, labels(FADING), "fading", "fading"),
        "spread": one_of(given.spread, labels(SPREAD), "spread", "spread of the dots"),
        "colour_shift": one_of(
            given.colour_shift, labels(COLOUR_SHIFT), "colour_shift", "colour shift"
        ),
        "satisfaction": one_of(
            given.satisfaction, labels(SATISFACTION), "satisfaction", "client's satisfaction"
        ),
        "notes": free_text(given.notes, "notes"),
    }


def send_review_reminders() -> int:
    """Tell trainees once when a review window of one of their cases opens (maintenance)."""
    today = today_utc()
    longest = max(window.closes for window in review_windows())
    cases = db.session.scalars(
        select(ClientCase).where(
            ClientCase.closed_on >= today - timedelta(days=longest),
            ClientCase.consent_withdrawn_at.is_(None),
        )
    ).all()
    rows = db.session.execute(
        select(ReviewReminder.case_id, ReviewReminder.window).where(
            ReviewReminder.case_id.in_([case.id for case in cases])
        )
    )
    reminded = {(case_id, window) for case_id, window in rows}
    done = reviews_by_case([case.id for case in cases])
    sent = 0
    for case in cases:
        for due in review_plan(case, done[case.id]):
            if due.state == "open" and (case.id, due.window.key) not in reminded:
                _remind(due)
                sent += 1
    return sent


def _remind(due: DueReview) -> None:
    db.session.add(ReviewReminder(case_id=due.case.id, window=due.window.key))
    notify(
        due.case.trainee,
        f"The {due.window.title} of case {due.case.code} is due by {due.closes:%d %B %Y}.",
        links.CASE.format(due.case.id),
        email_template="notification",
    )
