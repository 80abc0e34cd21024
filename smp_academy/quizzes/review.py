"""Reviewing a submitted attempt: each question with the trainee's and the correct answer,
and what the quiz's review options let the trainee see now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from smp_academy.quizzes.models import Attempt
from smp_academy.quizzes.question_types import get_question_type
from smp_academy.quizzes.services import saved_answers, slot_versions
from smp_academy.quizzes.settings import REVIEW_ITEMS, QuizSettings, ReviewPhase


@dataclass(frozen=True)
class ReviewShown:
    """What the review page shows, now: each review item on or off."""

    phase: ReviewPhase
    whether_correct: bool
    correct_answers: bool
    explanations: bool


def shown_now(
    settings: QuizSettings, attempt: Attempt, at: datetime, *, staff: bool
) -> ReviewShown:
    """The review options applied to this attempt at ``at`` (staff see everything)."""
    phase = settings.review_phase(attempt.submitted_at, at)
    return ReviewShown(
        phase, **{item: staff or settings.review.shows(item, phase) for item in REVIEW_ITEMS}
    )


ITEM_NAMES = {
    "whether_correct": "The marks of each question",
    "correct_answers": "The correct answers",
    "explanations": "The explanations",
}


def when_hidden_items_show(settings: QuizSettings, shown: ReviewShown) -> list[str]:
    """For each item hidden now, a sentence saying when the trainee sees it."""
    return [
        f"{ITEM_NAMES[item]} {_when(getattr(settings.review, item), settings, shown.phase)}."
        for item in REVIEW_ITEMS
        if not getattr(shown, item)
    ]


def _when(phases: tuple[ReviewPhase, ...], settings: QuizSettings, now: ReviewPhase) -> str:
    if ReviewPhase.LATER in phases and now == ReviewPhase.IMMEDIATELY:
        return "will be shown from two minutes after you submitted"
    if ReviewPhase.AFTER_CLOSE in phases and settings.closes_at is not None:
        return f"will be shown after the quiz closes, on {settings.closes_at:%Y-%m-%d at %H:%M} UTC"
    if ReviewPhase.IMMEDIATELY in phases:
        return "were shown only in the two minutes after you submitted"
    return "are not shown for this quiz"


def _ids(answer: Any) -> set[int]:
    """The option ids an answer of a choice question names (none for other types)."""
    if not isinstance(answer, dict):
        return set()
    if "choice" in answer:
        return {answer["choice"]}
    return set(answer.get("choices") or [])


def review_items(attempt: Attempt) -> list[dict[str, Any]]:
    """Per question: what was asked, the trainee's and the correct answer, the explanation."""
    answers = saved_answers(attempt)
    items = []
    for slot, (version, layout) in enumerate(
        zip(slot_versions(attempt), attempt.slots, strict=True)
    ):
        qtype = get_question_type(version.spec)
        row = answers.get(slot)
        answer = row.answer if row else None
        correct = qtype.correct_answer(version.spec)
        items.append(
            {
                "slot": slot,
                "view": qtype.public_view(version.spec, layout["layout"]),
                "your_answer": qtype.describe(version.spec, answer) or "(no answer)",
                "correct_answer": qtype.describe(version.spec, correct),
                "chosen_ids": _ids(qtype.coerce_answer(version.spec, answer)),
                "correct_ids": _ids(correct),
                "score": row.score if row and row.score is not None else 0.0,
                "explanation": version.spec.get("explanation", ""),
            }
        )
    return items
