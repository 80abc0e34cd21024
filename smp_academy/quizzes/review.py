"""Reviewing a submitted attempt: each question with the trainee's and the correct answer."""

from __future__ import annotations

from typing import Any

from smp_academy.quizzes.models import Attempt
from smp_academy.quizzes.question_types import get_question_type
from smp_academy.quizzes.services import saved_answers, slot_versions


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
        items.append(
            {
                "slot": slot,
                "view": qtype.public_view(version.spec, layout["layout"]),
                "your_answer": qtype.describe(version.spec, answer) or "(no answer)",
                "correct_answer": qtype.describe(version.spec, qtype.correct_answer(version.spec)),
                "score": row.score if row and row.score is not None else 0.0,
                "explanation": version.spec.get("explanation", ""),
            }
        )
    return items
