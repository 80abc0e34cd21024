"""Choice questions: single, multiple response and image choice."""

from __future__ import annotations

import random
import re
from abc import abstractmethod
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any, ClassVar

from smp_academy.quizzes.answers import (
    GetList,
    answer_field,
    as_id,
    as_ids,
    form_values,
    parse_whole,
)
from smp_academy.quizzes.question_types.base import (
    _TELLTALE_NAME,
    LIST_SEPARATOR,
    Answer,
    Layout,
    QuestionType,
    Spec,
    _count_error,
    _distinct_error,
    _is_text,
    _layout_order,
    _neutral_ids,
    _shuffled,
)

# --------------------------------------------------------------------------- choice types


class _ChoiceType(QuestionType):
    """Options with ``correct`` flags, shown shuffled unless ``shuffle: false``."""

    min_options: ClassVar[int]
    max_options: ClassVar[int]

    def _label(self, option: Mapping[str, Any]) -> str:
        """The option's text: its neutral-id seed, statistics key and review text."""
        return option["text"]

    def _option_errors(self, option: Mapping[str, Any]) -> list[str]:
        return [] if _is_text(option.get("text")) else ["text is required"]

    def _option_view(self, option: Mapping[str, Any]) -> dict[str, Any]:
        return {"text": option["text"]}

    @abstractmethod
    def _correct_count_error(self, count: int) -> str | None: ...

    def validate(self, spec: Spec) -> list[str]:
        options = spec.get("options")
        if not isinstance(options, list) or not all(isinstance(o, Mapping) for o in options):
            return [f"{self.name}: options must be a list of mappings"]
        errors = _count_error(
            self.name, "options", len(options), self.min_options, self.max_options
        )
        for number, option in enumerate(options, 1):
            problems = self._option_errors(option)
            if not isinstance(option.get("correct", False), bool):
                problems.append("correct must be true or false")
            errors += [f"{self.name}: option {number}: {problem}" for problem in problems]
        if errors:
            return errors
        errors += _distinct_error(self.name, "options", [self._label(o) for o in options])
        count_error = self._correct_count_error(sum(o.get("correct") is True for o in options))
        return errors + ([count_error] if count_error else [])

    def make_layout(self, spec: Spec, rng: random.Random) -> Layout:
        count = len(spec["options"])
        shuffle = spec.get("shuffle", True)
        return {"options": _shuffled(rng, count) if shuffle else list(range(count))}

    def public_view(self, spec: Spec, layout: Mapping[str, Any]) -> dict[str, Any]:
        options, ids = spec["options"], self._ids(spec)
        order = _layout_order(layout, "options", len(options))
        shown = [{"id": ids[index], **self._option_view(options[index])} for index in order]
        return {**super().public_view(spec, layout), "options": shown}

    def _ids(self, spec: Spec) -> list[int]:
        return _neutral_ids(spec, [self._label(option) for option in spec["options"]])

    def _correct_ids(self, spec: Spec) -> list[int]:
        ids = self._ids(spec)
        return sorted(ids[i] for i, option in enumerate(spec["options"]) if option.get("correct"))

    @abstractmethod
    def _chosen_ids(self, answer: Answer) -> list[int]: ...

    def _chosen_labels(self, spec: Spec, answer: Answer) -> list[str]:
        """Labels of the chosen options in authored order, so equal answers read the same."""
        chosen, ids = set(self._chosen_ids(answer)), self._ids(spec)
        options = spec["options"]
        return [self._label(o) for i, o in enumerate(options) if ids[i] in chosen]

    def _describe(self, spec: Spec, answer: Answer) -> str:
        return LIST_SEPARATOR.join(self._chosen_labels(spec, answer))

    def option_keys(self, spec: Spec) -> list[str]:
        return [self._label(option) for option in spec["options"]]

    def _chosen_keys(self, spec: Spec, answer: Answer) -> list[str]:
        return self._chosen_labels(spec, answer)


class _OneCorrectType(_ChoiceType):
    """Exactly one correct option, answered with ``{"choice": id}``, scored 1 or 0."""

    def _correct_count_error(self, count: int) -> str | None:
        if count == 1:
            return None
        return f"{self.name}: exactly one option must be correct (found {count})"

    def coerce_answer(self, spec: Spec, raw: Any) -> Answer | None:
        value = answer_field(raw, "choice")
        if value is None:
            return None
        return {"choice": as_id(value, len(spec["options"]), "option")}

    def _answer_from_text(self, spec: Spec, text: str) -> Answer | None:
        return self.coerce_answer(spec, {"choice": parse_whole(text, "the option")})

    def _chosen_ids(self, answer: Answer) -> list[int]:
        return [answer["choice"]]

    def _score(self, spec: Spec, answer: Answer) -> float:
        return float([answer["choice"]] == self._correct_ids(spec))

    def correct_answer(self, spec: Spec) -> Answer:
        return {"choice": self._correct_ids(spec)[0]}


class SingleChoice(_OneCorrectType):
    name = "single"
    min_options, max_options = 2, 6


class ImageChoice(_OneCorrectType):
    """Pick the right picture; the alt text stands for the image everywhere text is needed."""

    name = "image_choice"
    min_options, max_options = 2, 4

    def _label(self, option: Mapping[str, Any]) -> str:
        return option["alt"]

    def _option_errors(self, option: Mapping[str, Any]) -> list[str]:
        errors = [] if _is_text(option.get("alt")) else ["alt (a text alternative) is required"]
        image = option.get("image")
        if not _is_text(image) or not re.fullmatch(r"figures/[^/]+\.svg", image):
            errors.append("image must be a path like figures/name.svg")
        elif _TELLTALE_NAME.search(PurePosixPath(image).stem):
            errors.append("image file name must not hint at the answer (the browser sees it)")
        return errors

    def _option_view(self, option: Mapping[str, Any]) -> dict[str, Any]:
        return {"image": option["image"], "alt": option["alt"]}


class MultipleResponse(_ChoiceType):
    """Several correct options; partial credit with a penalty for every wrong pick."""

    name = "multiple"
    min_options, max_options = 3, 8

    def _correct_count_error(self, count: int) -> str | None:
        return None if count >= 1 else f"{self.name}: at least one option must be correct"

    def coerce_answer(self, spec: Spec, raw: Any) -> Answer | None:
        values = answer_field(raw, "choices")
        if values is None:
            return None
        return {"choices": sorted(as_ids(values, len(spec["options"]), "option"))}

    def answer_from_form(self, spec: Spec, getlist: GetList, name: str) -> Answer | None:
        values = [parse_whole(text, "an option") for text in form_values(getlist, name)]
        return self.coerce_answer(spec, {"choices": values})

    def _chosen_ids(self, answer: Answer) -> list[int]:
        return answer["choices"]

    def _score(self, spec: Spec, answer: Answer) -> float:
        """+1/k per correct pick and −1/k per wrong pick (k = number of correct options).

        The floor at 0 (applied by ``score``) means guessing costs at most this question;
        picking every option earns (k − wrong options)/k, so "tick everything" does not pay.
        """
        correct, chosen = set(self._correct_ids(spec)), set(answer["choices"])
        return (len(chosen & correct) - len(chosen - correct)) / len(correct)

    def correct_answer(self, spec: Spec) -> Answer:
        return {"choices": self._correct_ids(spec)}
