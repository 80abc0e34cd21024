"""``flask content sync``: broken content is refused whole, updates keep learners' records."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from smp_academy.courses.models import Course, Lesson, LessonProgress
from smp_academy.extensions import db
from smp_academy.quizzes.models import Attempt, Question, QuestionVersion, Quiz
from tests import factories
from tests.courses import helpers
from tests.courses.test_content import COURSES

PROBLEM_LINE = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+): (?P<message>.+)$")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _bad_yaml(root: Path) -> tuple[str, int | None, str]:
    path = root / "smp-foundations" / "course.yaml"
    _replace(path, "level: beginner", "level: [beginner")
    return "content/smp-foundations/course.yaml", None, "invalid YAML"


def _missing_field(root: Path) -> tuple[str, int | None, str]:
    _replace(root / "pigment-science" / "course.yaml", "title: ", "heading: ")
    return "content/pigment-science/course.yaml", 1, "missing field 'title'"


def _unknown_prerequisite(root: Path) -> tuple[str, int | None, str]:
    path = root / "hairline-design" / "course.yaml"
    text = re.sub(r"(?m)^prerequisites:.*$", "prerequisites: [no-such-course]", path.read_text())
    path.write_text(text)
    return "content/hairline-design/course.yaml", 1, "unknown prerequisite 'no-such-course'"


def _unknown_certification_quiz(root: Path) -> tuple[str, int | None, str]:
    path = root / "certifications.yaml"
    line = path.read_text().splitlines().index("      - quiz: hygiene-infection-control-quiz") + 1
    _replace(path, "- quiz: hygiene-infection-control-quiz", "- quiz: nope-quiz")
    return "content/certifications.yaml", line, "needs unknown quiz 'nope-quiz'"


def _missing_image(root: Path) -> tuple[str, int | None, str]:
    path = root / "smp-foundations" / "lessons" / "01-what-smp-is.md"
    path.write_text(path.read_text() + "\n![Gone](../figures/no-such-figure.svg)\n")
    return (
        "content/smp-foundations/lessons/01-what-smp-is.md",
        None,
        "image not found: ../figures/no-such-figure.svg",
    )


def _broken_lesson_link(root: Path) -> tuple[str, int | None, str]:
    path = root / "dot-technique" / "lessons" / "02-machines-and-settings.md"
    path.write_text(path.read_text() + "\nSee [this](lesson:dot-technique/no-such-lesson).\n")
    return (
        "content/dot-technique/lessons/02-machines-and-settings.md",
        None,
        "link to an unknown lesson: lesson:dot-technique/no-such-lesson",
    )


def _invalid_question(root: Path) -> tuple[str, int | None, str]:
    path = root / "hygiene-infection-control" / "quiz.yaml"
    text = path.read_text()
    first_type = re.search(r"(?m)^    type: single$", text)
    assert first_type
    path.write_text(text[: first_type.start()] + "    type: essay" + text[first_type.end() :])
    key_line = max(
        i
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if line.startswith("  - key:") and i < _line_of(path, "type: essay")
    )
    return "content/hygiene-infection-control/quiz.yaml", key_line, "unknown question type 'essay'"


@pytest.mark.parametrize(
    "breakage",
    [
        _bad_yaml,
        _missing_field,
        _unknown_prerequisite,
        _unknown_certification_quiz,
        _missing_image,
        _broken_lesson_link,
        _invalid_question,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_invalid_content_is_reported_and_nothing_is_written(app, tmp_path, breakage):
    helpers.course("Already there")  # the database is not empty: nothing may change
    db.session.commit()  # (a savepoint: the test's transaction is still rolled back)
    root = helpers.copy_real_content(tmp_path)
    expected_path, expected_line, expected_message = breakage(root)
    before = helpers.row_counts()

    result = helpers.sync(app, root)

    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: content is invalid") and "nothing was written" in lines[-1]
    problems = [PROBLEM_LINE.match(line) for line in lines[:-1]]
    assert problems and all(problems), lines
    relevant = [p for p in problems if expected_message in p["message"]]
    assert relevant, lines
    assert relevant[0]["path"].endswith(expected_path)
    if expected_line is not None:
        assert int(relevant[0]["line"]) == expected_line
    assert "Traceback" not in result.output
    assert len([p for p in problems if p["path"] == relevant[0]["path"]]) == 1  # no echoes
    assert helpers.row_counts() == before


def test_a_missing_content_folder_is_bad_input(app, tmp_path):
    result = helpers.sync(app, tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "content folder not found" in result.stderr


def test_second_sync_of_the_real_content_changes_nothing(app):
    first = helpers.sync(app, helpers.REAL_CONTENT)
    assert first.exit_code == 0, first.stderr
    assert f"courses         {len(COURSES)} created" in first.stdout
    counts = helpers.row_counts()

    second = helpers.sync(app, helpers.REAL_CONTENT)

    assert second.exit_code == 0, second.stderr
    report = second.stdout.splitlines()[1:]
    assert len(report) == 7, second.stdout
    assert all(re.fullmatch(r"\s+\w+\s+\d+ unchanged", line) for line in report), second.stdout
    assert helpers.row_counts() == counts


def _question(key: str) -> Question:
    return db.session.scalar(select(Question).where(Question.key == key))


def test_editing_a_question_creates_a_version_and_old_attempts_keep_theirs(app, tmp_path):
    root = helpers.write_tree(tmp_path / "content", "alpha-course")
    assert helpers.sync(app, root).exit_code == 0
    question = _question("alpha-course-q1")
    v1 = db.session.scalar(select(QuestionVersion).filter_by(question_id=question.id, version=1))
    trainee = factories.user()
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "alpha-course-quiz"))
    attempt = Attempt(
        quiz_id=quiz.id, user_id=trainee.id, number=1, slots=[{"version_id": v1.id, "layout": {}}]
    )
    db.session.add(attempt)
    db.session.flush()

    _replace(
        root / "alpha-course" / "quiz.yaml",
        "Which layer does SMP pigment target?",
        "Which skin layer should SMP pigment reach?",
    )
    result = helpers.sync(app, root)

    assert result.exit_code == 0, result.stderr
    assert "questions       1 updated, 1 unchanged" in result.stdout
    question = _question("alpha-course-q1")
    versions = db.session.scalars(
        select(QuestionVersion).filter_by(question_id=question.id).order_by(QuestionVersion.version)
    ).all()
    assert question.current_version == 2
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].spec["prompt"] == "Which layer does SMP pigment target?"
    assert versions[1].spec["prompt"] == "Which skin layer should SMP pigment reach?"
    assert db.session.get(Attempt, attempt.id).slots[0]["version_id"] == v1.id
    assert _question("alpha-course-q2").current_version == 1


def test_removing_a_lesson_retires_it_and_keeps_progress(app, tmp_path, client, login):
    root = helpers.write_tree(tmp_path / "content", "alpha-course")
    helpers.write_lesson(root / "alpha-course", 3, "third-steps")
    assert helpers.sync(app, root).exit_code == 0
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "third-steps"))
    trainee = factories.user()
    helpers.complete(trainee, [lesson])

    (root / "alpha-course" / "lessons" / "03-third-steps.md").unlink()
    result = helpers.sync(app, root)

    assert result.exit_code == 0, result.stderr
    assert "lessons         2 unchanged, 1 retired" in result.stdout
    assert db.session.get(Lesson, lesson.id).is_retired
    progress = db.session.scalars(select(LessonProgress).filter_by(lesson_id=lesson.id)).all()
    assert [p.user_id for p in progress] == [trainee.id]
    login(trainee)
    page = client.get("/courses/alpha-course").get_data(as_text=True)
    assert "Third steps" not in page and "0 of 2 lessons done" in page
    assert client.get("/courses/alpha-course/lessons/third-steps").status_code == 404

    helpers.write_lesson(root / "alpha-course", 3, "third-steps")  # it comes back, same row
    assert "1 updated" in helpers.sync(app, root).stdout
    assert not db.session.get(Lesson, lesson.id).is_retired


def test_a_course_removed_from_content_is_unpublished_not_deleted(app, tmp_path):
    root = helpers.write_tree(tmp_path / "content", "alpha-course", "beta-course")
    assert helpers.sync(app, root).exit_code == 0
    for path in sorted((root / "beta-course").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (root / "beta-course").rmdir()

    assert helpers.sync(app, root).exit_code == 0

    beta = db.session.scalar(select(Course).where(Course.slug == "beta-course"))
    assert beta is not None and not beta.is_published
    assert db.session.scalar(select(Lesson).where(Lesson.course_id == beta.id)) is not None


def test_prerequisite_mode_and_drip_release_are_written(app, tmp_path):
    root = helpers.write_tree(tmp_path / "content", "alpha-course")
    course_yaml = root / "alpha-course" / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text() + "prerequisites_mode: advisory\navailable_after_days: 7\n"
    )
    lesson = root / "alpha-course" / "lessons" / "02-next-steps.md"
    lesson.write_text(
        lesson.read_text().replace("order: 2\n", "order: 2\navailable_after_days: 3\n")
    )
    assert helpers.sync(app, root).exit_code == 0
    course = db.session.scalar(select(Course).where(Course.slug == "alpha-course"))
    assert (course.prerequisites_mode, course.available_after_days) == ("advisory", 7)
    days = db.session.scalar(select(Lesson.available_after_days).where(Lesson.slug == "next-steps"))
    assert days == 3
