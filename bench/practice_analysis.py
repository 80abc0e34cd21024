"""Accuracy and speed of the practice-photo analysis on synthetic 12 MP photos, one core.

Usage: .venv/bin/python bench/practice_analysis.py [--n 40] [--seed 1000]

Each photo is analysed in-process and, interleaved with it, put through a bare baseline on the
same JPEG (cv2.imdecode + cv2.threshold + cv2.connectedComponents), so the time ratio holds on a
noisy shared machine even when absolute times drift.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import Truth, make_photo
from smp_academy.practice.analysis import AnalysisResult, analyze

PHOTO_SIZE = (4000, 3000)
MATCH_MM = 0.5


@dataclass(frozen=True)
class Row:
    px_per_mm: float
    count_err: float  # relative
    diameter_err: float  # mm, absolute
    spacing_err: float  # relative
    profile_err: float  # dots/cm², worst band
    blowouts_true: int
    blowouts_found: int
    blowouts_reported: int
    blowouts_correct: int
    seconds: float
    baseline_seconds: float


def baseline(jpeg: bytes) -> None:
    """The least any pipeline must do: decode, threshold, label."""
    gray = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    cv2.connectedComponents(mask)


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def near(point: np.ndarray, others: np.ndarray) -> bool:
    return len(others) > 0 and float(np.min(np.hypot(*(others - point).T))) <= MATCH_MM


def score(truth: Truth, result: AnalysisResult, seconds: float, base: float) -> Row:
    report, dots = result.report, result.dots
    flagged = dots.centres_mm[dots.is_blowout]
    true_blowouts = np.array(truth.blowout_centres_mm).reshape(-1, 2)
    profile = np.abs(np.array(report["density_profile"]) - np.array(truth.density_profile))
    return Row(
        px_per_mm=truth.px_per_mm,
        count_err=abs(report["dot_count"] - truth.dot_count) / truth.dot_count,
        diameter_err=abs(report["mean_diameter_mm"] - truth.mean_diameter_mm),
        spacing_err=abs(report["nn_spacing_mm"] - truth.nn_spacing_mm) / truth.nn_spacing_mm,
        profile_err=float(profile.max()),
        blowouts_true=len(true_blowouts),
        blowouts_found=sum(near(c, flagged) for c in true_blowouts),
        blowouts_reported=len(flagged),
        blowouts_correct=sum(near(c, true_blowouts) for c in flagged),
        seconds=seconds,
        baseline_seconds=base,
    )


def run(n: int, first_seed: int) -> list[Row]:
    rows = []
    analyze(make_photo(first_seed - 1, photo_size=PHOTO_SIZE)[0])  # warm-up: imports, tables
    for seed in range(first_seed, first_seed + n):
        jpeg, truth = make_photo(seed, photo_size=PHOTO_SIZE)
        base, _ = timed(baseline, jpeg)
        seconds, result = timed(analyze, jpeg)
        rows.append(score(truth, result, seconds, base))
        print(
            f"seed {seed}: {truth.background:5} {truth.px_per_mm:5.1f} px/mm {seconds:.3f} s",
            file=sys.stderr,
        )
    return rows


def p50_p90(values: list[float]) -> tuple[float, float]:
    return float(np.percentile(values, 50)), float(np.percentile(values, 90))


def table(rows: list[Row]) -> str:
    lines = ["| measure | median | p90 |", "|---|---|---|"]
    for label, values, fmt in (
        ("dot count error", [r.count_err * 100 for r in rows], "{:.2f} %"),
        ("mean diameter error", [r.diameter_err for r in rows], "{:.3f} mm"),
        ("nn spacing error", [r.spacing_err * 100 for r in rows], "{:.2f} %"),
        ("density profile error (worst band)", [r.profile_err for r in rows], "{:.2f} /cm²"),
        ("time per photo (analyze)", [r.seconds for r in rows], "{:.3f} s"),
        ("time per photo (bare baseline)", [r.baseline_seconds for r in rows], "{:.3f} s"),
        (
            "time ratio analyze / baseline",
            [r.seconds / r.baseline_seconds for r in rows],
            "{:.1f}×",
        ),
    ):
        mid, p90 = p50_p90(values)
        lines.append(f"| {label} | {fmt.format(mid)} | {fmt.format(p90)} |")
    recall = sum(r.blowouts_found for r in rows) / max(1, sum(r.blowouts_true for r in rows))
    precision = sum(r.blowouts_correct for r in rows) / max(
        1, sum(r.blowouts_reported for r in rows)
    )
    lines.append(f"| blowout recall / precision | {recall:.1%} / {precision:.1%} | |")
    ppm = [r.px_per_mm for r in rows]
    lines.append(
        f"| photos | {len(rows)} at {PHOTO_SIZE[0]}×{PHOTO_SIZE[1]}, "
        f"{min(ppm):.1f}–{max(ppm):.1f} px/mm | |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1000)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    rows = run(args.n, args.seed)
    print(table(rows))
    worst = max(rows, key=lambda r: r.count_err)
    print(
        f"\nworst count error {worst.count_err:.2%} at {worst.px_per_mm:.1f} px/mm; "
        f"max time {max(r.seconds for r in rows):.3f} s; "
        f"mean {statistics.mean(r.seconds for r in rows):.3f} s"
    )


if __name__ == "__main__":
    main()
