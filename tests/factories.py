"""Plain factory functions for test data; they flush, the test's transaction rolls back."""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import delete, func, inspect, select

from smp_academy.auth import services as accounts
from smp_academy.auth.models import User
from smp_academy.core.roles import Role
from smp_academy.courses.models import Cohort, CohortMember, Course
from smp_academy.extensions import db
from smp_academy.quizzes import services as quizzes
from smp_academy.quizzes.models import Attempt, Question, QuestionVersion, Quiz
from smp_academy.quizzes.question_types import get_question_type, validate_question

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def user(role: str = "trainee", name: str | None = None, email: str | None = None) -> User:
    n = next(_counter)
    return accounts.create_user(
        email or f"user{n}@example.com", name or f"User {n}", PASSWORD, Role(role)
    )


# --------------------------------------------------------------------------- quizzes

# One small question of each type. Explanations start with "Because" so a test can look for
# any of them in a page; choice questions have their correct option written first, as authors do.
QUESTION_BANK: list[dict[str, Any]] = [
    {
        "key": "t-single",
        "type": "single",
        "prompt": "Which virus survives longest in dried blood?",
        "difficulty": "easy",
        "tags": ["pathogens"],
        "explanation": "Because hepatitis B stays infectious on surfaces for days.",
        "options": [
            {"text": "Hepatitis B", "correct": True},
            {"text": "HIV"},
            {"text": "Influenza"},
        ],
    },
    {
        "key": "t-multiple",
        "type": "multiple",
        "prompt": "Which items are single-use?",
        "difficulty": "medium",
        "tags": ["sharps"],
        "explanation": "Because needles and cartridges touch blood, they are never reused.",
        "options": [
            {"text": "Needle cartridge", "correct": True},
            {"text": "Ink cap", "correct": True},
            {"text": "Machine grip cover"},
            {"text": "Client chair"},
        ],
    },
    {
        "key": "t-true-false",
        "type": "true_false",
        "prompt": "Gloves are changed between clients.",
        "difficulty": "easy",
        "tags": ["hand-hygiene"],
        "explanation": "Because gloves carry contamination from one client to the next.",
        "answer": True,
    },
    {
        "key": "t-numeric",
        "type": "numeric",
        "prompt": "How many ml of concentrate go into 100 ml of a 2.5 % solution?",
        "difficulty": "medium",
        "tags": ["sharps"],
        "explanation": "Because 2.5 % of 100 ml is 2.5 ml.",
        "answer": 2.5,
        "tolerance": 0.1,
        "unit": "ml",
    },
    {
        "key": "t-ordering",
        "type": "ordering",
        "prompt": "Put the hand-washing steps in order.",
        "difficulty": "hard",
        "tags": ["hand-hygiene"],
        "explanation": "Because rinsing comes after lathering and drying comes last.",
        "items": ["Wet hands", "Apply soap", "Lather for 20 seconds", "Rinse", "Dry"],
    },
    {
        "key": "t-matching",
        "type": "matching",
        "prompt": "Match each waste to its container.",
        "difficulty": "medium",
        "tags": ["waste"],
        "explanation": "Because each waste stream has its own regulated container.",
        "pairs": [
            {"left": "Used needle", "right": "Sharps bin"},
            {"left": "Bloody gauze", "right": "Clinical waste bag"},
            {"left": "Paper towel", "right": "Household bin"},
            {"left": "Empty ink bottle", "right": "Recycling"},
        ],
    },
    {
        "key": "t-image",
        "type": "image_choice",
        "prompt": "Which hairline is age-appropriate for a 50-year-old?",
        "difficulty": "hard",
        "tags": ["design"],
        "explanation": "Because a mature hairline sits higher and is softly irregular.",
        "options": [
            {
                "image": "figures/hairline-a.svg",
                "alt": "A soft, slightly receded hairline",
                "correct": True,
            },
            {"image": "figures/hairline-b.svg", "alt": "A straight, low juvenile hairline"},
            {"image": "figures/hairline-c.svg", "alt": "A sharp widow's peak"},
        ],
    },
]

QUIZ_DEFAULTS: dict[str, Any] = {
    "questions_per_attempt": None,  # None: the whole bank
    "draw": [],
    "pass_mark": 80,
    "max_attempts": None,
    "cooldown_minutes": 0,
    "time_limit_minutes": None,
    "grading_method": "highest",
    "review": {"show_correct_answers": True, "show_explanations": True},
}


def question_bank(*keys: str) -> list[dict[str, Any]]:
    """Fresh copies of the test bank's questions (all of them, or those with ``keys``)."""
    return [copy.deepcopy(q) for q in QUESTION_BANK if not keys or q["key"] in keys]


def quiz(questions: list[dict[str, Any]] | None = None, **settings: Any) -> Quiz:
    """A course with a quiz whose bank holds ``questions`` (default: one of each type), each
    at version 1, the way ``content sync`` stores them; ``settings`` override QUIZ_DEFAULTS."""
    n = next(_counter)
    specs = question_bank() if questions is None else questions
    course = Course(slug=f"course-{n}", title=f"Course {n}", level="foundation", estimated_hours=1)
    db.session.add(course)
    db.session.flush()
    merged = QUIZ_DEFAULTS | settings
    merged["questions_per_attempt"] = merged["questions_per_attempt"] or len(specs)
    row = Quiz(slug=f"quiz-{n}", course_id=course.id, title=f"Quiz {n}", settings=merged)
    db.session.add(row)
    db.session.flush()
    for spec in specs:
        assert not validate_question(spec), validate_question(spec)
        add_question_version(row, spec)
    db.session.flush()
    return row


def add_question_version(quiz: Quiz, spec: dict[str, Any]) -> QuestionVersion:
    """The next version of the question with ``spec["key"]`` (a new question if unknown)."""
    question = db.session.scalar(select(Question).filter_by(quiz_id=quiz.id, key=spec["key"]))
    if question is None:
        question = Question(quiz_id=quiz.id, key=spec["key"], current_version=0)
        db.session.add(question)
        db.session.flush()
    question.current_version += 1
    version = QuestionVersion(
        question_id=question.id,
        version=question.current_version,
        spec=spec,
        content_hash=hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest(),
    )
    db.session.add(version)
    db.session.flush()
    return version


def correct_answer(spec: dict[str, Any]) -> dict[str, Any]:
    """The full-credit answer in the JSON shape the browser sends."""
    return get_question_type(spec).correct_answer(spec)


def wrong_answer(spec: dict[str, Any]) -> dict[str, Any]:
    """An answer that earns no credit, in the JSON shape the browser sends."""
    right = correct_answer(spec)
    kind = spec["type"]
    if kind in ("single", "image_choice"):
        return {"choice": (right["choice"] + 1) % len(spec["options"])}
    if kind == "multiple":
        wrong = [i for i in range(len(spec["options"])) if i not in right["choices"]]
        return {"choices": wrong}
    if kind == "true_false":
        return {"value": not right["value"]}
    if kind == "numeric":
        return {"value": right["value"] + 10 * (spec["tolerance"] + 1)}
    if kind == "ordering":
        return {"order": right["order"][::-1]}
    pairs = right["pairs"]  # matching: every left gets its neighbour's right
    rights = [pairs[str(i)] for i in range(len(pairs))]
    return {"pairs": {str(i): rights[(i + 1) % len(rights)] for i in range(len(rights))}}


def attempt(
    trainee: User, quiz: Quiz, *, right: set[str] | None = None, submit: bool = True
) -> Attempt:
    """An attempt with every question answered: correctly when its key is in ``right`` (all
    when None), wrongly otherwise; submitted unless ``submit`` is False."""
    row = quizzes.start_attempt(trainee, quiz)
    for slot, version in enumerate(quizzes.slot_versions(row)):
        is_right = right is None or version.spec["key"] in right
        answer = correct_answer(version.spec) if is_right else wrong_answer(version.spec)
        quizzes.save_answer(trainee, row, slot, answer)
    if submit:
        assert quizzes.submit_attempt(row)
    db.session.flush()  # grading changes rows in memory; the next request must see them
    return row


def cohort(
    name: str | None = None,
    *,
    trainees: tuple[User, ...] | list[User] = (),
    instructors: tuple[User, ...] | list[User] = (),
) -> Cohort:
    row = Cohort(name=name or f"Cohort {next(_counter)}")
    db.session.add(row)
    db.session.flush()
    for member, role in [(u, "trainee") for u in trainees] + [
        (u, "instructor") for u in instructors
    ]:
        db.session.add(CohortMember(cohort_id=row.id, user_id=member.id, role=role))
    db.session.flush()
    return row


# --------------------------------------------------------------------------- committed data


@contextmanager
def removed_afterwards() -> Iterator[None]:
    """For tests that must commit (a live server, concurrent connections): every row added to
    any table inside the block is deleted at its end, children first, so the database is left
    as empty as the rolled-back tests expect. Every table has an integer ``id``."""
    existing = set(inspect(db.session.connection()).get_table_names())
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name in existing]
    before = {t.name: db.session.scalar(select(func.max(t.c.id))) or 0 for t in tables}
    db.session.commit()
    try:
        yield
    finally:
        db.session.rollback()
        for table in tables:
            db.session.execute(delete(table).where(table.c.id > before[table.name]))
        db.session.commit()
