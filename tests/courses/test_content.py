"""The real curriculum in content/: complete, well-formed, and rendered safely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from smp_academy.admin.content import ContentBundle, load_content
from smp_academy.certificates.content import slugs_of
from smp_academy.core.content_files import ContentInvalid
from smp_academy.courses.content import CourseSpec, LessonSpec
from smp_academy.courses.markdown import render_markdown
from smp_academy.quizzes.question_types import QUESTION_TYPES, validate_question
from tests.courses.helpers import REAL_CONTENT

COURSES = {
    "professional-practice",
    "smp-foundations",
    "pigment-science",
    "hairline-design",
    "hygiene-infection-control",
    "dot-technique",
}
QUESTION_KINDS = {"single", "multiple", "true_false", "numeric", "ordering", "matching"} | {
    "image_choice"
}
WORD = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")
FIGURE_REF = re.compile(r"!\[[^\]]*\]\(\.\./figures/([^)\s]+)\)")


@pytest.fixture(scope="module")
def bundle() -> ContentBundle:
    try:
        return load_content(REAL_CONTENT)
    except ContentInvalid as error:  # show every problem, not just "invalid"
        pytest.fail("\n".join(str(p) for p in error.problems))


def _lessons(bundle: ContentBundle) -> list[tuple[CourseSpec, LessonSpec]]:
    return [(course, lesson) for course in bundle.courses for lesson in course.lessons]


def _sections(lesson: LessonSpec) -> dict[str, str]:
    """The lesson's ``##`` sections by heading."""
    parts = re.split(r"(?m)^## (.+)$", lesson.body)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _reading_words(lesson: LessonSpec) -> int:
    """Words of the Markdown body, without the Sources section, images and link targets."""
    body = lesson.body.split("\n## Sources", 1)[0]
    body = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", body)
    body = re.sub(r"\]\([^)]*\)", "] ", body)
    return len(WORD.findall(body))


def test_the_real_content_validates(bundle):
    assert {course.slug for course in bundle.courses} == COURSES


def test_every_course_has_at_least_five_lessons(bundle):
    for course in bundle.courses:
        assert len(course.lessons) >= 5, course.slug
        assert course.title and course.summary and course.estimated_hours > 0


def test_lessons_are_500_to_1200_words(bundle):
    counts = {f"{c.slug}/{lesson.slug}": _reading_words(lesson) for c, lesson in _lessons(bundle)}
    wrong = {name: n for name, n in counts.items() if not 500 <= n <= 1200}
    assert not wrong, wrong


def test_every_lesson_has_objectives_a_summary_and_sources(bundle):
    for course, lesson in _lessons(bundle):
        name = f"{course.slug}/{lesson.slug}"
        sections = _sections(lesson)
        assert lesson.objectives, name
        assert "Summary" in sections and "Sources" in sections, (name, list(sections))
        assert list(sections)[-1] == "Sources", name
        assert re.search(r"https?://\S+", sections["Sources"]), name
        bullets = re.findall(r"(?m)^\s*[-*] ", sections["Summary"])
        assert 3 <= len(bullets) <= 6, (name, len(bullets))
        assert lesson.reading_minutes > 0 and lesson.toc, name


def test_each_course_uses_at_least_two_svg_figures_that_exist(bundle):
    for course in bundle.courses:
        used = {name for lesson in course.lessons for name in FIGURE_REF.findall(lesson.body)}
        svgs = {name for name in used if name.endswith(".svg")}
        assert len(svgs) >= 2, (course.slug, used)
        assert used <= set(course.figures), used - set(course.figures)
        for name in svgs:
            assert (REAL_CONTENT / course.slug / "figures" / name).is_file()


def test_figures_are_safe_accessible_svg(bundle):
    for course in bundle.courses:
        for name, figure in course.figures.items():
            text = figure.data.decode()
            assert figure.content_type == "image/svg+xml", name
            assert "viewBox" in text and "<title" in text, f"{course.slug}/{name}"
            assert "<script" not in text.lower(), name


def test_every_lesson_renders_without_problems_or_raw_html(bundle):
    raw_html = MarkdownIt("commonmark", {"html": True}).enable("table")
    for course, lesson in _lessons(bundle):
        name = f"{course.slug}/{lesson.slug}"
        kinds = {t.type for t in raw_html.parse(lesson.body)} | {
            child.type for t in raw_html.parse(lesson.body) for child in t.children or []
        }
        assert not kinds & {"html_block", "html_inline"}, name
        html = lesson.html
        assert html.strip() and "<h2" in html, name
        assert not re.search(r"<(script|iframe|object|embed|style)\b", html, re.I), name
        assert not re.search(r"\son[a-z]+\s*=|javascript:", html, re.I), name
        for src in re.findall(r'<img[^>]* src="([^"]+)"', html):
            figure = src.removeprefix(f"/courses/{course.slug}/figures/")
            assert figure in course.figures, (name, src)
        for href in re.findall(r'href="([^"]+)"', html):
            assert href.startswith(("http://", "https://", "/courses/", "#", "mailto:")), href


def test_rendering_again_reports_no_problems(bundle):
    """The renderer itself (not only load_content) finds nothing wrong with any lesson."""
    lesson_urls = {(c.slug, lesson.slug) for c, lesson in _lessons(bundle)}
    for course, lesson in _lessons(bundle):
        rendered = render_markdown(
            lesson.body,
            lambda src, c=course: "/x" if Path(src).name in c.figures else None,
            lambda target: "/y" if tuple(target.split("/", 1)) in lesson_urls else None,
        )
        assert rendered.problems == [], (course.slug, lesson.slug, rendered.problems)


def test_quiz_banks_are_large_varied_and_explained(bundle):
    assert set(QUESTION_TYPES) == QUESTION_KINDS
    for course in bundle.courses:
        quiz = course.quiz
        assert quiz is not None, course.slug
        assert len(quiz.questions) >= 30, (course.slug, len(quiz.questions))
        assert {q["type"] for q in quiz.questions} == QUESTION_KINDS, course.slug
        keys = [q["key"] for q in quiz.questions]
        assert len(keys) == len(set(keys)), course.slug
        for question in quiz.questions:
            assert validate_question(question) == [], (question["key"], validate_question(question))
            assert len(str(question.get("explanation", "")).strip()) >= 20, question["key"]
            for option in question.get("options", []):
                if "image" in option:
                    assert option["alt"].strip(), question["key"]
                    assert option["image"].removeprefix("figures/") in course.figures


def test_certifications_reference_existing_courses_quizzes_and_exercises(bundle):
    courses = {c.slug for c in bundle.courses}
    quizzes = {c.quiz.slug for c in bundle.courses if c.quiz}
    exercises = {e.slug for c in bundle.courses for e in c.exercises}
    assert bundle.certifications
    for cert in bundle.certifications:
        assert cert.title and (cert.validity_months is None or cert.validity_months > 0)
        for requirement in (cert.requires, cert.renewal):
            assert set(slugs_of(requirement, "course")) <= courses, cert.slug
            assert set(slugs_of(requirement, "quiz")) <= quizzes, cert.slug
            assert set(slugs_of(requirement, "exercise")) <= exercises, cert.slug
    assert any(slugs_of(cert.requires, "exercise") for cert in bundle.certifications)


def test_prerequisites_exist(bundle):
    slugs = {c.slug for c in bundle.courses}
    for course in bundle.courses:
        assert set(course.prerequisites) <= slugs - {course.slug}


def test_at_least_six_exercises_in_dot_technique_and_hairline_design(bundle):
    by_course = {c.slug: c.exercises for c in bundle.courses}
    practical = by_course["dot-technique"] + by_course["hairline-design"]
    assert len(practical) >= 6
    assert by_course["dot-technique"] and by_course["hairline-design"]
    for exercise in practical:
        assert exercise.html.strip() and exercise.spec["rubric"], exercise.slug
