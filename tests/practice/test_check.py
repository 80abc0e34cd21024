"""The upload page's immediate photo check: one coded problem per kind of bad photo, fast, and
in agreement with the analysis report's warnings."""

from __future__ import annotations

import time
from functools import cache

import cv2
import pytest

from bench.synthetic import make_photo, make_scalp_photo
from smp_academy.practice.analysis import analyze, analyze_scalp, check_photo

SMALL = (2048, 1536)
GOOD = {"layout": "medium", "background": "paper", "px_per_mm": 10.0, "photo_size": SMALL}


@cache
def bad_photo(**effect) -> bytes:
    """A photo with one flaw, rendered once per test session."""
    return make_photo(42, **(GOOD | effect))[0]


@pytest.mark.parametrize(
    ("code", "effect"),
    [
        ("markers_missing", {"cover_marker": 2}),
        ("low_resolution", {"px_per_mm": 6.0}),
        ("blurred", {"blur_px": 3.0}),
        ("blurred", {"motion_px": 6.0}),
        ("glare", {"background": "skin", "glare": True}),
        ("not_flat", {"curl_mm": 4.0}),
        ("marker_hidden", {"finger_on_marker": 1}),
    ],
)
def test_each_bad_photo_gets_its_problem(code, effect):
    check = check_photo(bad_photo(**effect))
    assert not check.ok
    assert code in [p.code for p in check.problems]
    for problem in check.problems:
        assert problem.message and problem.how_to_fix


def test_a_good_photo_passes_and_says_so_as_json(photo_set):
    check = check_photo(photo_set[1].jpeg)
    assert check.ok and check.problems == []
    assert check.as_dict() == {"ok": True, "problems": []}


def test_missing_markers_are_named():
    data, _ = make_photo(43, **(GOOD | {"cover_marker": 3}))
    (problem,) = check_photo(data).problems
    assert problem.as_dict()["code"] == "markers_missing"
    assert "bottom-left" in problem.message


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7 not a photo", b"\xff\xd8\xff\xe0 truncated"])
def test_unreadable_bytes_are_a_problem_not_an_exception(data):
    check = check_photo(data)
    assert not check.ok
    assert [p.code for p in check.problems] == ["unreadable"]


@pytest.mark.parametrize(
    "effect", [{"px_per_mm": 6.0}, {"blur_px": 3.0}, {"curl_mm": 4.0}, {"finger_on_marker": 1}]
)
def test_the_report_warns_about_exactly_what_the_check_found(effect):
    data = bad_photo(**effect)
    warnings = analyze(data).report["warnings"]
    assert warnings == [p.warning for p in check_photo(data).problems]


def test_scalp_photos_are_checked_for_the_sticker_and_agree_with_the_report(scalp_set):
    fresh = scalp_set[0]
    assert check_photo(fresh.path.read_bytes(), kind="scalp").ok
    paper, _ = make_photo(44, **GOOD)
    (problem,) = check_photo(paper, kind="scalp").problems
    assert problem.code == "markers_missing" and "sticker" in problem.message
    far, _ = make_scalp_photo(45, fitzpatrick=3, px_per_mm=7.0, photo_size=SMALL)
    problems = check_photo(far, kind="scalp").problems
    assert "low_resolution" in [p.code for p in problems]
    assert analyze_scalp(far).report["warnings"] == [p.warning for p in problems]


def test_the_check_is_fast_on_a_12_mp_photo():
    data, _ = make_photo(46, layout="medium", px_per_mm=15.0, photo_size=(4000, 3000))
    check_photo(data)  # warm: imports, tables
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        start = time.perf_counter()
        check = check_photo(data)
        seconds = time.perf_counter() - start
    finally:
        cv2.setNumThreads(threads)
    assert check.ok
    assert seconds < 1.0  # 0.1–0.2 s on an idle core; the margin is for a shared machine


def test_an_unknown_kind_of_photo_is_a_programming_error(photo_set):
    with pytest.raises(ValueError, match="unknown kind"):
        check_photo(photo_set[0].jpeg, kind="selfie")
