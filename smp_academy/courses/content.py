"""Read and validate a course folder: course.yaml, lessons and figures. No Flask, no DB.

Everything is checked before anything is written; every problem is reported as
``file:line: message`` (the format is documented in content/README.md). The course's quiz and
exercises are read by their own domains (quizzes.content, practice.content).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smp_academy.core.content_files import (
    ContentReader,
    digest,
    positive,
    slug_check,
    string_list,
)
from smp_academy.core.yaml_lines import LineDict, YamlError, load_yaml
from smp_academy.courses.markdown import render_markdown

LESSON_FILE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
LEVELS = ("beginner", "intermediate", "advanced")
PREREQUISITES_MODES = ("enforced", "advisory")
#: drip release: at most a year after the trainee's start
MAX_RELEASE_DAYS = 366
FIGURE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}
MAX_FIGURE_BYTES = 2 * 1024 * 1024


@dataclass
class LessonSpec:
    slug: str
    title: str
    position: int
    reading_minutes: int
    objectives: list[str]
    body: str
    source: str = ""
    body_line: int = 1  # the file line where the Markdown body starts
    available_after_days: int = 0  # drip release, from the trainee's start
    html: str = ""
    toc: list[dict] = field(default_factory=list)
    text: str = ""

    @property
    def content_hash(self) -> str:
        return digest(
            [
                self.title,
                self.position,
                self.reading_minutes,
                self.objectives,
                self.html,
                self.available_after_days,
            ]
        )


@dataclass
class FigureSpec:
    name: str
    data: bytes
    content_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class CourseSpec:
    slug: str
    title: str
    summary: str
    level: str
    estimated_hours: float
    position: int
    prerequisites: list[str]
    prerequisites_mode: str = "enforced"  # or "advisory": the quiz and exercises open anyway
    available_after_days: int = 0  # drip release of the whole course
    lessons: list[LessonSpec] = field(default_factory=list)
    figures: dict[str, FigureSpec] = field(default_factory=dict)
    # filled by the loader (admin.content): the quiz and exercises read by their own domains
    quiz: Any = None
    exercises: list[Any] = field(default_factory=list)


def read_course(reader: ContentReader, folder: Path) -> CourseSpec | None:
    path = folder / "course.yaml"
    if not path.is_file():
        reader.problem(path, 1, "course.yaml is missing")
        return None
    data = reader.mapping(path, reader.yaml(path))
    if data is None:
        return None
    slug = reader.field(path, data, "slug", str, check=slug_check)
    if slug and slug != folder.name:
        reader.problem(path, data.line_of("slug"), f"slug '{slug}' must equal the folder name")
    level = reader.field(
        path,
        data,
        "level",
        str,
        check=lambda v: None if v in LEVELS else f"must be one of {LEVELS}",
    )
    course = CourseSpec(
        slug=slug or folder.name,
        title=reader.field(path, data, "title", str, default=""),
        summary=reader.field(path, data, "summary", str, default=""),
        level=level or "beginner",
        estimated_hours=float(
            reader.field(path, data, "estimated_hours", (int, float), check=positive, default=1)
        ),
        position=reader.field(path, data, "order", int, default=0),
        prerequisites=reader.field(
            path, data, "prerequisites", list, required=False, default=[], check=string_list
        ),
        prerequisites_mode=reader.field(
            path,
            data,
            "prerequisites_mode",
            str,
            required=False,
            default="enforced",
            check=lambda v: None if v in PREREQUISITES_MODES else "must be enforced or advisory",
        ),
        available_after_days=_release_days(reader, path, data),
    )
    course.figures = _read_figures(reader, folder / "figures")
    course.lessons = _read_lessons(reader, course, folder / "lessons")
    return course


def _release_days(reader: ContentReader, path: Path, data: LineDict) -> int:
    return reader.field(
        path,
        data,
        "available_after_days",
        int,
        required=False,
        default=0,
        check=lambda v: (
            None
            if 0 <= v <= MAX_RELEASE_DAYS
            else f"must be a whole number of days from 0 to {MAX_RELEASE_DAYS}"
        ),
    )


def _read_figures(reader: ContentReader, folder: Path) -> dict[str, FigureSpec]:
    figures: dict[str, FigureSpec] = {}
    if not folder.is_dir():
        return figures
    for path in sorted(folder.iterdir()):
        content_type = FIGURE_TYPES.get(path.suffix.lower())
        if content_type is None or not path.is_file():
            reader.problem(path, 1, f"figures must be {', '.join(FIGURE_TYPES)} files")
            continue
        data = path.read_bytes()
        if len(data) > MAX_FIGURE_BYTES:
            reader.problem(path, 1, "figure is larger than 2 MB")
        elif content_type == "image/svg+xml" and not _safe_svg(data):
            reader.problem(path, 1, "SVG must have a viewBox and no scripts or external references")
        else:
            figures[path.name] = FigureSpec(path.name, data, content_type)
    return figures


def _safe_svg(data: bytes) -> bool:
    """A viewBox, and nothing that runs or fetches: no scripts, handlers or outside links."""
    text = data.decode("utf-8", "replace").lower()
    return (
        "viewbox" in text
        and "javascript:" not in text
        and not re.search(r"<(script|foreignobject|image|iframe)\b", text)
        and not re.search(r"\son[a-z]+\s*=", text)
        and not re.search(r"href\s*=\s*[\"'](?!#)", text)
    )


def _read_lessons(reader: ContentReader, course: CourseSpec, folder: Path) -> list[LessonSpec]:
    lessons: list[LessonSpec] = []
    if not folder.is_dir():
        reader.problem(folder, 1, "a course needs a lessons/ folder")
        return lessons
    for path in sorted(folder.glob("*.md")):
        match = LESSON_FILE.match(path.name)
        if not match:
            reader.problem(path, 1, "lesson files are named NN-slug.md")
            continue
        lesson = _read_lesson(reader, path, match.group(2))
        if lesson is not None:
            lessons.append(lesson)
    if not lessons:
        reader.problem(folder, 1, "a course needs at least one lesson")
    positions = [lesson.position for lesson in lessons]
    if len(set(positions)) != len(positions):
        reader.problem(folder, 1, "two lessons share the same 'order'")
    return sorted(lessons, key=lambda lesson: lesson.position)


def _read_lesson(reader: ContentReader, path: Path, slug: str) -> LessonSpec | None:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        reader.problem(path, 1, "a lesson starts with YAML front matter between '---' lines")
        return None
    front, sep, body = text[4:].partition("\n---\n")
    if not sep:
        reader.problem(path, 1, "the front matter is not closed by a '---' line")
        return None
    try:
        data = load_yaml(front)
    except YamlError as error:
        reader.problem(path, error.line + 1, error.message)
        return None
    data = reader.mapping(path, data)
    if data is None:
        return None
    data.line += 1
    data.key_lines = {key: line + 1 for key, line in data.key_lines.items()}
    return LessonSpec(
        slug=slug,
        title=reader.field(path, data, "title", str, default=slug),
        position=reader.field(path, data, "order", int, default=0),
        reading_minutes=reader.field(path, data, "reading_minutes", int, check=positive, default=5),
        objectives=reader.field(path, data, "objectives", list, check=string_list, default=[]),
        available_after_days=_release_days(reader, path, data),
        body=body,
        source=path.name,
        body_line=text[: len(text) - len(body)].count("\n") + 1,
    )


def figure_url(course_slug: str, name: str) -> str:
    return f"/courses/{course_slug}/figures/{name}"


def lesson_url(course_slug: str, lesson_slug: str) -> str:
    return f"/courses/{course_slug}/lessons/{lesson_slug}"


def render_course(
    reader: ContentReader, root: Path, course: CourseSpec, lessons: set[tuple[str, str]]
) -> None:
    def resolve_image(src: str) -> str | None:
        path = posixpath.normpath(posixpath.join("lessons", src))
        name = path.removeprefix("figures/")
        ok = path.startswith("figures/") and name in course.figures
        return figure_url(course.slug, name) if ok else None

    def resolve_link(target: str) -> str | None:
        course_slug, _, lesson_slug = target.partition("/")
        return (
            lesson_url(course_slug, lesson_slug) if (course_slug, lesson_slug) in lessons else None
        )

    for lesson in course.lessons:
        rendered = render_markdown(lesson.body, resolve_image, resolve_link)
        lesson.html, lesson.toc, lesson.text = rendered.html, rendered.toc, rendered.text
        path = root / course.slug / "lessons" / lesson.source
        for line, message in rendered.problems:
            reader.problem(path, lesson.body_line + line - 1, message)
    for exercise in course.exercises:
        rendered = render_markdown(exercise.instructions, resolve_image, resolve_link)
        exercise.html = rendered.html
        for _, message in rendered.problems:
            reader.problem(
                root / course.slug / "exercises" / f"{exercise.slug}.yaml",
                exercise.instructions_line,
                message,
            )
