"""A trainee opens a course, reads a lesson, marks it complete and sees progress move."""

from __future__ import annotations

import re

from sqlalchemy import select

from smp_academy.courses.models import LessonProgress
from smp_academy.extensions import db
from tests import factories
from tests.courses import helpers


def _log_in(page, user) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_open_a_course_read_a_lesson_and_see_progress_move(page):
    trainee = factories.user(name="Rita Reader")
    course = helpers.course("Browser Basics", lessons=3)
    db.session.commit()  # the live server answers from its own connections

    _log_in(page, trainee)
    page.get_by_role("link", name="Browser Basics").click()
    page.wait_for_url(re.compile(rf"/courses/{course.slug}$"))
    assert page.locator("#course-progress").inner_text() == "0 of 3 lessons done (0 %)"

    page.get_by_role("link", name="Start the course").click()
    page.wait_for_url(re.compile(r"/lessons/lesson-1$"))
    assert page.get_by_role("heading", level=1, name="Lesson 1 of Browser Basics").is_visible()
    toc = page.get_by_role("navigation", name="On this page")
    toc.get_by_role("link", name="Details").click()  # the table of contents works
    assert page.url.endswith("#details")

    page.get_by_role("button", name="Mark as complete and continue").click()
    page.wait_for_url(re.compile(r"/lessons/lesson-2$"))
    lessons = page.get_by_role("navigation", name="Lessons of this course")
    assert lessons.locator(".badge-ok").count() == 1

    page.get_by_role("link", name="← Browser Basics").click()
    page.wait_for_url(re.compile(rf"/courses/{course.slug}$"))
    assert page.locator("#course-progress").inner_text() == "1 of 3 lessons done (33 %)"
    assert page.locator("progress[aria-label='Course progress']").get_attribute("value") == "33"
    assert page.get_by_role("link", name="Continue: Lesson 2 of Browser Basics").is_visible()

    page.goto("/")
    assert page.get_by_role("heading", name="Continue where you left off").is_visible()
    assert page.get_by_text("1 of 3 lessons done").is_visible()

    db.session.rollback()  # see what the server committed
    done = db.session.scalars(select(LessonProgress).filter_by(user_id=trainee.id)).all()
    assert sum(row.completed_at is not None for row in done) == 1
