"""certifications.yaml: the ordered requirement list, the old mapping, and file:line problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from smp_academy.admin.content import load_content
from smp_academy.certificates.content import read_certifications, requirement_list, slugs_of
from smp_academy.core.content_files import ContentReader

REAL_CONTENT = Path(__file__).resolve().parents[2] / "content"


def _read(tmp_path: Path, requires: str, renewal: str = ""):
    path = tmp_path / "certifications.yaml"
    path.write_text(
        "certifications:\n"
        "  - slug: practitioner\n"
        "    title: Practitioner\n"
        "    validity_months: 36\n"
        f"    requires:\n{requires}" + (f"    renewal:\n{renewal}" if renewal else "")
    )
    reader = ContentReader(tmp_path)
    return read_certifications(reader, path), [str(p) for p in reader.problems]


def test_the_list_form_keeps_the_order_and_the_numbers(tmp_path):
    [spec], problems = _read(
        tmp_path,
        "      - quiz: hygiene-quiz\n"
        "      - supervised_cases: {cases: 3, sessions: {direct: 6, independent: 2}}\n"
        "      - course: foundations\n"
        "      - cpd_hours: {hours: 7.5, within_months: 24}\n",
    )
    assert problems == []
    assert spec.requires == [
        {"kind": "quiz", "slug": "hygiene-quiz"},
        {"kind": "supervised_cases", "cases": 3, "sessions": {"direct": 6, "independent": 2}},
        {"kind": "course", "slug": "foundations"},
        {"kind": "cpd_hours", "hours": 7.5, "within_months": 24},
    ]
    assert slugs_of(spec.requires, "course") == ["foundations"]
    assert spec.requires.line_of("course", "foundations") == 8


def test_the_old_mapping_is_read_as_the_list_in_its_order(tmp_path):
    [spec], problems = _read(
        tmp_path,
        "      exercises: [drill]\n      quizzes: [q1, q2]\n      courses: [c1]\n",
    )
    assert problems == []
    assert [r["slug"] for r in spec.requires] == ["c1", "q1", "q2", "drill"]
    assert requirement_list({"quizzes": ["q1"]}) == [{"kind": "quiz", "slug": "q1"}]


@pytest.mark.parametrize(
    ("requires", "line", "message"),
    [
        ("      - lessons: foundations\n", 6, "unknown requirement kind 'lessons'"),
        ("      - course: Foundations Course\n", 6, "'course' needs a slug"),
        ("      - healed_reviews: 3\n", 6, "'healed_reviews' needs a mapping such as {count: 1}"),
        ("      - healed_reviews: {count: 0}\n", 6, "'count' must be positive"),
        ("      - practical_exam: {count: 1, pass_mark: 80}\n", 6, "'practical_exam' takes count"),
        (
            "      - supervised_cases:\n          cases: 2\n          sessions: {alone: 2}\n",
            8,
            "'sessions' maps direct, indirect, independent to a whole number",
        ),
        ("      - cpd_hours: {hours: twenty}\n", 6, "'hours' must be int or float"),
        ("      - course: a\n      - quiz: b\n      - course: a\n", 8, "'requires' lists a twice"),
        ("      - {course: a, quiz: b}\n", 6, "each requirement is one of"),
        ("      []\n", 5, "'requires' lists no requirement"),
    ],
)
def test_problems_name_the_line(tmp_path, requires, line, message):
    _, problems = _read(tmp_path, requires)
    assert any(f"certifications.yaml:{line}: " in p and message in p for p in problems), problems


def test_the_real_certifications_load_and_rest_on_what_exists():
    bundle = load_content(REAL_CONTENT)
    by_slug = {c.slug: c for c in bundle.certifications}
    assert set(by_slug) == {"hygiene-bbp", "smp-theory", "smp-practitioner"}
    practitioner = by_slug["smp-practitioner"]
    assert practitioner.title == "Certified SMP Practitioner"
    kinds = [r["kind"] for r in practitioner.requires]
    assert kinds[-4:] == [
        "supervised_cases",
        "healed_reviews",
        "observed_procedure",
        "practical_exam",
    ]
    assert "professional-practice" in slugs_of(practitioner.requires, "course")
    assert {r["kind"] for r in practitioner.renewal} >= {"cpd_hours", "supervised_cases"}
    theory = by_slug["smp-theory"]
    assert not {r["kind"] for r in theory.requires} - {"course", "quiz", "exercise"}
    assert "does not certify work on clients" in theory.description
