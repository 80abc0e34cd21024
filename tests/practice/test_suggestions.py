"""Suggested rubric levels from an analysis report against an exercise's targets."""

from __future__ import annotations

from smp_academy.practice.suggestions import suggest_levels


def levels(*points: int) -> list[dict]:
    return [{"points": p, "label": f"L{p}"} for p in points]


RUBRIC = [
    {"key": "size-consistency", "title": "Size", "levels": levels(0, 2, 4)},
    {"key": "density-target", "title": "Density", "levels": levels(0, 2, 4)},
    {"key": "no-blowouts", "title": "Blowouts", "levels": levels(0, 1, 3)},
    {"key": "spacing-randomness", "title": "Spacing", "levels": levels(0, 2, 4)},
    {"key": "shape-crispness", "title": "Shape", "levels": levels(0, 2, 4)},
]
TARGET = {
    "density_per_cm2": 20,
    "max_diameter_cv": 0.3,
    "max_spacing_cv": 0.4,
    "max_blowouts": 0,
    "tolerance": 0.15,
}


def report(**changes) -> dict:
    base = {
        "calibrated": True,
        "density_per_cm2": 20.5,
        "diameter_cv": 0.2,
        "spacing_cv": 0.3,
        "blowout_count": 0,
        "density_profile": [20.0] * 10,
    }
    return base | changes


def test_on_target_work_gets_the_top_level_of_every_judged_criterion():
    got = suggest_levels(RUBRIC, TARGET, report())
    assert {k: s.points for k, s in got.items()} == {
        "size-consistency": 4,
        "density-target": 4,
        "no-blowouts": 3,
        "spacing-randomness": 4,
    }
    assert "shape-crispness" not in got  # nothing in the numbers judges crispness


def test_near_and_far_from_target_get_middle_and_lowest_levels():
    got = suggest_levels(
        RUBRIC, TARGET, report(density_per_cm2=25.0, blowout_count=5, diameter_cv=0.4)
    )
    assert got["density-target"].points == 2  # 25 % off: within twice the tolerance
    assert got["no-blowouts"].points == 0  # 5 blowouts, far above 0
    assert got["size-consistency"].points == 2  # CV 0.4 is within 1.5 × 0.3
    assert "25.0 dots/cm²" in got["density-target"].reason


def test_gradient_is_judged_band_by_band():
    rubric = [{"key": "gradient", "title": "Gradient", "levels": levels(0, 2, 4)}]
    target = {"density_profile": [5, 8, 12, 16, 20, 24, 28, 30, 30, 30], "tolerance": 0.15}
    good = suggest_levels(
        rubric, target, report(density_profile=[5, 8, 12, 16, 20, 24, 28, 30, 30, 30])
    )
    flat = suggest_levels(rubric, target, report(density_profile=[20.0] * 10))
    assert good["gradient"].points == 4
    assert flat["gradient"].points == 0


def test_no_suggestions_without_a_calibrated_report():
    assert suggest_levels(RUBRIC, TARGET, None) == {}
    assert suggest_levels(RUBRIC, TARGET, {"calibrated": False}) == {}
