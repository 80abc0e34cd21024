"""Content sync refuses what used to break silently in a question bank, at the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from smp_academy.extensions import db
from smp_academy.quizzes.models import Quiz
from tests.courses import helpers


def _broken_bank(tmp_path: Path, old: str, new: str) -> Path:
    root = helpers.write_tree(tmp_path / "content", "alpha-course")
    quiz = root / "alpha-course" / "quiz.yaml"
    text = quiz.read_text()
    assert old in text
    quiz.write_text(text.replace(old, new, 1))
    return root


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "{text: The epidermis}",
            "{text: The epidermis, which renews itself}",
            16,
            "option 2 has an unknown field 'which renews itself'",
        ),
        ("{text: The epidermis}", "{text: All of the above}", 16, "write one best answer"),
        (
            "    lesson: alpha-course/first-steps\n    options:",
            "    options:",
            7,
            "name the lesson that teaches its answer",
        ),
        (
            "lesson: alpha-course/first-steps\n    answer",
            "lesson: alpha-course/no-such-lesson\n    answer",
            23,
            "no lesson 'alpha-course/no-such-lesson'",
        ),
    ],
    ids=["flow mapping cut at a comma", "catch-all answer", "no lesson", "unknown lesson"],
)
def test_sync_refuses_the_bank_and_names_the_line(app, tmp_path, old, new, line, message):
    root = _broken_bank(tmp_path, old, new)
    result = helpers.sync(app, root)
    assert result.exit_code == 2
    assert f"alpha-course/quiz.yaml:{line}: question alpha-course-q" in result.stderr
    assert message in result.stderr
    assert db.session.scalar(select(Quiz)) is None  # nothing written
