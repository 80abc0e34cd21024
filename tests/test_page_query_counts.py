"""The quiz, grading-queue and verification pages run the same number of SQL statements
whatever the amount of data (no N+1 queries)."""

from __future__ import annotations

from smp_academy.certificates import services as certificates
from smp_academy.certificates.models import Certification
from smp_academy.courses.models import CohortMember
from smp_academy.extensions import db
from smp_academy.practice.models import Exercise, Submission
from tests import factories
from tests.courses.test_query_counts import counted

RUBRIC = [
    {
        "key": "size",
        "title": "Size",
        "levels": [{"points": 0, "label": "No"}, {"points": 2, "label": "Yes"}],
    }
]


def statements(client, path: str) -> int:
    assert client.get(path).status_code == 200, path  # warm-up: first visits may write rows
    with counted() as seen:
        assert client.get(path).status_code == 200, path
    return len(seen)


def _exercise() -> Exercise:
    quiz = factories.quiz()
    exercise = Exercise(
        slug=f"ex-{quiz.id}",
        course_id=quiz.course_id,
        title="Drill",
        instructions_html="<p>Do it</p>",
        content_hash="x",
        spec={
            "photos": {"min": 1, "max": 1},
            "target": {},
            "rubric": RUBRIC,
            "pass_rule": {"min_total": 2, "min_each": 0},
        },
    )
    db.session.add(exercise)
    db.session.flush()
    return exercise


def _submissions(exercise: Exercise, trainees: list) -> None:
    for trainee in trainees:
        db.session.add(Submission(exercise_id=exercise.id, trainee_id=trainee.id, version=1))
    db.session.flush()


def test_grading_queue_is_constant_in_trainees_and_submissions(client, login, instructor):
    exercise = _exercise()
    trainees = [factories.user() for _ in range(2)]
    cohort = factories.cohort(trainees=trainees, instructors=[instructor])
    _submissions(exercise, trainees)
    login(instructor)
    small = statements(client, "/grading")
    more = [factories.user() for _ in range(25)]
    for trainee in more:
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=trainee.id, role="trainee"))
    _submissions(exercise, more)
    assert statements(client, "/grading") == small


def test_quiz_page_and_attempt_page_are_constant_in_attempts(client, login, trainee):
    quiz = factories.quiz(max_attempts=None, cooldown_minutes=0)
    factories.attempt(trainee, quiz)
    login(trainee)
    small = statements(client, f"/quizzes/{quiz.slug}")
    for _ in range(8):
        factories.attempt(trainee, quiz)
    assert statements(client, f"/quizzes/{quiz.slug}") == small
    open_attempt = factories.attempt(trainee, quiz, submit=False)
    assert statements(client, f"/attempts/{open_attempt.id}") > 0


def test_verification_page_and_api_are_constant_in_certificates(client, admin):
    certification = Certification(
        slug="c",
        title="Cert",
        requires={"courses": [], "quizzes": [], "exercises": []},
        renewal={},
        content_hash="x",
    )
    db.session.add(certification)
    db.session.flush()
    first = certificates.issue(factories.user(), certification, cycle=1)
    small = (
        statements(client, f"/verify/{first.code}"),
        statements(client, f"/api/v1/certificates/{first.code}"),
    )
    for _ in range(20):
        certificates.issue(factories.user(), certification, cycle=1)
    db.session.flush()
    assert (
        statements(client, f"/verify/{first.code}"),
        statements(client, f"/api/v1/certificates/{first.code}"),
    ) == small
