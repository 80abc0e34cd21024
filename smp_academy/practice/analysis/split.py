"""Splitting blobs of touching or overlapping dots into one label per dot.

Two ways, because blur hides what the eye uses: where a neck remains between overlapping dots,
the distance transform of the blob's half-darkness core has one peak per dot with a saddle
between them, and pixels go to the nearest dot's edge; where blur has filled the neck, a row of
dots still shows as a blob longer than it is wide, and the row's width and length give how many
dots it holds. A blob longer than a few dots in a row is not dots at all (an edge, a line).
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

SPLIT_AREA_RATIO = 1.3  # blobs this much larger than the median dot are checked for touching dots
#: Variance along over across a blob beyond which it may be dots in a row: a round dot drawn
#: by hand stays below 1.4 (axis ratio 1.2); two overlapping dots reach 2.5 and more.
ELONGATED_VARIANCE_RATIO = 1.8
SADDLE_RATIO = 0.85  # two distance peaks are two dots when the ridge between them dips this low
#: A row of more dots than this is a line or an edge (a cut edge, a crease, a pen stroke).
MAX_ROW_DOTS = 8
#: An elongated blob narrower than this share of a typical dot is a line (a hair, a scratch).
THIN_SHARE = 0.6


def split_touching(
    labels: np.ndarray, smooth: np.ndarray, stats: np.ndarray, keep: np.ndarray
) -> np.ndarray:
    """Relabel so that touching dots get one label each (and lines none).

    Blobs larger than a typical dot (the median round blob), or more elongated than a round
    dot can be, are examined.
    """
    out = np.where(keep[labels], labels, 0).astype(np.int32)
    next_label = len(stats)
    minor, major = axis_variances(out, len(stats))
    elongated = major > ELONGATED_VARIANCE_RATIO * minor
    areas = stats[:, cv2.CC_STAT_AREA]
    typical = areas[keep & ~elongated] if (keep & ~elongated).any() else areas[keep]
    median_area = float(np.median(typical)) if len(typical) else 0.0
    big = keep & (areas > SPLIT_AREA_RATIO * median_area)
    radius = np.sqrt(median_area / np.pi)  # of a typical dot
    for label in np.nonzero(big | (keep & elongated))[0]:
        x, y, w, h = stats[label, :4]
        roi = out[y : y + h, x : x + w]
        blob = roi == label
        parts = _split_blob(blob, smooth[y : y + h, x : x + w], radius)
        if parts is not None:
            parts = _split_rows(parts, smooth[y : y + h, x : x + w], radius)
        elif elongated[label]:
            parts = _split_elongated(blob, smooth[y : y + h, x : x + w], radius)
        if parts is None:
            continue
        for part in range(2, int(parts.max()) + 1):
            roi[parts == part] = next_label
            next_label += 1
        roi[blob & (parts == 0)] = 0  # a line, not dots
    return out


def axis_variances(labels: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Each label's pixel variance across and along its main axis (minor, major)."""
    ys, xs = np.nonzero(labels)
    lab = labels[ys, xs]
    count = np.maximum(np.bincount(lab, minlength=n), 1)
    mx, my = np.bincount(lab, xs, n) / count, np.bincount(lab, ys, n) / count
    dx, dy = xs - mx[lab], ys - my[lab]
    sxx = np.bincount(lab, dx * dx, n) / count + 1 / 12  # + a pixel's own extent
    syy = np.bincount(lab, dy * dy, n) / count + 1 / 12
    sxy = np.bincount(lab, dx * dy, n) / count
    mid, half = (sxx + syy) / 2, np.sqrt(((sxx - syy) / 2) ** 2 + sxy**2)
    return mid - half, mid + half


def _split_blob(blob: np.ndarray, darkness: np.ndarray, radius: float) -> np.ndarray | None:
    """Labels 1..k for the k touching dots of a blob; None when it is a single dot.

    Each pixel goes to the dot whose edge it is nearest to (distance to the peak minus the
    peak's own radius), an additively weighted Voronoi split. For two overlapping discs its
    boundary runs through their two crossing points, which is where the eye splits them.
    (OpenCV's watershed floods by colour differences, not by a relief, so it suits this badly.)
    The peaks are found on the blob's half-darkness core, whose necks are thinner than the
    low-threshold outline's.
    """
    core = _core(blob, darkness)
    padded = cv2.copyMakeBorder(core.view(np.uint8), 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
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


def _core(blob: np.ndarray, darkness: np.ndarray) -> np.ndarray:
    """The blob's pixels at least half as dark as its darkest tenth: close to the dots' true
    outlines, where the low-threshold outline is swollen by blur."""
    values = darkness[blob]
    k = (9 * len(values)) // 10
    return blob & (darkness >= 0.5 * np.partition(values, k)[k])


def _split_rows(parts: np.ndarray, darkness: np.ndarray, radius: float) -> np.ndarray:
    """Split further every part that is itself dots in a row (a saddle filled in by blur);
    only a part larger than a dot can be."""
    out = parts.copy()
    next_part = int(parts.max()) + 1
    areas = np.bincount(parts.ravel())
    for part in np.nonzero(areas > SPLIT_AREA_RATIO * np.pi * radius**2)[0]:
        if part == 0:
            continue
        pieces = _split_elongated(parts == part, darkness, radius)
        if pieces is None:
            continue
        out[(pieces == 0) & (parts == part)] = 0
        for piece in range(2, int(pieces.max()) + 1):
            out[pieces == piece] = next_part
            next_part += 1
    return out


def _split_elongated(blob: np.ndarray, darkness: np.ndarray, radius: float) -> np.ndarray | None:
    """Split an elongated blob into the n dots of a row along its long axis.

    Overlapping dots blurred together can lose the saddle between them, but their outline
    stays elongated, while a blowout (however large) stays round. A row of discs is as wide
    as one disc: its variance across, r²/4, gives the area of one dot, and the row's area in
    such dots gives n (both read on the blob's core, which blur swells less than its outline).
    For n equal discs in a row with spacing s, the variance along the row exceeds the variance
    across it by s²(n²−1)/12, which gives the spacing. A blob much thinner than a typical dot
    (of ``radius``) is a line: a hair, a scratch, a crease. None for a blob that is not a row;
    all zeros for a line or a row too long to be dots.
    """
    ys, xs = np.nonzero(blob)
    core_ys, core_xs = np.nonzero(_core(blob, darkness))
    if len(core_xs) < 3:
        return None
    pts = np.column_stack([core_xs, core_ys]).astype(np.float64)
    mean = pts.mean(axis=0)
    eigvals, eigvecs = np.linalg.eigh(np.cov(pts.T) + np.eye(2) / 12)
    minor, major = np.maximum(eigvals, 1e-9)
    n = round(len(core_xs) / (4 * np.pi * minor))
    if n < 2 or major < ELONGATED_VARIANCE_RATIO * minor:
        return None
    parts = np.zeros(blob.shape, dtype=np.int32)
    if n > MAX_ROW_DOTS or np.sqrt(12 * minor) < THIN_SHARE * 2 * radius:
        return parts
    spacing = np.sqrt(12 * (major - minor) / (n * n - 1))
    offsets = (np.arange(n) - (n - 1) / 2) * spacing
    seeds = mean + offsets[:, None] * eigvecs[:, 1]
    nearest = np.argmin(np.hypot(xs[:, None] - seeds[:, 0], ys[:, None] - seeds[:, 1]), axis=1)
    parts[ys, xs] = nearest + 1
    return parts


def _distance_peaks(dist: np.ndarray, radius: float) -> list[tuple[float, float]]:
    """Local maxima of the distance transform, merged unless a saddle separates them."""
    dilated = cv2.dilate(dist, _disc(max(3, round(0.6 * radius) * 2 + 1)))
    is_peak = (dist >= dilated - 1e-3) & (dist >= max(1.0, 0.3 * radius))
    n, _, _, centroids = cv2.connectedComponentsWithStats(is_peak.view(np.uint8))
    peaks = [tuple(c) for c in centroids[1:n]]
    peaks.sort(key=lambda p: -float(dist[round(p[1]), round(p[0])]))
    kept: list[tuple[float, float]] = []
    for peak in peaks:
        if all(_has_saddle(dist, peak, other) for other in kept):
            kept.append(peak)
    return kept


@lru_cache(maxsize=32)
def _disc(size: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


_STEPS = np.linspace(0.0, 1.0, 24)


def _has_saddle(dist: np.ndarray, a: tuple[float, float], b: tuple[float, float]) -> bool:
    xs = np.round(a[0] + (b[0] - a[0]) * _STEPS).astype(int)
    ys = np.round(a[1] + (b[1] - a[1]) * _STEPS).astype(int)
    ridge = dist[ys, xs]
    return float(ridge.min()) < SADDLE_RATIO * min(float(ridge[0]), float(ridge[-1]))
