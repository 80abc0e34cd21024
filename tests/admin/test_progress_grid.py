"""The cohort progress grid: lessons, the course quiz (best score), the practice exercises (the
latest submission's state) and the certificates of every trainee, as a page and as CSV, in a
constant number of queries."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from smp_academy.certificates.models import Certificate, Certification
from smp_academy.core.storage import LocalStorage
from smp_academy.courses.models import CohortMember
from smp_academy.extensions import db
from smp_academy.grading import services as grading
from smp_academy.quizzes.models import Quiz
from tests import factories
from tests.courses import helpers
from tests.courses.test_query_counts import counted
from tests.grading import helpers as practice_helpers


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    with (
        app.test_request_context(),
        practice_helpers.swapped_storage(app, LocalStorage(tmp_path / "files")) as store,
    ):
        yield store


def _certificate(holder, title: str, **fields) -> Certificate:
    certification = Certification(
        slug=f"cert-{holder.id}-{len(title)}",
        title=title,
        requires={},
        renewal={},
        content_hash="x",
    )
    db.session.add(certification)
    db.session.flush()
    cert = Certificate(
        code=f"SMP-TEST-{holder.id:04d}-{len(title):04d}",
        holder_id=holder.id,
        certification_id=certification.id,
        holder_name=holder.name,
        credential_title=title,
        issued_on=date(2026, 3, 1),
        **fields,
    )
    db.session.add(cert)
    db.session.flush()
    return cert


@pytest.fixture
def cohort_in_course(instructor):
    """A course with two lessons, a quiz and an exercise; Ann has done much of it, Ben nothing."""
    course = helpers.course("Dot Work", lessons=2)
    quiz = factories.quiz(factories.question_bank("t-single", "t-true-false"), pass_mark=60)
    quiz.course_id = course.id
    exercise = practice_helpers.exercise(title="Even density")
    exercise.course_id = course.id
    ann = factories.user(name="Ann Able")
    ben = factories.user(name="=Ben Blank")  # a name that would be a spreadsheet formula
    cohort = factories.cohort("Spring", trainees=[ann, ben], instructors=[instructor])
    helpers.complete(ann, helpers.lessons_of(course))
    factories.attempt(ann, quiz, right={"t-single"})  # 50 %
    factories.attempt(ann, quiz)  # 100 %, passed
    submission = practice_helpers.submission(ann, exercise)
    grading.claim(instructor, submission)
    grading.grade(instructor, submission, practice_helpers.levels(2, 2, 0), "", [])
    practice_helpers.submission(ann, exercise)  # version 2, waiting
    _certificate(ann, "Hygiene Certificate", expires_on=date(2030, 3, 1))
    db.session.flush()
    return cohort, course, quiz


def test_the_grid_shows_lessons_quiz_exercises_and_certificates(
    client, login, instructor, cohort_in_course
):
    cohort, course, _quiz = cohort_in_course
    login(instructor)
    page = client.get(f"/admin/cohorts/{cohort.id}/progress?course={course.slug}").get_data(True)
    ann = page[page.index("Ann Able") : page.index("</tr>", page.index("Ann Able"))]
    ben = page[page.index("=Ben Blank") : page.index("</tr>", page.index("=Ben Blank"))]
    assert "2/2" in ann and '<span class="badge badge-ok">100.0 %</span>' in ann
    assert "2 attempts" in ann
    assert '<span class="badge state-submitted">Waiting for review</span>' in ann  # the latest
    assert "Hygiene Certificate (valid, until 2030-03-01)" in ann
    assert "0/2" in ben and "not taken" in ben and "not submitted" in ben and "none" in ben
    assert "Practice exercises" in page and "Even density" in page


def test_the_grid_as_csv(client, login, instructor, cohort_in_course):
    cohort, course, _quiz = cohort_in_course
    login(instructor)
    response = client.get(f"/admin/cohorts/{cohort.id}/progress.csv?course={course.slug}")
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert f'filename="cohort-{cohort.id}-{course.slug}-progress.csv"' in disposition
    rows = {
        row["email"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    }
    assert len(rows) == 2
    ann, ben = (row for row in sorted(rows.values(), key=lambda row: row["name"].lstrip("'=")))
    assert (ann["name"], ann["lessons_done"], ann["lessons_total"]) == ("Ann Able", "2", "2")
    assert ann["lesson 1: Lesson 1 of Dot Work"] == "done"
    assert (ann["quiz_best_percent"], ann["quiz_passed"], ann["quiz_attempts"]) == (
        "100.0",
        "yes",
        "2",
    )
    assert ann["exercise: Even density"] == "waiting for review"
    assert ann["certificates"] == "Hygiene Certificate (valid, until 2030-03-01)"
    assert ben["name"] == "'=Ben Blank"  # no formula
    assert (ben["quiz_best_percent"], ben["exercise: Even density"], ben["certificates"]) == (
        "",
        "",
        "",
    )


def test_only_the_cohorts_instructors_and_admins_see_the_grid(
    client, auth, admin, cohort_in_course
):
    cohort, course, _quiz = cohort_in_course
    outsider = factories.user("instructor")
    path = f"/admin/cohorts/{cohort.id}/progress.csv?course={course.slug}"
    auth.login(outsider)
    assert client.get(path).status_code == 404
    auth.logout()
    auth.login(admin)
    assert client.get(path).status_code == 200


def _add_trainees(cohort, quiz: Quiz, count: int) -> None:
    """``count`` more trainees in the cohort, each with an attempt and a certificate."""
    for _ in range(count):
        trainee = factories.user()
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=trainee.id, role="trainee"))
        factories.attempt(trainee, quiz)
        _certificate(trainee, "Hygiene Certificate")
    db.session.flush()


def test_the_grid_costs_the_same_queries_for_two_or_ten_trainees(client, login, instructor):
    course = helpers.course("Dot Work", lessons=3)
    quiz = factories.quiz(factories.question_bank("t-single"))
    quiz.course_id = course.id
    practice_helpers.exercise().course_id = course.id
    cohort = factories.cohort("Sizes", instructors=[instructor])
    login(instructor)
    path = f"/admin/cohorts/{cohort.id}/progress?course={course.slug}"

    def statements() -> int:
        assert client.get(path).status_code == 200
        with counted() as seen:
            assert client.get(path).status_code == 200
        return len(seen)

    _add_trainees(cohort, quiz, 2)
    few = statements()
    _add_trainees(cohort, quiz, 8)
    assert statements() == few
