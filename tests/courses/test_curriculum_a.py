"""Second edition of SMP Foundations, Hygiene and Pigment Science (issue 15, content helper A).

Counts what was delivered by reading the real content through the project's loader: the new
lessons and their length, sources and figures; every question's lesson and explanation; options
written in full; and the review points that must stay fixed.
"""

from __future__ import annotations

import re

import pytest

from smp_academy.admin.content import ContentBundle, load_content
from smp_academy.courses.content import CourseSpec, LessonSpec
from tests.courses.helpers import REAL_CONTENT
from tests.courses.test_content import _reading_words, _sections

COURSES = ("smp-foundations", "hygiene-infection-control", "pigment-science")
NEW_LESSONS = (
    "smp-foundations/hair-biology-and-hair-loss",
    "smp-foundations/women-and-diffuse-thinning",
    "smp-foundations/consultation-walkthrough",
    "smp-foundations/pain-management-and-topical-anaesthetics",
    "pigment-science/worked-dilution-ladder",
    "pigment-science/patch-testing",
    "pigment-science/correction-and-laser-removal",
)
BANK_SIZE_BEFORE = {"smp-foundations": 35, "hygiene-infection-control": 43, "pigment-science": 38}
AUTHORITATIVE = re.compile(
    r"https?://(?:[\w-]+\.)*(?:doi\.org|ncbi\.nlm\.nih\.gov|cdc\.gov|osha\.gov|fda\.gov|epa\.gov"
    r"|hse\.gov\.uk|legislation\.gov\.uk|gov\.uk|gov\.wales|eur-lex\.europa\.eu|europa\.eu"
    r"|who\.int|nhs\.uk|medlineplus\.gov|ahrq\.gov|parliament\.uk|aad\.org|medicines\.org\.uk"
    r"|escholarship\.org|kiss\.kstudy\.com)"
)
DOCUMENT_DUMPS = re.compile(
    r"docslib|doczz|scribd|vdocuments|fdocuments|docsbay|slideserve|hive\.blog|fixanswer"
    r"|scienceinsights|globalauthorid|realself|lycoszone|mdwiki|printwiki"
)
FLOW_OPTION = re.compile(r"(?m)^\s+- \{(text|left|image)\b")
OPTION_KEYS = {"text", "correct", "image", "alt"}


@pytest.fixture(scope="module")
def bundle() -> ContentBundle:
    return load_content(REAL_CONTENT)


@pytest.fixture(scope="module")
def courses(bundle) -> dict[str, CourseSpec]:
    return {course.slug: course for course in bundle.courses if course.slug in COURSES}


def _lesson(courses: dict[str, CourseSpec], name: str) -> LessonSpec:
    course_slug, _, lesson_slug = name.partition("/")
    return next(le for le in courses[course_slug].lessons if le.slug == lesson_slug)


def _questions(courses: dict[str, CourseSpec]) -> list[tuple[str, dict]]:
    return [(slug, q) for slug, course in courses.items() for q in course.quiz.questions]


def _lesson_text(courses: dict[str, CourseSpec], name: str) -> str:
    return _lesson(courses, name).body


def _bank(courses: dict[str, CourseSpec], slug: str) -> dict[str, dict]:
    return {q["key"]: q for q in courses[slug].quiz.questions}


# --------------------------------------------------------------------------- new lessons


@pytest.mark.parametrize("name", NEW_LESSONS)
def test_new_lesson_is_700_to_1200_words_with_objectives_summary_sources_and_a_figure(
    courses, name
):
    lesson = _lesson(courses, name)
    sections = _sections(lesson)
    assert 700 <= _reading_words(lesson) <= 1200, (name, _reading_words(lesson))
    assert len(lesson.objectives) >= 3
    assert list(sections)[-1] == "Sources" and "Summary" in sections
    assert 3 <= len(re.findall(r"(?m)^\s*- ", sections["Summary"])) <= 6
    figures = re.findall(r"!\[[^\]]+\]\(\.\./figures/([^)]+\.svg)\)", lesson.body)
    course = courses[name.partition("/")[0]]
    assert figures and set(figures) <= set(course.figures), (name, figures)


@pytest.mark.parametrize("name", NEW_LESSONS)
def test_new_lesson_is_taught_by_at_least_four_questions(courses, name):
    assert sum(q.get("lesson") == name for _, q in _questions(courses)) >= 4, name


def test_every_lesson_cites_authoritative_sources_and_no_document_dumps(courses):
    for slug, course in courses.items():
        for lesson in course.lessons:
            sources = _sections(lesson)["Sources"]
            assert AUTHORITATIVE.search(sources), f"{slug}/{lesson.slug}"
            assert not DOCUMENT_DUMPS.search(sources), f"{slug}/{lesson.slug}"


# --------------------------------------------------------------------------- question banks


def test_banks_gained_at_least_forty_questions(courses):
    sizes = {slug: len(course.quiz.questions) for slug, course in courses.items()}
    assert all(sizes[slug] > before for slug, before in BANK_SIZE_BEFORE.items()), sizes
    assert sum(sizes.values()) - sum(BANK_SIZE_BEFORE.values()) >= 40, sizes


def test_every_question_names_a_lesson_that_exists_and_explains_itself(bundle, courses):
    lessons = {f"{c.slug}/{lesson.slug}" for c in bundle.courses for lesson in c.lessons}
    for slug, question in _questions(courses):
        assert question.get("lesson") in lessons, (slug, question["key"], question.get("lesson"))
        assert len(question["explanation"].split()) >= 20, question["key"]


def test_options_pairs_and_items_are_whole_texts(courses):
    for _, question in _questions(courses):
        texts = [o.get("text") or o.get("alt") for o in question.get("options", [])]
        texts += [side for pair in question.get("pairs", []) for side in pair.values()]
        texts += question.get("items", [])
        for option in question.get("options", []):
            assert set(option) <= OPTION_KEYS, (question["key"], option)
        for pair in question.get("pairs", []):
            assert set(pair) == {"left", "right"}, (question["key"], pair)
        for text in texts:
            assert isinstance(text, str) and text.strip(), question["key"]
            assert text.count("(") == text.count(")"), (question["key"], text)
            assert text.count('"') % 2 == 0, (question["key"], text)


def test_banks_are_written_in_block_style():
    for slug in COURSES:
        raw = (REAL_CONTENT / slug / "quiz.yaml").read_text(encoding="utf-8")
        assert not FLOW_OPTION.search(raw), slug


def test_no_all_or_none_of_the_above_and_no_duplicate_options(courses):
    for _, question in _questions(courses):
        texts = [o.get("text") or o["image"] for o in question.get("options", [])]
        assert len(set(texts)) == len(texts), question["key"]
        assert not any(re.search(r"\b(all|none) of the above\b", t, re.I) for t in texts)
        assert question.get("shuffle", True) is True, question["key"]


# --------------------------------------------------------------------------- review points


def test_hcv_needlestick_risk_is_the_cdc_figure(courses):
    text = _lesson_text(courses, "hygiene-infection-control/bloodborne-pathogens")
    assert "1.8%" in text and "0–7%" in text
    assert "3.3–10%" not in text


def test_autoclave_and_bleach_figures_are_corrected(courses):
    sterile = _lesson_text(courses, "hygiene-infection-control/sterile-setup-and-barriers")
    assert "126 °C" not in sterile and "121 °C" in sterile and "15 psi" in sterile
    disinfection = _lesson_text(courses, "hygiene-infection-control/disinfection-and-sharps")
    assert "Routine sanitising" not in disinfection
    assert "1:100" in disinfection and "food-contact" in disinfection


def test_post_exposure_timing_and_first_aid_differences(courses):
    lesson = "hygiene-infection-control/exposure-incidents-and-adverse-reactions"
    text = _lesson_text(courses, lesson)
    assert "the same day" not in text and "72 hours" in text and "within hours" in text
    assert "no evidence that squeezing" in text and "UK guidance" in text
    hyg = _bank(courses, "hygiene-infection-control")
    assert not any("same day" in o["text"] for o in hyg["hyg-017"]["options"])


def test_northern_ireland_and_great_britain_are_told_apart(courses):
    regulation = _lesson_text(courses, "hygiene-infection-control/regulation-and-training")
    assert "not covered here" not in regulation
    assert "Tattooing of Minors\n(Northern Ireland) Order 1979" in regulation
    assert "Article 14" in regulation
    candidates = _lesson_text(courses, "smp-foundations/candidates-and-contraindications")
    assert "Great Britain" in candidates and "Northern Ireland" in candidates
    assert "In the UK it is an offence" not in candidates
    assert "Great Britain" in _bank(courses, "smp-foundations")["fnd-027"]["prompt"]


def test_ink_rules_for_great_britain_northern_ireland_and_the_us(courses):
    text = _lesson_text(courses, "pigment-science/pigments-vs-tattoo-inks")
    assert "not confirmed" not in text and "2017" not in text
    assert "UK REACH" in text and "Northern Ireland" in text and "does not apply" in text
    assert "MoCRA" in text and "May 2019" in text


def test_fitzpatrick_scale_began_with_four_types(courses):
    text = _lesson_text(courses, "pigment-science/fitzpatrick-and-undertone")
    assert "four types (I–IV)" in text and "added later" in text


def test_blood_donation_deferral_is_the_2020_fda_rule(courses):
    text = _lesson_text(courses, "smp-foundations/healing-and-aftercare")
    assert "**3 months**" in text and "April 2020" in text
    assert "avoid donating blood for a year" not in text


def test_session_numbers_and_dot_size_are_consistent(courses):
    planning = _lesson_text(courses, "smp-foundations/planning-sessions")
    assert "Two to three sessions is the most common range" not in planning
    assert "**two to four**" in planning
    for name in ("smp-foundations/what-smp-is", "pigment-science/healing-fading-and-sun"):
        text = _lesson_text(courses, name)
        assert "somewhat larger than the crisp" in text, name
        assert "placed smaller than the follicle look you want" in text, name


def test_vendor_follicle_sizes_by_ethnicity_are_gone(courses):
    text = _lesson_text(courses, "pigment-science/healing-fading-and-sun")
    assert "Asian scalps" not in text and "Caucasian scalps" not in text
    assert "East Asian hair" in text


def test_contested_keys_are_rewritten_or_removed(courses):
    hygiene = _bank(courses, "hygiene-infection-control")
    pigment = _bank(courses, "pigment-science")
    foundations = _bank(courses, "smp-foundations")
    assert "hyg-053" not in hygiene and "pig-035" not in pigment
    assert not any("first layer of pigment" in o["text"] for o in foundations["fnd-016"]["options"])
    for question in pigment.values():
        keyed = [o.get("text") or o["alt"] for o in question.get("options", []) if o.get("correct")]
        assert not any("vein" in text.lower() for text in keyed), question["key"]
    undertone = _lesson_text(courses, "pigment-science/fitzpatrick-and-undertone")
    assert "no validated clinical test" in undertone


def test_dilution_uses_sterile_water(courses):
    for name in ("pigment-science/what-smp-pigment-is", "pigment-science/worked-dilution-ladder"):
        assert "sterile water" in _lesson_text(courses, name), name
    keyed = [o for o in _bank(courses, "pigment-science")["pig-003"]["options"] if o.get("correct")]
    assert keyed[0]["text"].startswith("Sterile water")
