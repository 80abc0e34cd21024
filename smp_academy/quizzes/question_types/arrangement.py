"""Ordering and matching questions."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from smp_academy.quizzes.answers import (
    GetList,
    InvalidAnswer,
    answer_field,
    as_id,
    as_ids,
    form_value,
    is_blank,
    key_as_int,
    parse_whole,
)
from smp_academy.quizzes.question_types.base import (
    LIST_SEPARATOR,
    PAIR_ARROW,
    Answer,
    Layout,
    QuestionType,
    Spec,
    _always_shuffled_error,
    _count_error,
    _distinct_error,
    _inverse,
    _is_text,
    _layout_order,
    _neutral_ids,
    _shuffled,
)

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
