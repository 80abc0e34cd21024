"""Helpers of the curriculum tests: synthetic courses written straight to the database (fast),
small valid content trees for ``content sync``, row counts and a ``content sync`` runner."""

from __future__ import annotations

import itertools
import shutil
import textwrap
from pathlib import Path

from click.testing import Result
from flask import Flask
from sqlalchemy import func, inspect, select

from smp_academy.auth.models import User
from smp_academy.core.clock import now_utc
from smp_academy.courses.models import Course, Lesson, LessonProgress
from smp_academy.extensions import db

ROOT = Path(__file__).resolve().parents[2]
REAL_CONTENT = ROOT / "content"
_counter = itertools.count(1)

LESSON_BODY = """\
## Introduction

This lesson about {topic} explains the {word} idea in plain words.

### Details

A second section so the table of contents has two levels.

## Summary

- One point about {topic}.

## Sources

- https://example.org/{topic}
"""


def course(
    title: str | None = None,
    *,
    lessons: int = 3,
    slug: str | None = None,
    position: int | None = None,
    prerequisites: list[str] | None = None,
    word: str = "pigment",
) -> Course:
    """A published course with ``lessons`` lessons (rendered HTML included), as sync stores it."""
    n = next(_counter)
    row = Course(
        slug=slug or f"synthetic-{n}",
        title=title or f"Synthetic course {n}",
        summary=f"Summary of synthetic course {n}.",
        level="beginner",
        estimated_hours=2,
        position=n if position is None else position,
        prerequisite_slugs=prerequisites or [],
        is_published=True,
        content_hash=f"hash-{n}",
    )
    db.session.add(row)
    db.session.flush()
    for i in range(1, lessons + 1):
        db.session.add(
            Lesson(
                course_id=row.id,
                slug=f"lesson-{i}",
                title=f"Lesson {i} of {row.title}",
                position=i,
                reading_minutes=5,
                objectives=[f"Objective of lesson {i}"],
                body_html=(
                    f'<h2 id="introduction">Introduction</h2><p>Body {i} about {word}.</p>'
                    '<h3 id="details">Details</h3><p>More.</p>'
                ),
                toc=[
                    {"level": 2, "title": "Introduction", "anchor": "introduction"},
                    {"level": 3, "title": "Details", "anchor": "details"},
                ],
                search_text=f"Lesson {i} body about {word} number{n}x{i}",
                content_hash=f"lesson-hash-{n}-{i}",
            )
        )
    db.session.flush()
    return row


def lessons_of(course_row: Course) -> list[Lesson]:
    return list(
        db.session.scalars(
            select(Lesson).where(Lesson.course_id == course_row.id).order_by(Lesson.position)
        )
    )


def complete(user: User, lessons: list[Lesson]) -> None:
    """Mark ``lessons`` completed by ``user`` directly in the database."""
    for lesson in lessons:
        db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, completed_at=now_utc()))
    db.session.flush()


def row_counts() -> dict[str, int]:
    """Rows per table, to show that a refused sync wrote nothing."""
    existing = set(inspect(db.session.connection()).get_table_names())
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name in existing  # a model being written may not have its migration yet
    }


def sync(app: Flask, path: Path) -> Result:
    """Run ``flask content sync --path PATH`` in the test's transaction."""
    return app.test_cli_runner().invoke(args=["content", "sync", "--path", str(path)])


def copy_real_content(destination: Path) -> Path:
    """A copy of the repository's content/ to break or edit."""
    target = destination / "content"
    shutil.copytree(REAL_CONTENT, target)
    return target


# --------------------------------------------------------------------------- small trees

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>{name}</title>'
    '<rect width="10" height="10" fill="#888"/></svg>\n'
)

QUIZ_YAML = """\
quiz:
  slug: {slug}-quiz
  title: {title} quiz
  questions_per_attempt: 2
  pass_mark: 80
questions:
  - key: {slug}-q1
    type: single
    prompt: Which layer does SMP pigment target?
    difficulty: easy
    tags: [anatomy]
    explanation: The papillary dermis holds pigment without spreading.
    lesson: {slug}/first-steps
    options:
      - {{text: The papillary dermis, correct: true}}
      - {{text: The epidermis}}
  - key: {slug}-q2
    type: true_false
    prompt: Needles are single-use.
    difficulty: easy
    tags: [hygiene]
    explanation: A used needle carries blood.
    lesson: {slug}/first-steps
    answer: true
"""


def write_course(
    root: Path,
    slug: str,
    *,
    lessons: tuple[str, ...] = ("first-steps", "next-steps"),
    prerequisites: tuple[str, ...] = (),
    quiz: bool = True,
) -> Path:
    """A small valid course folder under ``root``: lessons with a figure, a TOC and a quiz."""
    folder = root / slug
    (folder / "lessons").mkdir(parents=True)
    (folder / "figures").mkdir()
    title = slug.replace("-", " ").title()
    (folder / "course.yaml").write_text(
        textwrap.dedent(
            f"""\
            slug: {slug}
            title: {title}
            summary: A small course for tests.
            level: beginner
            estimated_hours: 1
            order: {len(list(root.iterdir()))}
            prerequisites: [{", ".join(prerequisites)}]
            """
        )
    )
    (folder / "figures" / "diagram.svg").write_text(SVG.format(name="diagram"))
    for position, lesson in enumerate(lessons, start=1):
        write_lesson(folder, position, lesson)
    if quiz:
        (folder / "quiz.yaml").write_text(QUIZ_YAML.format(slug=slug, title=title))
    return folder


def write_lesson(folder: Path, position: int, slug: str, extra: str = "") -> Path:
    path = folder / "lessons" / f"{position:02d}-{slug}.md"
    path.write_text(
        "---\n"
        f"title: {slug.replace('-', ' ').capitalize()}\n"
        f"order: {position}\n"
        "reading_minutes: 3\n"
        "objectives:\n  - Know the basics.\n"
        "---\n\n"
        "![A diagram](../figures/diagram.svg)\n\n"
        + extra
        + LESSON_BODY.format(topic=slug, word="dermis")
    )
    return path


def write_tree(root: Path, *slugs: str) -> Path:
    """A content tree with the courses ``slugs`` and an empty certifications file."""
    root.mkdir(parents=True, exist_ok=True)
    for slug in slugs or ("alpha-course",):
        write_course(root, slug)
    (root / "certifications.yaml").write_text("certifications: []\n")
    return root
