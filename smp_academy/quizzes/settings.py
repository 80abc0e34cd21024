"""A quiz's settings: one frozen object, built once from content, with its defaults here only."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, fields
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


@dataclass(frozen=True)
class ReviewOptions:
    """What a trainee sees when reviewing a submitted attempt."""

    show_correct_answers: bool = True
    show_explanations: bool = True


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

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON for the database (``Quiz.settings``)."""
        data = asdict(self)
        data["grading_method"] = self.grading_method.value
        data["draw"] = [asdict(rule) for rule in self.draw]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> QuizSettings:
        """From stored JSON; missing keys take the defaults, unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in (data or {}).items() if k in known}
        if "draw" in values:
            values["draw"] = tuple(DrawRule(**rule) for rule in values["draw"] or ())
        if "review" in values:
            values["review"] = ReviewOptions(**(values["review"] or {}))
        if "grading_method" in values:
            values["grading_method"] = GradingMethod(values["grading_method"])
        return cls(**values)
