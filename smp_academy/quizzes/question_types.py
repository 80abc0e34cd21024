"""Question types: one registry that validates, lays out, shows, reads and scores questions.

Shaped like CTFd's challenge-type registry: every type is a small class with the same
methods and ``QUESTION_TYPES`` maps the ``type`` written in quiz.yaml to an instance. All of
it is pure (no Flask, no database), so each rule is unit-tested directly.

Vocabulary
----------
spec
    The question as authored in quiz.yaml (a mapping). Every method except ``validate``
    assumes the spec passed ``validate_question``.
layout
    The per-attempt presentation order, stored with the attempt so resume and review show the
    same page: permutations of *authored* indexes under ``options``, ``items`` or ``rights``
    (``{}`` for true/false and numeric). Server-side data; the browser gets ``public_view``.
id
    How the browser names an option, an ordering item or a matching right: the element's rank
    in the question's *neutral order* (authored elements sorted by a SHA-256 of the question
    key and the element's text). It is not the authored index because the authored index is
    the answer for ordering (items are written in the correct order) and for matching (right
    ``i`` belongs to left ``i``), and for choice questions authors habitually write the
    correct option first. A neutral id is a function of what the browser already sees, so it
    says nothing about correctness. Lefts of a matching question are the one exception: they
    are shown in authored order and their id is their authored index (their row on the page).
answer
    JSON, always in ids: ``{"choice": id}`` (single, image_choice), ``{"choices": [id, ...]}``
    (multiple), ``{"value": bool}`` (true_false), ``{"value": number}`` (numeric),
    ``{"order": [id, ...]}`` (ordering, a permutation of every item id) and
    ``{"pairs": {"<left id>": right id}}`` (matching, partial allowed). ``None`` means
    unanswered; it is never an error and scores 0.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any, ClassVar

from smp_academy.quizzes.answers import (
    GetList,
    InvalidAnswer,
    answer_field,
    as_id,
    as_ids,
    as_number,
    form_value,
    form_values,
    format_number,
    is_blank,
    key_as_int,
    parse_decimal,
    parse_whole,
)

Spec = Mapping[str, Any]
Answer = dict[str, Any]
Layout = dict[str, Any]

DIFFICULTIES = ("easy", "medium", "hard")
# Decimal inputs such as 0.1 + 0.2 must not fall just outside a tolerance they meet on paper.
TOLERANCE_EPSILON = 1e-9
LIST_SEPARATOR = "; "
PAIR_ARROW = " → "

# Image paths reach the browser; a file named after the answer would give it away.
_TELLTALE_NAME = re.compile(r"correct|wrong|answer|solution", re.IGNORECASE)


# --------------------------------------------------------------------------- ids and layouts


def _neutral_ids(spec: Spec, labels: Sequence[str]) -> list[int]:
    """``ids[i]``: the browser-facing id of authored element ``i`` (see the module docstring)."""

    def digest(index: int) -> bytes:
        return hashlib.sha256(f"{spec['key']}\x1f{labels[index]}".encode()).digest()

    ids = [0] * len(labels)
    for rank, index in enumerate(sorted(range(len(labels)), key=digest)):
        ids[index] = rank
    return ids


def _inverse(permutation: Sequence[int]) -> list[int]:
    """``inverse[permutation[i]] == i``: turns ids back into authored indexes."""
    inverse = [0] * len(permutation)
    for index, value in enumerate(permutation):
        inverse[value] = index
    return inverse


def _shuffled(rng: random.Random, count: int, *, avoid_identity: bool = False) -> list[int]:
    """A random order of ``range(count)``; never the authored order when that is the answer."""
    order = list(range(count))
    rng.shuffle(order)
    while avoid_identity and count > 1 and order == sorted(order):
        rng.shuffle(order)
    return order


def _layout_order(layout: Mapping[str, Any], field: str, count: int) -> list[int]:
    """The stored order, checked: a layout that does not fit its question must not render."""
    order = layout.get(field)
    if (
        not isinstance(order, list)
        or not all(isinstance(index, int) for index in order)
        or sorted(order) != list(range(count))
    ):
        raise ValueError(f"layout field {field!r} does not fit this question")
    return order


# --------------------------------------------------------------------------- authoring checks


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _count_error(name: str, what: str, count: int, low: int, high: int) -> list[str]:
    if low <= count <= high:
        return []
    return [f"{name}: needs {low} to {high} {what}, found {count}"]


def _distinct_error(name: str, what: str, values: Sequence[str]) -> list[str]:
    return [] if len(set(values)) == len(values) else [f"{name}: {what} must all be different"]


def _always_shuffled_error(name: str, spec: Spec) -> list[str]:
    """Ordering and matching reveal their answer when shown in authored order."""
    if spec.get("shuffle", True) is False:
        return [f"{name}: shuffle: false is not allowed (the authored order is the answer)"]
    return []


def _common_errors(spec: Spec) -> list[str]:
    errors = [
        f"{field} is required and must be non-empty text"
        for field in ("key", "prompt", "explanation")
        if not _is_text(spec.get(field))
    ]
    if spec.get("difficulty") not in DIFFICULTIES:
        errors.append(f"difficulty must be one of: {', '.join(DIFFICULTIES)}")
    tags = spec.get("tags", [])
    if not isinstance(tags, list) or not all(_is_text(tag) for tag in tags):
        errors.append("tags must be a list of non-empty text")
    if not isinstance(spec.get("shuffle", True), bool):
        errors.append("shuffle must be true or false")
    return errors


# --------------------------------------------------------------------------- the base type


class QuestionType(ABC):
    """One kind of question. Public methods accept ``None`` answers; hooks get real ones."""

    name: ClassVar[str]

    @abstractmethod
    def validate(self, spec: Spec) -> list[str]:
        """Authoring errors in the type's own fields, in plain English (common fields aside)."""

    def make_layout(self, spec: Spec, rng: random.Random) -> Layout:
        """The per-attempt presentation order; JSON-serialisable, stored with the attempt."""
        return {}

    def public_view(self, spec: Spec, layout: Mapping[str, Any]) -> dict[str, Any]:
        """What the browser may see before submission: nothing about correctness."""
        return {"key": spec["key"], "type": self.name, "prompt": spec["prompt"]}

    @abstractmethod
    def coerce_answer(self, spec: Spec, raw: Any) -> Answer | None:
        """The answer from JSON (autosave), normalised; None when blank; InvalidAnswer if bad."""

    def answer_from_form(self, spec: Spec, getlist: GetList, name: str) -> Answer | None:
        """The answer from a form post (no JavaScript); the default reads one field ``name``."""
        text = form_value(getlist, name)
        return None if text is None else self._answer_from_text(spec, text)

    def _answer_from_text(self, spec: Spec, text: str) -> Answer | None:
        raise NotImplementedError

    def score(self, spec: Spec, answer: Any) -> float:
        """Credit in [0, 1]; unanswered earns 0. Re-coerced so a tampered answer never scores."""
        answer = self.coerce_answer(spec, answer)
        return 0.0 if answer is None else min(1.0, max(0.0, self._score(spec, answer)))

    @abstractmethod
    def _score(self, spec: Spec, answer: Answer) -> float: ...

    @abstractmethod
    def correct_answer(self, spec: Spec) -> Answer:
        """The full-credit answer, in the same JSON shape as a trainee's."""

    def describe(self, spec: Spec, answer: Any) -> str:
        """A short human text of an answer for review and CSV; empty when unanswered."""
        answer = self.coerce_answer(spec, answer)
        return "" if answer is None else self._describe(spec, answer)

    @abstractmethod
    def _describe(self, spec: Spec, answer: Answer) -> str: ...

    @abstractmethod
    def option_keys(self, spec: Spec) -> list[str]:
        """Every key ``chosen_keys`` can return, in display order for the statistics table."""

    def chosen_keys(self, spec: Spec, answer: Any) -> list[str]:
        """What the answer chose, as option keys for "how often was each option chosen"."""
        answer = self.coerce_answer(spec, answer)
        return [] if answer is None else self._chosen_keys(spec, answer)

    @abstractmethod
    def _chosen_keys(self, spec: Spec, answer: Answer) -> list[str]: ...


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


def _is_number(value: Any) -> bool:
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


# --------------------------------------------------------------------------- ordering, matching


def _text_list_errors(name: str, what: str, values: Any, low: int, high: int) -> list[str]:
    if not isinstance(values, list) or not all(_is_text(value) for value in values):
        return [f"{name}: {what} must be a list of non-empty text"]
    errors = _count_error(name, what, len(values), low, high)
    return errors + _distinct_error(name, what, values)


class Ordering(QuestionType):
    """Put the items in order; authored in the correct order, always shown shuffled."""

    name = "ordering"

    def validate(self, spec: Spec) -> list[str]:
        errors = _text_list_errors(self.name, "items", spec.get("items"), 3, 7)
        return errors + _always_shuffled_error(self.name, spec)

    def make_layout(self, spec: Spec, rng: random.Random) -> Layout:
        return {"items": _shuffled(rng, len(spec["items"]), avoid_identity=True)}

    def public_view(self, spec: Spec, layout: Mapping[str, Any]) -> dict[str, Any]:
        items, ids = spec["items"], _neutral_ids(spec, spec["items"])
        order = _layout_order(layout, "items", len(items))
        shown = [{"id": ids[index], "text": items[index]} for index in order]
        return {**super().public_view(spec, layout), "items": shown}

    def coerce_answer(self, spec: Spec, raw: Any) -> Answer | None:
        values = answer_field(raw, "order")
        if values is None:
            return None
        order = as_ids(values, len(spec["items"]), "item")
        if len(order) != len(spec["items"]):
            raise InvalidAnswer("the order must place every item exactly once")
        return {"order": order}

    def answer_from_form(self, spec: Spec, getlist: GetList, name: str) -> Answer | None:
        """Fields ``{name}_pos{id}`` hold the 1-based position typed or picked for each item."""
        count = len(spec["items"])
        texts = [form_value(getlist, f"{name}_pos{item_id}") for item_id in range(count)]
        if all(text is None for text in texts):
            return None
        if any(text is None for text in texts):
            raise InvalidAnswer("give every item a position")
        order: list[int | None] = [None] * count
        for item_id, text in enumerate(texts):
            position = parse_whole(text or "", "a position")
            if not 1 <= position <= count:
                raise InvalidAnswer(f"positions run from 1 to {count}")
            if order[position - 1] is not None:
                raise InvalidAnswer(f"two items share position {position}")
            order[position - 1] = item_id
        return self.coerce_answer(spec, {"order": order})

    def _score(self, spec: Spec, answer: Answer) -> float:
        """Share of the n − 1 adjacent pairs of the correct order kept adjacent, in order.

        With authored (correct) items ``0 .. n−1`` and ``pos[i]`` the 0-based place the trainee
        gave item ``i``, credit is ``|{i < n−1 : pos[i+1] == pos[i] + 1}| / (n − 1)``. Only the
        correct order earns 1; the reverse earns 0; moving one step to the end keeps n − 2
        pairs. Adjacency, not mere precedence, so a mostly reversed protocol is not half right.
        """
        index_of = _inverse(_neutral_ids(spec, spec["items"]))
        pos = _inverse([index_of[item_id] for item_id in answer["order"]])
        kept = sum(pos[i + 1] == pos[i] + 1 for i in range(len(pos) - 1))
        return kept / (len(pos) - 1)

    def correct_answer(self, spec: Spec) -> Answer:
        return {"order": _neutral_ids(spec, spec["items"])}

    def _describe(self, spec: Spec, answer: Answer) -> str:
        index_of = _inverse(_neutral_ids(spec, spec["items"]))
        return LIST_SEPARATOR.join(spec["items"][index_of[i]] for i in answer["order"])

    def option_keys(self, spec: Spec) -> list[str]:
        return ["correct", "partially correct", "incorrect"]

    def _chosen_keys(self, spec: Spec, answer: Answer) -> list[str]:
        credit = self._score(spec, answer)
        return ["correct" if credit == 1 else "partially correct" if credit > 0 else "incorrect"]


class Matching(QuestionType):
    """Match each left to a right; lefts in authored order, rights always shuffled."""

    name = "matching"

    def validate(self, spec: Spec) -> list[str]:
        pairs = spec.get("pairs")
        if not isinstance(pairs, list) or not all(isinstance(p, Mapping) for p in pairs):
            return [f"{self.name}: pairs must be a list of {{left, right}} mappings"]
        errors = _count_error(self.name, "pairs", len(pairs), 3, 6)
        for side in ("left", "right"):
            values = [pair.get(side) for pair in pairs]
            if all(_is_text(value) for value in values):
                errors += _distinct_error(self.name, f"{side} sides", values)
            else:
                errors.append(f"{self.name}: every pair needs a non-empty {side}")
        return errors + _always_shuffled_error(self.name, spec)

    def _lefts(self, spec: Spec) -> list[str]:
        return [pair["left"] for pair in spec["pairs"]]

    def _rights(self, spec: Spec) -> list[str]:
        return [pair["right"] for pair in spec["pairs"]]

    def make_layout(self, spec: Spec, rng: random.Random) -> Layout:
        return {"rights": _shuffled(rng, len(spec["pairs"]), avoid_identity=True)}

    def public_view(self, spec: Spec, layout: Mapping[str, Any]) -> dict[str, Any]:
        rights, ids = self._rights(spec), _neutral_ids(spec, self._rights(spec))
        order = _layout_order(layout, "rights", len(rights))
        return {
            **super().public_view(spec, layout),
            "lefts": [{"id": i, "text": left} for i, left in enumerate(self._lefts(spec))],
            "rights": [{"id": ids[index], "text": rights[index]} for index in order],
        }

    def coerce_answer(self, spec: Spec, raw: Any) -> Answer | None:
        given = answer_field(raw, "pairs")
        if given is None:
            return None
        if not isinstance(given, Mapping):
            raise InvalidAnswer("pairs must be an object of left id to right id")
        count, pairs = len(spec["pairs"]), {}
        for key, value in given.items():
            left = as_id(key_as_int(key), count, "left")
            if str(left) in pairs:
                raise InvalidAnswer(f"left {left} is answered twice")
            if not is_blank(value):
                pairs[str(left)] = as_id(value, count, "right")
        return {"pairs": dict(sorted(pairs.items(), key=lambda p: int(p[0])))} if pairs else None

    def answer_from_form(self, spec: Spec, getlist: GetList, name: str) -> Answer | None:
        """Fields ``{name}_m{left id}`` hold the chosen right id; blank lefts stay unanswered."""
        texts = {i: form_value(getlist, f"{name}_m{i}") for i in range(len(spec["pairs"]))}
        pairs = {str(i): parse_whole(text, "a right") for i, text in texts.items() if text}
        return self.coerce_answer(spec, {"pairs": pairs})

    def _score(self, spec: Spec, answer: Answer) -> float:
        """Share of all lefts matched to their own right (an unanswered left counts as wrong)."""
        ids = _neutral_ids(spec, self._rights(spec))
        pairs = answer["pairs"]
        return sum(pairs.get(str(i)) == ids[i] for i in range(len(ids))) / len(ids)

    def correct_answer(self, spec: Spec) -> Answer:
        ids = _neutral_ids(spec, self._rights(spec))
        return {"pairs": {str(i): right_id for i, right_id in enumerate(ids)}}

    def _chosen_pairs(self, spec: Spec, answer: Answer) -> list[str]:
        lefts, rights = self._lefts(spec), self._rights(spec)
        index_of = _inverse(_neutral_ids(spec, rights))
        return [
            f"{lefts[int(left)]}{PAIR_ARROW}{rights[index_of[right]]}"
            for left, right in answer["pairs"].items()
        ]

    def _describe(self, spec: Spec, answer: Answer) -> str:
        return LIST_SEPARATOR.join(self._chosen_pairs(spec, answer))

    def option_keys(self, spec: Spec) -> list[str]:
        """Every left → right combination, so the table shows which confusions are common."""
        return [
            f"{left}{PAIR_ARROW}{right}"
            for left in self._lefts(spec)
            for right in self._rights(spec)
        ]

    def _chosen_keys(self, spec: Spec, answer: Answer) -> list[str]:
        return self._chosen_pairs(spec, answer)


# --------------------------------------------------------------------------- the registry

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
    errors = _common_errors(spec)
    type_name = spec.get("type")
    question_type = QUESTION_TYPES.get(type_name) if isinstance(type_name, str) else None
    if question_type is None:
        known = ", ".join(QUESTION_TYPES)
        return [*errors, f"unknown question type {type_name!r} (expected one of: {known})"]
    return errors + question_type.validate(spec)
