"""Quiz and question statistics for instructors: pure functions over finished attempts.

The views load finished attempts into ``AttemptRecord``s and render what comes back; nothing
here touches the database, so every formula is checked against hand-computed numbers.

Formulas (for one question, over the n finished attempts that drew it)
---------------------------------------------------------------------
facility
    mean item score, ``Σ xᵢ / n`` (with partial credit, the share of the marks earned).
point_biserial
    Pearson's r between the item score ``x`` and the *rest* score ``y = total − x``, where
    ``total`` is the sum of the attempt's item scores (every question is worth one mark)::

        r = Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² · Σ(y − ȳ)²)

    For 0/1 items this is the point-biserial correlation. The item is left out of the total
    so it does not correlate with itself (which would flatter short quizzes). None when
    n < 2 or either variance is zero: the coefficient is undefined then, not 0.
upper_lower
    attempts sorted by ``total_score_fraction`` (stable, so ties keep input order);
    ``g = round(0.27 · n)`` (half up, at least 1); the mean item score of the top g minus that
    of the bottom g. None when n < 4, where "top" and "bottom" overlap in meaning.
flags
    "too hard" when facility < 0.2, "too easy" when facility > 0.95, "negative
    discrimination" when point_biserial < 0 (weaker trainees do better on it: usually a
    wrong key or a misleading prompt). Only with at least 20 responses: on fewer, one or two
    answers swing every figure, and a flag would send an author after noise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

TOO_HARD_BELOW = 0.2
TOO_EASY_ABOVE = 0.95
GROUP_SHARE = 0.27
MIN_UPPER_LOWER = 4
#: responses a question needs before it is flagged
MIN_FLAG_RESPONSES = 20
# Sums of squares below this are zero variance: floating-point noise must not yield an r.
_ZERO = 1e-12


@dataclass(frozen=True)
class AttemptRecord:
    """One finished attempt, reduced to what the statistics need."""

    attempt_id: int | str
    total_score_fraction: float
    duration_seconds: float | None
    passed: bool
    item_scores: dict[str, float] = field(default_factory=dict)  # question key -> 0..1
    chosen: dict[str, list[str]] = field(default_factory=dict)  # question key -> option keys


@dataclass(frozen=True)
class QuizSummary:
    """Per-quiz figures; scores are fractions 0..1, None where there is nothing to average."""

    attempts: int
    pass_rate: float | None
    mean_score: float | None
    median_score: float | None
    score_histogram: list[int]
    mean_duration_seconds: float | None


@dataclass(frozen=True)
class ItemStats:
    """Per-question figures; see the module docstring for the formulas."""

    key: str
    responses: int
    facility: float
    point_biserial: float | None
    upper_lower: float | None
    option_counts: dict[str, int]
    flags: list[str]
    is_judged: bool  # enough responses for flags (MIN_FLAG_RESPONSES)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _median(values: Sequence[float]) -> float | None:
    """The middle value, or the mean of the middle two (this module shadows ``statistics``)."""
    if not values:
        return None
    ordered, middle = sorted(values), len(values) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def score_histogram(scores: Iterable[float], bins: int = 10) -> list[int]:
    """Counts of scores in ``bins`` equal bins over 0..1; bin b holds [b/bins, (b+1)/bins).

    The last bin also holds a perfect score. A hair of slack keeps 0.7 (7.000…01 or 6.999…9
    once multiplied) in the bin its printed value belongs to.
    """
    if bins < 1:
        raise ValueError("bins must be at least 1")
    counts = [0] * bins
    for score in scores:
        clamped = min(1.0, max(0.0, score))
        counts[min(bins - 1, int(clamped * bins + 1e-9))] += 1
    return counts


def quiz_summary(records: Sequence[AttemptRecord], bins: int = 10) -> QuizSummary:
    """Attempts, pass rate, mean and median score, score distribution and mean duration."""
    scores = [record.total_score_fraction for record in records]
    durations = [r.duration_seconds for r in records if r.duration_seconds is not None]
    return QuizSummary(
        attempts=len(records),
        pass_rate=_mean([float(record.passed) for record in records]),
        mean_score=_mean(scores),
        median_score=_median(scores),
        score_histogram=score_histogram(scores, bins),
        mean_duration_seconds=_mean(durations),
    )


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None when it is undefined (fewer than 2 pairs, or a zero variance)."""
    if len(xs) != len(ys):
        raise ValueError("pearson needs two sequences of equal length")
    if len(xs) < 2:
        return None
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    sxx, syy = sum(d * d for d in dx), sum(d * d for d in dy)
    if sxx < _ZERO or syy < _ZERO:
        return None
    return sum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(sxx * syy)


def upper_lower(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Upper–lower 27% index from (total score, item score) pairs; None below 4 pairs."""
    if len(pairs) < MIN_UPPER_LOWER:
        return None
    ranked = [item for _total, item in sorted(pairs, key=lambda pair: pair[0])]
    group = max(1, math.floor(GROUP_SHARE * len(ranked) + 0.5))
    return sum(ranked[-group:]) / group - sum(ranked[:group]) / group


def item_flags(facility: float, point_biserial: float | None) -> list[str]:
    """The reasons an author should look at this question again."""
    flags = []
    if facility < TOO_HARD_BELOW:
        flags.append("too hard")
    if facility > TOO_EASY_ABOVE:
        flags.append("too easy")
    if point_biserial is not None and point_biserial < -1e-9:
        flags.append("negative discrimination")
    return flags


def _option_counts(
    key: str, records: Sequence[AttemptRecord], known: Sequence[str]
) -> dict[str, int]:
    """How often each option key was chosen; known keys are listed first, with zeros."""
    counts = dict.fromkeys(known, 0)
    for record in records:
        for chosen in record.chosen.get(key, []):
            counts[chosen] = counts.get(chosen, 0) + 1
    return counts


def _item_stats(
    key: str, records: Sequence[AttemptRecord], known: Sequence[str], min_flag_responses: int
) -> ItemStats:
    item = [record.item_scores[key] for record in records]
    rest = [sum(r.item_scores.values()) - x for r, x in zip(records, item, strict=True)]
    facility = sum(item) / len(item)
    discrimination = pearson(item, rest)
    totals = [record.total_score_fraction for record in records]
    judged = len(records) >= min_flag_responses
    return ItemStats(
        key=key,
        responses=len(records),
        facility=facility,
        point_biserial=discrimination,
        upper_lower=upper_lower(list(zip(totals, item, strict=True))),
        option_counts=_option_counts(key, records, known),
        flags=item_flags(facility, discrimination) if judged else [],
        is_judged=judged,
    )


def item_statistics(
    records: Sequence[AttemptRecord],
    option_keys: Mapping[str, Sequence[str]] | None = None,
    min_flag_responses: int = MIN_FLAG_RESPONSES,
) -> list[ItemStats]:
    """Statistics of every question that appears in ``records``, sorted by question key.

    ``option_keys`` (question key -> ``QuestionType.option_keys(spec)``) lists options nobody
    chose with a count of 0, in display order; without it only chosen options appear.
    """
    keys = sorted({key for record in records for key in record.item_scores})
    known = option_keys or {}
    return [
        _item_stats(
            key,
            [r for r in records if key in r.item_scores],
            known.get(key, []),
            min_flag_responses,
        )
        for key in keys
    ]
