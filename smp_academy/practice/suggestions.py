"""Suggested rubric levels from the automatic analysis, where the exercise sets targets.

The instructor confirms or changes them; a suggestion is never a grade. Criteria are matched
by what their key says they judge (size, density, gradient, spacing, blowouts).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Verdict = int  # 2 = meets the target, 1 = near it, 0 = far from it


@dataclass(frozen=True)
class Suggestion:
    points: int
    reason: str


def _relative_error(value: float, target: float) -> float:
    return abs(value - target) / target if target else abs(value)


def _judge_size(report: dict, target: dict) -> tuple[Verdict, str] | None:
    limit, cv = target.get("max_diameter_cv"), report.get("diameter_cv")
    if limit is None or cv is None:
        return None
    verdict = 2 if cv <= limit else 1 if cv <= 1.5 * limit else 0
    return verdict, f"dot size CV {cv:.2f} (target ≤ {limit:.2f})"


def _judge_density(report: dict, target: dict) -> tuple[Verdict, str] | None:
    wanted, tolerance = target.get("density_per_cm2"), target.get("tolerance", 0.15)
    if wanted is None:
        return None
    density = report["density_per_cm2"]
    error = _relative_error(density, wanted)
    verdict = 2 if error <= tolerance else 1 if error <= 2 * tolerance else 0
    return verdict, f"{density:.1f} dots/cm² (target {wanted} ± {tolerance:.0%})"


def _judge_gradient(report: dict, target: dict) -> tuple[Verdict, str] | None:
    wanted, tolerance = target.get("density_profile"), target.get("tolerance", 0.15)
    if not wanted:
        return None
    profile = report["density_profile"]
    errors = [_relative_error(got, want) for got, want in zip(profile, wanted, strict=True)]
    mean_error = sum(errors) / len(errors)
    rising = all(b >= a * 0.85 for a, b in itertools.pairwise(profile))
    verdict = 2 if mean_error <= tolerance and rising else 1 if mean_error <= 2 * tolerance else 0
    return verdict, f"bands within {mean_error:.0%} of the target on average" + (
        "" if rising else "; the gradient does not rise steadily"
    )


def _judge_spacing(report: dict, target: dict) -> tuple[Verdict, str] | None:
    limit, cv = target.get("max_spacing_cv"), report.get("spacing_cv")
    if limit is None or cv is None:
        return None
    verdict = 2 if cv <= limit else 1 if cv <= 1.3 * limit else 0
    return verdict, f"spacing CV {cv:.2f} (target ≤ {limit:.2f})"


def _judge_blowouts(report: dict, target: dict) -> tuple[Verdict, str] | None:
    limit = target.get("max_blowouts")
    if limit is None:
        return None
    count = report["blowout_count"]
    verdict = 2 if count <= limit else 1 if count <= limit + 2 else 0
    return verdict, f"{count} blowout{'s' if count != 1 else ''} found (target ≤ {limit})"


JUDGES: list[tuple[tuple[str, ...], Callable[[dict, dict], tuple[Verdict, str] | None]]] = [
    (("gradient",), _judge_gradient),
    (("size",), _judge_size),
    (("blowout",), _judge_blowouts),
    (("spacing", "random", "even"), _judge_spacing),
    (("density",), _judge_density),
]


def _judge_for(criterion_key: str):
    for words, judge in JUDGES:
        if any(word in criterion_key for word in words):
            return judge
    return None


def suggest_levels(
    rubric: list[dict[str, Any]], target: dict[str, Any], report: dict[str, Any] | None
) -> dict[str, Suggestion]:
    """For each criterion the analysis can judge: the suggested points and why."""
    if not report or not report.get("calibrated"):
        return {}
    suggestions = {}
    for criterion in rubric:
        judge = _judge_for(criterion["key"])
        outcome = judge(report, target) if judge else None
        if outcome is None:
            continue
        verdict, reason = outcome
        points = sorted(level["points"] for level in criterion["levels"])
        index = {2: len(points) - 1, 1: len(points) // 2, 0: 0}[verdict]
        suggestions[criterion["key"]] = Suggestion(points[index], reason)
    return suggestions
