"""True/false and numeric questions."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeGuard

from smp_academy.quizzes.answers import (
    InvalidAnswer,
    answer_field,
    as_number,
    format_number,
    parse_decimal,
)
from smp_academy.quizzes.question_types.base import (
    TOLERANCE_EPSILON,
    Answer,
    QuestionType,
    Spec,
    _is_text,
)

# --------------------------------------------------------------------------- true/false, numeric


class TrueFalse(QuestionType):
    name = "true_false"

    def validate(self, spec: Spec) -> list[str]:
        if isinstance(spec.get("answer"), bool):
            return []
        return [f"{self.name}: answer must be true or false"]

    def coerce_answer(self, spec: Spec, raw: Any) -> Answer | None:
        value = answer_field(raw, "value")
        if value is None:
            return None
        if not isinstance(value, bool):
            raise InvalidAnswer("the answer must be true or false")
        return {"value": value}

    def _answer_from_text(self, spec: Spec, text: str) -> Answer | None:
        value = {"true": True, "false": False}.get(text.lower())
        if value is None:
            raise InvalidAnswer("the answer must be true or false")
        return {"value": value}

    def _score(self, spec: Spec, answer: Answer) -> float:
        return float(answer["value"] == spec["answer"])

    def correct_answer(self, spec: Spec) -> Answer:
        return {"value": spec["answer"]}

    def _describe(self, spec: Spec, answer: Answer) -> str:
        return "True" if answer["value"] else "False"

    def option_keys(self, spec: Spec) -> list[str]:
        return ["true", "false"]

    def _chosen_keys(self, spec: Spec, answer: Answer) -> list[str]:
        return ["true" if answer["value"] else "false"]


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class Numeric(QuestionType):
    """A number within an absolute tolerance, e.g. a dilution ratio."""

    name = "numeric"

    def validate(self, spec: Spec) -> list[str]:
        errors = [] if _is_number(spec.get("answer")) else [f"{self.name}: answer must be a number"]
        tolerance = spec.get("tolerance")
        if not _is_number(tolerance) or tolerance < 0:
            errors.append(f"{self.name}: tolerance must be a number >= 0 (0 for an exact answer)")
        if "unit" in spec and not _is_text(spec["unit"]):
            errors.append(f"{self.name}: unit must be non-empty text when given")
        return errors

    def public_view(self, spec: Spec, layout: Mapping[str, Any]) -> dict[str, Any]:
        return {**super().public_view(spec, layout), "unit": spec.get("unit")}

    def coerce_answer(self, spec: Spec, raw: Any) -> Answer | None:
        value = answer_field(raw, "value")
        return None if value is None else {"value": as_number(value)}

    def _answer_from_text(self, spec: Spec, text: str) -> Answer | None:
        return {"value": parse_decimal(text)}

    def _score(self, spec: Spec, answer: Answer) -> float:
        """1 when ``|value − answer| <= tolerance`` (plus 1e-9 for binary rounding), else 0."""
        distance = abs(answer["value"] - spec["answer"])
        return float(distance <= spec["tolerance"] + TOLERANCE_EPSILON)

    def correct_answer(self, spec: Spec) -> Answer:
        return {"value": spec["answer"]}

    def _describe(self, spec: Spec, answer: Answer) -> str:
        return f"{format_number(answer['value'])} {spec.get('unit') or ''}".strip()

    def option_keys(self, spec: Spec) -> list[str]:
        return ["correct", "incorrect"]

    def _chosen_keys(self, spec: Spec, answer: Answer) -> list[str]:
        return ["correct" if self._score(spec, answer) == 1 else "incorrect"]
