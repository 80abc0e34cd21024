"""Read and validate a course's quiz.yaml: the settings and the question bank. No Flask, no DB.

Beyond each question type's own rules, the bank is checked for what authors get wrong without
noticing: an option written as a YAML flow mapping whose text holds a comma (``{text: A, B}``
is cut at the comma and the rest becomes a stray key), two options that read the same, "all
of the above" answers, and questions that do not name the lesson that teaches their key.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from smp_academy.core.content_files import ContentReader, plain, positive, slug_check
from smp_academy.core.yaml_lines import LineDict, line_of
from smp_academy.quizzes.question_types import validate_question
from smp_academy.quizzes.settings import (
    ALL_PHASES,
    REVIEW_ITEMS,
    DrawRule,
    GradingMethod,
    QuizSettings,
    ReviewOptions,
    ReviewPhase,
)

#: the fields an option may have, by the list it sits in
OPTION_FIELDS = {"options": {"text", "correct", "image", "alt"}, "pairs": {"left", "right"}}
CATCH_ALL_OPTION = re.compile(r"^\s*(all|none|both|neither) of the (above|options)\b", re.I)
LESSON_REF = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)/([a-z0-9]+(?:-[a-z0-9]+)*)$")


@dataclass
class QuizSpec:
    slug: str
    title: str
    settings: QuizSettings
    questions: list[dict[str, Any]]
    #: (question key, "course/lesson", line) for the loader to resolve against every lesson
    lesson_refs: list[tuple[str, str, int]] = field(default_factory=list)


def read_quiz(
    reader: ContentReader, path: Path, course_slug: str, course_title: str, figures: Collection[str]
) -> QuizSpec | None:
    data = reader.mapping(path, reader.yaml(path))
    if data is None:
        return None
    settings_data = reader.field(path, data, "quiz", LineDict)
    questions = reader.field(path, data, "questions", list, default=[])
    if settings_data is None:
        return None
    settings = _settings(reader, path, settings_data)
    keys: set[str] = set()
    refs: list[tuple[str, str, int]] = []
    for question in questions:
        _check_question(reader, path, question, keys, figures, refs)
    if settings.questions_per_attempt > len(questions):
        reader.problem(
            path,
            settings_data.line_of("questions_per_attempt"),
            f"draws {settings.questions_per_attempt} questions but the bank has {len(questions)}",
        )
    _check_draw(reader, path, settings_data, settings, questions)
    return QuizSpec(
        slug=reader.field(path, settings_data, "slug", str, check=slug_check, default="")
        or f"{course_slug}-quiz",
        title=reader.field(path, settings_data, "title", str, default="") or f"{course_title} quiz",
        settings=settings,
        questions=[plain(question) for question in questions],
        lesson_refs=refs,
    )


def _settings(reader: ContentReader, path: Path, data: LineDict) -> QuizSettings:
    def optional_positive(key: str) -> int | None:
        return reader.field(path, data, key, int, required=False, check=positive)

    defaults = QuizSettings()
    closes_at = _closes_at(reader, path, data)
    method = reader.field(
        path,
        data,
        "grading_method",
        str,
        required=False,
        default=defaults.grading_method.value,
        check=lambda v: (
            None if v in set(GradingMethod) else f"must be one of {', '.join(GradingMethod)}"
        ),
    )
    draw = reader.field(path, data, "draw", list, required=False, default=[])
    return QuizSettings(
        questions_per_attempt=reader.field(
            path, data, "questions_per_attempt", int, check=positive, default=1
        ),
        draw=tuple(
            DrawRule(rule["tag"], rule["count"])
            for rule in draw
            if isinstance(rule, Mapping) and isinstance(rule.get("count"), int)
        ),
        pass_mark=reader.field(
            path,
            data,
            "pass_mark",
            (int, float),
            check=lambda v: None if 0 < v <= 100 else "must be 1-100",
            default=defaults.pass_mark,
        ),
        max_attempts=optional_positive("max_attempts"),
        cooldown_minutes=reader.field(
            path, data, "cooldown_minutes", int, required=False, default=defaults.cooldown_minutes
        ),
        time_limit_minutes=optional_positive("time_limit_minutes"),
        grading_method=GradingMethod(method),
        review=_review(reader, path, data, closes_at),
        closes_at=closes_at,
    )


LEGACY_REVIEW = {"show_correct_answers": "correct_answers", "show_explanations": "explanations"}
PHASES_HELP = f"a list of {', '.join(ALL_PHASES)} (empty: never)"


def _review(
    reader: ContentReader, path: Path, data: LineDict, closes_at: datetime | None
) -> ReviewOptions:
    """``review:``: for each item, the phases in which trainees see it (Moodle's review
    options); ``show_correct_answers``/``show_explanations: true|false`` are short forms."""
    review = reader.field(path, data, "review", LineDict, required=False, default=LineDict())
    values: dict[str, tuple[ReviewPhase, ...]] = {}
    for key, value in review.items():
        line = review.line_of(key)
        item = LEGACY_REVIEW.get(key, key)
        if item not in REVIEW_ITEMS:
            reader.problem(path, line, f"review: unknown item '{key}' ({', '.join(REVIEW_ITEMS)})")
        elif key in LEGACY_REVIEW and isinstance(value, bool):
            values[item] = ALL_PHASES if value else ()
        elif (phases := _phases(value)) is None:
            reader.problem(path, line, f"review: '{key}' must be {PHASES_HELP}")
        elif isinstance(phases, str):
            reader.problem(path, line, f"review: '{key}': {phases}")
        else:
            if phases == (ReviewPhase.AFTER_CLOSE,) and closes_at is None:
                reader.problem(
                    path, line, f"review: '{key}' shows only after the quiz closes: set closes_at"
                )
            values[item] = phases
    return ReviewOptions(**values)


def _phases(value: Any) -> tuple[ReviewPhase, ...] | str | None:
    """The phases listed, a message for "during", or None when not a list of phases."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    if "during" in value:
        return "'during' is not offered: answers are checked only when the attempt is submitted"
    if not set(value) <= set(ALL_PHASES):
        return None
    return tuple(phase for phase in ALL_PHASES if phase in value)


def _closes_at(reader: ContentReader, path: Path, data: LineDict) -> datetime | None:
    """``closes_at``: a date (the quiz closes at the end of that day, UTC) or a date and time
    with its zone; no new attempts after it, and open ones end at it."""
    value = reader.field(path, data, "closes_at", (date, str), required=False)
    if value is None:
        return None
    closes_at = _as_utc(value)
    if closes_at is None:
        reader.problem(
            path,
            data.line_of("closes_at"),
            "'closes_at' must be a date (2027-06-30) or a date and time with its zone "
            "(2027-06-30T17:00:00Z)",
        )
    return closes_at


def _as_utc(value: date | str) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo is not None else None
    return datetime.combine(value + timedelta(days=1), time(), UTC)


def _check_question(
    reader: ContentReader,
    path: Path,
    question: Any,
    keys: set[str],
    figures: Collection[str],
    refs: list[tuple[str, str, int]],
) -> None:
    if not isinstance(question, LineDict):
        reader.problem(path, 1, "each question must be a mapping")
        return
    key = question.get("key")
    for message in validate_question(plain(question)):
        reader.problem(path, question.line, f"question {key or '?'}: {message}")
    if key in keys:
        reader.problem(path, question.line_of("key"), f"duplicate question key '{key}'")
    keys.add(str(key))
    for line, message in _authoring_problems(question, figures):
        reader.problem(path, line, f"question {key}: {message}")
    lesson = question.get("lesson")
    if isinstance(lesson, str) and LESSON_REF.match(lesson):
        refs.append((str(key), lesson, question.line_of("lesson")))
    else:
        reader.problem(
            path,
            question.line_of("lesson") if lesson is not None else question.line,
            f"question {key}: name the lesson that teaches its answer "
            "(lesson: course-slug/lesson-slug)",
        )


def _authoring_problems(question: LineDict, figures: Collection[str]) -> list[tuple[int, str]]:
    """Stray option fields (a flow mapping cut at a comma), catch-all answers, figures."""
    problems = []
    for list_name, allowed in OPTION_FIELDS.items():
        for number, option in enumerate(question.get(list_name) or [], 1):
            if not isinstance(option, Mapping):
                continue
            line = line_of(option, default=question.line)
            for stray in sorted(set(option) - allowed, key=str):
                problems.append(
                    (
                        line,
                        f"{list_name[:-1]} {number} has an unknown field '{stray}': a text with "
                        "a comma or colon inside {…} is cut there; quote the text or write the "
                        "option in block style",
                    )
                )
            text = option.get("text")
            if isinstance(text, str) and CATCH_ALL_OPTION.match(text):
                problems.append((line, f"option {number}: write one best answer, not '{text}'"))
            image = option.get("image")
            if image and (
                not str(image).startswith("figures/") or posixpath.basename(image) not in figures
            ):
                problems.append((line, f"image not found: {image}"))
    return problems


def _check_draw(
    reader: ContentReader, path: Path, data: LineDict, settings: QuizSettings, questions: list
) -> None:
    tags: dict[str, int] = {}
    for question in questions:
        for tag in question.get("tags") or [] if isinstance(question, dict) else []:
            tags[tag] = tags.get(tag, 0) + 1
    rules = data.get("draw") or []
    for rule in rules:
        tag, count = (rule.get("tag"), rule.get("count")) if isinstance(rule, dict) else (None, 0)
        if not isinstance(count, int) or count < 1 or tag not in tags:
            reader.problem(path, data.line_of("draw"), f"draw rule {rule}: unknown tag or count")
        elif count > tags[tag]:
            reader.problem(
                path,
                data.line_of("draw"),
                f"draw rule asks {count} '{tag}' questions but the bank has {tags[tag]}",
            )
    if sum(rule.count for rule in settings.draw) > settings.questions_per_attempt:
        reader.problem(
            path,
            data.line_of("draw"),
            "draw rules ask for more questions than questions_per_attempt",
        )
