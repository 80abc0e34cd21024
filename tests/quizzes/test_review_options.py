"""Review options as Moodle has them: for each of the marks, the correct answers and the
explanations, the phases in which a trainee sees them (immediately after the attempt, later
while the quiz is open, after the quiz closes); a quiz close date; and the image-choice review
marking the right and the wrong picture visually, not only in text."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from smp_academy.admin.content import load_content
from smp_academy.core import clock
from smp_academy.core.content_files import ContentInvalid
from smp_academy.core.errors import Conflict
from smp_academy.quizzes import services
from smp_academy.quizzes.settings import ALL_PHASES, QuizSettings, ReviewOptions, ReviewPhase
from tests import factories
from tests.courses import helpers as course_helpers

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLOSES = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
SINGLE = factories.question_bank("t-single")[0]


def _review_page(client, attempt) -> str:
    response = client.get(f"/attempts/{attempt.id}/review")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _quiz(review: dict, closes_at: datetime | None = CLOSES, keys=("t-single",)):
    settings = {"review": review, "closes_at": closes_at.isoformat() if closes_at else None}
    return factories.quiz(factories.question_bank(*keys), **settings)


# --------------------------------------------------------------------------- phases


def test_the_phase_of_an_attempt_moves_from_immediately_to_later_to_after_close():
    settings = QuizSettings(closes_at=CLOSES)
    assert settings.review_phase(T0, T0 + timedelta(seconds=90)) == ReviewPhase.IMMEDIATELY
    assert settings.review_phase(T0, T0 + timedelta(minutes=3)) == ReviewPhase.LATER
    assert settings.review_phase(T0, CLOSES) == ReviewPhase.AFTER_CLOSE
    assert QuizSettings().review_phase(T0, T0 + timedelta(days=999)) == ReviewPhase.LATER


def test_settings_round_trip_through_json_and_read_the_older_flags():
    settings = QuizSettings(
        review=ReviewOptions(correct_answers=(ReviewPhase.AFTER_CLOSE,), explanations=()),
        closes_at=CLOSES,
    )
    assert QuizSettings.from_dict(settings.to_dict()) == settings
    old = QuizSettings.from_dict({"review": {"show_correct_answers": False}})
    assert old.review == ReviewOptions(correct_answers=())
    assert old.review.explanations == ALL_PHASES


def test_answers_shown_only_after_the_quiz_closes(client, login, trainee):
    quiz = _quiz({"correct_answers": ["after_close"], "explanations": ["after_close"]})
    clock.freeze(T0)
    attempt = factories.attempt(trainee, quiz, right=set())
    login(trainee)
    page = _review_page(client, attempt)
    assert ">Incorrect</span>" in page  # the marks show at once
    assert "Correct answer" not in page and "Hepatitis B" not in page
    assert SINGLE["explanation"] not in page
    assert (
        "The correct answers will be shown after the quiz closes, on 2026-03-10 at 00:00 UTC."
        in page
    )
    clock.freeze(CLOSES)
    login(trainee)
    page = _review_page(client, attempt)
    assert "<dt>Correct answer</dt><dd>Hepatitis B</dd>" in page
    assert SINGLE["explanation"] in page and "will be shown" not in page


def test_feedback_shown_immediately_but_not_later(client, login, trainee):
    quiz = _quiz(
        {"whether_correct": ["immediately"], "explanations": ["immediately"]}, closes_at=None
    )
    clock.freeze(T0)
    attempt = factories.attempt(trainee, quiz, right=set())
    login(trainee)
    page = _review_page(client, attempt)
    assert ">Incorrect</span>" in page and SINGLE["explanation"] in page
    clock.freeze(T0 + timedelta(minutes=5))
    page = _review_page(client, attempt)
    assert ">Incorrect</span>" not in page and SINGLE["explanation"] not in page
    assert "The explanations were shown only in the two minutes after you submitted." in page
    assert "Score: <strong>0.0 %</strong>" in page  # the score is always shown


def test_staff_see_everything_whatever_the_options(client, login, trainee, instructor):
    quiz = _quiz({"whether_correct": [], "correct_answers": [], "explanations": []}, None)
    attempt = factories.attempt(trainee, quiz, right=set())
    factories.cohort(trainees=[trainee], instructors=[instructor])
    login(trainee)
    page = _review_page(client, attempt)
    assert "The correct answers are not shown for this quiz." in page
    login(instructor)
    page = _review_page(client, attempt)
    assert "<dt>Correct answer</dt><dd>Hepatitis B</dd>" in page and ">Incorrect</span>" in page


# --------------------------------------------------------------------------- close date


def test_no_attempt_starts_after_the_close_and_open_ones_end_at_it(trainee):
    quiz = factories.quiz(
        factories.question_bank("t-single"),
        time_limit_minutes=60,
        closes_at=(T0 + timedelta(minutes=20)).isoformat(),
    )
    clock.freeze(T0)
    attempt = services.start_attempt(trainee, quiz)
    assert attempt.deadline_at == T0 + timedelta(minutes=20)
    clock.freeze(T0 + timedelta(minutes=30))
    assert services.close_if_overdue(attempt) and not attempt.is_open
    with pytest.raises(Conflict, match="This quiz closed on 2026-03-02 at 09:20 UTC"):
        services.start_attempt(trainee, quiz)


# --------------------------------------------------------------------------- image choice


def _image_slot(attempt):
    return next(
        slot
        for slot, version in enumerate(services.slot_versions(attempt))
        if version.spec["type"] == "image_choice"
    )


def _option_classes(page: str) -> dict[str, str]:
    """Each picture's alt text with the classes of its option."""
    found = re.findall(
        r'<li class="image-option ([^"]*)">\s*<figure>\s*<img [^>]*alt="([^"]+)"', page
    )
    return {alt: classes.strip() for classes, alt in found}


def test_a_wrong_picture_is_marked_wrong_and_the_right_one_marked_right(client, login, trainee):
    quiz = _quiz({}, closes_at=None, keys=("t-image",))
    attempt = factories.attempt(trainee, quiz, right=set())
    login(trainee)
    page = _review_page(client, attempt)
    classes = _option_classes(page)
    assert classes["A soft, slightly receded hairline"] == "is-key"
    assert list(classes.values()).count("is-wrong") == 1
    assert list(classes.values()).count("") == 1
    assert "✗</span> Your answer, wrong" in page and "✓</span> Correct answer" in page


def test_a_right_picture_is_marked_right_and_hidden_answers_stay_hidden(client, login, trainee):
    quiz = _quiz({"correct_answers": []}, closes_at=None, keys=("t-image",))
    attempt = factories.attempt(trainee, quiz)
    login(trainee)
    page = _review_page(client, attempt)
    assert _option_classes(page)["A soft, slightly receded hairline"] == "is-right"
    assert "✓</span> Your answer, right" in page

    wrong = _quiz({"whether_correct": [], "correct_answers": []}, None, keys=("t-image",))
    attempt = factories.attempt(trainee, wrong, right=set())
    page = _review_page(client, attempt)
    assert sorted(_option_classes(page).values()) == ["", "", "is-chosen"]
    assert "Your answer, wrong" not in page and "Correct answer" not in page


# --------------------------------------------------------------------------- content


def _quiz_tree(tmp_path: Path, settings: str) -> Path:
    root = course_helpers.write_tree(tmp_path / "content", "alpha-course")
    path = root / "alpha-course" / "quiz.yaml"
    path.write_text(path.read_text().replace("  pass_mark: 80\n", "  pass_mark: 80\n" + settings))
    return root


def test_quiz_yaml_sets_the_review_phases_and_the_close_date(tmp_path):
    root = _quiz_tree(
        tmp_path,
        "  closes_at: 2027-06-30\n"
        "  review:\n"
        "    whether_correct: [immediately, later, after_close]\n"
        "    correct_answers: [after_close]\n"
        "    show_explanations: false\n",
    )
    settings = load_content(root).courses[0].quiz.settings
    assert settings.closes_at == datetime(2027, 7, 1, tzinfo=UTC)  # the end of 30 June
    assert settings.review == ReviewOptions(
        correct_answers=(ReviewPhase.AFTER_CLOSE,), explanations=()
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            "  review:\n    correct_answers: [during]\n",
            "quiz.yaml:7: review: 'correct_answers': 'during' is not offered: answers are "
            "checked only when the attempt is submitted",
        ),
        (
            "  review:\n    explanations: [afterwards]\n",
            "quiz.yaml:7: review: 'explanations' must be a list of immediately, later, "
            "after_close (empty: never)",
        ),
        (
            "  review:\n    correct_answers: [after_close]\n",
            "quiz.yaml:7: review: 'correct_answers' shows only after the quiz closes: "
            "set closes_at",
        ),
        ("  review:\n    marks: []\n", "quiz.yaml:7: review: unknown item 'marks'"),
        (
            "  closes_at: next week\n",
            "quiz.yaml:6: 'closes_at' must be a date (2027-06-30) or a date and time with its zone",
        ),
        (
            "  closes_at: 2027-06-30T17:00:00\n",
            "quiz.yaml:6: 'closes_at' must be a date (2027-06-30) or a date and time with its zone",
        ),
    ],
)
def test_bad_review_settings_are_reported_at_file_and_line(tmp_path, settings, message):
    with pytest.raises(ContentInvalid) as error:
        load_content(_quiz_tree(tmp_path, settings))
    problems = [str(problem) for problem in error.value.problems]
    assert any(message in problem for problem in problems), problems
