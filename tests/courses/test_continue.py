""" "Continue where you left off": the next lesson of the last course, and once that course is
finished the next step of the learner's certification pathway, not lesson 1 again."""

from __future__ import annotations

from smp_academy.certificates.models import Certification
from smp_academy.courses.services import record_visit
from smp_academy.extensions import db
from smp_academy.quizzes.models import Quiz
from tests import factories
from tests.courses import helpers


def _certification(course, quiz: Quiz, title: str = "Hygiene Certificate") -> Certification:
    row = Certification(
        slug=f"cert-{course.slug}",
        title=title,
        requires={"courses": [course.slug], "quizzes": [quiz.slug], "exercises": []},
        renewal={},
        content_hash="x",
    )
    db.session.add(row)
    db.session.flush()
    return row


def test_continue_leads_to_the_next_unfinished_lesson(client, login, trainee):
    course = helpers.course("Hygiene Basics", lessons=3)
    lessons = helpers.lessons_of(course)
    helpers.complete(trainee, lessons[:1])
    record_visit(trainee, course, lessons[0])
    login(trainee)
    response = client.get("/continue")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/courses/{course.slug}/lessons/lesson-2"


def test_a_finished_course_continues_with_the_next_pathway_step(client, login, trainee):
    course = helpers.course("Hygiene Basics", lessons=2)
    quiz = factories.quiz(factories.question_bank("t-single"))
    _certification(course, quiz)
    lessons = helpers.lessons_of(course)
    helpers.complete(trainee, lessons)
    record_visit(trainee, course, lessons[-1])
    login(trainee)

    response = client.get("/continue")
    assert response.headers["Location"] == f"/quizzes/{quiz.slug}"
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "You have completed this course" in page
    assert f'href="/quizzes/{quiz.slug}">Next for Hygiene Certificate: {quiz.title}</a>' in page
    assert "Start the course" not in page and "Continue: Lesson 1" not in page


def test_the_course_page_shows_the_quiz_grade_and_links_the_last_attempt(client, login, trainee):
    course = helpers.course("Hygiene Basics", lessons=1)
    quiz = factories.quiz(factories.question_bank("t-single", "t-true-false"), pass_mark=60)
    quiz.course_id = course.id
    factories.attempt(trainee, quiz, right={"t-single"})
    last = factories.attempt(trainee, quiz)
    login(trainee)
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Your grade: <strong>100.0 %</strong>" in page and "Passed" in page
    assert f'href="/attempts/{last.id}/review">Review your last attempt' in page


def test_with_nothing_left_on_the_pathway_the_course_is_offered_for_review(client, login, trainee):
    course = helpers.course("Hygiene Basics", lessons=1)
    lessons = helpers.lessons_of(course)
    helpers.complete(trainee, lessons)
    record_visit(trainee, course, lessons[0])
    login(trainee)
    assert client.get("/continue").headers["Location"] == f"/courses/{course.slug}"


def test_a_learner_who_has_not_started_goes_to_the_catalogue(client, login, trainee):
    login(trainee)
    assert client.get("/continue").headers["Location"] == "/courses"
