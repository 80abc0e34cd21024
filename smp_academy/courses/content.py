"""Parse and validate the curriculum in content/ into plain dataclasses. No Flask, no DB.

Everything is checked before anything is written; every problem is reported as
``file:line: message`` (the format is documented in content/README.md).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smp_academy.courses.markdown import render_markdown
from smp_academy.courses.yaml_lines import LineDict, YamlError, line_of, load_yaml
from smp_academy.quizzes.question_types import validate_question

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LESSON_FILE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
LEVELS = ("beginner", "intermediate", "advanced")
GRADING_METHODS = ("highest", "latest", "average", "first")
SINGULAR = {"courses": "course", "quizzes": "quiz", "exercises": "exercise"}
FIGURE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}
MAX_FIGURE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class ContentProblem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentInvalid(Exception):
    def __init__(self, problems: list[ContentProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in content")
        self.problems = problems


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
    html: str = ""
    toc: list[dict] = field(default_factory=list)
    text: str = ""

    @property
    def content_hash(self) -> str:
        return digest([self.title, self.position, self.reading_minutes, self.objectives, self.html])


@dataclass
class FigureSpec:
    name: str
    data: bytes
    content_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class QuizSpec:
    slug: str
    title: str
    settings: dict[str, Any]
    questions: list[dict[str, Any]]


@dataclass
class ExerciseSpec:
    slug: str
    title: str
    position: int
    instructions: str
    spec: dict[str, Any]  # photos, target, rubric, pass_rule
    html: str = ""
    instructions_line: int = 1


@dataclass
class CourseSpec:
    slug: str
    title: str
    summary: str
    level: str
    estimated_hours: float
    position: int
    prerequisites: list[str]
    lessons: list[LessonSpec] = field(default_factory=list)
    figures: dict[str, FigureSpec] = field(default_factory=dict)
    quiz: QuizSpec | None = None
    exercises: list[ExerciseSpec] = field(default_factory=list)


@dataclass
class CertificationSpec:
    slug: str
    title: str
    description: str
    validity_months: int | None
    requires: dict[str, list[str]]
    renewal: dict[str, list[str]]


@dataclass
class ContentBundle:
    courses: list[CourseSpec]
    certifications: list[CertificationSpec]


def digest(value: Any) -> str:
    """A stable fingerprint of plain data: what sync compares to tell a change."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


_UNREADABLE = object()


class _Reader:
    """Collects problems while reading one content tree."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[ContentProblem] = []

    def problem(self, path: Path, line: int, message: str) -> None:
        self.problems.append(ContentProblem(self._rel(path), line, message))

    def _rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def yaml(self, path: Path) -> Any:
        try:
            return load_yaml(path.read_text(encoding="utf-8"))
        except YamlError as error:
            self.problem(path, error.line, error.message)
        except (OSError, UnicodeDecodeError) as error:
            self.problem(path, 1, f"cannot read the file: {error}")
        return _UNREADABLE

    def mapping(self, path: Path, data: Any) -> LineDict | None:
        if data is _UNREADABLE:  # already reported: no second, vaguer problem
            return None
        if not isinstance(data, LineDict):
            self.problem(path, 1, "expected a mapping of fields")
            return None
        return data

    def field(
        self,
        path: Path,
        data: LineDict,
        key: str,
        kind: type | tuple,
        *,
        required: bool = True,
        default: Any = None,
        check: Callable[[Any], str | None] | None = None,
    ) -> Any:
        """``data[key]`` if present and of ``kind`` (and passing ``check``), else a problem."""
        if key not in data or data[key] is None:
            if required:
                self.problem(path, data.line, f"missing field '{key}'")
            return default
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            self.problem(path, data.line_of(key), f"'{key}' must be {names}")
            return default
        message = check(value) if check else None
        if message:
            self.problem(path, data.line_of(key), f"'{key}' {message}")
            return default
        return value


def _slug_check(value: str) -> str | None:
    return None if SLUG.match(value) else "must be lowercase letters, digits and dashes"


def _positive(value: float) -> str | None:
    return None if value > 0 else "must be positive"


def _string_list(value: list) -> str | None:
    return (
        None
        if all(isinstance(item, str) and item.strip() for item in value)
        else ("must be a list of non-empty strings")
    )


def load_content(root: Path) -> ContentBundle:
    """Read and validate the whole tree; raise ContentInvalid listing every problem."""
    reader = _Reader(root)
    if not root.is_dir():
        raise ContentInvalid([ContentProblem(str(root), 1, "content folder not found")])
    courses = [
        course
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        if (course := _read_course(reader, folder)) is not None
    ]
    certifications = _read_certifications(reader, root / "certifications.yaml")
    _check_cross_references(reader, root, courses, certifications)
    if reader.problems:
        raise ContentInvalid(reader.problems)
    return ContentBundle(courses, certifications)


def _read_course(reader: _Reader, folder: Path) -> CourseSpec | None:
    path = folder / "course.yaml"
    if not path.is_file():
        reader.problem(path, 1, "course.yaml is missing")
        return None
    data = reader.mapping(path, reader.yaml(path))
    if data is None:
        return None
    slug = reader.field(path, data, "slug", str, check=_slug_check)
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
            reader.field(path, data, "estimated_hours", (int, float), check=_positive, default=1)
        ),
        position=reader.field(path, data, "order", int, default=0),
        prerequisites=reader.field(
            path, data, "prerequisites", list, required=False, default=[], check=_string_list
        ),
    )
    course.figures = _read_figures(reader, folder / "figures")
    course.lessons = _read_lessons(reader, course, folder / "lessons")
    if (folder / "quiz.yaml").is_file():
        course.quiz = _read_quiz(reader, folder / "quiz.yaml", course)
    exercise_dir = folder / "exercises"
    if exercise_dir.is_dir():
        course.exercises = [
            exercise
            for path in sorted(exercise_dir.glob("*.yaml"))
            if (exercise := _read_exercise(reader, path, course)) is not None
        ]
    return course


def _read_figures(reader: _Reader, folder: Path) -> dict[str, FigureSpec]:
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


def _read_lessons(reader: _Reader, course: CourseSpec, folder: Path) -> list[LessonSpec]:
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


def _read_lesson(reader: _Reader, path: Path, slug: str) -> LessonSpec | None:
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
        reading_minutes=reader.field(
            path, data, "reading_minutes", int, check=_positive, default=5
        ),
        objectives=reader.field(path, data, "objectives", list, check=_string_list, default=[]),
        body=body,
        source=path.name,
        body_line=text[: len(text) - len(body)].count("\n") + 1,
    )


def _read_quiz(reader: _Reader, path: Path, course: CourseSpec) -> QuizSpec | None:
    data = reader.mapping(path, reader.yaml(path))
    if data is None:
        return None
    settings_data = reader.field(path, data, "quiz", LineDict)
    questions = reader.field(path, data, "questions", list, default=[])
    if settings_data is None:
        return None
    settings = _quiz_settings(reader, path, settings_data)
    keys: set[str] = set()
    for question in questions:
        _check_question(reader, path, question, keys, course)
    count = settings.get("questions_per_attempt") or 0
    if count > len(questions):
        reader.problem(
            path,
            settings_data.line_of("questions_per_attempt"),
            f"draws {count} questions but the bank has {len(questions)}",
        )
    _check_draw(reader, path, settings_data, settings, questions)
    return QuizSpec(
        slug=settings.pop("slug", "") or f"{course.slug}-quiz",
        title=settings.pop("title", "") or f"{course.title} quiz",
        settings=settings,
        questions=[_plain(question) for question in questions],
    )


def _quiz_settings(reader: _Reader, path: Path, data: LineDict) -> dict[str, Any]:
    def optional_positive(key: str) -> int | None:
        return reader.field(path, data, key, int, required=False, check=_positive)

    review = reader.field(path, data, "review", LineDict, required=False, default=LineDict())
    return {
        "slug": reader.field(path, data, "slug", str, check=_slug_check, default=""),
        "title": reader.field(path, data, "title", str, default=""),
        "questions_per_attempt": reader.field(
            path, data, "questions_per_attempt", int, check=_positive, default=1
        ),
        "draw": _plain(reader.field(path, data, "draw", list, required=False, default=[])),
        "pass_mark": reader.field(
            path,
            data,
            "pass_mark",
            (int, float),
            check=lambda v: None if 0 < v <= 100 else "must be 1-100",
            default=80,
        ),
        "max_attempts": optional_positive("max_attempts"),
        "cooldown_minutes": reader.field(
            path, data, "cooldown_minutes", int, required=False, default=0
        ),
        "time_limit_minutes": optional_positive("time_limit_minutes"),
        "grading_method": reader.field(
            path,
            data,
            "grading_method",
            str,
            required=False,
            default="highest",
            check=lambda v: None if v in GRADING_METHODS else f"must be one of {GRADING_METHODS}",
        ),
        "review": {
            "show_correct_answers": bool(review.get("show_correct_answers", True)),
            "show_explanations": bool(review.get("show_explanations", True)),
        },
    }


def _check_question(
    reader: _Reader, path: Path, question: Any, keys: set[str], course: CourseSpec
) -> None:
    if not isinstance(question, LineDict):
        reader.problem(path, 1, "each question must be a mapping")
        return
    for message in validate_question(_plain(question)):
        reader.problem(path, question.line, f"question {question.get('key', '?')}: {message}")
    key = question.get("key")
    if key in keys:
        reader.problem(path, question.line_of("key"), f"duplicate question key '{key}'")
    keys.add(key)
    for option in question.get("options") or []:
        image = option.get("image") if isinstance(option, dict) else None
        if (image and posixpath.basename(image) not in course.figures) or (
            image and not image.startswith("figures/")
        ):
            reader.problem(
                path,
                line_of(option, default=question.line),
                f"question {key}: image not found: {image}",
            )


def _check_draw(
    reader: _Reader, path: Path, data: LineDict, settings: dict, questions: list
) -> None:
    tags: dict[str, int] = {}
    for question in questions:
        for tag in question.get("tags") or [] if isinstance(question, dict) else []:
            tags[tag] = tags.get(tag, 0) + 1
    total = 0
    for rule in settings.get("draw") or []:
        tag, count = (rule.get("tag"), rule.get("count")) if isinstance(rule, dict) else (None, 0)
        if not isinstance(count, int) or count < 1 or tag not in tags:
            reader.problem(path, data.line_of("draw"), f"draw rule {rule}: unknown tag or count")
        elif count > tags[tag]:
            reader.problem(
                path,
                data.line_of("draw"),
                f"draw rule asks {count} '{tag}' questions but the bank has {tags[tag]}",
            )
        total += count if isinstance(count, int) else 0
    if total > settings.get("questions_per_attempt", 0):
        reader.problem(
            path,
            data.line_of("draw"),
            "draw rules ask for more questions than questions_per_attempt",
        )


def _read_exercise(reader: _Reader, path: Path, course: CourseSpec) -> ExerciseSpec | None:
    data = reader.mapping(path, reader.yaml(path))
    if data is None:
        return None
    photos = reader.field(path, data, "photos", LineDict, default=LineDict(min=1, max=1))
    low, high = photos.get("min", 1), photos.get("max", 1)
    if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high <= 6):
        reader.problem(path, data.line_of("photos"), "photos need 1 <= min <= max <= 6")
    rubric = reader.field(path, data, "rubric", list, default=[])
    _check_rubric(reader, path, rubric)
    pass_rule = reader.field(path, data, "pass_rule", LineDict, default=LineDict())
    _check_pass_rule(reader, path, pass_rule, rubric)
    target = reader.field(path, data, "target", LineDict, required=False, default=LineDict())
    _check_target(reader, path, target)
    slug = reader.field(path, data, "slug", str, check=_slug_check, default=path.stem)
    return ExerciseSpec(
        slug=slug,
        title=reader.field(path, data, "title", str, default=slug),
        position=reader.field(path, data, "order", int, default=0),
        instructions=reader.field(path, data, "instructions", str, default=""),
        instructions_line=data.line_of("instructions"),
        spec=_plain(
            {
                "photos": {"min": low, "max": high},
                "target": target,
                "rubric": rubric,
                "pass_rule": pass_rule,
            }
        ),
    )


def _check_rubric(reader: _Reader, path: Path, rubric: list) -> None:
    if not rubric:
        reader.problem(path, 1, "an exercise needs a rubric with at least one criterion")
    keys: set[str] = set()
    measures: set[str] = set()
    for criterion in rubric:
        line = line_of(criterion)
        if (
            not isinstance(criterion, dict)
            or not criterion.get("key")
            or not criterion.get("title")
        ):
            reader.problem(path, line, "each criterion needs a key and a title")
            continue
        if criterion["key"] in keys:
            reader.problem(path, line, f"duplicate criterion key '{criterion['key']}'")
        keys.add(criterion["key"])
        measure = criterion.get("measure")
        if measure is not None and measure not in RUBRIC_MEASURES:
            reader.problem(
                path,
                line,
                f"criterion '{criterion['key']}': measure must be one of {RUBRIC_MEASURES}",
            )
        elif measure in measures:
            reader.problem(
                path, line, f"criterion '{criterion['key']}': measure '{measure}' is used twice"
            )
        elif measure is not None:
            measures.add(measure)
        levels = criterion.get("levels") or []
        points = [level.get("points") for level in levels if isinstance(level, dict)]
        if (
            len(levels) < 2
            or len(points) != len(levels)
            or not all(isinstance(p, int) and p >= 0 for p in points)
        ):
            reader.problem(
                path,
                line,
                f"criterion '{criterion['key']}' needs at least two "
                "levels, each with whole, non-negative points",
            )
        elif points != sorted(set(points)):
            reader.problem(
                path,
                line,
                f"criterion '{criterion['key']}': levels go from the "
                "fewest points to the most, without repeats",
            )
        if any(not (isinstance(level, dict) and level.get("label")) for level in levels):
            reader.problem(path, line, f"criterion '{criterion['key']}': every level needs a label")


def _check_pass_rule(reader: _Reader, path: Path, rule: LineDict, rubric: list) -> None:
    maximum = sum(
        max(
            (level.get("points", 0) for level in c.get("levels") or [] if isinstance(level, dict)),
            default=0,
        )
        for c in rubric
        if isinstance(c, dict)
    )
    min_total = rule.get("min_total")
    if not isinstance(min_total, int) or not 0 <= min_total <= maximum:
        reader.problem(path, rule.line or 1, f"pass_rule.min_total must be 0-{maximum}")
    min_each = rule.get("min_each", 0)
    if not isinstance(min_each, int) or min_each < 0:
        reader.problem(path, rule.line or 1, "pass_rule.min_each must be a whole number >= 0")


RUBRIC_MEASURES = (
    "density",
    "gradient",
    "dot_size",
    "size_consistency",
    "spacing",
    "coverage",
    "blowouts",
)
TARGET_NUMBERS = (
    "density_per_cm2",
    "mean_diameter_mm",
    "max_mean_diameter_mm",
    "max_diameter_cv",
    "max_density_cv",
    "max_spacing_cv",
    "max_blowouts",
    "tolerance",
)


def _check_target(reader: _Reader, path: Path, target: LineDict) -> None:
    for key, value in target.items():
        if key in TARGET_NUMBERS:
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                reader.problem(path, target.line_of(key), f"target.{key} must be a number >= 0")
        elif key == "density_profile":
            if not (
                isinstance(value, list)
                and len(value) == 10
                and all(isinstance(v, int | float) and v >= 0 for v in value)
            ):
                reader.problem(
                    path, target.line_of(key), "target.density_profile must be 10 numbers >= 0"
                )
        else:
            reader.problem(path, target.line_of(key), f"unknown target field '{key}'")


def _read_certifications(reader: _Reader, path: Path) -> list[CertificationSpec]:
    if not path.is_file():
        return []
    data = reader.mapping(path, reader.yaml(path))
    items = reader.field(path, data, "certifications", list, default=[]) if data else []
    result = []
    for item in items:
        if not isinstance(item, LineDict):
            reader.problem(path, 1, "each certification must be a mapping")
            continue
        validity = reader.field(path, item, "validity_months", int, required=False, check=_positive)
        result.append(
            CertificationSpec(
                slug=reader.field(path, item, "slug", str, check=_slug_check, default=""),
                title=reader.field(path, item, "title", str, default=""),
                description=reader.field(
                    path, item, "description", str, required=False, default=""
                ),
                validity_months=validity,
                requires=_requirements(reader, path, item, "requires", required=True),
                renewal=_requirements(reader, path, item, "renewal", required=False),
            )
        )
    return result


def _requirements(
    reader: _Reader, path: Path, item: LineDict, key: str, *, required: bool
) -> dict[str, list[str]]:
    data = reader.field(path, item, key, LineDict, required=required, default=LineDict())
    return {
        kind: reader.field(path, data, kind, list, required=False, default=[], check=_string_list)
        for kind in ("courses", "quizzes", "exercises")
    }


def _check_cross_references(
    reader: _Reader, root: Path, courses: list[CourseSpec], certifications: list[CertificationSpec]
) -> None:
    """Slugs unique, prerequisites and requirements exist, lessons render with their links."""
    course_slugs = {c.slug for c in courses}
    lessons = {(c.slug, lesson.slug) for c in courses for lesson in c.lessons}
    quizzes = [c.quiz.slug for c in courses if c.quiz]
    exercises = [e.slug for c in courses for e in c.exercises]
    for name, values in (("quiz", quizzes), ("exercise", exercises)):
        for duplicate in {v for v in values if values.count(v) > 1}:
            reader.problem(root, 1, f"{name} slug '{duplicate}' is used twice")
    for course in courses:
        for prerequisite in course.prerequisites:
            if prerequisite not in course_slugs or prerequisite == course.slug:
                reader.problem(
                    root / course.slug / "course.yaml", 1, f"unknown prerequisite '{prerequisite}'"
                )
        _render_course(reader, root, course, lessons)
    for cert in certifications:
        for kind, known in (
            ("courses", course_slugs),
            ("quizzes", set(quizzes)),
            ("exercises", set(exercises)),
        ):
            for slug in cert.requires[kind] + cert.renewal[kind]:
                if slug not in known:
                    reader.problem(
                        root / "certifications.yaml",
                        1,
                        f"certification '{cert.slug}' needs unknown {SINGULAR[kind]} '{slug}'",
                    )


def figure_url(course_slug: str, name: str) -> str:
    return f"/courses/{course_slug}/figures/{name}"


def lesson_url(course_slug: str, lesson_slug: str) -> str:
    return f"/courses/{course_slug}/lessons/{lesson_slug}"


def _render_course(
    reader: _Reader, root: Path, course: CourseSpec, lessons: set[tuple[str, str]]
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


def _plain(value: Any) -> Any:
    """LineDicts back to plain JSON-able dicts and lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
