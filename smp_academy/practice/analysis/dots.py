"""Finding and measuring the dots in the rectified darkness map.

Segmentation uses a deliberately low threshold so that each blob holds its dot's whole blurred
edge; the size is then read at half of the dot's own peak darkness, which does not depend on how
dark the ink is or how blurred the photo. Touching dots are split at the saddle of the distance
transform, and only blobs larger than a typical dot are examined for that.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .rectify import Rectified

MIN_DOT_MM = 0.2  # smaller specks are dust, pores or noise
SPLIT_AREA_RATIO = 1.3  # blobs this much larger than the median dot are checked for touching dots
ELONGATION_RATIO = 1.35  # axis ratio beyond which a big blob is taken for dots in a row
SADDLE_RATIO = 0.85  # two distance peaks are two dots when the ridge between them dips this low
BLOWOUT_AREA_RATIO = 2.5
HALO_MIN_DARKNESS = 0.05  # mean darkness just outside a dot that makes it a blowout…
HALO_MIN_RATIO = 0.12  # …and the same as a share of the dot's own darkness


@dataclass(frozen=True)
class Dots:
    """Measured dots, in rectified pixels; one entry per dot."""

    centres_px: np.ndarray  # N×2 (x, y)
    area_px: np.ndarray  # N, area at half the dot's peak darkness
    peak: np.ndarray  # N, peak darkness
    is_merged: np.ndarray  # N bool, split out of a blob of touching dots
    is_blowout: np.ndarray  # N bool
    on_border: np.ndarray  # N bool, cut by the rectified image's edge
    coverage_mask: np.ndarray  # bool image, pixels at or above half their dot's peak


def find_dots(rect: Rectified) -> Dots:
    """Segment, split and measure every dot in the rectified image (margin included)."""
    smooth = cv2.GaussianBlur(rect.darkness, (3, 3), 0)
    mask = smooth > segmentation_threshold(smooth)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask.view(np.uint8), connectivity=8)
    min_area = np.pi / 4 * (MIN_DOT_MM * rect.px_per_mm) ** 2
    keep = stats[:, cv2.CC_STAT_AREA] >= max(min_area, 4)
    keep[0] = False
    median_area = float(np.median(stats[keep, cv2.CC_STAT_AREA])) if keep.any() else 0.0
    labels, is_merged = _split_touching(labels, smooth, stats, keep, median_area)
    return _measure(smooth, labels, is_merged, rect)


def segmentation_threshold(smooth: np.ndarray) -> float:
    """A low cut between bare background and pigment, from the histogram's two modes.

    Otsu finds the gap between background and ink; the cut is then lowered to 40 % of typical
    ink darkness so that each blob keeps the half-darkness edge we measure the dot by.
    """
    sample = smooth[::2, ::2]
    scaled = np.clip(sample * 255, 0, 255).astype(np.uint8)
    otsu, _ = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    high = float(np.clip(otsu / 255, 0.12, 0.5))
    ink = sample[sample > high]
    typical = float(np.percentile(ink, 75)) if ink.size else high
    return float(np.clip(0.4 * typical, 0.1, high))


def _split_touching(
    labels: np.ndarray, smooth: np.ndarray, stats: np.ndarray, keep: np.ndarray, median_area: float
) -> tuple[np.ndarray, np.ndarray]:
    """Relabel so that touching dots get one label each; returns labels and a merged flag."""
    out = np.where(keep[labels], labels, 0).astype(np.int32)
    is_merged = np.zeros(len(stats), dtype=bool)
    is_merged[0] = False
    next_label = len(stats)
    big = np.nonzero(keep & (stats[:, cv2.CC_STAT_AREA] > SPLIT_AREA_RATIO * median_area))[0]
    radius = np.sqrt(median_area / np.pi)
    extra: list[bool] = []
    for label in big:
        x, y, w, h = stats[label, :4]
        roi = out[y : y + h, x : x + w]
        blob = roi == label
        parts = _split_blob(blob, smooth[y : y + h, x : x + w], radius)
        if parts is None:
            parts = _split_elongated(blob, median_area)
        if parts is None:
            continue
        is_merged[label] = True
        for part in range(2, int(parts.max()) + 1):
            roi[parts == part] = next_label
            next_label += 1
            extra.append(True)
    return out, np.concatenate([is_merged, np.array(extra, dtype=bool)])


def _split_blob(blob: np.ndarray, darkness: np.ndarray, radius: float) -> np.ndarray | None:
    """Labels 1..k for the k touching dots of a blob; None when it is a single dot.

    Each pixel goes to the dot whose edge it is nearest to (distance to the peak minus the
    peak's own radius), an additively weighted Voronoi split. For two overlapping discs its
    boundary runs through their two crossing points, which is where the eye splits them.
    (OpenCV's watershed floods by colour differences, not by a relief, so it suits this badly.)
    The peaks are found on the blob's half-darkness core, whose necks are thinner than the
    low-threshold outline's.
    """
    core = blob & (darkness >= 0.5 * np.percentile(darkness[blob], 90))
    padded = np.pad(core, 1).astype(np.uint8)
    dist = cv2.distanceTransform(padded, cv2.DIST_L2, 5)
    peaks = _distance_peaks(dist, radius)
    if len(peaks) < 2:
        return None
    centres = np.array(peaks) - 1.0  # back to the unpadded blob's coordinates
    radii = np.array([dist[round(y), round(x)] for x, y in peaks])
    ys, xs = np.nonzero(blob)
    gap = np.hypot(xs[:, None] - centres[:, 0], ys[:, None] - centres[:, 1]) - radii
    parts = np.zeros(blob.shape, dtype=np.int32)
    parts[ys, xs] = np.argmin(gap, axis=1) + 1
    return parts


def _split_elongated(blob: np.ndarray, median_area: float) -> np.ndarray | None:
    """Split an elongated blob of about n dots' area into n parts along its long axis.

    Overlapping dots blurred together can lose the saddle between them, but their outline
    stays elongated, while a blowout (however large) stays round. For n equal discs in a row
    with spacing s, the variance along the row exceeds the variance across it by
    s²(n²−1)/12, which gives the spacing.
    """
    ys, xs = np.nonzero(blob)
    n = round(len(xs) / median_area)
    if n < 2:
        return None
    pts = np.column_stack([xs, ys]).astype(np.float64)
    mean = pts.mean(axis=0)
    eigvals, eigvecs = np.linalg.eigh(np.cov(pts.T))
    minor, major = np.maximum(eigvals, 1e-9)
    if major / minor < ELONGATION_RATIO**2:
        return None
    spacing = np.sqrt(12 * (major - minor) / (n * n - 1))
    offsets = (np.arange(n) - (n - 1) / 2) * spacing
    seeds = mean + offsets[:, None] * eigvecs[:, 1]
    nearest = np.argmin(np.hypot(xs[:, None] - seeds[:, 0], ys[:, None] - seeds[:, 1]), axis=1)
    parts = np.zeros(blob.shape, dtype=np.int32)
    parts[ys, xs] = nearest + 1
    return parts


def _distance_peaks(dist: np.ndarray, radius: float) -> list[tuple[float, float]]:
    """Local maxima of the distance transform, merged unless a saddle separates them."""
    k = max(3, round(0.6 * radius) * 2 + 1)
    dilated = cv2.dilate(dist, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    is_peak = (dist >= dilated - 1e-3) & (dist >= max(1.0, 0.3 * radius))
    n, _, _, centroids = cv2.connectedComponentsWithStats(is_peak.view(np.uint8))
    peaks = [tuple(c) for c in centroids[1:n]]
    peaks.sort(key=lambda p: -float(dist[round(p[1]), round(p[0])]))
    kept: list[tuple[float, float]] = []
    for peak in peaks:
        if all(_has_saddle(dist, peak, other) for other in kept):
            kept.append(peak)
    return kept


def _has_saddle(dist: np.ndarray, a: tuple[float, float], b: tuple[float, float]) -> bool:
    steps = np.linspace(0.0, 1.0, 24)
    xs = np.round(a[0] + (b[0] - a[0]) * steps).astype(int)
    ys = np.round(a[1] + (b[1] - a[1]) * steps).astype(int)
    ridge = dist[ys, xs]
    return float(ridge.min()) < SADDLE_RATIO * min(float(ridge[0]), float(ridge[-1]))


def _measure(
    smooth: np.ndarray, labels: np.ndarray, is_merged: np.ndarray, rect: Rectified
) -> Dots:
    """Centre (darkness-weighted), half-peak area and peak of every labelled dot."""
    n = len(is_merged)
    fg = labels > 0
    lab = labels[fg]
    val = smooth[fg]
    ys, xs = np.nonzero(fg)
    cx, cy = _weighted_centres(lab, np.clip(val, 0, None), xs, ys, n)
    peak = _centre_darkness(lab, val, xs - cx[lab], ys - cy[lab], n)
    core = rect.darkness[fg] >= 0.5 * peak[lab]
    area = np.bincount(lab[core], minlength=n).astype(np.float64)
    cx, cy = _weighted_centres(lab, val * core, xs, ys, n)
    present = area > 0
    present[0] = False
    coverage = np.zeros(labels.shape, dtype=bool)
    coverage[ys[core], xs[core]] = True
    centres = np.column_stack([cx, cy])[present]
    border = _touches_border(labels, n)[present]
    areas = area[present]
    blowout = _blowouts(smooth, labels, centres, areas, peak[present], np.nonzero(present)[0], rect)
    return Dots(centres, areas, peak[present], is_merged[present], blowout, border, coverage)


def _weighted_centres(
    lab: np.ndarray, weight: np.ndarray, xs: np.ndarray, ys: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    total = np.maximum(np.bincount(lab, weight, minlength=n), 1e-9)
    return np.bincount(lab, weight * xs, minlength=n) / total, np.bincount(
        lab, weight * ys, minlength=n
    ) / total


def _centre_darkness(
    lab: np.ndarray, val: np.ndarray, dx: np.ndarray, dy: np.ndarray, n: int
) -> np.ndarray:
    """Mean darkness near each dot's centre: the maximum would ride on the noise and shrink
    every dot measured at half of it."""
    size = np.bincount(lab, minlength=n)
    reach2 = np.maximum(0.16 * size / np.pi, 1.0)  # (0.4 r)², at least one pixel
    near = dx * dx + dy * dy <= reach2[lab]
    total = np.bincount(lab[near], val[near], minlength=n)
    return (total / np.maximum(np.bincount(lab[near], minlength=n), 1)).astype(np.float32)


def _touches_border(labels: np.ndarray, n: int) -> np.ndarray:
    edge = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    touching = np.zeros(n, dtype=bool)
    touching[edge] = True
    touching[0] = False
    return touching


def _blowouts(
    smooth: np.ndarray,
    labels: np.ndarray,
    centres: np.ndarray,
    areas: np.ndarray,
    peaks: np.ndarray,
    ids: np.ndarray,
    rect: Rectified,
) -> np.ndarray:
    """Dots spread far beyond the median size, or wrapped in a diffuse halo of pigment."""
    if len(areas) == 0:
        return np.zeros(0, dtype=bool)
    too_big = areas > BLOWOUT_AREA_RATIO * np.median(areas)
    ring = _ring_darkness(smooth, labels, centres, np.sqrt(areas / np.pi), ids, rect.px_per_mm)
    halo = (ring > HALO_MIN_DARKNESS) & (ring > HALO_MIN_RATIO * peaks)
    return too_big | halo


def _ring_darkness(
    smooth: np.ndarray,
    labels: np.ndarray,
    centres: np.ndarray,
    radii: np.ndarray,
    ids: np.ndarray,
    px_per_mm: float,
) -> np.ndarray:
    """Mean darkness on rings just outside each dot, ignoring pixels of other dots."""
    gaps = [max(0.25 * px_per_mm, 3.0), max(0.45 * px_per_mm, 4.0), max(0.65 * px_per_mm, 5.0)]
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    rings = radii[:, None, None] + np.array(gaps)[None, :, None]
    xs = (centres[:, 0, None, None] + rings * np.cos(angles)).reshape(len(centres), -1)
    ys = (centres[:, 1, None, None] + rings * np.sin(angles)).reshape(len(centres), -1)
    values = cv2.remap(smooth, xs.astype(np.float32), ys.astype(np.float32), cv2.INTER_LINEAR)
    ix = np.clip(np.round(xs).astype(int), 0, labels.shape[1] - 1)
    iy = np.clip(np.round(ys).astype(int), 0, labels.shape[0] - 1)
    owner = labels[iy, ix]
    usable = (owner == 0) | (owner == ids[:, None])
    counts = usable.sum(axis=1)
    return np.where(counts > 0, (values * usable).sum(axis=1) / np.maximum(counts, 1), 0.0)
