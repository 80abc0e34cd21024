"""Every page of the trainee and instructor workflows in Chromium, at a 1280 px laptop and a
390 px phone: each shows what it is for, fits its width without scrolling sideways, has no
serious or critical axe-core violation, and is photographed (to /tmp/uxa-shots/) for a person
to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from smp_academy.admin import account_deletion
from smp_academy.core.storage import LocalStorage
from smp_academy.courses.models import Course
from smp_academy.extensions import db
from smp_academy.grading import comments, services
from smp_academy.practice import services as practice
from tests import factories
from tests.browser.walk import findings_on
from tests.courses import helpers as courses
from tests.grading import helpers

SHOTS = Path("/tmp/uxa-shots")
WIDTHS = {"laptop": (1280, 800), "phone": (390, 844)}


@pytest.fixture
def page(browser, live_server):
    """A fresh context that lets axe-core in (the pages' CSP forbids injected scripts)."""
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    with helpers.swapped_storage(app, LocalStorage(tmp_path / "files")) as store:
        yield store


@pytest.fixture
def world(app) -> dict:
    """A trainee part-way through, an instructor with work to grade, an admin with a request."""
    setup = helpers.cohort_setup("Spring cohort")
    trainee, instructor = setup.trainee, setup.instructor
    basics = courses.course("Scalp Basics", lessons=3, slug="scalp-basics", word="blowout")
    dripped = courses.course("Dot Work", lessons=3, prerequisites=[basics.slug], word="needle")
    for lesson, days in zip(courses.lessons_of(dripped), (0, 5, 9), strict=True):
        lesson.available_after_days = days
    quiz = factories.quiz(factories.question_bank("t-single"))
    quiz.course_id = dripped.id
    open_quiz = factories.quiz(factories.question_bank("t-image", "t-single", "t-multiple"))
    exercise = helpers.exercise(target=helpers.TARGET, title="Even density on paper")
    courses.complete(trainee, courses.lessons_of(basics)[:1])
    loner = factories.user("trainee", name="Lou Loner")
    with app.test_request_context():
        submission = helpers.submission(trainee, exercise, note="First square.")
        practice.analyze_photo(submission.photos[0].id)
        waiting = helpers.submission(loner, helpers.exercise(title="Single dots"))
        practice.analyze_photo(waiting.photos[0].id)
        attempt = factories.attempt(trainee, open_quiz, right={"t-single"})
        for n in range(4):
            factories.attempt(factories.user(name=f"Taker {n}"), open_quiz, right={"t-image"})
        comments.save_comment(instructor, "Keep each dot separate in the dense band.")
        services.claim(instructor, submission)
    account_deletion.request_deletion(loner, factories.PASSWORD, "I am moving abroad.")
    db.session.commit()
    return {
        "trainee": trainee,
        "instructor": instructor,
        "admin": factories.user("admin", name="Ada Admin"),
        "cohort": setup.cohort.id,
        "course": dripped.slug,
        "quiz": quiz.slug,
        "open_quiz": open_quiz.slug,
        "attempt": attempt.id,
        "exercise": exercise.slug,
        "practice_course": db.session.get(Course, exercise.course_id).slug,
        "submission": submission.id,
    }


def _sign_in(page, user) -> None:
    db.session.commit()  # the admin made after the world
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(re.compile(r"/$"))


def _walk(page, name: str, path: str, expected: str) -> None:
    """The page at both widths: it answers, shows ``expected``, fits, passes axe-core and is
    photographed."""
    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        page.wait_for_load_state("networkidle")
        assert expected in page.locator("main").inner_html(), (path, width, expected)
        findings = findings_on(page, f"{path} at {width} px", axe=True)
        assert not findings, "\n".join(map(str, findings))
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{width_name}.png"), full_page=True)


def test_the_trainees_pages(page, world):
    _sign_in(page, world["trainee"])
    _walk(page, "course-locked", f"/courses/{world['course']}", "Finish Scalp Basics first")
    _walk(
        page, "lesson-locked", f"/courses/{world['course']}/lessons/lesson-3", "This lesson opens"
    )
    _walk(page, "quiz-locked", f"/quizzes/{world['quiz']}", "unlocks this course")
    reviewing = "An instructor is reviewing your last submission"
    _walk(page, "exercise", f"/exercises/{world['exercise']}", reviewing)
    _walk(page, "submission", f"/submissions/{world['submission']}", "is reviewing it now")
    _walk(page, "review", f"/attempts/{world['attempt']}/review", "Your answer, wrong")
    _walk(page, "search", "/search?q=blowuot", "No lesson contains “blowuot”, so we searched")
    _walk(page, "account-data", "/account/data", "Download my data")


def test_the_instructors_pages(page, world):
    _sign_in(page, world["instructor"])
    _walk(page, "queue", "/grading", "has work waiting but no instructor")
    _walk(page, "grade", f"/grading/submissions/{world['submission']}", "Rubric")
    _walk(page, "comments", "/grading/comments", "Keep each dot separate")
    _walk(page, "statistics", f"/quizzes/{world['open_quiz']}/statistics", "too few responses")
    progress = f"/admin/cohorts/{world['cohort']}/progress?course={world['practice_course']}"
    _walk(page, "progress", progress, "Practice exercises")
    _walk(page, "unassigned", "/admin/unassigned", "Lou Loner")


def test_the_admins_pages(page, world):
    _sign_in(page, world["admin"])
    _walk(page, "cohort", f"/admin/cohorts/{world['cohort']}", "Intake and turnaround")
    _walk(page, "deletion-requests", "/admin/deletion-requests", "I am moving abroad.")
