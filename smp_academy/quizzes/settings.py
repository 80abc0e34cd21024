"""A quiz's settings: one frozen object, built once from content, with its defaults here only."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any


class GradingMethod(enum.StrEnum):
    """Which attempt's score is the quiz grade."""

    HIGHEST = "highest"
    LATEST = "latest"
    AVERAGE = "average"
    FIRST = "first"


@dataclass(frozen=True)
class DrawRule:
    """Draw ``count`` questions tagged ``tag`` before the rest come from the whole bank."""

    tag: str
    count: int


class ReviewPhase(enum.StrEnum):
    """When a trainee reviews a submitted attempt, as Moodle divides it (there is no "during
    the attempt": answers are checked only when the attempt is submitted)."""

    IMMEDIATELY = "immediately"  # within IMMEDIATE_REVIEW of submitting
    LATER = "later"  # after that, while the quiz is still open
    AFTER_CLOSE = "after_close"  # once the quiz has closed (``closes_at``)


#: how long "immediately after the attempt" lasts (Moodle: two minutes)
IMMEDIATE_REVIEW = timedelta(minutes=2)
ALL_PHASES = tuple(ReviewPhase)
REVIEW_ITEMS = ("whether_correct", "correct_answers", "explanations")


@dataclass(frozen=True)
class ReviewOptions:
    """What a trainee sees when reviewing a submitted attempt, and in which phases: whether
    each answer was right (the per-question marks), the correct answers, the explanations.
    Their own answers and the attempt's score are always shown; staff always see everything."""

    whether_correct: tuple[ReviewPhase, ...] = ALL_PHASES
    correct_answers: tuple[ReviewPhase, ...] = ALL_PHASES
    explanations: tuple[ReviewPhase, ...] = ALL_PHASES

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReviewOptions:
        """From stored JSON; also the older ``show_correct_answers``/``show_explanations``."""
        legacy = {
            "correct_answers": data.get("show_correct_answers"),
            "explanations": data.get("show_explanations"),
        }
        values = {}
        for item in REVIEW_ITEMS:
            if item in data:
                values[item] = tuple(ReviewPhase(phase) for phase in data[item])
            elif legacy.get(item) is not None:
                values[item] = ALL_PHASES if legacy[item] else ()
        return cls(**values)

    def shows(self, item: str, phase: ReviewPhase) -> bool:
        return phase in getattr(self, item)


@dataclass(frozen=True)
class QuizSettings:
    questions_per_attempt: int = 1
    draw: tuple[DrawRule, ...] = ()
    pass_mark: float = 80
    max_attempts: int | None = None  # None: unlimited
    cooldown_minutes: int = 0
    time_limit_minutes: int | None = None  # None: untimed
    grading_method: GradingMethod = GradingMethod.HIGHEST
    review: ReviewOptions = field(default_factory=ReviewOptions)
    closes_at: datetime | None = None  # aware UTC; no new attempts after it

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON for the database (``Quiz.settings``)."""
        data = asdict(self)
        data["grading_method"] = self.grading_method.value
        data["draw"] = [asdict(rule) for rule in self.draw]
        data["review"] = {
            item: [p.value for p in getattr(self.review, item)] for item in REVIEW_ITEMS
        }
        data["closes_at"] = self.closes_at.isoformat() if self.closes_at else None
        return data

    def is_closed(self, at: datetime) -> bool:
        return self.closes_at is not None and at >= self.closes_at

    def review_phase(self, submitted_at: datetime, at: datetime) -> ReviewPhase:
        """The review phase of an attempt submitted at ``submitted_at``, seen at ``at``."""
        if self.is_closed(at):
            return ReviewPhase.AFTER_CLOSE
        if at - submitted_at < IMMEDIATE_REVIEW:
            return ReviewPhase.IMMEDIATELY
        return ReviewPhase.LATER

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> QuizSettings:
        """From stored JSON; missing keys take the defaults, unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in (data or {}).items() if k in known}
        if "draw" in values:
            values["draw"] = tuple(DrawRule(**rule) for rule in values["draw"] or ())
        if "review" in values:
            values["review"] = ReviewOptions.from_dict(values["review"] or {})
        if values.get("closes_at"):
            values["closes_at"] = datetime.fromisoformat(values["closes_at"])
        if "grading_method" in values:
            values["grading_method"] = GradingMethod(values["grading_method"])
        return cls(**values)
