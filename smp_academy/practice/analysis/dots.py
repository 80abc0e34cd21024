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
#: Variance along over across a blob beyond which it may be dots in a row: a round dot drawn
#: by hand stays below 1.4 (axis ratio 1.2); two overlapping dots reach 2.5 and more.
ELONGATED_VARIANCE_RATIO = 1.8
SADDLE_RATIO = 0.85  # two distance peaks are two dots when the ridge between them dips this low
BLOWOUT_AREA_RATIO = 2.5
HALO_MIN_DARKNESS = 0.05  # mean darkness just outside a dot that makes it a blowout…
HALO_MIN_RATIO = 0.12  # …and the same as a share of the dot's own darkness
HALO_QUANTILE = 25  # per cent, over a ring's angles
#: The smoothing every measurement is made on: OpenCV's 3×3 Gaussian has sigma 0.8 pixels.
SMOOTHING_SIGMA_PX = 0.8


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
    """Relabel so that touching dots get one label each; returns labels and a merged flag.

    Blobs larger than a typical dot, or more elongated than a round dot can be, are examined.
    """
    out = np.where(keep[labels], labels, 0).astype(np.int32)
    is_merged = np.zeros(len(stats), dtype=bool)
    next_label = len(stats)
    minor, major = _axis_variances(out, len(stats))
    elongated = major > ELONGATED_VARIANCE_RATIO * minor
    big = keep & (stats[:, cv2.CC_STAT_AREA] > SPLIT_AREA_RATIO * median_area)
    radius = np.sqrt(median_area / np.pi)
    extra: list[bool] = []
    for label in np.nonzero(big | (keep & elongated))[0]:
        x, y, w, h = stats[label, :4]
        roi = out[y : y + h, x : x + w]
        blob = roi == label
        parts = _split_blob(blob, smooth[y : y + h, x : x + w], radius)
        if parts is None:
            parts = _split_elongated(blob) if elongated[label] else None
        else:
            parts = _split_rows(parts)
        if parts is None:
            continue
        is_merged[label] = True
        for part in range(2, int(parts.max()) + 1):
            roi[parts == part] = next_label
            next_label += 1
            extra.append(True)
    return out, np.concatenate([is_merged, np.array(extra, dtype=bool)])


def _axis_variances(labels: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
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


def _split_rows(parts: np.ndarray) -> np.ndarray:
    """Split further every part that is itself dots in a row (a saddle filled in by blur)."""
    out = parts.copy()
    next_part = int(parts.max()) + 1
    minor, major = _axis_variances(parts, next_part)
    for part in np.nonzero(major > ELONGATED_VARIANCE_RATIO * minor)[0]:
        if part == 0:
            continue
        pieces = _split_elongated(parts == part)
        if pieces is None:
            continue
        for piece in range(2, int(pieces.max()) + 1):
            out[pieces == piece] = next_part
            next_part += 1
    return out


def _split_elongated(blob: np.ndarray) -> np.ndarray | None:
    """Split an elongated blob into the n dots of a row along its long axis.

    Overlapping dots blurred together can lose the saddle between them, but their outline
    stays elongated, while a blowout (however large) stays round. A row of discs is as wide
    as one disc: its variance across, r²/4, gives the area of one dot, and the blob's area in
    such dots gives n. For n equal discs in a row with spacing s, the variance along the row
    exceeds the variance across it by s²(n²−1)/12, which gives the spacing.
    """
    ys, xs = np.nonzero(blob)
    pts = np.column_stack([xs, ys]).astype(np.float64)
    mean = pts.mean(axis=0)
    eigvals, eigvecs = np.linalg.eigh(np.cov(pts.T) + np.eye(2) / 12)
    minor, major = np.maximum(eigvals, 1e-9)
    n = round(len(xs) / (4 * np.pi * minor))
    if n < 2 or major < ELONGATED_VARIANCE_RATIO * minor:
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
    """Centre, peak and half-peak area of every labelled dot, all on the smoothed map.

    The area is counted on the same smoothed map as the peak is read from, so the blur the
    deblurring assumes is the photo's blur and the smoothing together. Each dot may reach a
    couple of pixels beyond its segmentation label: a faint dot's half-peak edge can lie below
    the segmentation threshold.
    """
    n = len(is_merged)
    grown = _grown_labels(labels)
    fg = grown > 0
    lab = grown[fg]
    val = smooth[fg]
    ys, xs = np.nonzero(fg)
    inner = labels[fg] > 0
    cx, cy = _weighted_centres(lab[inner], np.clip(val[inner], 0, None), xs[inner], ys[inner], n)
    peak = _peak_at(smooth, cx, cy)
    core = val >= 0.5 * peak[lab]
    area = np.bincount(lab[core], minlength=n).astype(np.float64)
    present = area > 0
    present[0] = False
    coverage = np.zeros(labels.shape, dtype=bool)
    coverage[ys[core], xs[core]] = True
    centres = np.column_stack([cx, cy])[present]
    border = _touches_border(labels, n)[present]
    areas = area[present]
    blowout = _blowouts(smooth, labels, centres, areas, peak[present], np.nonzero(present)[0], rect)
    return Dots(centres, areas, peak[present], is_merged[present], blowout, border, coverage)


def _grown_labels(labels: np.ndarray) -> np.ndarray:
    """Labels spread two pixels into the unlabelled background around them."""
    kernel = np.ones((3, 3), np.uint8)
    grown = labels
    for _ in range(2):
        spread = cv2.dilate(grown.astype(np.float32), kernel).astype(np.int32)
        grown = np.where(grown > 0, grown, spread)
    return grown


#: Least squares of a quadratic surface over a 3×3 neighbourhood: coefficients = values @ _FIT.T
_OFFSETS = np.array([(dx, dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1)], dtype=np.float64)
_FIT = np.linalg.pinv(
    np.column_stack(
        [
            np.ones(9),
            _OFFSETS[:, 0],
            _OFFSETS[:, 1],
            _OFFSETS[:, 0] ** 2,
            _OFFSETS[:, 1] ** 2,
            _OFFSETS[:, 0] * _OFFSETS[:, 1],
        ]
    )
)


def _peak_at(smooth: np.ndarray, cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
    """The smoothed darkness at each sub-pixel centre, from a quadratic fit to the 3×3 pixels
    around it: exact at a blurred dot's rounded top, where plain interpolation reads low."""
    h, w = smooth.shape
    ix = np.clip(np.round(cx).astype(int), 1, w - 2)
    iy = np.clip(np.round(cy).astype(int), 1, h - 2)
    values = smooth[
        iy[:, None] + _OFFSETS[:, 1].astype(int), ix[:, None] + _OFFSETS[:, 0].astype(int)
    ]
    a, bx, by, cxx, cyy, cxy = (values @ _FIT.T).T
    dx, dy = np.clip(cx - ix, -0.5, 0.5), np.clip(cy - iy, -0.5, 0.5)
    return (a + bx * dx + by * dy + cxx * dx * dx + cyy * dy * dy + cxy * dx * dy).astype(
        np.float32
    )


def _weighted_centres(
    lab: np.ndarray, weight: np.ndarray, xs: np.ndarray, ys: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    total = np.maximum(np.bincount(lab, weight, minlength=n), 1e-9)
    return np.bincount(lab, weight * xs, minlength=n) / total, np.bincount(
        lab, weight * ys, minlength=n
    ) / total


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
    ring = _ring_darkness(
        smooth, _grown_labels(labels), centres, np.sqrt(areas / np.pi), ids, rect.px_per_mm
    )
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
    """Darkness on rings just outside each dot that a halo would darken all round.

    Samples on another dot (or its skirt) are left out, and each ring is read at a low
    quantile over its angles: a neighbour darkens a ring on one side, a halo on every side.
    """
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
    shape = (len(centres), len(gaps), len(angles))
    ordered = np.sort(np.where(usable, values, np.inf).reshape(shape), axis=2)
    counts = usable.reshape(shape).sum(axis=2)
    pick = np.maximum((counts - 1) * HALO_QUANTILE // 100, 0)[..., None]
    quantile = np.take_along_axis(ordered, pick, axis=2)[..., 0]
    quantile = np.where(counts > 0, quantile, np.nan)
    read = np.isfinite(quantile)
    return np.where(
        read.any(axis=1),
        np.where(read, quantile, 0).sum(axis=1) / np.maximum(read.sum(axis=1), 1),
        0.0,
    )
