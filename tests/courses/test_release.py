"""What content opens when: enforced or advisory prerequisites (the quiz and exercises of a
course wait for its prerequisites, and the locked item says what unlocks it) and drip release
(a course or lesson opens some days after the trainee's start: their cohort's start date, else
their enrolment). Read from course.yaml and lesson front matter; staff are never locked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from smp_academy.admin.content import load_content
from smp_academy.core import clock
from smp_academy.core.content_files import ContentInvalid
from smp_academy.core.errors import Conflict
from smp_academy.core.storage import LocalStorage
from smp_academy.courses import access
from smp_academy.courses.models import Course, Enrolment, LessonProgress
from smp_academy.extensions import db
from smp_academy.quizzes import services as quizzes
from tests import factories
from tests.conftest import csrf_token
from tests.courses import helpers
from tests.grading import helpers as practice_helpers

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


@pytest.fixture
def basics():
    return helpers.course("Basics First", lessons=2, slug="basics-first")


@pytest.fixture
def quiz(basics):
    """A quiz whose course needs Basics First (enforced, the default)."""
    row = factories.quiz(factories.question_bank("t-single"))
    course = db.session.get(Course, row.course_id)
    course.prerequisite_slugs = [basics.slug]
    db.session.flush()
    return row


# --------------------------------------------------------------------------- prerequisites


def test_an_enforced_prerequisite_locks_the_quiz_and_says_what_unlocks_it(
    client, login, trainee, basics, quiz
):
    login(trainee)
    page = _page(client, f"/quizzes/{quiz.slug}")
    assert "Locked." in page
    assert "Finish Basics First first: completing it unlocks this course&#39;s quiz" in page
    assert 'href="/courses/basics-first">Continue Basics First</a>' in page
    assert "Start the quiz" not in page

    token = csrf_token(client, f"/quizzes/{quiz.slug}")
    refused = client.post(f"/quizzes/{quiz.slug}/start", data={"csrf_token": token})
    assert refused.status_code == 302
    assert "Finish Basics First first" in _page(client, refused.headers["Location"])
    assert quizzes.user_attempts(trainee, quiz) == []

    course_page = _page(client, f"/courses/{db.session.get(Course, quiz.course_id).slug}")
    assert "The lessons are open; the quiz and exercises are locked." in course_page
    assert "We recommend" not in course_page

    helpers.complete(trainee, helpers.lessons_of(basics))
    page = _page(client, f"/quizzes/{quiz.slug}")
    assert "Locked." not in page and "Start the quiz" in page
    assert quizzes.start_attempt(trainee, quiz).is_open


def test_an_advisory_prerequisite_only_recommends(client, login, trainee, quiz):
    db.session.get(Course, quiz.course_id).prerequisites_mode = "advisory"
    db.session.flush()
    login(trainee)
    course_page = _page(client, f"/courses/{db.session.get(Course, quiz.course_id).slug}")
    assert "We recommend finishing" in course_page and "Locked." not in course_page
    assert "Start the quiz" in _page(client, f"/quizzes/{quiz.slug}")
    assert quizzes.start_attempt(trainee, quiz).is_open


def test_staff_are_never_locked_out(instructor, admin, quiz):
    course = db.session.get(Course, quiz.course_id)
    assert access.course_lock(instructor, course) is None
    assert access.course_lock(admin, course) is None


def test_an_enforced_prerequisite_locks_the_exercises(app, tmp_path, client, login, basics):
    with practice_helpers.swapped_storage(app, LocalStorage(tmp_path / "files")):
        setup = practice_helpers.cohort_setup()
        exercise = practice_helpers.exercise()
        db.session.get(Course, exercise.course_id).prerequisite_slugs = [basics.slug]
        db.session.flush()
        login(setup.trainee)
        page = _page(client, f"/exercises/{exercise.slug}")
        assert "Finish Basics First first" in page and 'name="photos"' not in page
        with pytest.raises(Conflict, match="Finish Basics First first"):
            practice_helpers.submission(setup.trainee, exercise)
        helpers.complete(setup.trainee, helpers.lessons_of(basics))
        assert 'name="photos"' in _page(client, f"/exercises/{exercise.slug}")
        assert practice_helpers.submission(setup.trainee, exercise).version == 1


# --------------------------------------------------------------------------- drip release


def _dripped_course():
    """Lesson 1 opens at once, lesson 2 after 3 days, lesson 3 after 7."""
    course = helpers.course("Dripped", lessons=3)
    for lesson, days in zip(helpers.lessons_of(course), (0, 3, 7), strict=True):
        lesson.available_after_days = days
    db.session.flush()
    return course


def test_lessons_open_days_after_enrolment(client, login, trainee):
    course = _dripped_course()
    clock.freeze(T0)
    login(trainee)
    _page(client, f"/courses/{course.slug}/lessons/lesson-1")  # enrols
    clock.freeze(T0 + timedelta(days=2))
    login(trainee)  # the session of two days ago has ended
    page = _page(client, f"/courses/{course.slug}/lessons/lesson-2")
    assert "This lesson opens on Thursday 5 March 2026." in page
    assert "Body 2" not in page
    assert db.session.query(LessonProgress).filter_by(user_id=trainee.id).count() == 1
    course_page = _page(client, f"/courses/{course.slug}")
    assert "Opens 5 Mar" in course_page and "Opens 9 Mar" in course_page
    assert f'href="/courses/{course.slug}/lessons/lesson-2"' not in course_page

    path = f"/courses/{course.slug}/lessons/lesson-2/progress"
    token = csrf_token(client, f"/courses/{course.slug}/lessons/lesson-1")
    refused = client.post(path, data={"csrf_token": token})
    assert refused.status_code == 302
    assert db.session.query(LessonProgress).filter_by(user_id=trainee.id).count() == 1

    clock.freeze(T0 + timedelta(days=3))
    login(trainee)
    assert "Body 2" in _page(client, f"/courses/{course.slug}/lessons/lesson-2")
    assert "This lesson opens on Monday 9 March 2026." in _page(
        client, f"/courses/{course.slug}/lessons/lesson-3"
    )


def test_a_lesson_before_the_trainee_starts_says_how_many_days_after(client, login, trainee):
    course = _dripped_course()
    login(trainee)
    page = _page(client, f"/courses/{course.slug}/lessons/lesson-3")
    assert "This lesson opens 7 days after you start the course." in page
    assert db.session.query(Enrolment).filter_by(user_id=trainee.id).count() == 0


def test_a_cohort_start_date_sets_the_schedule(trainee):
    course = _dripped_course()
    cohort = factories.cohort(trainees=[trainee])
    cohort.starts_on = "2026-03-10"
    db.session.add(Enrolment(user_id=trainee.id, course_id=course.id, enrolled_at=T0))
    db.session.flush()
    clock.freeze(T0 + timedelta(days=10))  # 12 March: cohort day 2
    locks = access.lesson_locks(trainee, course, helpers.lessons_of(course))
    opens = sorted(lock.opens_on.isoformat() for lock in locks.values())
    assert opens == ["2026-03-13", "2026-03-17"]


def test_a_course_released_later_locks_its_lessons_quiz_and_exercises(trainee, instructor):
    quiz = factories.quiz(factories.question_bank("t-single"))
    course = db.session.get(Course, quiz.course_id)
    course.available_after_days = 14
    db.session.add(Enrolment(user_id=trainee.id, course_id=course.id, enrolled_at=T0))
    db.session.flush()
    clock.freeze(T0 + timedelta(days=1))
    with pytest.raises(Conflict, match="This course opens on Monday 16 March 2026"):
        quizzes.start_attempt(trainee, quiz)
    assert access.course_lock(instructor, course) is None
    clock.freeze(T0 + timedelta(days=14))
    assert quizzes.start_attempt(trainee, quiz).is_open


# --------------------------------------------------------------------------- content keys


def _tree(tmp_path: Path, course_yaml: str = "", front_matter: str = "") -> Path:
    root = helpers.write_tree(tmp_path / "content", "alpha-course")
    folder = root / "alpha-course"
    course = folder / "course.yaml"
    course.write_text(course.read_text() + course_yaml)
    lesson = folder / "lessons" / "02-next-steps.md"
    lesson.write_text(
        lesson.read_text().replace("reading_minutes: 3\n", "reading_minutes: 3\n" + front_matter, 1)
    )
    return root


def test_content_sets_the_prerequisites_mode_and_the_release_days(tmp_path):
    root = _tree(
        tmp_path,
        "prerequisites_mode: advisory\navailable_after_days: 7\n",
        "available_after_days: 3\n",
    )
    course = load_content(root).courses[0]
    assert (course.prerequisites_mode, course.available_after_days) == ("advisory", 7)
    assert [lesson.available_after_days for lesson in course.lessons] == [0, 3]
    default = load_content(helpers.write_tree(tmp_path / "plain", "beta-course")).courses[0]
    assert (default.prerequisites_mode, default.available_after_days) == ("enforced", 0)


def test_a_release_day_changes_the_lesson_fingerprint(tmp_path):
    before = load_content(_tree(tmp_path / "a")).courses[0].lessons[1].content_hash
    after = load_content(_tree(tmp_path / "b", front_matter="available_after_days: 2\n"))
    assert after.courses[0].lessons[1].content_hash != before


@pytest.mark.parametrize(
    ("course_yaml", "front_matter", "expected"),
    [
        (
            "prerequisites_mode: strict\n",
            "",
            "content/alpha-course/course.yaml:8: 'prerequisites_mode' must be enforced or advisory",
        ),
        (
            "available_after_days: -1\n",
            "",
            "content/alpha-course/course.yaml:8: 'available_after_days' must be a whole number "
            "of days from 0 to 366",
        ),
        (
            "",
            "available_after_days: soon\n",
            "content/alpha-course/lessons/02-next-steps.md:5: 'available_after_days' must be int",
        ),
    ],
)
def test_bad_release_keys_are_reported_at_file_and_line(
    tmp_path, course_yaml, front_matter, expected
):
    with pytest.raises(ContentInvalid) as error:
        load_content(_tree(tmp_path, course_yaml, front_matter))
    assert expected in [str(problem) for problem in error.value.problems]
