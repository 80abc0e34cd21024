"""Finding and measuring the dots in a rectified darkness map.

Segmentation uses a deliberately low threshold so that each blob holds its dot's whole blurred
edge; touching dots are then split (split.py). A dot's size is read at half of its own peak
darkness, on the same lightly smoothed map as the peak, which does not depend on how dark the
ink is; the blur's effect on that size is then undone (blur.py) with the blur measured on the
printed markers. A mark much paler than ink of its size would be is skin texture, a shadow's
edge or a pencil line, not a dot.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .blur import centre_fraction, deblurred_radii
from .rectify import Rectified
from .split import THIN_SHARE, axis_variances, split_touching

MIN_DOT_MM = 0.2  # smaller specks on paper or a practice skin are dust, pores or noise
OPENING_MM = 0.2  # narrower marks than this are lines (hairs, scratches), not dots
LINE_VARIANCE_RATIO = 3.0  # a dot's core is round; a line's, three times longer than wide
#: The smoothing every measurement is made on: OpenCV's 3×3 Gaussian has sigma 0.8 pixels.
SMOOTHING_SIGMA_PX = 0.8
#: A mark less dark than this share of the typical dot's ink (both with the blur undone) is
#: texture, not pigment.
PALE_RATIO = 0.45
BLOWOUT_AREA_RATIO = 2.5  # a dot this much larger than the median is a blowout…
ROUND_VARIANCE_RATIO = 1.6  # …when it is round: no more elongated than this…
MIN_SOLIDITY = 0.88  # …and filling this share of its convex hull
HALO_MIN_DARKNESS = 0.05  # darkness all round just outside a dot that makes it a blowout…
HALO_MIN_RATIO = 0.12  # …also as a share of the dot's own ink…
HALO_MIN_TEXTURE = 3.0  # …and in units of the bare skin's or paper's own texture
HALO_QUANTILE = 25  # per cent, over a ring's angles
HALO_GAPS_MM = (0.25, 0.45, 0.65)  # rings just beyond a dot's edge, where a halo shows
BASE_GAPS_MM = (0.9, 1.2)  # rings that read the skin or paper around a dot


@dataclass(frozen=True)
class Dots:
    """Measured dots, in rectified pixels; one entry per dot."""

    centres_px: np.ndarray  # N×2 (x, y)
    radius_px: np.ndarray  # N, equivalent-circle radius at half darkness, blur undone
    ink: np.ndarray  # N, the dot's darkness with the photo's blur undone (0..1)
    is_merged: np.ndarray  # N bool, touches another dot at half darkness
    is_blowout: np.ndarray  # N bool
    on_border: np.ndarray  # N bool, cut by the rectified image's edge
    coverage_mask: np.ndarray  # bool image, pixels at or above half their dot's peak
    line_count: int = 0  # thin dark lines seen (hairs, scratches), left out of the dots


@dataclass(frozen=True)
class _Blobs:
    """The labelled dots' raw measurements on the smoothed map."""

    labels: np.ndarray  # int32 image, 0 for background
    ids: np.ndarray  # M label ids that hold a dot
    centres: np.ndarray  # M×2
    peak: np.ndarray  # M, height above the skin or paper around the dot
    area: np.ndarray  # M, pixels at or above half the height
    base: np.ndarray  # M, darkness of the skin or paper around the dot
    core: np.ndarray  # int32 image: the dot's id where it is at least half its height


def find_dots(
    rect: Rectified, blur_px: float, min_dot_mm: float = MIN_DOT_MM, count_lines: bool = False
) -> Dots:
    """Segment, split and measure every dot in the rectified image (margin included).

    ``blur_px`` is the photo's blur (Gaussian sigma) in rectified pixels; marks smaller than
    ``min_dot_mm`` across are left out; ``count_lines`` also counts hairs and scratches.
    """
    smooth = cv2.GaussianBlur(rect.darkness, (3, 3), 0)
    labels, threshold = _segment(smooth, rect.px_per_mm, min_dot_mm)
    lines = _count_lines(smooth > threshold, OPENING_MM * rect.px_per_mm) if count_lines else 0
    grown = _grown_labels(labels)
    blobs = _measure(smooth, labels, grown, rect.px_per_mm)
    sigma = float(np.hypot(blur_px, SMOOTHING_SIGMA_PX))
    on_border = _touches_border(labels)[blobs.ids]
    merged = _cores_touching(blobs.core)[blobs.ids]
    radius = deblurred_radii(np.sqrt(blobs.area / np.pi), sigma)
    ink = blobs.peak / centre_fraction(radius / sigma)
    real = (
        _not_pale(ink, on_border)
        & (2 * radius >= min_dot_mm * rect.px_per_mm)
        & ~_line_pieces(blobs.core, blobs.ids, radius)
    )
    blowout = _blowouts(smooth, blobs, grown, radius, ink, rect.px_per_mm)
    coverage = np.isin(blobs.core, blobs.ids[real]) if not real.all() else blobs.core > 0
    return Dots(
        blobs.centres[real],
        radius[real],
        np.clip(ink[real], 0, 1),
        merged[real],
        blowout[real],
        on_border[real],
        coverage,
        lines,
    )


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


def _segment(smooth: np.ndarray, px_per_mm: float, min_dot_mm: float) -> tuple[np.ndarray, float]:
    """One label per dot: components above the low threshold, specks dropped, touching split;
    and that threshold.

    The threshold is applied after a grey opening with a disc of about the smallest dot's
    size, which leaves dots standing and wipes out what is narrower: hairs, scratches, the fine
    lines printed on practice skins.
    """
    threshold = segmentation_threshold(smooth)
    size = max(3, round(OPENING_MM * px_per_mm) | 1)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    opened = cv2.morphologyEx(smooth, cv2.MORPH_OPEN, disc)
    mask = opened > threshold
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask.view(np.uint8), connectivity=8)
    min_area = np.pi / 4 * (min_dot_mm * px_per_mm) ** 2
    keep = stats[:, cv2.CC_STAT_AREA] >= max(min_area, 4)
    keep[0] = False
    return split_touching(labels, smooth, stats, keep), threshold


def _count_lines(mask: np.ndarray, width_px: float) -> int:
    """Components of the thresholded map (before the opening took them out) narrower than
    ``width_px`` and longer than 2.5 such widths: hairs and scratches."""
    n, labels = cv2.connectedComponents(mask.view(np.uint8), connectivity=8)
    minor, major = axis_variances(labels, n)
    thin = np.sqrt(12 * minor) < width_px
    long = np.sqrt(12 * major) > 2.5 * width_px
    return int(np.count_nonzero(thin[1:] & long[1:]))


def _measure(smooth: np.ndarray, labels: np.ndarray, grown: np.ndarray, px_per_mm: float) -> _Blobs:
    """Centre, height and half-height area of every labelled dot, all on the smoothed map.

    A dot's height is its peak above the skin or paper just around it (a ring a millimetre
    out, its median), so pores, blotches, shine and neighbours' skirts under and around a dot
    do not make it look larger. Each dot may reach a couple of pixels beyond its segmentation
    label: a faint dot's half-height edge can lie below the segmentation threshold.
    """
    n = int(labels.max()) + 1
    fg = grown > 0
    lab = grown[fg]
    val = smooth[fg]
    ys, xs = np.nonzero(fg)
    inner = labels[fg] > 0
    cx, cy = _weighted_centres(lab[inner], np.clip(val[inner], 0, None), xs[inner], ys[inner], n)
    rough = np.sqrt(np.bincount(labels.ravel(), minlength=n) / np.pi)
    base = _ring_quantile(
        smooth, grown, np.column_stack([cx, cy]), rough, np.arange(n), BASE_GAPS_MM, px_per_mm, 50
    )
    base = np.nan_to_num(base)
    height = _peak_at(smooth, cx, cy) - base
    is_core = val >= base[lab] + 0.5 * height[lab]
    area = np.bincount(lab[is_core], minlength=n).astype(np.float64)
    ids = np.nonzero((area > 0) & (height > 0))[0]
    ids = ids[ids > 0]
    core = np.zeros(labels.shape, dtype=np.int32)
    core[ys[is_core], xs[is_core]] = lab[is_core]
    centres = np.column_stack([cx, cy])[ids]
    return _Blobs(
        labels,
        ids,
        centres,
        height[ids].astype(np.float64),
        area[ids],
        base[ids],
        core,
    )


def _not_pale(ink: np.ndarray, on_border: np.ndarray) -> np.ndarray:
    """Dots at least PALE_RATIO as dark as the typical dot."""
    whole = ink[~on_border]
    if len(whole) == 0:
        return np.ones(len(ink), dtype=bool)
    return ink >= PALE_RATIO * float(np.median(whole))


def _line_pieces(core: np.ndarray, ids: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """Marks whose half-height core is long and much thinner than a typical dot: pieces of a
    hair or a scratch that crossed or touched a dot and were split off with it."""
    minor, major = axis_variances(core, int(core.max()) + 1)
    minor, major = minor[ids], major[ids]
    width = np.sqrt(12 * minor)
    typical = 2 * float(np.median(radius)) if len(radius) else 0.0
    return (major > LINE_VARIANCE_RATIO * minor) & (width < THIN_SHARE * typical)


def _cores_touching(core: np.ndarray) -> np.ndarray:
    """For every label id: whether its half-darkness core touches another dot's core."""
    touching = np.zeros(int(core.max()) + 1, dtype=bool)
    for a, b in ((core[:, 1:], core[:, :-1]), (core[1:, :], core[:-1, :])):
        meet = (a != b) & (a > 0) & (b > 0)
        touching[a[meet]] = True
        touching[b[meet]] = True
    return touching


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


def _touches_border(labels: np.ndarray) -> np.ndarray:
    """For every label id: whether it touches the image's edge (so the dot may be cut)."""
    edge = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    touching = np.zeros(int(labels.max()) + 1, dtype=bool)
    touching[edge] = True
    touching[0] = False
    return touching


def _blowouts(
    smooth: np.ndarray,
    blobs: _Blobs,
    grown: np.ndarray,
    radius: np.ndarray,
    ink: np.ndarray,
    px_per_mm: float,
) -> np.ndarray:
    """Dots spread far beyond the median size, or wrapped in a diffuse halo of pigment.

    A spread dot is one round blot; a large blob that is not round is a cluster of touching
    dots the splitting could not separate, which is no blowout.
    """
    if len(radius) == 0:
        return np.zeros(0, dtype=bool)
    too_big = radius**2 > BLOWOUT_AREA_RATIO * np.median(radius**2)
    too_big[too_big] = _round(blobs.core, blobs.ids[too_big])
    radii = np.sqrt(blobs.area / np.pi)
    ring = _ring_quantile(
        smooth, grown, blobs.centres, radii, blobs.ids, HALO_GAPS_MM, px_per_mm, HALO_QUANTILE
    )
    ring = np.nan_to_num(ring - blobs.base)
    texture = _texture(smooth, grown, px_per_mm)
    halo = ring > np.maximum(
        HALO_MIN_RATIO * ink, max(HALO_MIN_DARKNESS, HALO_MIN_TEXTURE * texture)
    )
    return too_big | halo


def _round(core: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Whether each dot's half-height core is round: hardly elongated and nearly convex."""
    if len(ids) == 0:
        return np.zeros(0, dtype=bool)
    ys, xs = np.nonzero(np.isin(core, ids))
    owner = core[ys, xs]
    order = np.argsort(owner, kind="stable")
    bounds = (
        np.searchsorted(owner[order], ids, side="left"),
        np.searchsorted(owner[order], ids, side="right"),
    )
    points = np.column_stack([xs, ys])[order].astype(np.float32)
    round_ = np.zeros(len(ids), dtype=bool)
    for i, (lo, hi) in enumerate(zip(*bounds, strict=True)):
        pts = points[lo:hi]
        if len(pts) < 5:
            continue
        minor, major = np.maximum(np.linalg.eigvalsh(np.cov(pts.T)), 1e-9)
        hull = cv2.contourArea(cv2.convexHull(pts))
        round_[i] = major <= ROUND_VARIANCE_RATIO * minor and len(pts) >= MIN_SOLIDITY * hull
    return round_


def _texture(smooth: np.ndarray, grown: np.ndarray, px_per_mm: float) -> float:
    """Robust spread of the darkness of bare skin or paper (noise, pores, printed pattern)."""
    step = max(1, round(px_per_mm / 8))
    bare = smooth[::step, ::step][grown[::step, ::step] == 0]
    if bare.size < 100:
        return 0.0
    return 1.4826 * float(np.median(np.abs(bare - np.median(bare))))


def _ring_quantile(
    smooth: np.ndarray,
    owners: np.ndarray,
    centres: np.ndarray,
    radii: np.ndarray,
    ids: np.ndarray,
    gaps_mm: tuple[float, ...],
    px_per_mm: float,
    quantile: int,
) -> np.ndarray:
    """Darkness on rings ``gaps_mm`` beyond each dot's edge: per ring the ``quantile`` (per
    cent) over 16 angles, averaged over the rings; NaN where no sample could be read.

    Samples on another dot (or its skirt) are left out. A low quantile reads what darkens a
    ring all round (a halo), not what darkens it on one side (a neighbour, a pore).
    """
    gaps = np.maximum(np.array(gaps_mm) * px_per_mm, 3.0 + np.arange(len(gaps_mm)))
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    rings = radii[:, None, None] + gaps[None, :, None]
    xs = (centres[:, 0, None, None] + rings * np.cos(angles)).reshape(len(centres), -1)
    ys = (centres[:, 1, None, None] + rings * np.sin(angles)).reshape(len(centres), -1)
    values = cv2.remap(smooth, xs.astype(np.float32), ys.astype(np.float32), cv2.INTER_LINEAR)
    ix = np.clip(np.round(xs).astype(int), 0, owners.shape[1] - 1)
    iy = np.clip(np.round(ys).astype(int), 0, owners.shape[0] - 1)
    owner = owners[iy, ix]
    usable = (owner == 0) | (owner == ids[:, None])
    shape = (len(centres), len(gaps), len(angles))
    ordered = np.sort(np.where(usable, values, np.inf).reshape(shape), axis=2)
    counts = usable.reshape(shape).sum(axis=2)
    pick = np.maximum((counts - 1) * quantile // 100, 0)[..., None]
    per_ring = np.take_along_axis(ordered, pick, axis=2)[..., 0]
    read = counts > 0
    total = np.where(read, per_ring, 0).sum(axis=1)
    rings_read = read.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(rings_read > 0, total / rings_read, np.nan)
