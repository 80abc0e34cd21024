"""Instructor reports: quiz and item statistics, and CSV results per cohort."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from smp_academy.auth.models import User
from smp_academy.extensions import db
from smp_academy.quizzes.models import Attempt, AttemptAnswer, AttemptStatus, QuestionVersion, Quiz
from smp_academy.quizzes.question_types import get_question_type
from smp_academy.quizzes.services import graded_score
from smp_academy.quizzes.statistics import (
    AttemptRecord,
    ItemStats,
    QuizSummary,
    item_statistics,
    quiz_summary,
)


@dataclass(frozen=True)
class QuizReport:
    summary: QuizSummary
    items: list[ItemStats]
    prompts: dict[str, str]


def _submitted_attempts(quiz: Quiz, trainees: Select | None) -> list[Attempt]:
    """Submitted attempts of the trainees in scope (a subquery of ids; None: everyone)."""
    stmt = select(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.status == AttemptStatus.SUBMITTED
    )
    if trainees is not None:
        stmt = stmt.where(Attempt.user_id.in_(trainees))
    return list(db.session.scalars(stmt.order_by(Attempt.id)))


def quiz_report(quiz: Quiz, trainees: Select | None = None) -> QuizReport:
    """Statistics over submitted attempts, in three queries whatever the number of attempts."""
    attempts = _submitted_attempts(quiz, trainees)
    version_ids = {slot["version_id"] for a in attempts for slot in a.slots}
    versions = (
        {
            v.id: v
            for v in db.session.scalars(
                select(QuestionVersion).where(QuestionVersion.id.in_(version_ids))
            )
        }
        if attempts
        else {}
    )
    answers: dict[int, dict[int, AttemptAnswer]] = defaultdict(dict)
    if attempts:
        for row in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id.in_([a.id for a in attempts]))
        ):
            answers[row.attempt_id][row.slot] = row
    records = [_record(a, versions, answers[a.id]) for a in attempts]
    option_keys = {
        v.spec["key"]: get_question_type(v.spec).option_keys(v.spec) for v in versions.values()
    }
    prompts = {v.spec["key"]: v.spec["prompt"] for v in versions.values()}
    return QuizReport(quiz_summary(records), item_statistics(records, option_keys), prompts)


def _record(
    attempt: Attempt, versions: dict[int, QuestionVersion], answers: dict[int, AttemptAnswer]
) -> AttemptRecord:
    item_scores: dict[str, float] = {}
    chosen: dict[str, list[str]] = {}
    for slot, entry in enumerate(attempt.slots):
        spec = versions[entry["version_id"]].spec
        row = answers.get(slot)
        item_scores[spec["key"]] = row.score if row and row.score is not None else 0.0
        chosen[spec["key"]] = get_question_type(spec).chosen_keys(spec, row.answer) if row else []
    duration = (attempt.submitted_at - attempt.started_at).total_seconds()
    return AttemptRecord(
        attempt.id, attempt.score or 0.0, duration, bool(attempt.passed), item_scores, chosen
    )


CSV_HEADER = [
    "name",
    "email",
    "attempts",
    "grade_percent",
    "best_percent",
    "passed",
    "last_submitted_at",
]


def results_csv(quiz: Quiz, trainees: Select | None) -> str:
    """One row per trainee: attempts, the grade by the quiz's method, passed or not."""
    attempts = _submitted_attempts(quiz, trainees)
    users = (
        {
            u.id: u
            for u in db.session.scalars(
                select(User).where(User.id.in_({a.user_id for a in attempts}))
            )
        }
        if attempts
        else {}
    )
    by_user: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_user[attempt.user_id].append(attempt)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    method = quiz.config.grading_method
    for user_id, rows in sorted(by_user.items(), key=lambda item: users[item[0]].name):
        writer.writerow(_csv_row(users[user_id], rows, method))
    return out.getvalue()


def _csv_row(user: User, attempts: list[Attempt], method: str) -> list[Any]:
    grade = graded_score(attempts, method) or 0.0
    best = max(a.score or 0.0 for a in attempts)
    last = max(a.submitted_at for a in attempts)
    return [
        _safe_cell(user.name),
        user.email,
        len(attempts),
        round(grade * 100, 1),
        round(best * 100, 1),
        "yes" if any(a.passed for a in attempts) else "no",
        last.strftime("%Y-%m-%d %H:%M"),
    ]


def _safe_cell(value: str) -> str:
    """Stop spreadsheet formula injection from names that start with = + - @."""
    return f"'{value}" if value[:1] in {"=", "+", "-", "@"} else value
