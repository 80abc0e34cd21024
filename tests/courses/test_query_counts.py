"""The catalogue, a course page and a lesson page issue the same number of SQL statements
whatever the number of courses, lessons and learners (no N+1 queries)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from smp_academy.courses.models import Lesson
from smp_academy.extensions import db
from tests import factories
from tests.courses import helpers


@contextmanager
def counted() -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _counts(client, paths: list[str]) -> dict[str, int]:
    """Statements per page, after one warm-up request (the first lesson visit inserts rows)."""
    result = {}
    for path in paths:
        assert client.get(path).status_code == 200, path
        with counted() as statements:
            assert client.get(path).status_code == 200, path
        result[path] = len(statements)
    return result


def _add_lessons(course, up_to: int) -> None:
    have = len(helpers.lessons_of(course))
    for position in range(have + 1, up_to + 1):
        db.session.add(
            Lesson(
                course_id=course.id,
                slug=f"lesson-{position}",
                title=f"Lesson {position}",
                position=position,
                reading_minutes=5,
                objectives=[],
                body_html="<p>Body</p>",
                toc=[],
                search_text="body",
                content_hash=f"extra-{course.id}-{position}",
            )
        )
    db.session.flush()


def test_page_queries_do_not_grow_with_courses_lessons_and_learners(client, login, trainee):
    courses = [helpers.course(lessons=3) for _ in range(2)]
    target = courses[0]
    helpers.complete(trainee, helpers.lessons_of(target)[:1])
    login(trainee)
    paths = [
        f"/courses/{target.slug}/lessons/lesson-2",  # first: the visit is where "continue" leads
        "/",
        "/courses",
        f"/courses/{target.slug}",
    ]
    small = _counts(client, paths)

    for course in courses:
        _add_lessons(course, 8)
    courses += [helpers.course(lessons=8) for _ in range(4)]
    learners = [factories.user() for _ in range(19)]
    for i, learner in enumerate(learners):
        for course in courses[i % 3 :: 2]:
            helpers.complete(learner, helpers.lessons_of(course)[: 1 + i % 7])
    for course in courses[1:]:
        helpers.complete(trainee, helpers.lessons_of(course)[:5])
    helpers.complete(trainee, helpers.lessons_of(target)[2:6])
    large = _counts(client, paths)

    assert large == small
    # the trainee's dashboard gathers the whole pathway (courses, certifications, the clinical
    # logbook and where to continue): a constant, larger budget than a single page
    budget = {path: 25 if path == "/" else 20 for path in small}
    assert all(small[path] <= budget[path] for path in small), small
    page = client.get(f"/courses/{target.slug}").get_data(as_text=True)
    assert "5 of 8 lessons done" in page  # the large world really was in place
