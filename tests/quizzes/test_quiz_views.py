"""Taking a quiz over HTTP: autosave, the no-JavaScript form, no answer leakage, review,
permissions, statistics and the CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from smp_academy.core import clock
from smp_academy.core.models import AuditEvent
from smp_academy.courses.models import Course
from smp_academy.extensions import db
from smp_academy.quizzes import reports, services
from smp_academy.quizzes.models import Attempt, AttemptAnswer
from tests import factories
from tests.conftest import csrf_token

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXPLANATIONS = [q["explanation"] for q in factories.QUESTION_BANK]


def start(client, quiz) -> Attempt:
    token = csrf_token(client, f"/quizzes/{quiz.slug}")
    response = client.post(f"/quizzes/{quiz.slug}/start", data={"csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    match = re.fullmatch(r"/attempts/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return db.session.get(Attempt, int(match.group(1)))


def autosave(client, attempt: Attempt, body, token: str | None = None):
    token = token or csrf_token(client, f"/attempts/{attempt.id}")
    url = f"/attempts/{attempt.id}/answers"
    headers = {"X-CSRFToken": token}
    if isinstance(body, str | bytes):
        return client.post(url, data=body, content_type="application/json", headers=headers)
    return client.post(url, json=body, headers=headers)


def slot_of(attempt: Attempt, key: str) -> int:
    return [v.spec["key"] for v in services.slot_versions(attempt)].index(key)


def spec_of(attempt: Attempt, key: str) -> dict:
    return services.slot_versions(attempt)[slot_of(attempt, key)].spec


def form_fields(slot: int, spec: dict, answer: dict) -> list[tuple[str, str]]:
    """The fields the attempt template gives a question, filled in with ``answer``."""
    name, kind = f"q{slot}", spec["type"]
    if kind in ("single", "image_choice"):
        return [(name, str(answer["choice"]))]
    if kind == "multiple":
        return [(name, str(choice)) for choice in answer["choices"]]
    if kind == "true_false":
        return [(name, "true" if answer["value"] else "false")]
    if kind == "numeric":
        return [(name, str(answer["value"]).replace(".", ","))]  # a decimal comma, as typed
    if kind == "ordering":
        return [(f"{name}_pos{item}", str(pos)) for pos, item in enumerate(answer["order"], 1)]
    return [(f"{name}_m{left}", str(right)) for left, right in answer["pairs"].items()]


def assert_nothing_revealed(text: str) -> None:
    assert "correct" not in text.lower()
    for explanation in EXPLANATIONS:
        assert explanation not in text


# --------------------------------------------------------------------------- start and resume


def test_start_then_resume_shows_the_same_attempt_in_the_same_order(client, login, trainee):
    quiz = factories.quiz()
    login(trainee)
    attempt = start(client, quiz)
    first = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert start(client, quiz).id == attempt.id  # "Resume your attempt" posts to start again
    again = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    prompts = [q["prompt"] for q in services.public_questions(attempt)]
    assert [first.find(p) for p in prompts] == sorted(first.find(p) for p in prompts)
    strip = re.compile(r'name="csrf_token"[^>]*>')
    assert strip.sub("", first) == strip.sub("", again)
    assert "Resume your attempt" in client.get(f"/quizzes/{quiz.slug}").get_data(as_text=True)


def test_a_used_up_quiz_says_so_instead_of_starting(client, login, trainee):
    quiz = factories.quiz(max_attempts=1)
    factories.attempt(trainee, quiz)
    login(trainee)
    token = csrf_token(client, f"/quizzes/{quiz.slug}")
    response = client.post(f"/quizzes/{quiz.slug}/start", data={"csrf_token": token})
    assert response.headers["Location"] == f"/quizzes/{quiz.slug}"
    page = client.get(f"/quizzes/{quiz.slug}").get_data(as_text=True)
    assert "used all your attempts" in page and "1 of 1 used" in page
    assert len(services.user_attempts(trainee, quiz)) == 1


def test_image_choices_link_to_the_course_figures(client, login, trainee):
    quiz = factories.quiz(factories.question_bank("t-image"))
    login(trainee)
    attempt = start(client, quiz)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    course_slug = db.session.get(Course, quiz.course_id).slug
    assert f'src="/courses/{course_slug}/figures/hairline-a.svg"' in page


# --------------------------------------------------------------------------- autosave (JSON)


def test_autosave_saves_and_overwrites_one_row_per_question(client, login, trainee):
    quiz = factories.quiz()
    login(trainee)
    attempt = start(client, quiz)
    slot = slot_of(attempt, "t-single")
    right = factories.correct_answer(spec_of(attempt, "t-single"))
    token = csrf_token(client, f"/attempts/{attempt.id}")
    first = autosave(client, attempt, {"slot": slot, "answer": right}, token)
    assert first.status_code == 200 and first.json["saved"] is True and first.json["slot"] == slot
    wrong = factories.wrong_answer(spec_of(attempt, "t-single"))
    assert autosave(client, attempt, {"slot": slot, "answer": wrong}, token).status_code == 200
    rows = db.session.scalars(select(AttemptAnswer).filter_by(attempt_id=attempt.id)).all()
    assert [(row.slot, row.answer) for row in rows] == [(slot, wrong)]
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert re.search(rf'name="q{slot}" value="{wrong["choice"]}" checked', page)


@pytest.mark.parametrize(
    "body", ["{not json", b"[1, 2]", {"answer": {"choice": 0}}, {"slot": "0", "answer": None}]
)
def test_autosave_refuses_malformed_bodies_with_a_json_error(client, login, trainee, body):
    quiz = factories.quiz()
    login(trainee)
    attempt = start(client, quiz)
    response = autosave(client, attempt, body)
    assert response.status_code == 400
    assert response.is_json and "error" in response.json
    assert services.saved_answers(attempt) == {}


@pytest.mark.parametrize(
    ("key", "answer"),
    [
        ("t-single", {"choice": 99}),
        ("t-single", {"choice": True}),
        ("t-multiple", {"choices": [0, 0]}),
        ("t-numeric", {"value": "NaN"}),
        ("t-ordering", {"order": [0, 1]}),
        ("t-true-false", "yes"),
    ],
)
def test_autosave_refuses_invalid_answers(client, login, trainee, key, answer):
    quiz = factories.quiz()
    login(trainee)
    attempt = start(client, quiz)
    response = autosave(client, attempt, {"slot": slot_of(attempt, key), "answer": answer})
    assert response.status_code == 400 and response.json["error"]
    assert services.saved_answers(attempt) == {}


def test_autosave_refuses_a_slot_outside_the_attempt(client, login, trainee):
    quiz = factories.quiz()
    login(trainee)
    attempt = start(client, quiz)
    response = autosave(client, attempt, {"slot": 7, "answer": {"value": True}})
    assert response.status_code == 400 and "No such question" in response.json["error"]


def test_autosave_on_someone_elses_attempt_is_not_found(client, login, trainee):
    quiz = factories.quiz()
    theirs = factories.attempt(factories.user(), quiz, submit=False)
    mine = factories.attempt(trainee, quiz, submit=False)
    login(trainee)
    token = csrf_token(client, f"/attempts/{mine.id}")
    response = autosave(client, theirs, {"slot": 0, "answer": None}, token)
    assert response.status_code == 404
    assert all(row.answer is not None for row in services.saved_answers(theirs).values())


def test_autosave_after_submission_is_a_conflict(client, login, trainee):
    quiz = factories.quiz()
    login(trainee)
    attempt = start(client, quiz)
    token = csrf_token(client, f"/attempts/{attempt.id}")
    client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token})
    response = autosave(client, attempt, {"slot": 0, "answer": None}, token)
    assert response.status_code == 409 and "already submitted" in response.json["error"]


def test_autosave_without_the_csrf_token_is_refused(client, login, trainee):
    quiz = factories.quiz()
    login(trainee)
    attempt = start(client, quiz)
    response = client.post(f"/attempts/{attempt.id}/answers", json={"slot": 0, "answer": None})
    assert response.status_code == 400
    assert services.saved_answers(attempt) == {}


# --------------------------------------------------------------------------- no JavaScript


def test_the_form_post_saves_every_field_then_submits_and_grades(client, login, trainee):
    quiz = factories.quiz()
    login(trainee)
    attempt = start(client, quiz)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    token = csrf_token(client, f"/attempts/{attempt.id}")
    fields = [("csrf_token", token), ("action", "save")]
    for slot, version in enumerate(services.slot_versions(attempt)):
        answer = factories.correct_answer(version.spec)
        for name, value in form_fields(slot, version.spec, answer):
            assert f'name="{name}"' in page  # the names the template really renders
            fields.append((name, value))
    response = client.post(f"/attempts/{attempt.id}", data=MultiDict(fields))
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    assert attempt.is_open
    saved = services.saved_answers(attempt)
    for slot, version in enumerate(services.slot_versions(attempt)):
        expected = factories.correct_answer(version.spec)
        if version.spec["type"] == "multiple":
            expected = {"choices": sorted(expected["choices"])}
        assert saved[slot].answer == expected, version.spec["key"]
    reloaded = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "Your answers are saved." in reloaded and 'value="2.5"' in reloaded

    submit = MultiDict([(k, "submit" if k == "action" else v) for k, v in fields])
    response = client.post(f"/attempts/{attempt.id}", data=submit)
    assert response.headers["Location"] == f"/attempts/{attempt.id}/review"
    assert attempt.status == "submitted" and attempt.score == 1.0 and attempt.passed


def test_an_unreadable_form_field_is_reported_and_the_other_answers_are_kept(
    client, login, trainee
):
    quiz = factories.quiz(factories.question_bank("t-numeric", "t-single", "t-true-false"))
    login(trainee)
    attempt = start(client, quiz)
    token = csrf_token(client, f"/attempts/{attempt.id}")
    numeric, single = slot_of(attempt, "t-numeric"), slot_of(attempt, "t-single")
    right = factories.correct_answer(spec_of(attempt, "t-single"))
    data = {
        "csrf_token": token,
        "action": "submit",
        f"q{numeric}": "two and a half",
        f"q{single}": str(right["choice"]),
    }
    response = client.post(f"/attempts/{attempt.id}", data=data, follow_redirects=True)
    message = f"Question {numeric + 1}: the answer must be a number such as 4.5."
    assert message in response.get_data(as_text=True)
    assert attempt.is_open  # not submitted with a question the trainee thinks is answered
    saved = services.saved_answers(attempt)
    assert numeric not in saved and saved[single].answer == right


def test_a_form_post_from_a_tab_whose_session_ended_is_saved_after_sign_in(client, trainee, auth):
    quiz = factories.quiz(factories.question_bank("t-numeric", "t-single", "t-true-false"))
    auth.login(trainee)
    attempt = start(client, quiz)
    token = csrf_token(client, f"/attempts/{attempt.id}")
    auth.logout()  # in another tab
    numeric = slot_of(attempt, "t-numeric")
    sent = client.post(
        f"/attempts/{attempt.id}",
        data={"csrf_token": token, "action": "save", f"q{numeric}": "2.5"},
    )
    assert sent.status_code == 302
    assert sent.headers["Location"] == f"/login?next=/attempts/{attempt.id}"
    assert services.saved_answers(attempt) == {}
    signed_in = client.post(
        sent.headers["Location"],
        data={
            "email": trainee.email,
            "password": factories.PASSWORD,
            "csrf_token": csrf_token(client),
        },
    )
    assert signed_in.headers["Location"] == f"/attempts/{attempt.id}"
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "The answers you sent before signing in are saved." in page
    assert services.saved_answers(attempt)[numeric].answer == {"value": 2.5}


def test_an_autosave_without_a_session_gets_401_json_not_a_redirect(client, trainee, auth):
    quiz = factories.quiz()
    auth.login(trainee)
    attempt = start(client, quiz)
    token = csrf_token(client, f"/attempts/{attempt.id}")
    auth.logout()
    response = autosave(client, attempt, {"slot": 0, "answer": None}, token)
    assert response.status_code == 401 and "session has ended" in response.get_json()["error"]


# --------------------------------------------------------------------------- time limit


def test_an_autosave_after_the_deadline_is_refused_and_submits_the_attempt(client, login, trainee):
    clock.freeze(T0)
    quiz = factories.quiz(time_limit_minutes=10)
    login(trainee)
    attempt = start(client, quiz)
    token = csrf_token(client, f"/attempts/{attempt.id}")
    single = slot_of(attempt, "t-single")
    right = factories.correct_answer(spec_of(attempt, "t-single"))
    clock.freeze(T0 + timedelta(minutes=9, seconds=59))
    assert autosave(client, attempt, {"slot": single, "answer": right}, token).status_code == 200
    clock.freeze(T0 + timedelta(minutes=11))
    late = {"slot": slot_of(attempt, "t-true-false"), "answer": {"value": True}}
    response = autosave(client, attempt, late, token)
    assert response.status_code == 409 and "Time is up" in response.json["error"]
    assert attempt.status == "submitted" and attempt.submit_reason == "deadline"
    assert list(services.saved_answers(attempt)) == [single]
    assert attempt.score == pytest.approx(1 / 7)
    review = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "when the time ran out" in review


def test_opening_an_overdue_attempt_submits_it(client, login, trainee):
    clock.freeze(T0)
    quiz = factories.quiz(time_limit_minutes=10)
    login(trainee)
    attempt = start(client, quiz)
    clock.freeze(T0 + timedelta(hours=2))
    response = client.get(f"/attempts/{attempt.id}")
    assert response.headers["Location"] == f"/attempts/{attempt.id}/review"
    assert attempt.status == "submitted" and attempt.submit_reason == "deadline"


def test_the_quiz_page_closes_an_overdue_attempt(client, login, trainee):
    clock.freeze(T0)
    quiz = factories.quiz(time_limit_minutes=10)
    attempt = factories.attempt(trainee, quiz, submit=False)
    login(trainee)
    clock.freeze(T0 + timedelta(minutes=30))
    page = client.get(f"/quizzes/{quiz.slug}").get_data(as_text=True)
    assert attempt.status == "submitted" and "Start the quiz" in page


# --------------------------------------------------------------------------- submit


def test_submitting_twice_over_http_gives_one_graded_result(client, login, trainee):
    quiz = factories.quiz()
    login(trainee)
    attempt = factories.attempt(trainee, quiz, submit=False)
    token = csrf_token(client, f"/attempts/{attempt.id}")
    responses = [
        client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token}) for _ in range(2)
    ]
    assert [r.headers["Location"] for r in responses] == [f"/attempts/{attempt.id}/review"] * 2
    assert attempt.score == 1.0
    submitted = db.session.scalars(
        select(Attempt).where(Attempt.user_id == trainee.id, Attempt.status == "submitted")
    ).all()
    assert submitted == [attempt]


def test_the_quiz_page_shows_the_grade_by_the_grading_method(client, login, trainee):
    quiz = factories.quiz(grading_method="latest")
    factories.attempt(trainee, quiz)
    factories.attempt(trainee, quiz, right={"t-single"})
    login(trainee)
    page = client.get(f"/quizzes/{quiz.slug}").get_data(as_text=True)
    assert "14.3 % (latest attempt)" in page


# --------------------------------------------------------------------------- no leakage


def test_nothing_about_the_answers_reaches_the_browser_before_submission(client, login, trainee):
    quiz = factories.quiz()
    login(trainee)
    attempt = start(client, quiz)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert_nothing_revealed(page)
    token = csrf_token(client, f"/attempts/{attempt.id}")
    bodies = [
        {"slot": slot, "answer": factories.correct_answer(version.spec)}
        for slot, version in enumerate(services.slot_versions(attempt))
    ]
    bodies += ["{oops", {"slot": 0, "answer": {"choice": 42, "value": 42, "order": [42]}}]
    for body in bodies:
        response = autosave(client, attempt, body, token)
        assert response.is_json
        assert_nothing_revealed(response.get_data(as_text=True))
    assert_nothing_revealed(client.get(f"/attempts/{attempt.id}").get_data(as_text=True))
    assert_nothing_revealed(client.get(f"/quizzes/{quiz.slug}").get_data(as_text=True))


def test_the_page_never_shows_options_in_their_telling_authored_order(client, login, trainee):
    specs = [factories.question_bank(key)[0] for key in ("t-ordering", "t-matching", "t-single")]
    quiz = factories.quiz(specs)
    login(trainee)
    shown: dict[str, list[list[str]]] = {"ordering": [], "matching": [], "single": []}
    for _ in range(12):
        attempt = services.start_attempt(trainee, quiz)
        db.session.commit()
        page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
        services.submit_attempt(attempt)
        shown["ordering"].append(in_page_order(page, specs[0]["items"], "{}</label>"))
        rights = [pair["right"] for pair in specs[1]["pairs"]]
        shown["matching"].append(in_page_order(page, rights, ">{}</option>"))
        options = [option["text"] for option in specs[2]["options"]]
        shown["single"].append(in_page_order(page, options, "> {}</label>"))
    # The authored order of ordering items and matching rights is the answer: never shown.
    assert specs[0]["items"] not in shown["ordering"]
    assert rights not in shown["matching"]
    # Authors write the correct option first; shuffled, it is not always first.
    assert {order[0] for order in shown["single"]} != {"Hepatitis B"}
    assert len({tuple(order) for order in shown["ordering"]}) > 1


def in_page_order(page: str, texts: list[str], pattern: str) -> list[str]:
    positions = {text: page.find(pattern.format(text)) for text in texts}
    assert all(position >= 0 for position in positions.values()), positions
    return sorted(texts, key=positions.__getitem__)


# --------------------------------------------------------------------------- review


def test_the_review_shows_score_result_correctness_answers_and_explanations(client, login, trainee):
    quiz = factories.quiz(factories.question_bank("t-single", "t-ordering", "t-multiple"))
    attempt = factories.attempt(trainee, quiz, right={"t-single"}, submit=False)
    multiple = slot_of(attempt, "t-multiple")
    spec = spec_of(attempt, "t-multiple")
    half = {"choices": factories.correct_answer(spec)["choices"][:1]}
    services.save_answer(trainee, attempt, multiple, half)
    services.submit_attempt(attempt)
    db.session.flush()
    login(trainee)
    page = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Score: <strong>50.0 %</strong>" in page and "Not passed" in page
    assert page.count(">Correct</span>") == 1 and page.count(">Incorrect</span>") == 1
    assert "Partly correct (50 %)" in page
    assert "<dt>Correct answer</dt><dd>Wet hands; Apply soap; Lather for 20 seconds" in page
    assert "<dt>Your answer</dt><dd>Dry; Rinse; Lather for 20 seconds" in page
    for key in ("t-single", "t-ordering", "t-multiple"):
        assert spec_of(attempt, key)["explanation"] in page


def test_review_settings_hide_correct_answers_and_explanations_from_trainees(
    client, login, trainee, instructor
):
    review = {"show_correct_answers": False, "show_explanations": False}
    quiz = factories.quiz(factories.question_bank("t-single", "t-ordering"), review=review)
    attempt = factories.attempt(trainee, quiz, right=set())
    factories.cohort(trainees=[trainee], instructors=[instructor])
    login(trainee)
    page = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Score:" in page and page.count(">Incorrect</span>") == 2
    assert "Correct answer" not in page and "Hepatitis B" not in page
    assert "Wet hands; Apply soap" not in page
    assert not any(explanation in page for explanation in EXPLANATIONS)
    login(instructor)
    staff_page = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "<dt>Correct answer</dt><dd>Hepatitis B</dd>" in staff_page
    assert spec_of(attempt, "t-single")["explanation"] in staff_page


def test_an_open_attempt_has_no_review_yet(client, login, trainee):
    quiz = factories.quiz()
    attempt = factories.attempt(trainee, quiz, submit=False)
    login(trainee)
    response = client.get(f"/attempts/{attempt.id}/review")
    assert response.headers["Location"] == f"/attempts/{attempt.id}"


# --------------------------------------------------------------------------- permissions


def test_another_trainee_cannot_see_an_attempt_or_its_review(client, login, trainee):
    quiz = factories.quiz()
    open_attempt = factories.attempt(trainee, quiz, submit=False)
    other = factories.user()
    login(other)
    assert client.get(f"/attempts/{open_attempt.id}").status_code == 404
    token = csrf_token(client, f"/quizzes/{quiz.slug}")
    response = client.post(f"/attempts/{open_attempt.id}/submit", data={"csrf_token": token})
    assert response.status_code == 404 and open_attempt.is_open
    services.submit_attempt(open_attempt)
    assert client.get(f"/attempts/{open_attempt.id}/review").status_code == 404


def test_instructors_see_reviews_of_their_own_cohorts_only(client, login, trainee, instructor):
    quiz = factories.quiz()
    attempt = factories.attempt(trainee, quiz)
    outsider = factories.user(role="instructor")
    factories.cohort(trainees=[trainee], instructors=[instructor])
    factories.cohort(trainees=[factories.user()], instructors=[outsider])
    login(outsider)
    assert client.get(f"/attempts/{attempt.id}/review").status_code == 404
    login(instructor)
    page = client.get(f"/attempts/{attempt.id}/review")
    assert page.status_code == 200 and "Score: <strong>100.0 %</strong>" in page.get_data(
        as_text=True
    )
    assert client.get(f"/attempts/{attempt.id}").status_code == 403  # taking is for trainees


def test_an_instructor_cannot_review_an_open_attempt(client, login, trainee, instructor):
    quiz = factories.quiz()
    attempt = factories.attempt(trainee, quiz, submit=False)
    factories.cohort(trainees=[trainee], instructors=[instructor])
    login(instructor)
    assert client.get(f"/attempts/{attempt.id}/review").status_code == 404


def test_clinics_are_forbidden_quiz_pages(client, login, trainee, clinic):
    quiz = factories.quiz()
    attempt = factories.attempt(trainee, quiz)
    login(clinic)
    for path in (
        f"/quizzes/{quiz.slug}",
        f"/attempts/{attempt.id}",
        f"/attempts/{attempt.id}/review",
        f"/quizzes/{quiz.slug}/statistics",
        f"/quizzes/{quiz.slug}/results.csv",
        f"/quizzes/{quiz.slug}/accommodations",
    ):
        assert client.get(path).status_code == 403, path


def test_anonymous_visitors_are_sent_to_login(client, trainee):
    quiz = factories.quiz()
    attempt = factories.attempt(trainee, quiz, submit=False)
    for path in (
        f"/quizzes/{quiz.slug}",
        f"/attempts/{attempt.id}",
        f"/attempts/{attempt.id}/review",
        f"/quizzes/{quiz.slug}/statistics",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path
    response = client.post(f"/attempts/{attempt.id}/answers", json={"slot": 0, "answer": None})
    assert response.status_code in (302, 400) and services.saved_answers(attempt)[0].answer


def test_trainees_cannot_see_statistics_or_grant_accommodations(client, login, trainee):
    quiz = factories.quiz()
    login(trainee)
    for suffix in ("statistics", "results.csv", "accommodations"):
        assert client.get(f"/quizzes/{quiz.slug}/{suffix}").status_code == 403, suffix


def test_a_retired_or_unknown_quiz_is_not_found(client, login, trainee):
    quiz = factories.quiz()
    quiz.is_retired = True
    db.session.flush()
    login(trainee)
    assert client.get(f"/quizzes/{quiz.slug}").status_code == 404
    assert client.get("/quizzes/no-such-quiz").status_code == 404


# --------------------------------------------------------------------------- accommodations


def test_an_instructor_grants_an_extra_attempt_through_the_form(client, login, trainee, instructor):
    quiz = factories.quiz(max_attempts=1)
    factories.attempt(trainee, quiz, right=set())
    factories.cohort(trainees=[trainee], instructors=[instructor])
    login(instructor)
    path = f"/quizzes/{quiz.slug}/accommodations"
    data = {
        "csrf_token": csrf_token(client, path),
        "trainee": trainee.id,
        "extra_attempts": 1,
        "extra_minutes": 0,
        "reason": "Fire alarm during the attempt",
    }
    assert client.post(path, data=data).headers["Location"] == path
    assert "Fire alarm during the attempt" in client.get(path).get_data(as_text=True)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "quiz.accommodation_granted")
    )
    assert event.actor_id == instructor.id and event.details["extra_attempts"] == 1
    assert services.attempt_policy(trainee, quiz).can_start


def test_an_accommodation_without_a_reason_is_refused(client, login, trainee, instructor):
    quiz = factories.quiz()
    login(instructor)
    path = f"/quizzes/{quiz.slug}/accommodations"
    data = {"csrf_token": csrf_token(client, path), "trainee": trainee.id, "extra_attempts": 1}
    page = client.post(path, data=data)
    assert page.status_code == 200 and "This field is required" in page.get_data(as_text=True)
    granted = select(AuditEvent).where(AuditEvent.action == "quiz.accommodation_granted")
    assert db.session.scalar(granted) is None


# --------------------------------------------------------------------------- statistics and CSV

# Who answers what: t-true-false is always right (too easy), t-single never (too hard), and
# only the weakest trainee gets t-numeric right (negative discrimination).
RIGHT = {
    "Ann": {"t-true-false", "t-multiple", "t-ordering", "t-matching", "t-image"},
    "Ben": {"t-true-false", "t-multiple", "t-ordering", "t-matching"},
    "Cat": {"t-true-false", "t-multiple"},
    "Dan": {"t-true-false", "t-numeric"},
}


@pytest.fixture
def results(instructor):
    """Attempts of trainees the instructor teaches (all in one cohort)."""
    quiz = factories.quiz(pass_mark=70)
    trainees = {name: factories.user(name=f"{name} Trainee") for name in RIGHT}
    for name, right in RIGHT.items():
        factories.attempt(trainees[name], quiz, right=right)
    factories.attempt(trainees["Dan"], quiz, right={"t-true-false"})  # a second, worse attempt
    factories.cohort(trainees=list(trainees.values()), instructors=[instructor])
    return quiz, trainees


def test_the_statistics_page_shows_facility_and_flags(client, login, instructor, results):
    quiz, _trainees = results
    login(instructor)
    page = client.get(f"/quizzes/{quiz.slug}/statistics").get_data(as_text=True)
    rows = {
        key: row
        for row in page.split("<tr")
        for key in re.findall(r"<code>(t-[a-z-]+)</code>", row)
    }
    assert set(rows) == {q["key"] for q in factories.QUESTION_BANK}
    assert "<td>0.00</td>" in rows["t-single"] and "too hard" in rows["t-single"]
    assert "<td>1.00</td>" in rows["t-true-false"] and "too easy" in rows["t-true-false"]
    assert "negative discrimination" in rows["t-numeric"]
    assert "<td>0.60</td>" in rows["t-multiple"] and "badge" not in rows["t-multiple"]
    assert '<p class="big">5</p>' in page  # attempts
    assert "20.0 %" in page  # pass rate: only Ann reaches 70 %
    assert "Needle cartridge: 3" in rows["t-multiple"]  # how often each option was chosen


def test_the_csv_has_one_row_per_trainee(client, login, instructor, results):
    quiz, trainees = results
    login(instructor)
    response = client.get(f"/quizzes/{quiz.slug}/results.csv")
    assert response.mimetype == "text/csv"
    assert f'filename="{quiz.slug}-all-results.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == reports.CSV_HEADER
    by_name = {row[0]: row for row in rows[1:]}
    assert list(by_name) == sorted(f"{name} Trainee" for name in RIGHT)
    ann, dan = by_name["Ann Trainee"], by_name["Dan Trainee"]
    assert ann[1:6] == [trainees["Ann"].email, "1", "71.4", "71.4", "yes"]
    assert dan[2:6] == ["2", "28.6", "28.6", "no"]  # highest of 2/7 and 1/7


def test_the_cohort_filter_restricts_statistics_and_csv(client, login, instructor, results):
    quiz, trainees = results
    group = factories.cohort(trainees=[trainees["Ann"], trainees["Dan"]], instructors=[instructor])
    login(instructor)
    response = client.get(f"/quizzes/{quiz.slug}/results.csv?cohort={group.id}")
    names = [row[0] for row in csv.reader(io.StringIO(response.get_data(as_text=True)))]
    assert names == ["name", "Ann Trainee", "Dan Trainee"]
    page = client.get(f"/quizzes/{quiz.slug}/statistics?cohort={group.id}").get_data(as_text=True)
    assert '<p class="big">3</p>' in page
    assert client.get(f"/quizzes/{quiz.slug}/results.csv?cohort=999999").status_code == 404


def test_csv_cells_cannot_start_a_formula(client, login, instructor):
    quiz = factories.quiz()
    evil = factories.user(name='=HYPERLINK("http://evil.example","x")')
    factories.attempt(evil, quiz)
    factories.cohort(trainees=[evil], instructors=[instructor])
    login(instructor)
    rows = list(csv.reader(io.StringIO(client.get(f"/quizzes/{quiz.slug}/results.csv").text)))
    assert rows[1][0] == "'" + evil.name


def test_statistics_with_no_attempts_say_so(client, login, admin):
    quiz = factories.quiz()
    login(admin)
    page = client.get(f"/quizzes/{quiz.slug}/statistics").get_data(as_text=True)
    assert "No submitted attempts yet." in page
    csv_text = client.get(f"/quizzes/{quiz.slug}/results.csv").get_data(as_text=True)
    assert csv_text.splitlines() == [",".join(reports.CSV_HEADER)]


def test_an_instructor_sees_and_changes_only_the_trainees_of_their_cohorts(client, login, results):
    quiz, trainees = results
    outsider = factories.user(role="instructor", name="Oscar Outsider")
    other_cohort = factories.cohort(trainees=[trainees["Ann"]], instructors=[])
    login(outsider)
    csv_text = client.get(f"/quizzes/{quiz.slug}/results.csv").get_data(as_text=True)
    assert list(csv.reader(io.StringIO(csv_text)))[1:] == []  # the header only
    stats = client.get(f"/quizzes/{quiz.slug}/statistics").get_data(as_text=True)
    assert "<code>t-single</code>" not in stats  # no item rows: no attempts in scope
    for path in (
        f"/quizzes/{quiz.slug}/statistics?cohort={other_cohort.id}",
        f"/quizzes/{quiz.slug}/results.csv?cohort={other_cohort.id}",
    ):
        assert client.get(path).status_code == 404
    path = f"/quizzes/{quiz.slug}/accommodations"
    page = client.get(path).get_data(as_text=True)
    assert trainees["Ann"].email not in page
    data = {
        "csrf_token": csrf_token(client, path),
        "trainee": trainees["Ann"].id,
        "extra_attempts": 1,
        "extra_minutes": 0,
        "reason": "Not my trainee",
    }
    refused = client.post(path, data=data)  # not among the choices: a form error
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "quiz.accommodation_granted")
        )
        is None
    )
