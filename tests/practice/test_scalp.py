"""Measuring living scalps beside the scale sticker (CONTRACT.md section 7), on synthetic photos
with known dots, and the fresh-versus-healed comparison."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from bench.synthetic import make_photo
from smp_academy.practice.analysis import (
    STICKER_NOT_FOUND,
    StickerNotFound,
    UnreadableImage,
    analyze_scalp,
    compare_scalp,
    geometry,
    render_scalp_overlay,
)

SCALP_KEYS = [
    "calibrated",
    "px_per_mm",
    "area_cm2",
    "dot_count",
    "density_per_cm2",
    "mean_diameter_mm",
    "diameter_cv",
    "nn_spacing_mm",
    "spacing_cv",
    "blowout_count",
    "mean_contrast",
    "warnings",
]


def test_report_has_the_contract_keys_in_order(scalp_set):
    report = scalp_set[0].result.report
    assert list(report) == SCALP_KEYS
    assert json.loads(json.dumps(report)) == report
    assert report["calibrated"] is True
    assert report["area_cm2"] == 5.11
    area = geometry.scalp_area_cm2()
    assert report["density_per_cm2"] == pytest.approx(report["dot_count"] / area, abs=0.01)
    assert 0 < report["mean_contrast"] <= 1


def test_fresh_dots_are_counted_and_sized_on_light_and_dark_skin(scalp_set):
    for case in (scalp_set[0], scalp_set[2]):
        report, truth = case.result.report, case.truth
        assert abs(report["dot_count"] - truth.dot_count) <= 0.05 * truth.dot_count, truth
        assert abs(report["mean_diameter_mm"] - truth.mean_diameter_mm) <= 0.03
        assert abs(report["nn_spacing_mm"] - truth.nn_spacing_mm) <= 0.05 * truth.nn_spacing_mm
        assert abs(report["mean_contrast"] - truth.mean_contrast) <= 0.05
        assert report["warnings"] == []


def test_only_dots_in_the_disc_outside_the_sticker_are_counted(scalp_set):
    centres = scalp_set[0].result.dots.centres_mm
    assert np.all(np.hypot(centres[:, 0], centres[:, 1]) <= 15.0)
    assert not np.any(np.all(np.abs(centres) <= 7.0, axis=1))


def test_healed_against_fresh_shows_spread_fading_and_lost_dots(scalp_set):
    fresh, healed = scalp_set[0], scalp_set[1]
    comparison = compare_scalp(fresh.result.report, healed.result.report)
    true_spread = healed.truth.mean_diameter_mm - fresh.truth.mean_diameter_mm
    true_fading = 1 - healed.truth.mean_contrast / fresh.truth.mean_contrast
    true_density = healed.truth.dot_count / fresh.truth.dot_count - 1
    assert comparison["dot_spread_mm"] > 0
    assert comparison["dot_spread_mm"] == pytest.approx(true_spread, abs=0.05)
    assert comparison["fading"] == pytest.approx(true_fading, abs=0.08)
    assert comparison["density_change"] == pytest.approx(true_density, abs=0.04)
    assert comparison["fresh"]["dot_count"] == fresh.result.report["dot_count"]
    assert json.loads(json.dumps(comparison)) == comparison


def test_comparison_without_numbers_gives_nulls_and_carries_warnings():
    fresh = {"mean_diameter_mm": 0.3, "mean_contrast": 0.5, "density_per_cm2": 80.0}
    healed = {
        "mean_diameter_mm": None,
        "mean_contrast": 0.4,
        "density_per_cm2": 72.0,
        "px_per_mm": 20.0,
        "warnings": ["photo looks blurred"],
    }
    comparison = compare_scalp(fresh | {"px_per_mm": 10.0, "warnings": []}, healed)
    assert comparison["dot_spread_mm"] is None
    assert comparison["fading"] == pytest.approx(0.2)
    assert comparison["density_change"] == pytest.approx(-0.1)
    assert "healed photo: photo looks blurred" in comparison["warnings"]
    assert any("resolution" in w for w in comparison["warnings"])


def test_overlay_is_a_png_of_the_region(scalp_set):
    png = render_scalp_overlay(scalp_set[0].result)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.width == 800 and image.height > 800


def test_a_photo_without_the_sticker_raises_sticker_not_found():
    jpeg, _ = make_photo(51, layout="medium", px_per_mm=10.0, photo_size=(2048, 1536))
    with pytest.raises(StickerNotFound) as error:
        analyze_scalp(jpeg)
    assert str(error.value) == STICKER_NOT_FOUND


def test_unreadable_bytes_raise_unreadable_image():
    with pytest.raises(UnreadableImage):
        analyze_scalp(b"GIF89a but not really")
