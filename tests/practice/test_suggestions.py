"""Suggested rubric levels: each criterion judged by its own measure against its own target."""

from __future__ import annotations

import pytest

from smp_academy.practice.suggestions import suggest_levels


def levels(*points: int) -> list[dict]:
    return [{"points": p, "label": f"L{p}"} for p in points]


def criterion(key: str, measure: str | None, *points: int) -> dict:
    found = {"key": key, "title": key.title(), "levels": levels(*(points or (0, 2, 4)))}
    return found | ({"measure": measure} if measure else {})


RUBRIC = [
    criterion("size-consistency", "size_consistency"),
    criterion("density-target", "density"),
    criterion("no-blowouts", "blowouts", 0, 1, 3),
    criterion("spacing-randomness", "spacing"),
    criterion("evenness", "coverage"),
    criterion("dot-size", "dot_size"),
    criterion("shape-crispness", None),
]
TARGET = {
    "density_per_cm2": 20,
    "max_diameter_cv": 0.3,
    "max_spacing_cv": 0.4,
    "max_density_cv": 0.25,
    "max_mean_diameter_mm": 0.8,
    "max_blowouts": 0,
    "tolerance": 0.15,
}


def report(**changes) -> dict:
    base = {
        "calibrated": True,
        "density_per_cm2": 20.5,
        "mean_diameter_mm": 0.75,
        "diameter_cv": 0.2,
        "spacing_cv": 0.3,
        "blowout_count": 0,
        "density_profile": [20.0] * 10,
    }
    return base | changes


EXTRAS = {"density_cell_cv": 0.2}


def test_on_target_work_gets_the_top_level_of_every_judged_criterion():
    got = suggest_levels(RUBRIC, TARGET, report(), EXTRAS)
    assert {k: s.points for k, s in got.items()} == {
        "size-consistency": 4,
        "density-target": 4,
        "no-blowouts": 3,
        "spacing-randomness": 4,
        "evenness": 4,
        "dot-size": 4,
    }
    assert "shape-crispness" not in got  # no measure: nothing in the numbers judges crispness


def test_near_and_far_from_target_get_middle_and_lowest_levels():
    got = suggest_levels(
        RUBRIC,
        TARGET,
        report(density_per_cm2=25.0, blowout_count=5, diameter_cv=0.4, mean_diameter_mm=1.2),
        EXTRAS,
    )
    assert got["density-target"].points == 2  # 25 % off: within twice the tolerance
    assert got["no-blowouts"].points == 0  # 5 blowouts, far above 0
    assert got["size-consistency"].points == 2  # CV 0.4 is within 1.5 × 0.3
    assert got["dot-size"].points == 0  # 1.2 mm, far above 0.8
    assert "25.0 dots/cm²" in got["density-target"].reason


def test_coverage_reads_the_cell_density_cv_not_the_spacing():
    patchy = suggest_levels(RUBRIC, TARGET, report(spacing_cv=0.1), {"density_cell_cv": 0.6})
    even = suggest_levels(RUBRIC, TARGET, report(spacing_cv=0.9), {"density_cell_cv": 0.1})
    assert patchy["evenness"].points == 0 and patchy["spacing-randomness"].points == 4
    assert even["evenness"].points == 4 and even["spacing-randomness"].points == 0
    assert "60%" in patchy["evenness"].reason and "1 cm² cells" in patchy["evenness"].reason


def test_coverage_without_its_number_gets_no_suggestion():
    got = suggest_levels(RUBRIC, TARGET, report())  # extras not stored with the report
    assert "evenness" not in got and "density-target" in got


def test_the_measure_decides_not_the_key():
    rubric = [criterion("even-coverage-and-spacing", "density")]
    got = suggest_levels(rubric, TARGET, report(density_per_cm2=10.0), EXTRAS)
    assert got["even-coverage-and-spacing"].points == 0
    assert "10.0 dots/cm²" in got["even-coverage-and-spacing"].reason
    assert suggest_levels([criterion("density", None)], TARGET, report(), EXTRAS) == {}


def test_a_measure_whose_target_is_not_set_gets_no_suggestion():
    got = suggest_levels(RUBRIC, {"density_per_cm2": 20}, report(), EXTRAS)
    assert set(got) == {"density-target"}


def test_unknown_measure_and_null_numbers_get_no_suggestion():
    rubric = [criterion("mystery", "sparkle"), criterion("size", "size_consistency")]
    assert suggest_levels(rubric, TARGET, report(diameter_cv=None), EXTRAS) == {}


def test_gradient_is_judged_band_by_band():
    rubric = [criterion("gradient", "gradient")]
    target = {"density_profile": [5, 8, 12, 16, 20, 24, 28, 30, 30, 30], "tolerance": 0.15}
    good = suggest_levels(
        rubric, target, report(density_profile=[5, 8, 12, 16, 20, 24, 28, 30, 30, 30])
    )
    flat = suggest_levels(rubric, target, report(density_profile=[20.0] * 10))
    assert good["gradient"].points == 4
    assert flat["gradient"].points == 0


@pytest.mark.parametrize("bad", [None, {}, {"calibrated": False}])
def test_no_suggestions_without_a_calibrated_report(bad):
    assert suggest_levels(RUBRIC, TARGET, bad, EXTRAS) == {}
