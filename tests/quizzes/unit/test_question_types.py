"""The question-type registry: validation, layouts, leak-free views, answer parsing, scoring.

Answers name options by the ids the browser sees, so the tests look ids up through
``public_view`` exactly as the page would (``ids_by_text``) instead of assuming an order.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from smp_academy.quizzes.question_types import (
    QUESTION_TYPES,
    InvalidAnswer,
    get_question_type,
    validate_question,
)

COMMON = {"prompt": "Pick one", "difficulty": "medium", "tags": ["anatomy"]}
EXPLANATION = "Because the upper dermis holds pigment without spreading."

SPECS: dict[str, dict[str, Any]] = {
    "single": {
        "options": [
            {"text": "The epidermis"},
            {"text": "The upper dermis", "correct": True},
            {"text": "The fat layer"},
        ]
    },
    "multiple": {
        "options": [
            {"text": "Gloves", "correct": True},
            {"text": "Sharps box", "correct": True},
            {"text": "Barrier film", "correct": True},
            {"text": "Cotton towel"},
            {"text": "Open tray"},
        ]
    },
    "true_false": {"answer": False},
    "numeric": {"answer": 4.75, "tolerance": 0.25, "unit": "ml"},
    "ordering": {"items": ["Wash hands", "Glove up", "Clean scalp", "Open needle", "Start work"]},
    "matching": {
        "pairs": [
            {"left": "Blowout", "right": "Pigment spread under skin"},
            {"left": "Fading", "right": "Loss of tone over months"},
            {"left": "Halo", "right": "Ring of colour round a dot"},
            {"left": "Migration", "right": "Dot drifts from its place"},
        ]
    },
    "image_choice": {
        "options": [
            {"image": "figures/hairline-a.svg", "alt": "Straight flat line", "correct": True},
            {"image": "figures/hairline-b.svg", "alt": "Soft irregular edge"},
            {"image": "figures/hairline-c.svg", "alt": "High rounded arch"},
        ]
    },
}


def make_spec(type_name: str, **changes: Any) -> dict[str, Any]:
    """A valid question of ``type_name`` with ``changes`` applied (a None value drops a field)."""
    spec = {"key": f"t-{type_name}", "type": type_name, **COMMON, "explanation": EXPLANATION}
    spec |= copy.deepcopy(SPECS[type_name])
    spec |= changes
    return {name: value for name, value in spec.items() if value is not None}


def view(spec: dict[str, Any], seed: int = 0) -> dict[str, Any]:
    qtype = get_question_type(spec)
    return qtype.public_view(spec, qtype.make_layout(spec, random.Random(seed)))


def ids_by_text(spec: dict[str, Any], field: str = "options") -> dict[str, int]:
    """The id the browser sees for each option text, item or right (alt text for images)."""
    return {entry.get("text", entry.get("alt")): entry["id"] for entry in view(spec)[field]}


def score(spec: dict[str, Any], answer: Any) -> float:
    return get_question_type(spec).score(spec, answer)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("type_name", SPECS)
def test_every_sample_question_is_valid(type_name: str) -> None:
    assert validate_question(make_spec(type_name)) == []


def test_registry_holds_the_seven_types() -> None:
    assert set(QUESTION_TYPES) == set(SPECS)


def _options(count: int, correct: int = 1) -> list[dict[str, Any]]:
    return [{"text": f"Option {i}", "correct": i < correct} for i in range(count)]


@pytest.mark.parametrize(
    ("type_name", "changes", "expected"),
    [
        (
            "single",
            {"options": _options(3, correct=2)},
            "single: exactly one option must be correct",
        ),
        ("single", {"options": _options(3, correct=0)}, "exactly one option must be correct"),
        ("single", {"options": _options(1)}, "single: needs 2 to 6 options, found 1"),
        ("single", {"options": _options(7)}, "needs 2 to 6 options, found 7"),
        ("single", {"options": [{"text": "A"}, {"text": "A", "correct": True}]}, "different"),
        ("single", {"options": [{"text": ""}, {"text": "B", "correct": True}]}, "text is required"),
        ("single", {"options": [{"text": "A", "correct": "yes"}, {"text": "B"}]}, "true or false"),
        ("single", {"options": "A, B"}, "options must be a list"),
        ("multiple", {"options": _options(4, correct=0)}, "at least one option must be correct"),
        ("multiple", {"options": _options(2)}, "multiple: needs 3 to 8 options, found 2"),
        ("multiple", {"options": _options(9)}, "needs 3 to 8 options, found 9"),
        ("true_false", {"answer": "yes"}, "true_false: answer must be true or false"),
        ("numeric", {"tolerance": -0.1}, "numeric: tolerance must be a number >= 0"),
        ("numeric", {"tolerance": None}, "tolerance must be a number >= 0"),
        ("numeric", {"answer": "4.5"}, "numeric: answer must be a number"),
        ("numeric", {"answer": float("nan")}, "answer must be a number"),
        ("numeric", {"unit": ""}, "unit must be non-empty text"),
        ("ordering", {"items": ["A", "B", "A"]}, "ordering: items must all be different"),
        ("ordering", {"items": ["A", "B"]}, "ordering: needs 3 to 7 items, found 2"),
        ("ordering", {"items": ["A", "", "C"]}, "items must be a list of non-empty text"),
        ("ordering", {"shuffle": False}, "shuffle: false is not allowed"),
        (
            "matching",
            {"pairs": [{"left": "A", "right": f"{i}"} for i in range(3)]},
            "matching: left sides must all be different",
        ),
        (
            "matching",
            {"pairs": [{"left": f"{i}", "right": "X"} for i in range(3)]},
            "right sides must all be different",
        ),
        (
            "matching",
            {"pairs": [{"left": "A", "right": "1"}, {"left": "B"}, {"left": "C", "right": "3"}]},
            "every pair needs a non-empty right",
        ),
        ("matching", {"pairs": [{"left": "A", "right": "1"}] * 2}, "needs 3 to 6 pairs"),
        ("matching", {"shuffle": False}, "matching: shuffle: false is not allowed"),
        (
            "image_choice",
            {"options": [{"image": "figures/a.svg", "correct": True}, {"image": "figures/b.svg"}]},
            "alt (a text alternative) is required",
        ),
        (
            "image_choice",
            {"options": [{"image": "a.png", "alt": "A", "correct": True}, {"alt": "B"}]},
            "image must be a path like figures/name.svg",
        ),
        (
            "image_choice",
            {
                "options": [
                    {"image": "figures/correct-line.svg", "alt": "A", "correct": True},
                    {"image": "figures/b.svg", "alt": "B"},
                ]
            },
            "must not hint at the answer",
        ),
        ("image_choice", {"options": _options(5)}, "needs 2 to 4 options"),
        ("single", {"prompt": " "}, "prompt is required"),
        ("single", {"explanation": None}, "explanation is required"),
        ("single", {"key": None}, "key is required"),
        ("single", {"difficulty": "tricky"}, "difficulty must be one of: easy, medium, hard"),
        ("single", {"tags": "anatomy"}, "tags must be a list"),
        ("single", {"shuffle": "no"}, "shuffle must be true or false"),
        ("single", {"type": "essay"}, "unknown question type 'essay'"),
        ("single", {"type": None}, "unknown question type None"),
    ],
)
def test_validation_reports_authoring_errors(
    type_name: str, changes: dict[str, Any], expected: str
) -> None:
    errors = validate_question(make_spec(type_name, **changes))
    assert any(expected in error for error in errors), errors


def test_validation_of_a_non_mapping() -> None:
    assert validate_question(["single"]) == ["a question must be a mapping of fields"]


# --------------------------------------------------------------------------- scoring


def test_single_choice_scores_one_or_zero() -> None:
    spec = make_spec("single")
    ids = ids_by_text(spec)
    assert score(spec, {"choice": ids["The upper dermis"]}) == 1.0
    assert score(spec, {"choice": ids["The epidermis"]}) == 0.0
    assert score(spec, None) == 0.0


def test_image_choice_scores_one_or_zero() -> None:
    spec = make_spec("image_choice")
    ids = ids_by_text(spec)
    assert score(spec, {"choice": ids["Straight flat line"]}) == 1.0
    assert score(spec, {"choice": ids["High rounded arch"]}) == 0.0


def _multiple_answer(*texts: str) -> dict[str, list[int]]:
    ids = ids_by_text(make_spec("multiple"))
    return {"choices": [ids[text] for text in texts]}


@pytest.mark.parametrize(
    ("picked", "expected"),
    [
        # k = 3 correct options (Gloves, Sharps box, Barrier film); 2 wrong ones.
        (("Gloves", "Sharps box", "Barrier film"), 1.0),  # all right
        (("Gloves",), 1 / 3),  # one of three right, no penalty
        (("Gloves", "Sharps box", "Cotton towel"), 1 / 3),  # 2/3 − 1/3
        (("Gloves", "Cotton towel"), 0.0),  # one wrong pick cancels a right one
        (("Cotton towel", "Open tray"), 0.0),  # all wrong: −2/3 floored at 0
        (
            ("Gloves", "Sharps box", "Barrier film", "Cotton towel", "Open tray"),
            1 / 3,
        ),  # all: 3/3 − 2/3
        ((), 0.0),  # nothing picked is unanswered
    ],
)
def test_multiple_response_partial_credit(picked: tuple[str, ...], expected: float) -> None:
    assert score(make_spec("multiple"), _multiple_answer(*picked)) == pytest.approx(expected)


def test_multiple_response_is_capped_at_one_when_every_option_is_correct() -> None:
    spec = make_spec("multiple", options=_options(3, correct=3))
    assert score(spec, {"choices": [0, 1, 2]}) == 1.0


def test_true_false() -> None:
    spec = make_spec("true_false")
    assert score(spec, {"value": False}) == 1.0
    assert score(spec, {"value": True}) == 0.0
    assert score(spec, None) == 0.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4.75, 1.0),
        (5.0, 1.0),  # exactly at the upper tolerance boundary
        (4.5, 1.0),  # exactly at the lower boundary
        (5.0000001, 0.0),  # just beyond
        (4.49, 0.0),
        (-4.75, 0.0),
    ],
)
def test_numeric_tolerance_boundary(value: float, expected: float) -> None:
    assert score(make_spec("numeric"), {"value": value}) == expected


def test_numeric_boundary_survives_binary_rounding() -> None:
    # 0.1 + 0.2 is 0.30000000000000004: 0.2 away from 0.1 on paper, a hair more in binary.
    spec = make_spec("numeric", answer=0.1, tolerance=0.2)
    assert score(spec, {"value": 0.1 + 0.2}) == 1.0
    assert score(make_spec("numeric", tolerance=0), {"value": 4.75}) == 1.0


def _ordering_answer(*texts: str) -> dict[str, list[int]]:
    ids = ids_by_text(make_spec("ordering"), "items")
    return {"order": [ids[text] for text in texts]}


A, B, C, D, E = SPECS["ordering"]["items"]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ((A, B, C, D, E), 1.0),
        ((E, D, C, B, A), 0.0),  # reversed: no pair (i, i+1) is adjacent in order
        ((B, A, C, D, E), 2 / 4),  # A|B and B|C broken; C-D, D-E kept
        ((B, C, D, E, A), 3 / 4),  # first step moved to the end: B-C, C-D, D-E kept
        ((A, C, B, D, E), 1 / 4),  # only D-E kept (A-B, B-C, C-D all broken)
    ],
)
def test_ordering_partial_credit(order: tuple[str, ...], expected: float) -> None:
    assert score(make_spec("ordering"), _ordering_answer(*order)) == pytest.approx(expected)


def _matching_answer(chosen: dict[int, str]) -> dict[str, dict[str, int]]:
    ids = ids_by_text(make_spec("matching"), "rights")
    return {"pairs": {str(left): ids[right] for left, right in chosen.items()}}


RIGHTS = [pair["right"] for pair in SPECS["matching"]["pairs"]]


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ({0: RIGHTS[0], 1: RIGHTS[1], 2: RIGHTS[2], 3: RIGHTS[3]}, 1.0),
        ({0: RIGHTS[0], 1: RIGHTS[1], 2: RIGHTS[3], 3: RIGHTS[2]}, 0.5),  # two swapped
        ({0: RIGHTS[0]}, 0.25),  # partial answer: unanswered lefts are wrong
        ({0: RIGHTS[0], 1: RIGHTS[0], 2: RIGHTS[0], 3: RIGHTS[0]}, 0.25),  # one right for all
        ({0: RIGHTS[1], 1: RIGHTS[0], 2: RIGHTS[3], 3: RIGHTS[2]}, 0.0),
    ],
)
def test_matching_partial_credit(chosen: dict[int, str], expected: float) -> None:
    assert score(make_spec("matching"), _matching_answer(chosen)) == expected


@pytest.mark.parametrize("type_name", SPECS)
def test_correct_answer_earns_full_credit_and_none_earns_nothing(type_name: str) -> None:
    spec = make_spec(type_name)
    qtype = get_question_type(spec)
    correct = qtype.correct_answer(spec)
    assert json.loads(json.dumps(correct)) == correct
    assert qtype.score(spec, correct) == 1.0
    assert qtype.score(spec, None) == 0.0
    assert qtype.describe(spec, None) == ""
    assert qtype.chosen_keys(spec, None) == []


def test_a_tampered_answer_is_refused_not_scored() -> None:
    with pytest.raises(InvalidAnswer):
        score(make_spec("single"), {"choice": 99})


# --------------------------------------------------------------------------- describe, keys


def test_describe_reads_like_the_page() -> None:
    multiple = make_spec("multiple")
    assert get_question_type(multiple).describe(
        multiple, _multiple_answer("Barrier film", "Gloves")
    ) == ("Gloves; Barrier film")
    numeric = make_spec("numeric")
    assert get_question_type(numeric).describe(numeric, {"value": 5}) == "5 ml"
    ordering = make_spec("ordering")
    assert get_question_type(ordering).describe(ordering, _ordering_answer(B, A, C, D, E)) == (
        "Glove up; Wash hands; Clean scalp; Open needle; Start work"
    )
    matching = make_spec("matching")
    assert get_question_type(matching).describe(matching, _matching_answer({1: RIGHTS[0]})) == (
        "Fading → Pigment spread under skin"
    )
    true_false = make_spec("true_false")
    assert get_question_type(true_false).describe(true_false, {"value": True}) == "True"


@pytest.mark.parametrize("type_name", SPECS)
def test_chosen_keys_are_among_the_option_keys(type_name: str) -> None:
    spec = make_spec(type_name)
    qtype = get_question_type(spec)
    assert set(qtype.chosen_keys(spec, qtype.correct_answer(spec))) <= set(qtype.option_keys(spec))


def test_chosen_keys_per_type() -> None:
    single = make_spec("single")
    assert get_question_type(single).option_keys(single) == [
        "The epidermis",
        "The upper dermis",
        "The fat layer",
    ]
    ordering = make_spec("ordering")
    keys = get_question_type(ordering).chosen_keys(ordering, _ordering_answer(B, A, C, D, E))
    assert keys == ["partially correct"]
    matching = make_spec("matching")
    keys = get_question_type(matching).chosen_keys(matching, _matching_answer({2: RIGHTS[0]}))
    assert keys == ["Halo → Pigment spread under skin"]
    assert len(get_question_type(matching).option_keys(matching)) == 16
    numeric = make_spec("numeric")
    assert get_question_type(numeric).chosen_keys(numeric, {"value": 9}) == ["incorrect"]


# --------------------------------------------------------------------------- JSON answers


@pytest.mark.parametrize(
    ("type_name", "raw"),
    [
        ("single", None),
        ("single", {}),
        ("single", ""),
        ("single", {"choice": None}),
        ("single", {"choice": " "}),
        ("multiple", {"choices": []}),
        ("true_false", {"value": None}),
        ("numeric", {"value": ""}),
        ("ordering", {"order": []}),
        ("matching", {"pairs": {}}),
        ("matching", {"pairs": {"0": None, "1": ""}}),
        ("image_choice", {"choice": None}),
    ],
)
def test_blank_answers_are_unanswered_not_errors(type_name: str, raw: Any) -> None:
    spec = make_spec(type_name)
    assert get_question_type(spec).coerce_answer(spec, raw) is None


@pytest.mark.parametrize(
    ("type_name", "raw", "message"),
    [
        ("single", ["choice", 1], "JSON object"),
        ("single", {"choice": "1"}, "whole number"),
        ("single", {"choice": True}, "whole number"),
        ("single", {"choice": 1.0}, "whole number"),
        ("single", {"choice": 3}, "does not exist"),
        ("single", {"choice": -1}, "does not exist"),
        ("image_choice", {"choice": 7}, "does not exist"),
        ("multiple", {"choices": 1}, "must be a list"),
        ("multiple", {"choices": [0, 0]}, "only once"),
        ("multiple", {"choices": [0, 5]}, "does not exist"),
        ("true_false", {"value": "true"}, "true or false"),
        ("true_false", {"value": 1}, "true or false"),
        ("numeric", {"value": "4.5"}, "must be a number"),
        ("numeric", {"value": True}, "must be a number"),
        ("numeric", {"value": float("nan")}, "finite"),
        ("numeric", {"value": float("inf")}, "finite"),
        ("numeric", {"value": 10**400}, "too large"),
        ("ordering", {"order": [0, 1, 2, 3]}, "every item exactly once"),
        ("ordering", {"order": [0, 1, 2, 3, 3]}, "only once"),
        ("ordering", {"order": [0, 1, 2, 3, 5]}, "does not exist"),
        ("matching", {"pairs": [1, 2]}, "object of left id to right id"),
        ("matching", {"pairs": {"4": 0}}, "left 4 does not exist"),
        ("matching", {"pairs": {"x": 0}}, "left must be a whole number"),
        ("matching", {"pairs": {"0": 9}}, "right 9 does not exist"),
        ("matching", {"pairs": {"0": 1, 0: 2}}, "answered twice"),
    ],
)
def test_malformed_json_answers_are_refused(type_name: str, raw: Any, message: str) -> None:
    spec = make_spec(type_name)
    with pytest.raises(InvalidAnswer, match=message):
        get_question_type(spec).coerce_answer(spec, raw)


def test_coerce_normalises_so_equal_answers_compare_equal() -> None:
    multiple = make_spec("multiple")
    assert QUESTION_TYPES["multiple"].coerce_answer(multiple, {"choices": [3, 0]}) == {
        "choices": [0, 3]
    }
    matching = make_spec("matching")
    assert QUESTION_TYPES["matching"].coerce_answer(matching, {"pairs": {2: 1, "0": 3}}) == {
        "pairs": {"0": 3, "2": 1}
    }
    numeric = make_spec("numeric")
    assert QUESTION_TYPES["numeric"].coerce_answer(numeric, {"value": 5}) == {"value": 5.0}


# --------------------------------------------------------------------------- form posts


def form_answer(spec: dict[str, Any], fields: list[tuple[str, str]]) -> Any:
    return get_question_type(spec).answer_from_form(spec, MultiDict(fields).getlist, "q3")


@pytest.mark.parametrize("type_name", SPECS)
def test_an_empty_form_is_unanswered(type_name: str) -> None:
    assert form_answer(make_spec(type_name), [("q3", " "), ("other", "1")]) is None


def test_form_answers_for_every_type() -> None:
    assert form_answer(make_spec("single"), [("q3", "2")]) == {"choice": 2}
    assert form_answer(make_spec("image_choice"), [("q3", "0")]) == {"choice": 0}
    assert form_answer(make_spec("multiple"), [("q3", "4"), ("q3", "1")]) == {"choices": [1, 4]}
    assert form_answer(make_spec("true_false"), [("q3", "false")]) == {"value": False}
    assert form_answer(make_spec("numeric"), [("q3", " 4,5 ")]) == {"value": 4.5}
    assert form_answer(make_spec("numeric"), [("q3", "-.5")]) == {"value": -0.5}
    positions = [("q3_pos0", "3"), ("q3_pos1", "1"), ("q3_pos2", "2")]
    positions += [("q3_pos3", "5"), ("q3_pos4", "4")]
    assert form_answer(make_spec("ordering"), positions) == {"order": [1, 2, 0, 4, 3]}
    assert form_answer(make_spec("matching"), [("q3_m2", "1"), ("q3_m0", "")]) == {
        "pairs": {"2": 1}
    }


@pytest.mark.parametrize("type_name", SPECS)
def test_a_form_post_of_the_correct_answer_reads_back_as_the_correct_answer(
    type_name: str,
) -> None:
    spec = make_spec(type_name)
    correct = get_question_type(spec).correct_answer(spec)
    assert form_answer(spec, _form_fields(correct)) == correct


def _form_fields(answer: dict[str, Any]) -> list[tuple[str, str]]:
    """The fields a browser without JavaScript would post for ``answer``."""
    if "choices" in answer:
        return [("q3", str(choice)) for choice in answer["choices"]]
    if "order" in answer:
        return [(f"q3_pos{item}", str(n)) for n, item in enumerate(answer["order"], 1)]
    if "pairs" in answer:
        return [(f"q3_m{left}", str(right)) for left, right in answer["pairs"].items()]
    value = next(iter(answer.values()))
    return [("q3", str(value).lower() if isinstance(value, bool) else str(value))]


@pytest.mark.parametrize(
    ("type_name", "fields", "message"),
    [
        ("single", [("q3", "abc")], "whole number"),
        ("single", [("q3", "1"), ("q3", "2")], "only one value"),
        ("single", [("q3", "9")], "does not exist"),
        ("single", [("q3", "-1")], "whole number"),
        ("multiple", [("q3", "1"), ("q3", "1")], "only once"),
        ("multiple", [("q3", "x")], "whole number"),
        ("true_false", [("q3", "maybe")], "true or false"),
        ("numeric", [("q3", "nan")], "number such as"),
        ("numeric", [("q3", "1_000")], "number such as"),
        ("numeric", [("q3", "4.5 ml")], "number such as"),
        ("numeric", [("q3", "1e999")], "finite"),
        ("ordering", [("q3_pos0", "1")], "every item a position"),
        ("ordering", [(f"q3_pos{i}", "1") for i in range(5)], "share position 1"),
        ("ordering", [(f"q3_pos{i}", str(i + 2)) for i in range(5)], "from 1 to 5"),
        ("ordering", [(f"q3_pos{i}", "first") for i in range(5)], "whole number"),
        ("matching", [("q3_m0", "right")], "whole number"),
        ("matching", [("q3_m0", "7")], "does not exist"),
    ],
)
def test_malformed_form_posts_are_refused(
    type_name: str, fields: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(InvalidAnswer, match=message):
        form_answer(make_spec(type_name), fields)


# --------------------------------------------------------------------------- no leaks


FORBIDDEN = ("correct", "answer", "tolerance", "explanation")


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


@pytest.mark.parametrize("type_name", SPECS)
def test_public_view_carries_nothing_about_correctness(type_name: str) -> None:
    spec = make_spec(type_name)
    page = json.dumps(view(spec)).lower()
    assert not _keys(json.loads(page)) & set(FORBIDDEN)
    for word in FORBIDDEN:
        assert word not in page
    assert EXPLANATION.lower() not in page
    assert "4.75" not in page and "0.25" not in page  # the numeric answer and tolerance


@pytest.mark.parametrize("type_name", SPECS)
def test_layouts_are_json_and_reproducible(type_name: str) -> None:
    spec = make_spec(type_name)
    qtype = get_question_type(spec)
    layout = qtype.make_layout(spec, random.Random(42))
    assert json.loads(json.dumps(layout)) == layout
    assert layout == qtype.make_layout(spec, random.Random(42))
    assert qtype.public_view(spec, layout) == qtype.public_view(
        spec, json.loads(json.dumps(layout))
    )


def test_shuffled_options_do_not_put_the_correct_one_in_a_fixed_place() -> None:
    spec = make_spec("single", options=_options(4, correct=1))  # authored first
    correct_id = QUESTION_TYPES["single"].correct_answer(spec)["choice"]
    places = {
        [o["id"] for o in view(spec, seed)["options"]].index(correct_id) for seed in range(200)
    }
    assert places == {0, 1, 2, 3}


def test_option_ids_do_not_reveal_the_authored_position_of_the_correct_option() -> None:
    # Authors often write the correct option first; its id must not always be 0.
    correct_ids = set()
    for n in range(50):
        spec = make_spec("single", key=f"q-{n}", options=_options(4, correct=1))
        correct_ids.add(QUESTION_TYPES["single"].correct_answer(spec)["choice"])
    assert correct_ids == {0, 1, 2, 3}


def test_ordering_is_never_shown_in_the_correct_order() -> None:
    # Three items: a plain shuffle would show the correct order once in six attempts.
    spec = make_spec("ordering", items=["Wash hands", "Glove up", "Clean scalp"])
    correct = QUESTION_TYPES["ordering"].correct_answer(spec)["order"]
    shown = [[item["id"] for item in view(spec, seed)["items"]] for seed in range(300)]
    assert correct not in shown
    assert {order[0] for order in shown} == set(correct)  # any item may come first
    assert correct != sorted(correct)  # ids are not the authored (= correct) positions


def test_matching_rights_are_never_shown_beside_their_lefts_in_order() -> None:
    spec = make_spec("matching")
    correct = QUESTION_TYPES["matching"].correct_answer(spec)["pairs"]
    in_pair_order = [correct[str(left)] for left in range(4)]
    shown = [[right["id"] for right in view(spec, seed)["rights"]] for seed in range(300)]
    assert in_pair_order not in shown
    assert [left["text"] for left in view(spec)["lefts"]] == [
        "Blowout",
        "Fading",
        "Halo",
        "Migration",
    ]


def test_shuffle_false_keeps_the_authored_option_order() -> None:
    spec = make_spec("single", shuffle=False)
    for seed in range(5):
        assert [o["text"] for o in view(spec, seed)["options"]] == [
            "The epidermis",
            "The upper dermis",
            "The fat layer",
        ]


def test_a_layout_that_does_not_fit_the_question_is_refused() -> None:
    spec = make_spec("single")
    with pytest.raises(ValueError, match="does not fit"):
        QUESTION_TYPES["single"].public_view(spec, {"options": [0, 1]})
    with pytest.raises(ValueError, match="does not fit"):
        QUESTION_TYPES["ordering"].public_view(make_spec("ordering"), {})


def test_public_views_of_each_type_have_the_fields_templates_need() -> None:
    assert view(make_spec("numeric")) == {
        "key": "t-numeric",
        "type": "numeric",
        "prompt": "Pick one",
        "unit": "ml",
    }
    assert set(view(make_spec("image_choice"))["options"][0]) == {"id", "image", "alt"}
    assert set(view(make_spec("true_false"))) == {"key", "type", "prompt"}
    assert set(view(make_spec("multiple"))["options"][0]) == {"id", "text"}
