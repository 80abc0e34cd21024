"""Curriculum second edition, content helper B: Dot Technique, Hairline Design and Professional
Practice, counted through the project's loader (and the raw YAML where the loader forgives)."""

from __future__ import annotations

import re

import pytest
import yaml

from smp_academy.admin.content import ContentBundle, load_content
from smp_academy.core.content_files import ContentInvalid
from smp_academy.courses.content import CourseSpec
from tests.courses.helpers import REAL_CONTENT

BANKS = ("dot-technique", "hairline-design", "professional-practice")
NEW_LESSONS = {
    "dot-technique": [
        "starting-settings-and-calibration",
        "density-plans-by-session",
        "session-day-workflow",
    ],
    "hairline-design": ["designs-by-norwood-stage", "scar-and-transplant-camouflage"],
    "professional-practice": [
        "photography-protocol",
        "business-insurance-and-records",
        "licensing-by-jurisdiction",
        "credentials-and-development",
        "honest-advertising-and-claims",
    ],
}
BANK_SIZE_BEFORE = {"dot-technique": 43, "hairline-design": 36, "professional-practice": 0}
# the target field each rubric measure is judged against
MEASURE_TARGET = {
    "density": "density_per_cm2",
    "gradient": "density_profile",
    "dot_size": "max_mean_diameter_mm",
    "size_consistency": "max_diameter_cv",
    "spacing": "max_spacing_cv",
    "coverage": "max_density_cv",
    "blowouts": "max_blowouts",
}
KEPT_EXERCISES = {
    "paper-single-dots",
    "paper-even-density",
    "paper-density-gradient",
    "practice-skin-density",
    "hairline-gradient-paper",
    "hairline-practice-skin",
}
WEAK_SOURCES = re.compile(
    r"docslib|scribd|doczz|vdocument|fdocuments|realself|hairlosstalk|faithumc16|chatbotv2"
    r"|tattoo\.about|thelist\.com|spiegato|go2blog|bellezalatina|yourbestselves|biologyinsights"
)
WORD = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")
OPTION_KEYS = {"text", "correct", "image", "alt"}


@pytest.fixture(scope="module")
def bundle() -> ContentBundle:
    try:
        return load_content(REAL_CONTENT)
    except ContentInvalid as error:
        pytest.fail("\n".join(str(p) for p in error.problems))


@pytest.fixture(scope="module")
def courses(bundle) -> dict[str, CourseSpec]:
    return {course.slug: course for course in bundle.courses if course.slug in BANKS}


def _lesson(courses, course_slug: str, lesson_slug: str):
    return next(x for x in courses[course_slug].lessons if x.slug == lesson_slug)


def _body_words(body: str) -> int:
    """Reading words: the body without Sources, images and link targets (as test_content)."""
    body = body.split("\n## Sources", 1)[0]
    body = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", body)
    return len(WORD.findall(re.sub(r"\]\([^)]*\)", "] ", body)))


def _section(body: str, heading: str) -> str:
    match = re.search(rf"(?ms)^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", body)
    return match.group(1) if match else ""


def _raw_bank(slug: str) -> dict:
    return yaml.safe_load((REAL_CONTENT / slug / "quiz.yaml").read_text(encoding="utf-8"))


def _questions(courses):
    return [(slug, q) for slug in BANKS for q in courses[slug].quiz.questions]


def test_new_lessons_exist_with_700_to_1200_words_a_summary_and_sources(courses):
    counts = {}
    for course_slug, slugs in NEW_LESSONS.items():
        for slug in slugs:
            lesson = _lesson(courses, course_slug, slug)
            counts[slug] = _body_words(lesson.body)
            assert lesson.objectives, slug
            assert 3 <= len(re.findall(r"(?m)^- ", _section(lesson.body, "Summary"))) <= 6, slug
            assert re.search(r"https?://", _section(lesson.body, "Sources")), slug
    assert len(counts) == 10
    assert all(700 <= n <= 1200 for n in counts.values()), counts


def test_the_professional_practice_course_is_ordered_after_foundations(courses):
    course = courses["professional-practice"]
    assert course.position == 6 and course.prerequisites == ["smp-foundations"]
    assert course.quiz.slug == "professional-practice-quiz"


def test_norwood_lesson_teaches_with_at_least_three_figures(courses):
    body = _lesson(courses, "hairline-design", "designs-by-norwood-stage").body
    figures = set(re.findall(r"\(\.\./figures/([\w-]+\.svg)\)", body))
    assert len(figures) >= 3 and figures <= set(courses["hairline-design"].figures)
    for stage in ("II", "III", "IV", "V", "VI", "VII"):
        assert re.search(rf"\b{stage}\b", body), stage
    for part in ("emple", "ideburn", "ape"):  # temples, sideburns, nape
        assert part in body


def test_banks_grew_by_at_least_45_with_20_in_the_new_course(courses):
    sizes = {slug: len(courses[slug].quiz.questions) for slug in BANKS}
    gained = sum(sizes.values()) - sum(BANK_SIZE_BEFORE.values())
    assert gained >= 45, sizes
    assert sizes["professional-practice"] >= 20, sizes


def test_every_question_names_a_lesson_of_its_own_course_and_explains_itself(courses):
    lessons = {(slug, x.slug) for slug in BANKS for x in courses[slug].lessons}
    for course_slug, question in _questions(courses):
        target = tuple(str(question.get("lesson", "")).split("/", 1))
        assert target in lessons and target[0] == course_slug, question["key"]
        assert len(question["explanation"].split()) >= 15, question["key"]


def test_new_lessons_each_carry_at_least_four_questions(courses):
    per_lesson: dict[str, int] = {}
    for _, question in _questions(courses):
        per_lesson[question["lesson"]] = per_lesson.get(question["lesson"], 0) + 1
    for course_slug, slugs in NEW_LESSONS.items():
        for slug in slugs:
            assert per_lesson.get(f"{course_slug}/{slug}", 0) >= 4, slug


def test_options_are_block_style_whole_and_distinct():
    for slug in BANKS:
        text = (REAL_CONTENT / slug / "quiz.yaml").read_text(encoding="utf-8")
        assert not re.search(r"^\s*-\s*\{\s*text:", text, re.M), slug  # no flow-mapping options
        for question in _raw_bank(slug)["questions"]:
            options = question.get("options") or []
            for option in options:
                assert set(option) <= OPTION_KEYS, (question["key"], option)
                value = option.get("text") or option.get("alt")
                assert isinstance(value, str) and value.strip(), question["key"]
                assert not value.rstrip().endswith((",", "(", ":")), (question["key"], value)
                assert value.count("(") == value.count(")"), (question["key"], value)
            texts = [o.get("text") or o.get("image") for o in options]
            assert len(texts) == len(set(texts)), question["key"]


def test_the_restored_hairline_options_read_in_full(courses):
    options = {
        q["key"]: [o.get("text") for o in q.get("options", [])]
        for q in courses["hairline-design"].quiz.questions
    }
    assert "Off-centre, often to the right of the midline" in options["hln-012"]
    assert "Soft (natural, feathered) hairline" in options["hln-009"]
    assert any(
        t.startswith("Patches can regrow, move or appear elsewhere, so") for t in options["hln-015"]
    )


def test_no_all_or_none_of_the_above(courses):
    for _, question in _questions(courses):
        for option in question.get("options", []):
            assert not re.search(r"(all|none) of the above", option.get("text", ""), re.I)


def test_review_point_2_thinner_parietal_and_occipital_skin_is_gone(courses):
    course = courses["dot-technique"]
    texts = [x.body for x in course.lessons] + [str(q) for q in course.quiz.questions]
    assert not any(re.search(r"parietal|occipital", t, re.I) for t in texts)
    dot_021 = next(q for q in course.quiz.questions if q["key"] == "dot-021")
    assert dot_021["type"] == "single" and "thinner" not in dot_021["prompt"]


def test_review_point_6_widows_peak_figure_is_attributed_to_women(courses):
    body = _lesson(courses, "hairline-design", "frontal-hairline-and-temples").body
    for sentence in re.findall(r"[^.]*81[^.]*\.", body):
        assert "women" in sentence, sentence


def test_review_point_8_hairline_skin_drill_rewards_small_dots_and_no_blowouts(courses):
    exercise = next(
        e for e in courses["hairline-design"].exercises if e.slug == "hairline-practice-skin"
    )
    target = exercise.spec["target"]
    assert "mean_diameter_mm" not in target and target["max_mean_diameter_mm"] <= 0.5
    assert target["max_blowouts"] == 0


def test_review_point_14_sessions_and_healed_dot_size_agree(courses):
    bodies = [
        x.body for slug in ("dot-technique", "hairline-design") for x in courses[slug].lessons
    ]
    assert not any(re.search(r"two to three sessions|2–3 sessions", b) for b in bodies)
    assert any("two to four" in b for b in bodies)
    stippling = _lesson(courses, "dot-technique", "stippling-and-spacing").body
    assert "close to the apparent size of a real" not in stippling
    assert "larger than the real follicle openings" in stippling


def test_exercise_slugs_are_kept_and_every_criterion_is_measured_or_for_the_instructor(courses):
    exercises = [
        e for slug in ("dot-technique", "hairline-design") for e in courses[slug].exercises
    ]
    assert {e.slug for e in exercises} == KEPT_EXERCISES
    for exercise in exercises:
        target, measures = exercise.spec["target"], []
        for criterion in exercise.spec["rubric"]:
            measure = criterion.get("measure")
            if measure is None:
                assert "(instructor)" in criterion["title"], (exercise.slug, criterion["key"])
            else:
                assert MEASURE_TARGET[measure] in target, (exercise.slug, measure)
                measures.append(measure)
        assert len(measures) == len(set(measures)) >= 3, exercise.slug


def test_drills_reach_scalp_density_with_dots_well_under_a_millimetre(courses):
    for slug in ("dot-technique", "hairline-design"):
        peaks = []
        for exercise in courses[slug].exercises:
            target = exercise.spec["target"]
            peaks.append(max(target.get("density_profile") or [target.get("density_per_cm2", 0)]))
            assert target["max_mean_diameter_mm"] <= 0.6, exercise.slug
            assert "mean_diameter_mm" not in target, exercise.slug
            if "skin" in exercise.slug:
                assert target["max_blowouts"] == 0, exercise.slug
        assert max(peaks) >= 80, (slug, peaks)


def test_licensing_lesson_covers_each_jurisdiction_with_check_your_local_rules(courses):
    body = _lesson(courses, "professional-practice", "licensing-by-jurisdiction").body
    headings = re.findall(r"(?m)^## (.+)$", body)
    for place in (
        "United States",
        "Great Britain",
        "Northern Ireland",
        "Ireland",
        "EU",
        "Australia",
        "Canada",
    ):
        heading = next(h for h in headings if place in h)
        assert "check your local rules" in " ".join(_section(body, heading).split()).lower(), (
            heading
        )


def test_lessons_cite_no_document_dump_q_and_a_or_spam_sites(courses):
    for slug in BANKS:
        for lesson in courses[slug].lessons:
            assert not WEAK_SOURCES.search(_section(lesson.body, "Sources")), lesson.slug


def test_vendor_figures_are_labelled_in_the_settings_lesson(courses):
    body = _lesson(courses, "dot-technique", "starting-settings-and-calibration").body
    assert body.count("(vendor figures)") >= 2
    assert "no reliable published voltage" in body.lower()
