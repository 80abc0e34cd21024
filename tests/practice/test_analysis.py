"""Accuracy of the photo analysis against synthetic photos with known ground truth."""

from __future__ import annotations

import io
import json
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from bench.synthetic import make_photo
from smp_academy.practice.analysis import (
    MARKERS_NOT_FOUND,
    MarkersNotFound,
    UnreadableImage,
    analyze,
    render_overlay,
)
from smp_academy.practice.analysis.stats import nearest_neighbour_distances

REPORT_KEYS = [
    "calibrated",
    "px_per_mm",
    "area_cm2",
    "dot_count",
    "density_per_cm2",
    "density_profile",
    "mean_diameter_mm",
    "diameter_cv",
    "nn_spacing_mm",
    "spacing_cv",
    "blowout_count",
    "coverage_fraction",
    "warnings",
]


def test_report_has_the_contract_keys_in_order(photo_set):
    report = photo_set[0].result.report
    assert list(report) == REPORT_KEYS
    assert json.loads(json.dumps(report)) == report
    assert report["calibrated"] is True
    assert report["area_cm2"] == 100.0
    assert len(report["density_profile"]) == 10
    assert report["density_per_cm2"] == pytest.approx(report["dot_count"] / 100, abs=0.01)
    assert 0 < report["coverage_fraction"] < 0.5


def test_dot_count_within_2_percent(photo_set):
    for case in photo_set:
        count = case.result.report["dot_count"]
        assert abs(count - case.truth.dot_count) <= 0.02 * case.truth.dot_count, case.truth


def test_mean_diameter_within_006_mm(photo_set):
    for case in photo_set:
        measured = case.result.report["mean_diameter_mm"]
        assert abs(measured - case.truth.mean_diameter_mm) <= 0.06, case.truth


def test_nn_spacing_within_3_percent(photo_set):
    for case in photo_set:
        measured = case.result.report["nn_spacing_mm"]
        truth = case.truth.nn_spacing_mm
        assert abs(measured - truth) <= 0.03 * truth, case.truth


def test_density_profile_follows_the_truth(photo_set):
    for case in photo_set:
        measured = np.array(case.result.report["density_profile"])
        truth = np.array(case.truth.density_profile)
        assert np.abs(measured - truth).max() <= 0.05 * truth.max() + 0.2


def test_blowouts_recall_and_precision(photo_set):
    found = expected = correct = reported = 0
    for case in photo_set:
        dots = case.result.dots
        flagged = dots.centres_mm[dots.is_blowout]
        truth = np.array(case.truth.blowout_centres_mm).reshape(-1, 2)
        assert case.result.report["blowout_count"] == len(flagged)
        found += sum(_near(c, flagged) for c in truth)
        expected += len(truth)
        correct += sum(_near(c, truth) for c in flagged)
        reported += len(flagged)
    assert found / expected >= 0.9
    assert correct / reported >= 0.9


def _near(point: np.ndarray, others: np.ndarray, tol_mm: float = 0.5) -> bool:
    return len(others) > 0 and float(np.min(np.hypot(*(others - point).T))) <= tol_mm


def test_overlay_is_a_png_of_the_square_and_strip(photo_set):
    png = render_overlay(photo_set[0].result)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.width > image.height > 500


def test_text_bytes_are_unreadable():
    with pytest.raises(UnreadableImage):
        analyze(b"this is not an image at all")
    with pytest.raises(UnreadableImage):
        analyze(b"")


def test_truncated_jpeg_is_unreadable(photo_set):
    jpeg = photo_set[0].jpeg
    with pytest.raises(UnreadableImage):
        analyze(jpeg[: len(jpeg) // 2])


def test_pixel_bomb_is_refused_before_decoding():
    with pytest.raises(UnreadableImage, match=r"too large|readable"):
        analyze(_one_bit_png(20_000, 20_000))


def test_own_pixel_limit_applies_below_pillows():
    png = _one_bit_png(8_000, 6_000)  # 48 MP: under Pillow's own limit, over ours
    with pytest.raises(UnreadableImage, match="too large"):
        analyze(png)


def _one_bit_png(width: int, height: int) -> bytes:
    """A valid all-black 1-bit PNG, compressed row by row so it costs little memory."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_covered_marker_raises_markers_not_found():
    jpeg, _ = make_photo(21, background="paper", px_per_mm=9.0, cover_marker=1)
    with pytest.raises(MarkersNotFound) as error:
        analyze(jpeg)
    assert str(error.value) == MARKERS_NOT_FOUND


def test_low_resolution_photo_is_measured_with_a_warning():
    jpeg, truth = make_photo(22, background="paper", px_per_mm=6.0)
    report = analyze(jpeg).report
    assert any("low resolution" in w for w in report["warnings"])
    assert abs(report["dot_count"] - truth.dot_count) <= 0.05 * truth.dot_count


def test_glare_is_warned_about():
    jpeg, _ = make_photo(23, background="skin", px_per_mm=9.0, glare=True)
    assert any("glare" in w for w in analyze(jpeg).report["warnings"])


def test_sharp_photos_have_no_warnings(photo_set):
    for case in photo_set:
        assert case.result.report["warnings"] == [], case.truth


def test_rotated_exif_orientation_is_applied(photo_set):
    with Image.open(io.BytesIO(photo_set[0].jpeg)) as image:
        turned = image.transpose(Image.Transpose.ROTATE_90)
        exif = image.getexif()
        exif[0x0112] = 8  # "rotate 90° clockwise to view": undoes the turn above
        out = io.BytesIO()
        turned.save(out, "JPEG", quality=92, exif=exif)
    report = analyze(out.getvalue()).report
    assert abs(report["dot_count"] - photo_set[0].result.report["dot_count"]) <= 3


def test_nearest_neighbours_match_brute_force():
    rng = np.random.default_rng(5)
    points = np.vstack([rng.uniform(0, 100, (500, 2)), [[500.0, 500.0]]])  # one far outlier
    full = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(full, np.inf)
    assert np.allclose(nearest_neighbour_distances(points), full.min(axis=1))
