"""Accuracy and speed of the practice-photo analysis on synthetic photos, one core.

Usage: .venv/bin/python bench/practice_analysis.py [--n 12] [--sets paper,hard,scalp]
       [--size 4000x3000] [--cache DIR] [--cli-runs 3]

Three sets of photos with known dots:
- paper: the fair set — every drill layout (fine, medium, dense, crowded, gradient, random) on
  paper and practice skin, as a phone takes them (9–22 px/mm, mild blur, noise, sRGB, JPEG);
  every other photo has no blowouts, for counting false ones;
- hard: what real phones add, one effect per photo (lens distortion, curled paper, a hand's
  shadow, a finger on a marker, colour casts, high-ISO noise, motion blur, 7–8 px/mm, JPEG
  quality 60, HEIC, textured practice skin, sharpening);
- scalp: living-scalp photos with the scale sticker (CONTRACT.md section 7), Fitzpatrick I–VI,
  stubble, pores, shine, curvature, fresh and healed.

For each set it prints count error, mean diameter error (signed mean and absolute), spacing
error, blowout recall and false blowouts per clean photo, and the analysis time (in-process,
cv2.setNumThreads(1)) with, interleaved, a bare baseline on the same bytes (decode + threshold
+ connected components), whose ratio holds on a noisy shared machine; then the whole-process
time of `flask --app smp_academy practice analyze`. Photos are 4000×3000 (12 MP) unless
--size says otherwise; --cache keeps rendered photos between runs (rendering costs more than
analysing).
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import make_photo, make_scalp_photo  # noqa: E402
from smp_academy.practice.analysis import (  # noqa: E402
    MarkersNotFound,
    StickerNotFound,
    analyze,
    analyze_scalp,
)

MATCH_MM = 0.5
PAPER_LAYOUTS = ("fine", "medium", "dense", "crowded", "gradient", "random")

#: One effect per photo: (label, make_photo keywords).
HARD_EFFECTS: tuple[tuple[str, dict], ...] = (
    ("barrel distortion", {"distortion": 0.03}),
    ("pincushion distortion", {"distortion": -0.03}),
    ("curled paper", {"curl_mm": 4.0}),
    ("hand shadow", {"hand_shadow": True}),
    ("finger on a marker", {"finger_on_marker": 1}),
    ("warm colour cast", {"colour_cast": "warm"}),
    ("green colour cast", {"colour_cast": "green"}),
    ("high-ISO noise", {"noise": 7.0}),
    ("motion blur", {"motion_px": 4.0}),
    ("7.5 px/mm", {"px_per_mm": 7.5}),
    ("JPEG quality 60", {"jpeg_quality": 60}),
    ("HEIC", {"heic": True}),
    ("textured practice skin", {"background": "skin", "skin_texture": True}),
    ("phone sharpening", {"sharpen": 0.8}),
)

SCALP_CASES: tuple[tuple[str, dict], ...] = (
    ("fresh, type I", {"fitzpatrick": 1}),
    ("fresh, type II, stubble", {"fitzpatrick": 2, "stubble": True}),
    ("fresh, type III, shine", {"fitzpatrick": 3, "shine": True}),
    ("fresh, type IV, scar", {"fitzpatrick": 4, "scar": True}),
    ("fresh, type V, stubble", {"fitzpatrick": 5, "stubble": True}),
    ("fresh, type VI", {"fitzpatrick": 6}),
    ("healed, type II", {"fitzpatrick": 2, "healed": True}),
    ("healed, type V, stubble", {"fitzpatrick": 5, "healed": True, "stubble": True}),
)


@dataclass(frozen=True)
class Case:
    label: str
    seed: int
    render: Callable[[], tuple[bytes, object]]
    analyse: Callable[[bytes], object]


@dataclass(frozen=True)
class Row:
    label: str
    px_per_mm: float
    count_err: float  # relative, signed
    diameter_err: float | None  # mm, signed
    spacing_err: float | None  # relative, signed
    blowouts_true: int
    blowouts_found: int
    false_blowouts: int
    seconds: float
    baseline_seconds: float = 0.0
    failed: str = ""
    warned: bool = False  # the report warned about the photo
    contrast_err: float | None = None  # scalp only: mean contrast, signed


def paper_cases(n: int, seed: int, size: tuple[int, int]) -> list[Case]:
    cases = []
    for i in range(n):
        layout = PAPER_LAYOUTS[i % len(PAPER_LAYOUTS)]
        background = "paper" if (i // len(PAPER_LAYOUTS)) % 2 == 0 else "skin"
        kwargs = {"layout": layout, "background": background, "blowouts": i % 2 == 0}
        label = f"{layout} on {background}" + ("" if i % 2 == 0 else ", clean")
        cases.append(_paper_case(label, seed + i, kwargs | {"photo_size": size}))
    return cases


def hard_cases(n: int, seed: int, size: tuple[int, int]) -> list[Case]:
    cases = []
    for i in range(n):
        label, effect = HARD_EFFECTS[i % len(HARD_EFFECTS)]
        kwargs = {"layout": "medium", "blowouts": i % 2 == 0, "photo_size": size} | effect
        cases.append(_paper_case(label, seed + i, kwargs))
    return cases


def scalp_cases(n: int, seed: int, size: tuple[int, int]) -> list[Case]:
    cases = []
    for i in range(n):
        label, kwargs = SCALP_CASES[i % len(SCALP_CASES)]
        args = kwargs | {"photo_size": size, "blowouts": i % 2 == 0}
        cases.append(
            Case(
                label,
                seed + i,
                lambda s=seed + i, a=args: make_scalp_photo(s, **a),
                analyze_scalp,
            )
        )
    return cases


def _paper_case(label: str, seed: int, kwargs: dict) -> Case:
    return Case(label, seed, lambda: make_photo(seed, **kwargs), analyze)


def rendered(case: Case, cache: Path | None, set_name: str) -> tuple[bytes, object]:
    """The case's photo and truth, from the cache when it holds them."""
    if cache is None:
        return case.render()
    path = cache / f"{set_name}-{case.seed}-{case.label.replace(' ', '_').replace('/', '_')}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    value = case.render()
    path.write_bytes(pickle.dumps(value))
    return value


def baseline(data: bytes) -> float:
    """Seconds for the least any pipeline must do: decode, threshold, label."""
    start = time.perf_counter()
    gray = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if gray is not None:  # OpenCV cannot read HEIC: no baseline for it
        _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
        cv2.connectedComponents(mask)
    return time.perf_counter() - start if gray is not None else float("nan")


def score(case: Case, data: bytes, truth) -> Row:
    base = baseline(data)
    start = time.perf_counter()
    try:
        result = case.analyse(data)
    except (MarkersNotFound, StickerNotFound) as error:
        return Row(case.label, truth.px_per_mm, 0, None, None, 0, 0, 0, 0.0, base, str(error))
    seconds = time.perf_counter() - start
    report, dots = result.report, result.dots
    flagged = dots.centres_mm[dots.is_blowout]
    true_blowouts = np.array(truth.blowout_centres_mm).reshape(-1, 2)
    correct = sum(_near(c, true_blowouts) for c in flagged)
    mean_d, spacing = report["mean_diameter_mm"], report["nn_spacing_mm"]
    return Row(
        label=case.label,
        px_per_mm=truth.px_per_mm,
        count_err=(report["dot_count"] - truth.dot_count) / truth.dot_count,
        diameter_err=None if mean_d is None else mean_d - truth.mean_diameter_mm,
        spacing_err=None if spacing is None else spacing / truth.nn_spacing_mm - 1,
        blowouts_true=len(true_blowouts),
        blowouts_found=sum(_near(c, flagged) for c in true_blowouts),
        false_blowouts=len(flagged) - correct,
        seconds=seconds,
        baseline_seconds=base,
        warned=bool(report["warnings"]),
        contrast_err=_difference(
            report.get("mean_contrast"), getattr(truth, "mean_contrast", None)
        ),
    )


def _difference(measured: float | None, true: float | None) -> float | None:
    return None if measured is None or true is None else measured - true


def _near(point: np.ndarray, others: np.ndarray) -> bool:
    return len(others) > 0 and float(np.min(np.hypot(*(others - point).T))) <= MATCH_MM


def run_set(name: str, cases: list[Case], cache: Path | None, verbose: bool) -> list[Row]:
    rows = []
    for case in cases:
        data, truth = rendered(case, cache, name)
        row = score(case, data, truth)
        rows.append(row)
        if verbose:
            print(_row_line(row), file=sys.stderr, flush=True)
    return rows


def _row_line(row: Row) -> str:
    if row.failed:
        return f"  {row.label:28} {row.px_per_mm:5.1f} px/mm  not measured: {row.failed}"
    d = "  n/a  " if row.diameter_err is None else f"{row.diameter_err:+.4f}"
    c = "" if row.contrast_err is None else f"  contrast {row.contrast_err:+.3f}"
    return (
        f"  {row.label:28} {row.px_per_mm:5.1f} px/mm  count {row.count_err:+.2%}  "
        f"diameter {d} mm{c}  blowouts {row.blowouts_found}/{row.blowouts_true} "
        f"(+{row.false_blowouts} false)  {row.seconds:.3f} s" + ("  [warned]" if row.warned else "")
    )


def summary(name: str, rows: list[Row]) -> str:
    measured = [r for r in rows if not r.failed]
    if not measured:
        return f"### {name}: no photo measured"
    count = np.abs([r.count_err for r in measured]) * 100
    diam = np.array([r.diameter_err for r in measured if r.diameter_err is not None])
    contrast = np.array([r.contrast_err for r in measured if r.contrast_err is not None])
    spacing = np.abs([r.spacing_err for r in measured if r.spacing_err is not None]) * 100
    clean = [r for r in measured if r.blowouts_true == 0]
    with_blowouts = [r for r in measured if r.blowouts_true]
    recall = sum(r.blowouts_found for r in with_blowouts) / max(
        1, sum(r.blowouts_true for r in with_blowouts)
    )
    times = [r.seconds for r in measured]
    ratios = np.array([r.seconds / r.baseline_seconds for r in measured])
    ratios = ratios[np.isfinite(ratios)]
    lines = [
        f"### {name} ({len(measured)} of {len(rows)} photos measured)",
        "",
        "| measure | median | p90 | worst |",
        "|---|---|---|---|",
        _stat_line("dot count error (abs)", count, "{:.2f} %"),
        _stat_line("mean diameter error (abs)", np.abs(diam), "{:.3f} mm"),
        _stat_line("nn spacing error (abs)", spacing, "{:.2f} %"),
        _stat_line("analysis time", np.array(times), "{:.3f} s"),
        _stat_line("  ÷ bare baseline (decode, threshold, label)", ratios, "{:.1f}×"),
        "",
        f"- mean diameter error, signed: mean {diam.mean():+.4f} mm, median "
        f"{np.median(diam):+.4f} mm ({np.sum(diam > 0)} over, {np.sum(diam < 0)} under)",
        f"- blowout recall: {recall:.1%} over {len(with_blowouts)} photos with blowouts",
        "- false blowouts per clean photo: "
        + (
            f"mean {statistics.mean(r.false_blowouts for r in clean):.2f}, "
            f"max {max(r.false_blowouts for r in clean)}"
            if clean
            else "no clean photo in the set"
        ),
        *(
            [
                f"- mean contrast error, signed: mean {contrast.mean():+.3f}, worst "
                f"{contrast[np.argmax(np.abs(contrast))]:+.3f}"
            ]
            if len(contrast)
            else []
        ),
        "- px/mm: "
        f"{min(r.px_per_mm for r in measured):.1f}–{max(r.px_per_mm for r in measured):.1f}",
    ]
    warned = [r for r in measured if r.warned]
    if warned:
        quiet = np.abs([r.count_err for r in measured if not r.warned]) * 100
        kinds = ", ".join(sorted({r.label for r in warned}))
        lines.append(
            f"- {len(warned)} photos warned about ({kinds}); "
            f"count error on the others: median {np.median(quiet):.2f} %, worst {quiet.max():.2f} %"
            if len(quiet)
            else f"- all {len(warned)} photos warned about"
        )
    failed = [r for r in rows if r.failed]
    if failed:
        lines.append("- not measured: " + "; ".join(f"{r.label} ({r.failed})" for r in failed))
    return "\n".join(lines)


def _stat_line(label: str, values: np.ndarray, fmt: str) -> str:
    if len(values) == 0:
        return f"| {label} | – | – | – |"
    mid, p90, worst = np.percentile(values, 50), np.percentile(values, 90), values.max()
    return f"| {label} | {fmt.format(mid)} | {fmt.format(p90)} | {fmt.format(worst)} |"


def cli_seconds(data: bytes, runs: int) -> list[float]:
    """Whole-process time of `flask --app smp_academy practice analyze PHOTO`."""
    flask = ROOT / ".venv" / "bin" / "flask"
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        photo = Path(tmp) / "photo.jpg"
        photo.write_bytes(data)
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(
                [str(flask), "--app", "smp_academy", "practice", "analyze", str(photo)],
                cwd=ROOT,
                capture_output=True,
                check=False,
            )
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise SystemExit(f"practice analyze failed: {done.stderr.decode()[:300]}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=12, help="photos per set")
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--sets", default="paper,hard,scalp")
    parser.add_argument("--size", default="4000x3000")
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--cli-runs", type=int, default=3)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    size = tuple(int(v) for v in args.size.split("x"))
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    makers = {"paper": paper_cases, "hard": hard_cases, "scalp": scalp_cases}
    warm = make_photo(args.seed - 1, photo_size=(2048, 1536))[0]
    analyze(warm)  # imports and tables, outside the timings
    for name in args.sets.split(","):
        cases = makers[name](args.n, args.seed + 1000 * len(name), size)
        rows = run_set(name, cases, args.cache, not args.quiet)
        print(summary(f"{name} set, {size[0]}×{size[1]}", rows) + "\n", flush=True)
    if args.cli_runs:
        photo = make_photo(args.seed, photo_size=size)[0]
        times = cli_seconds(photo, args.cli_runs)
        print(
            f"`flask --app smp_academy practice analyze` on one {size[0]}×{size[1]} photo, "
            f"whole process: median {statistics.median(times):.2f} s over {len(times)} runs "
            f"(min {min(times):.2f} s)"
        )


if __name__ == "__main__":
    main()
