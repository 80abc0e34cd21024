"""Question types: one registry that validates, lays out, shows, reads and scores questions.

Shaped like CTFd's challenge-type registry: every type is a small class with the same methods
(``base.QuestionType``) and ``QUESTION_TYPES`` maps the ``type`` written in quiz.yaml to an
instance. All of it is pure (no Flask, no database), so each rule is unit-tested directly; the
vocabulary (spec, layout, id, answer) is explained in ``base``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smp_academy.quizzes.answers import InvalidAnswer
from smp_academy.quizzes.question_types.arrangement import Matching, Ordering
from smp_academy.quizzes.question_types.base import QuestionType, Spec, common_errors
from smp_academy.quizzes.question_types.choice import ImageChoice, MultipleResponse, SingleChoice
from smp_academy.quizzes.question_types.scalar import Numeric, TrueFalse

__all__ = [
    "QUESTION_TYPES",
    "InvalidAnswer",
    "QuestionType",
    "get_question_type",
    "validate_question",
]


QUESTION_TYPES: dict[str, QuestionType] = {
    question_type.name: question_type
    for question_type in (
        SingleChoice(),
        MultipleResponse(),
        TrueFalse(),
        Numeric(),
        Ordering(),
        Matching(),
        ImageChoice(),
    )
}


def get_question_type(spec: Spec) -> QuestionType:
    """The registered type of a validated question; KeyError for an unknown ``type``."""
    return QUESTION_TYPES[spec["type"]]


def validate_question(spec: Any) -> list[str]:
    """Every authoring error of one question: common fields, then the type's own fields."""
    if not isinstance(spec, Mapping):
        return ["a question must be a mapping of fields"]
    errors = common_errors(spec)
    type_name = spec.get("type")
    question_type = QUESTION_TYPES.get(type_name) if isinstance(type_name, str) else None
    if question_type is None:
        known = ", ".join(QUESTION_TYPES)
        return [*errors, f"unknown question type {type_name!r} (expected one of: {known})"]
    return errors + question_type.validate(spec)
