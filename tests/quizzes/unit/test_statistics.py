"""Quiz and item statistics on a small data set whose expected values are computed by hand.

Six attempts at a five-question quiz (pass mark 60%). Item scores, totals (sum of item
scores) and total fractions (total / 5):

    attempt  q1  q2   q3  q4  q5   total  fraction  passed  seconds
    R1       1   1    0   1   1    4.0    0.8       yes     600
    R2       1   1    0   1   0    3.0    0.6       yes     900
    R3       1   0.5  0   1   0    2.5    0.5       no      None
    R4       0   0.5  1   1   0    2.5    0.5       no      1200
    R5       0   0    1   1   0    2.0    0.4       no      300
    R6       0   0    1   1   0    2.0    0.4       no      600

q1 is a single-choice question whose options the trainees picked as B, B, B, A, C, A.
"""

from __future__ import annotations

import pytest

from smp_academy.quizzes.statistics import (
    AttemptRecord,
    ItemStats,
    item_statistics,
    pearson,
    quiz_summary,
    score_histogram,
    upper_lower,
)

ROWS = [
    # id, q1, q2, q3, q4, q5, fraction, passed, seconds, q1 choice
    (1, 1, 1.0, 0, 1, 1, 0.8, True, 600, "B"),
    (2, 1, 1.0, 0, 1, 0, 0.6, True, 900, "B"),
    (3, 1, 0.5, 0, 1, 0, 0.5, False, None, "B"),
    (4, 0, 0.5, 1, 1, 0, 0.5, False, 1200, "A"),
    (5, 0, 0.0, 1, 1, 0, 0.4, False, 300, "C"),
    (6, 0, 0.0, 1, 1, 0, 0.4, False, 600, "A"),
]
RECORDS = [
    AttemptRecord(
        attempt_id=attempt_id,
        total_score_fraction=fraction,
        duration_seconds=seconds,
        passed=passed,
        item_scores={"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5},
        chosen={"q1": [choice]},
    )
    for attempt_id, q1, q2, q3, q4, q5, fraction, passed, seconds, choice in ROWS
]


def by_key(min_flag_responses: int = 1) -> dict[str, ItemStats]:
    """Statistics of RECORDS, flagged from ``min_flag_responses`` responses (six here)."""
    options = {"q1": ["A", "B", "C", "D"]}
    return {item.key: item for item in item_statistics(RECORDS, options, min_flag_responses)}


def test_quiz_summary() -> None:
    summary = quiz_summary(RECORDS)
    assert summary.attempts == 6
    assert summary.pass_rate == pytest.approx(2 / 6)  # R1, R2
    # (0.8 + 0.6 + 0.5 + 0.5 + 0.4 + 0.4) / 6 = 3.2 / 6 = 0.5333
    assert summary.mean_score == pytest.approx(0.5333, abs=1e-4)
    # sorted 0.4 0.4 0.5 | 0.5 0.6 0.8 -> (0.5 + 0.5) / 2
    assert summary.median_score == pytest.approx(0.5)
    # 0.4 -> bin 4 (twice), 0.5 -> bin 5 (twice), 0.6 -> bin 6, 0.8 -> bin 8
    assert summary.score_histogram == [0, 0, 0, 0, 2, 2, 1, 0, 1, 0]
    # R3 has no duration: (600 + 900 + 1200 + 300 + 600) / 5 = 3600 / 5
    assert summary.mean_duration_seconds == pytest.approx(720)


def test_quiz_summary_of_no_attempts() -> None:
    summary = quiz_summary([], bins=4)
    assert (summary.attempts, summary.pass_rate, summary.mean_score) == (0, None, None)
    assert summary.median_score is None and summary.mean_duration_seconds is None
    assert summary.score_histogram == [0, 0, 0, 0]


def test_histogram_edges() -> None:
    # 0 -> first bin; 1.0 -> last bin (closed); 0.7 and 0.3 land where they print
    # despite binary rounding; 0.25 with 4 bins opens bin 1; out-of-range scores are clamped.
    assert score_histogram([0.0, 1.0, 0.7, 0.3, 0.1 + 0.2], bins=10) == [
        1,
        0,
        0,
        2,
        0,
        0,
        0,
        1,
        0,
        1,
    ]
    assert score_histogram([0.25, 0.2499, 1.2, -0.1], bins=4) == [2, 1, 0, 1]
    with pytest.raises(ValueError):
        score_histogram([0.5], bins=0)


def test_facility() -> None:
    items = by_key()
    assert items["q1"].facility == pytest.approx(3 / 6)  # 1 + 1 + 1
    assert items["q2"].facility == pytest.approx(3 / 6)  # 1 + 1 + 0.5 + 0.5
    assert items["q3"].facility == pytest.approx(3 / 6)
    assert items["q4"].facility == pytest.approx(1.0)
    assert items["q5"].facility == pytest.approx(1 / 6)  # 0.167
    assert [item.responses for item in items.values()] == [6] * 5


def test_point_biserial_against_the_rest_score() -> None:
    items = by_key()
    # q1: x = 1 1 1 0 0 0, rest y = total − x = 3 2 1.5 2.5 2 2, ȳ = 13/6.
    #   6·(y − ȳ) = 5 −1 −4 2 −1 −1; x − x̄ = ±0.5.
    #   Σ(x−x̄)(y−ȳ) = [0.5·(5 − 1 − 4) − 0.5·(2 − 1 − 1)] / 6 = 0  ->  r = 0.000
    #   (yet upper−lower is 1.0 below: the ranking uses the total, which includes q1 itself).
    assert items["q1"].point_biserial == pytest.approx(0.0, abs=5e-4)
    # q2: x = 1 1 .5 .5 0 0 (x̄ = .5), rest y = 3 2 2 2 2 2, 6·(y − ȳ) = 5 −1 −1 −1 −1 −1.
    #   Σdx·dy = (0.5·5 + 0.5·(−1) + 0 + 0 + (−0.5)(−1) + (−0.5)(−1)) / 6 = 3/6 = 0.5
    #   Σdx² = 4 · 0.25 = 1;  Σdy² = (25 + 5) / 36 = 0.8333
    #   r = 0.5 / √0.8333 = 0.5 / 0.91287 = 0.548
    assert round(items["q2"].point_biserial, 3) == 0.548
    # q3: x = 0 0 0 1 1 1, rest y = 4 3 2.5 1.5 1 1, 6·(y − ȳ) = 11 5 2 −4 −7 −7.
    #   Σdx·dy = [−0.5·(11 + 5 + 2) + 0.5·(−4 − 7 − 7)] / 6 = (−9 − 9) / 6 = −3
    #   Σdx² = 1.5;  Σdy² = (121 + 25 + 4 + 16 + 49 + 49) / 36 = 264/36 = 7.3333
    #   r = −3 / √(1.5 · 7.3333) = −3 / √11 = −0.905
    assert round(items["q3"].point_biserial, 3) == -0.905
    # q4: everyone right, zero variance -> undefined.
    assert items["q4"].point_biserial is None
    # q5: x = 1 0 0 0 0 0 (x̄ = 1/6), rest y = 3 3 2.5 2.5 2 2 (ȳ = 2.5, dy = .5 .5 0 0 −.5 −.5).
    #   Σdx·dy = (5/6)(0.5) + (−1/6)(0.5 + 0 + 0 − 0.5 − 0.5) = 5/12 + 1/12 = 0.5
    #   Σdx² = 25/36 + 5/36 = 5/6;  Σdy² = 4 · 0.25 = 1
    #   r = 0.5 / √(5/6) = 0.5 / 0.91287 = 0.548
    assert round(items["q5"].point_biserial, 3) == 0.548


def test_upper_lower_27_percent() -> None:
    items = by_key()
    # n = 6: g = round(0.27 · 6) = round(1.62) = 2. Ranked by fraction:
    #   bottom two R5, R6 (0.4); top two R1 (0.8), R2 (0.6).
    assert items["q1"].upper_lower == pytest.approx(1.0)  # (1 + 1)/2 − (0 + 0)/2
    assert items["q2"].upper_lower == pytest.approx(1.0)  # (1 + 1)/2 − (0 + 0)/2
    assert items["q3"].upper_lower == pytest.approx(-1.0)  # (0 + 0)/2 − (1 + 1)/2
    assert items["q4"].upper_lower == pytest.approx(0.0)  # (1 + 1)/2 − (1 + 1)/2
    assert items["q5"].upper_lower == pytest.approx(0.5)  # (1 + 0)/2 − (0 + 0)/2


def test_flags() -> None:
    items = by_key()
    assert items["q1"].flags == []  # r = 0 is not negative
    assert items["q2"].flags == []
    assert items["q3"].flags == ["negative discrimination"]
    assert items["q4"].flags == ["too easy"]  # facility 1.0 > 0.95
    assert items["q5"].flags == ["too hard"]  # facility 0.167 < 0.2


def test_no_flags_below_the_minimum_of_responses() -> None:
    items = by_key(min_flag_responses=7)  # one more than the six attempts
    assert all(item.flags == [] and not item.is_judged for item in items.values())
    assert items["q3"].point_biserial < 0  # the figures are there, only the flag is withheld
    assert all(item.is_judged for item in by_key(min_flag_responses=6).values())
    assert item_statistics(RECORDS)[0].is_judged is False  # the default minimum is 20


def test_option_counts() -> None:
    items = by_key()
    # B, B, B, A, C, A; D listed by the question but never chosen.
    assert items["q1"].option_counts == {"A": 2, "B": 3, "C": 1, "D": 0}
    assert list(items["q1"].option_counts) == ["A", "B", "C", "D"]
    assert items["q2"].option_counts == {}


def test_questions_drawn_by_few_attempts() -> None:
    # q9 appears in three attempts only: upper−lower needs 4, r needs 2 and a variance.
    records = [
        AttemptRecord(1, 1.0, None, True, {"q9": 1.0}, {}),
        AttemptRecord(2, 0.0, None, False, {"q9": 0.0, "q8": 0.0}, {}),
        AttemptRecord(3, 0.5, None, False, {"q9": 1.0, "q8": 0.0}, {}),
        AttemptRecord(4, 0.0, None, False, {"q8": 0.0}, {}),
    ]
    q8, q9 = item_statistics(records, min_flag_responses=1)
    assert (q9.key, q9.responses, q9.upper_lower) == ("q9", 3, None)
    assert q9.facility == pytest.approx(2 / 3)
    assert q9.point_biserial is None  # the rest scores are 0, 0, 0: no variance
    assert (q8.responses, q8.point_biserial, q8.flags) == (3, None, ["too hard"])
    single = item_statistics(records[:1])[0]
    assert (single.point_biserial, single.upper_lower) == (None, None)


def test_helpers() -> None:
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1], [1]) is None
    with pytest.raises(ValueError):
        pearson([1, 2], [1])
    # n = 4: g = round(1.08) = 1: the top item score minus the bottom one.
    assert upper_lower([(0.9, 1.0), (0.1, 0.0), (0.5, 0.0), (0.6, 1.0)]) == 1.0
    assert upper_lower([(0.9, 1.0)] * 3) is None
