"""The learning experience: catalogue, course page and progress, resume, prerequisites, the
lesson reader, figures and search. Mostly on small synthetic courses; real content once."""

from __future__ import annotations

import re

from sqlalchemy import select

from smp_academy.courses.models import Enrolment, LessonProgress
from smp_academy.extensions import db
from tests.conftest import csrf_token
from tests.courses import helpers
from tests.courses.test_content import COURSES


def _mark(client, course, lesson, complete: str = "1", then: str | None = None):
    path = f"/courses/{course.slug}/lessons/{lesson.slug}"
    data = {"complete": complete, "csrf_token": csrf_token(client, path)}
    if then:
        data["then"] = then
    return client.post(f"{path}/progress", data=data)


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_catalogue_lists_every_real_course(app, client):
    result = helpers.sync(app, helpers.REAL_CONTENT)
    assert result.exit_code == 0, result.stderr
    titles = [
        "SMP Foundations",
        "Pigment Science and Colour Matching",
        "Hairline Design",
        "Hygiene, Infection Control and Bloodborne Pathogens",
        "Dot Technique",
    ]
    home = _page(client, "/")
    catalogue = _page(client, "/courses")
    for title in titles:
        assert title in home and title in catalogue, title
    assert len(re.findall(r'class="card course-card"', catalogue)) == len(COURSES)
    course = _page(client, "/courses/smp-foundations")
    assert "What SMP is and is not" in course and "Register to start this course" in course


def test_course_progress_moves_as_lessons_are_completed(client, login, trainee):
    course = helpers.course("Needle Basics", lessons=4)
    first, second, *_ = helpers.lessons_of(course)
    login(trainee)
    assert "0 of 4 lessons done (0 %)" in _page(client, f"/courses/{course.slug}")

    assert _mark(client, course, first).status_code == 302
    page = _page(client, f"/courses/{course.slug}")
    assert "1 of 4 lessons done (25 %)" in page
    assert 'value="25"' in page

    response = _mark(client, course, second, then="next")
    assert response.headers["Location"].endswith(f"/courses/{course.slug}/lessons/lesson-3")
    assert "2 of 4 lessons done (50 %)" in _page(client, f"/courses/{course.slug}")
    assert "2 of 4 lessons done" in _page(client, "/")  # the dashboard card

    _mark(client, course, second, complete="0")
    assert "1 of 4 lessons done (25 %)" in _page(client, f"/courses/{course.slug}")


def test_marking_twice_keeps_one_progress_row(client, login, trainee):
    course = helpers.course(lessons=2)
    lesson = helpers.lessons_of(course)[0]
    login(trainee)
    _mark(client, course, lesson)
    _mark(client, course, lesson)
    rows = db.session.scalars(select(LessonProgress).filter_by(user_id=trainee.id)).all()
    assert len(rows) == 1 and rows[0].completed_at is not None


def test_progress_needs_the_csrf_token_and_a_trainee(client, login, trainee, instructor):
    course = helpers.course(lessons=2)
    path = f"/courses/{course.slug}/lessons/lesson-1/progress"
    login(trainee)
    assert client.post(path, data={"complete": "1"}).status_code == 400
    assert client.post(path, data={"complete": "1", "csrf_token": "forged"}).status_code == 400
    assert db.session.scalar(select(LessonProgress)) is None


def test_continue_where_you_left_off(client, login, trainee):
    other = helpers.course("Other Course", lessons=2)
    course = helpers.course("Resume Course", lessons=4)
    lessons = helpers.lessons_of(course)
    login(trainee)
    _page(client, f"/courses/{other.slug}/lessons/lesson-1")
    _mark(client, course, lessons[0])
    _page(client, f"/courses/{course.slug}/lessons/lesson-3")

    page = _page(client, f"/courses/{course.slug}")
    resume = f'href="/courses/{course.slug}/lessons/lesson-3">Continue: Lesson 3 of Resume Course'
    assert resume in page
    home = _page(client, "/")
    assert "Continue where you left off" in home
    assert "Continue Resume Course: Lesson 3" in home

    _mark(client, course, lessons[2])  # finishing it moves the pointer on
    assert 'lessons/lesson-4">Continue: Lesson 4' in _page(client, f"/courses/{course.slug}")
    enrolment = db.session.scalar(
        select(Enrolment).filter_by(user_id=trainee.id, course_id=course.id)
    )
    assert enrolment.last_lesson_id == lessons[2].id


def test_a_new_trainee_is_offered_the_first_lesson(client, login, trainee):
    course = helpers.course(lessons=2)
    login(trainee)
    page = _page(client, f"/courses/{course.slug}")
    assert f'href="/courses/{course.slug}/lessons/lesson-1">Start the course' in page
    assert "Continue where you left off" not in _page(client, "/")


def test_advisory_prerequisites_warn_until_the_prerequisite_is_completed(client, login, trainee):
    basics = helpers.course("Basics First", lessons=2, slug="basics-first")
    advanced = helpers.course(
        "Advanced Work", lessons=2, prerequisites=["basics-first"], prerequisites_mode="advisory"
    )
    login(trainee)
    page = _page(client, f"/courses/{advanced.slug}")
    assert "We recommend finishing" in page and "Basics First" in page
    assert 'href="/courses/basics-first"' in page
    assert "We recommend finishing" not in _page(client, "/courses/basics-first")

    helpers.complete(trainee, helpers.lessons_of(basics)[:1])
    assert "We recommend finishing" in _page(client, f"/courses/{advanced.slug}")
    helpers.complete(trainee, helpers.lessons_of(basics)[1:])
    assert "We recommend finishing" not in _page(client, f"/courses/{advanced.slug}")


def test_lesson_page_has_a_toc_objectives_and_previous_next(client, login, trainee):
    course = helpers.course("Reader Course", lessons=3)
    login(trainee)
    first = _page(client, f"/courses/{course.slug}/lessons/lesson-1")
    middle = _page(client, f"/courses/{course.slug}/lessons/lesson-2")
    last = _page(client, f"/courses/{course.slug}/lessons/lesson-3")

    assert "On this page" in middle
    assert 'href="#introduction">Introduction' in middle and 'href="#details">Details' in middle
    assert '<h2 id="introduction">' in middle and "Objective of lesson 2" in middle
    assert "← Lesson 1 of Reader Course" in middle and "Lesson 3 of Reader Course →" in middle
    assert "←" not in first.split('class="prev-next"')[1].split("</nav>")[0]
    assert "Lesson 2 of Reader Course →" in first
    assert "Back to the course" in last and "Mark as complete" in last
    assert "Mark as complete and continue" in middle


def test_lessons_need_sign_in_and_exist(client, login, trainee):
    course = helpers.course(lessons=1)
    response = client.get(f"/courses/{course.slug}/lessons/lesson-1")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(trainee)
    assert client.get(f"/courses/{course.slug}/lessons/no-such-lesson").status_code == 404
    assert client.get("/courses/no-such-course").status_code == 404
    course.is_published = False
    db.session.flush()
    assert client.get(f"/courses/{course.slug}").status_code == 404


def test_staff_can_read_lessons_without_leaving_progress(client, login, instructor):
    course = helpers.course(lessons=1)
    login(instructor)
    page = _page(client, f"/courses/{course.slug}/lessons/lesson-1")
    assert "Mark as complete" not in page
    assert db.session.scalar(select(LessonProgress)) is None
    assert db.session.scalar(select(Enrolment)) is None


def test_figures_are_served_as_sandboxed_svg(app, client, login, trainee, tmp_path):
    root = helpers.write_tree(tmp_path / "content", "figure-course")
    assert helpers.sync(app, root).exit_code == 0
    login(trainee)
    lesson = _page(client, "/courses/figure-course/lessons/first-steps")
    assert 'src="/courses/figure-course/figures/diagram.svg"' in lesson

    response = client.get("/courses/figure-course/figures/diagram.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"<svg")
    etag = response.headers["ETag"]
    again = client.get(
        "/courses/figure-course/figures/diagram.svg", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    assert client.get("/courses/figure-course/figures/nope.svg").status_code == 404
    assert client.get("/courses/no-course/figures/diagram.svg").status_code == 404


def test_search_finds_a_lesson_by_a_word(client):
    helpers.course("Colour Course", lessons=2, word="undertone")
    helpers.course("Hygiene Course", lessons=2, word="disinfectant")
    page = _page(client, "/search?q=undertone")
    assert "2 lessons match" in page
    assert "Lesson 1 of Colour Course" in page and "Hygiene Course" not in page
    assert "0 lessons match" in _page(client, "/search?q=zzzyzzx")
    nothing = _page(client, "/search?q=")
    assert "lessons match" not in nothing


def test_search_ignores_retired_lessons(client):
    course = helpers.course("Retiring Course", lessons=2, word="tattooing")
    helpers.lessons_of(course)[0].is_retired = True
    db.session.flush()
    page = _page(client, "/search?q=tattooing")
    assert "1 lesson match" in page and "Lesson 2 of Retiring Course" in page


def test_search_escapes_the_query(client):
    page = _page(client, "/search?q=<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
