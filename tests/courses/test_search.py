"""Lesson search: result snippets with the match highlighted, and tolerance for misspellings
(pg_trgm on PostgreSQL, the same trigram measure in Python on SQLite). The page tests run on
whichever database the suite runs on; the pure helpers are checked against hand counts."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from smp_academy.courses import search
from smp_academy.courses.services import search_lessons
from smp_academy.extensions import db
from tests.courses import helpers


def test_trigrams_are_pg_trgms():
    assert search.trigrams("Cat") == {"  c", " ca", "cat", "at "}
    assert search.similarity("cat", "cats") == pytest.approx(3 / 6)
    assert search.similarity("undertnoe", "undertone") == pytest.approx(6 / 14)
    assert search.similarity("cat", "dog") == 0.0


def test_the_closest_word_must_be_similar_and_of_a_similar_length():
    words = {"blowout", "blowouts", "below", "needle"}
    assert search.closest("blowuot", words) == "blowout"
    assert search.closest("blowout", words) == "blowout"
    assert search.closest("bl", words) is None  # too short to look alike
    assert search.closest("zzzyzzx", words) is None


def test_terms_are_lowercase_words_in_order_without_repeats():
    assert search.terms("Needle, needle DEPTH a") == ["needle", "depth"]
    assert search.terms("<script>") == ["script"]


def test_a_snippet_centres_on_the_first_match_and_marks_every_match():
    body = " ".join(f"filler{i}" for i in range(60))
    lesson_text = f"{body} Dots spread into blowouts when the needle goes too deep. {body}"
    snippet = search.snippet(lesson_text, ["blowout", "needle"])
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>blowouts</mark> when the <mark>needle</mark> goes too deep" in snippet
    assert len(snippet) < 400


def test_a_snippet_escapes_the_lesson_text():
    snippet = search.snippet("Use <b>gloves</b> & wash hands", ["gloves"])
    assert snippet == "Use &lt;b&gt;<mark>gloves</mark>&lt;/b&gt; &amp; wash hands"


def test_results_carry_a_highlighted_snippet(client):
    helpers.course("Colour Course", lessons=1, word="undertone")
    page = client.get("/search?q=Undertone").get_data(as_text=True)
    assert "1 lesson matches" in page
    assert '<p class="snippet">Lesson 1 body about <mark>undertone</mark> number' in page
    assert "No lesson contains" not in page


def test_a_misspelled_word_is_searched_as_the_closest_lesson_word(client):
    helpers.course("Colour Course", lessons=2, word="undertone")
    helpers.course("Hygiene Course", lessons=2, word="disinfectant")
    results = search_lessons("undertnoe")
    assert results.corrections == {"undertnoe": "undertone"}
    assert {hit.course.title for hit in results.hits} == {"Colour Course"}
    page = client.get("/search?q=undertnoe").get_data(as_text=True)
    assert "No lesson contains “undertnoe”, so we searched for <strong>undertone</strong>" in page
    assert "2 lessons match “undertnoe”" in page
    assert "<mark>undertone</mark>" in page


def test_a_word_like_nothing_in_the_lessons_finds_nothing(client):
    helpers.course("Colour Course", lessons=1, word="undertone")
    results = search_lessons("zzzyzzx")
    assert results.hits == [] and results.corrections == {}


def test_retired_lessons_are_not_suggested():
    course = helpers.course("Retired Course", lessons=1, word="pigmentation")
    helpers.lessons_of(course)[0].is_retired = True
    db.session.flush()
    assert search_lessons("pigmentaton").corrections == {}


@pytest.mark.postgres
def test_pg_trgm_and_the_python_measure_agree():
    if not os.environ.get("SMP_TEST_DATABASE_URL"):
        pytest.skip("needs PostgreSQL: set SMP_TEST_DATABASE_URL")
    for left, right in [("cat", "cats"), ("undertnoe", "undertone"), ("blowuot", "blowout")]:
        pg = db.session.scalar(text("SELECT similarity(:a, :b)"), {"a": left, "b": right})
        assert pg == pytest.approx(search.similarity(left, right), abs=1e-6), (left, right)
