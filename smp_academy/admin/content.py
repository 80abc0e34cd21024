"""Load the whole curriculum: each domain reads its own files, then references are checked
across them (prerequisites, requirements, lesson links, the lessons questions cite). No Flask,
no DB; raises ``ContentInvalid`` listing every problem, so nothing is written from a tree with
any."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from smp_academy.certificates.content import (
    SLUG_KINDS,
    CertificationSpec,
    read_certifications,
    slugs_of,
)
from smp_academy.core.content_files import ContentInvalid, ContentProblem, ContentReader
from smp_academy.courses.content import CourseSpec, read_course, render_course
from smp_academy.practice.content import read_exercise
from smp_academy.quizzes.content import read_quiz


@dataclass
class ContentBundle:
    courses: list[CourseSpec]
    certifications: list[CertificationSpec]


def load_content(root: Path) -> ContentBundle:
    """Read and validate the whole tree; raise ContentInvalid listing every problem."""
    reader = ContentReader(root)
    if not root.is_dir():
        raise ContentInvalid([ContentProblem(str(root), 1, "content folder not found")])
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    courses = [course for folder in folders if (course := _read_course(reader, folder))]
    certifications = read_certifications(reader, root / "certifications.yaml")
    _check_cross_references(reader, root, courses, certifications)
    if reader.problems:
        raise ContentInvalid(reader.problems)
    return ContentBundle(courses, certifications)


def _read_course(reader: ContentReader, folder: Path) -> CourseSpec | None:
    """A course with its quiz and exercises, each read by its own domain."""
    course = read_course(reader, folder)
    if course is None:
        return None
    if (folder / "quiz.yaml").is_file():
        course.quiz = read_quiz(
            reader, folder / "quiz.yaml", course.slug, course.title, course.figures
        )
    exercise_dir = folder / "exercises"
    if exercise_dir.is_dir():
        course.exercises = [
            exercise
            for path in sorted(exercise_dir.glob("*.yaml"))
            if (exercise := read_exercise(reader, path)) is not None
        ]
    return course


def _check_cross_references(
    reader: ContentReader,
    root: Path,
    courses: list[CourseSpec],
    certifications: list[CertificationSpec],
) -> None:
    """Slugs unique, prerequisites and requirements exist, lessons render with their links,
    and every question cites a lesson that exists."""
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
        render_course(reader, root, course, lessons)
        _check_cited_lessons(reader, root / course.slug / "quiz.yaml", course, lessons)
    known = {"course": course_slugs, "quiz": set(quizzes), "exercise": set(exercises)}
    for cert in certifications:
        for requirements in (cert.requires, cert.renewal):
            for kind in SLUG_KINDS:
                for slug in slugs_of(requirements, kind):
                    if slug not in known[kind]:
                        reader.problem(
                            root / "certifications.yaml",
                            requirements.line_of(kind, slug),
                            f"certification '{cert.slug}' needs unknown {kind} '{slug}'",
                        )


def _check_cited_lessons(
    reader: ContentReader, path: Path, course: CourseSpec, lessons: set[tuple[str, str]]
) -> None:
    for key, reference, line in course.quiz.lesson_refs if course.quiz else []:
        course_slug, _, lesson_slug = reference.partition("/")
        if (course_slug, lesson_slug) not in lessons:
            reader.problem(path, line, f"question {key}: no lesson '{reference}'")
