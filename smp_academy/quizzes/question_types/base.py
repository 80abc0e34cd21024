"""Question types, the shared part: the vocabulary, neutral ids and layouts, authoring
checks and the base class. See the package for the registry.

Question types: one registry that validates, lays out, shows, reads and scores questions.

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
import random
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypeGuard

from smp_academy.quizzes.answers import (
    GetList,
    form_value,
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


def _is_text(value: Any) -> TypeGuard[str]:
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


def common_errors(spec: Spec) -> list[str]:
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
