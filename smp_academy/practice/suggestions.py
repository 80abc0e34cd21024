"""Suggested rubric levels from the automatic analysis, where the exercise sets targets.

The instructor confirms or changes them; a suggestion is never a grade. Each rubric criterion
names what the analysis should judge it by in its ``measure`` key, and each measure reads its
own number against its own target field:

| measure          | number read                         | target fields                      |
|------------------|-------------------------------------|------------------------------------|
| density          | density_per_cm2                     | density_per_cm2, tolerance         |
| gradient         | density_profile (10 bands)          | density_profile, tolerance         |
| dot_size         | mean_diameter_mm                    | max_mean_diameter_mm               |
| size_consistency | diameter_cv                         | max_diameter_cv                    |
| spacing          | spacing_cv                          | max_spacing_cv                     |
| coverage         | density_cell_cv (analysis extras)   | max_density_cv                     |
| blowouts         | blowout_count                       | max_blowouts                       |

A criterion without a measure, or whose target the exercise does not set, gets no suggestion.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Verdict = int  # 2 = meets the target, 1 = near it, 0 = far from it
Outcome = tuple[Verdict, str]
DEFAULT_TOLERANCE = 0.15


@dataclass(frozen=True)
class Suggestion:
    points: int
    reason: str


def suggest_levels(
    rubric: list[dict[str, Any]],
    target: Mapping[str, Any],
    report: Mapping[str, Any] | None,
    extras: Mapping[str, Any] | None = None,
) -> dict[str, Suggestion]:
    """For each criterion the analysis can judge: the suggested points and why.

    ``report`` is the analysis report (CONTRACT.md section 6); ``extras`` the analysis's
    numbers beyond it (AnalysisResult.extras), which the coverage measure reads.
    """
    if not report or not report.get("calibrated"):
        return {}
    numbers = {**report, **(extras or {})}
    suggestions = {}
    for criterion in rubric:
        judge = MEASURES.get(criterion.get("measure", ""))
        outcome = judge(numbers, target) if judge else None
        if outcome is None:
            continue
        verdict, reason = outcome
        points = sorted(level["points"] for level in criterion["levels"])
        index = {2: len(points) - 1, 1: len(points) // 2, 0: 0}[verdict]
        suggestions[criterion["key"]] = Suggestion(points[index], reason)
    return suggestions


def _relative_error(value: float, target: float) -> float:
    return abs(value - target) / target if target else abs(value)


def _at_most(value: float, limit: float, near: float) -> Verdict:
    """2 within the limit, 1 within ``near`` times it, else 0."""
    return 2 if value <= limit else 1 if value <= near * limit else 0


def _numbers(numbers: Mapping, target: Mapping, number: str, limit: str) -> tuple | None:
    """The measured number and its target, or None when either is missing."""
    value, wanted = numbers.get(number), target.get(limit)
    return None if value is None or wanted is None else (value, wanted)


def judge_density(numbers: Mapping, target: Mapping) -> Outcome | None:
    pair = _numbers(numbers, target, "density_per_cm2", "density_per_cm2")
    if pair is None:
        return None
    density, wanted = pair
    tolerance = target.get("tolerance", DEFAULT_TOLERANCE)
    error = _relative_error(density, wanted)
    verdict = 2 if error <= tolerance else 1 if error <= 2 * tolerance else 0
    return verdict, f"{density:.1f} dots/cm² (target {wanted} ± {tolerance:.0%})"


def judge_gradient(numbers: Mapping, target: Mapping) -> Outcome | None:
    pair = _numbers(numbers, target, "density_profile", "density_profile")
    if pair is None or not pair[1]:
        return None
    profile, wanted = pair
    tolerance = target.get("tolerance", DEFAULT_TOLERANCE)
    errors = [_relative_error(got, want) for got, want in zip(profile, wanted, strict=True)]
    mean_error = sum(errors) / len(errors)
    rising = all(b >= a * 0.85 for a, b in itertools.pairwise(profile))
    verdict = 2 if mean_error <= tolerance and rising else 1 if mean_error <= 2 * tolerance else 0
    return verdict, f"bands within {mean_error:.0%} of the target on average" + (
        "" if rising else "; the gradient does not rise steadily"
    )


def judge_dot_size(numbers: Mapping, target: Mapping) -> Outcome | None:
    pair = _numbers(numbers, target, "mean_diameter_mm", "max_mean_diameter_mm")
    if pair is None:
        return None
    size, limit = pair
    return _at_most(size, limit, 1.15), f"mean dot {size:.2f} mm (target ≤ {limit:.2f} mm)"


def judge_size_consistency(numbers: Mapping, target: Mapping) -> Outcome | None:
    pair = _numbers(numbers, target, "diameter_cv", "max_diameter_cv")
    if pair is None:
        return None
    cv, limit = pair
    return _at_most(cv, limit, 1.5), f"dot size CV {cv:.2f} (target ≤ {limit:.2f})"


def judge_spacing(numbers: Mapping, target: Mapping) -> Outcome | None:
    pair = _numbers(numbers, target, "spacing_cv", "max_spacing_cv")
    if pair is None:
        return None
    cv, limit = pair
    return _at_most(cv, limit, 1.3), f"spacing CV {cv:.2f} (target ≤ {limit:.2f})"


def judge_coverage(numbers: Mapping, target: Mapping) -> Outcome | None:
    pair = _numbers(numbers, target, "density_cell_cv", "max_density_cv")
    if pair is None:
        return None
    cv, limit = pair
    reason = f"density varies by {cv:.0%} between 1 cm² cells (target ≤ {limit:.0%})"
    return _at_most(cv, limit, 1.3), reason


def judge_blowouts(numbers: Mapping, target: Mapping) -> Outcome | None:
    pair = _numbers(numbers, target, "blowout_count", "max_blowouts")
    if pair is None:
        return None
    count, limit = pair
    verdict = 2 if count <= limit else 1 if count <= limit + 2 else 0
    return verdict, f"{count} blowout{'s' if count != 1 else ''} found (target ≤ {limit})"


#: The measures a rubric criterion may name, each judged by its own number.
MEASURES: dict[str, Callable[[Mapping, Mapping], Outcome | None]] = {
    "density": judge_density,
    "gradient": judge_gradient,
    "dot_size": judge_dot_size,
    "size_consistency": judge_size_consistency,
    "spacing": judge_spacing,
    "coverage": judge_coverage,
    "blowouts": judge_blowouts,
}
