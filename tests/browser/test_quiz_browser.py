"""A trainee takes a quiz in a real browser: autosave, reload midway, submit, review."""

from __future__ import annotations

import re

from sqlalchemy import delete

from smp_academy.auth.models import UserSession
from smp_academy.extensions import db
from smp_academy.quizzes import services
from tests import factories


def test_take_reload_submit_and_review(page):
    trainee = factories.user(name="Brenda Browser")
    quiz = factories.quiz(factories.question_bank("t-true-false", "t-single", "t-numeric"))
    db.session.commit()  # the server answers from its own connections

    page.goto("/login")
    page.fill("input[name=email]", trainee.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(re.compile(r"/$"))

    page.goto(f"/quizzes/{quiz.slug}")
    page.click("button:has-text('Start the quiz')")
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    question = page.locator("fieldset[data-type=true_false]")
    question.locator("input[value=true]").check()
    status = question.locator(".save-status")
    status.filter(has_text="Saved").wait_for()  # the autosave request has been answered

    page.reload()  # as if the tab had crashed: the answer comes back from the server
    assert page.locator("fieldset[data-type=true_false] input[value=true]").is_checked()
    assert not page.locator("fieldset[data-type=true_false] input[value=false]").is_checked()

    page.once("dialog", lambda dialog: dialog.accept())  # "Submit your answers for grading?"
    page.click("#submit-attempt")
    page.wait_for_url(re.compile(r"/attempts/\d+/review$"))
    score = page.locator("p.score").inner_text()
    assert "Score:" in score and "33.3 %" in score and "Not passed" in score
    assert page.locator(".review-item .badge-ok").count() == 1

    db.session.rollback()  # end the test's read snapshot to see what the server committed
    (attempt,) = services.user_attempts(trainee, quiz)
    assert attempt.status == "submitted" and attempt.submit_reason == "trainee"


def test_an_answer_given_after_the_session_ended_is_kept_and_saved_after_sign_in(page):
    trainee = factories.user(name="Lena Lost")
    quiz = factories.quiz(factories.question_bank("t-true-false", "t-single", "t-numeric"))
    db.session.commit()

    def sign_in() -> None:
        page.goto("/login")
        page.fill("input[name=email]", trainee.email)
        page.fill("input[name=password]", factories.PASSWORD)
        page.click("button:has-text('Log in')")
        page.wait_for_url(re.compile(r"/$"))

    sign_in()
    page.goto(f"/quizzes/{quiz.slug}")
    page.click("button:has-text('Start the quiz')")
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    attempt_path = page.url.split(page.url.split("/attempts/")[0])[1]

    db.session.rollback()  # a fresh snapshot before writing next to the server
    db.session.execute(delete(UserSession).where(UserSession.user_id == trainee.id))
    db.session.commit()  # the session ends elsewhere (another tab signed out, or it expired)

    question = page.locator("fieldset[data-type=true_false]")
    question.locator("input[value=true]").check()
    question.locator(".save-status").filter(has_text="kept on this device").wait_for()
    assert page.locator("#session-ended").is_visible()
    db.session.rollback()
    (attempt,) = services.user_attempts(trainee, quiz)
    assert services.saved_answers(attempt) == {}  # nothing acknowledged, nothing claimed saved

    sign_in()
    page.goto(attempt_path)  # the kept answer is sent again on the page's return
    page.wait_for_load_state("networkidle")
    assert page.locator("fieldset[data-type=true_false] input[value=true]").is_checked()
    db.session.rollback()
    assert len(services.saved_answers(attempt)) == 1
