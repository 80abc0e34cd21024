"""Statistics over measured dots: nearest neighbours, density by band, the report's numbers."""

from __future__ import annotations

import numpy as np

from . import geometry


def nearest_neighbour_distances(points: np.ndarray) -> np.ndarray:
    """Distance from each point to its nearest other point (exact), in the points' units.

    Points are bucketed on a grid about two mean spacings wide and compared only with the 3×3
    surrounding cells, which keeps the work linear in the number of dots (no SciPy KD-tree
    needed). The few points with no neighbour inside that reach are compared with every point.
    """
    n = len(points)
    if n < 2:
        return np.full(n, np.nan)
    span = np.ptp(points, axis=0).max() or 1.0
    cell = max(2.0 * span / np.sqrt(n), 1e-9)
    keys = np.floor((points - points.min(axis=0)) / cell).astype(np.int64)
    width = int(keys[:, 0].max()) + 3
    flat = (keys[:, 1] + 1) * width + keys[:, 0] + 1
    order = np.argsort(flat, kind="stable")
    sorted_keys = flat[order]
    best = np.full(n, np.inf)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            _update_from_cells(points, order, sorted_keys, flat + dy * width + dx, best)
    far = best > cell  # a nearer point could sit beyond the 3×3 cells
    for i in np.nonzero(far)[0]:
        d = np.hypot(*(points - points[i]).T)
        d[i] = np.inf
        best[i] = d.min()
    return best


def _update_from_cells(
    points: np.ndarray, order: np.ndarray, sorted_keys: np.ndarray, target: np.ndarray, best
) -> None:
    """Compare every point with all points in the cell ``target`` names; keep the minimum."""
    start = np.searchsorted(sorted_keys, target, side="left")
    stop = np.searchsorted(sorted_keys, target, side="right")
    counts = stop - start
    if counts.sum() == 0:
        return
    owner = np.repeat(np.arange(len(points)), counts)
    first = np.repeat(start - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    other = order[first + np.arange(counts.sum())]
    d = np.hypot(*(points[owner] - points[other]).T)
    d[owner == other] = np.inf
    np.minimum.at(best, owner, d)


def density_profile(centres_mm: np.ndarray) -> list[float]:
    """Dots per cm² in horizontal bands from y=0 down (each band is 10 mm × 100 mm = 10 cm²)."""
    bands = geometry.PROFILE_BANDS
    band_mm = geometry.SQUARE_MM / bands
    band_cm2 = band_mm * geometry.SQUARE_MM / 100.0
    index = np.clip((centres_mm[:, 1] // band_mm).astype(int), 0, bands - 1)
    counts = np.bincount(index, minlength=bands)
    return [float(c) / band_cm2 for c in counts]


def density_cell_cv(centres_mm: np.ndarray) -> float | None:
    """CV of the dot count over the working square's 1 cm² cells: how evenly it is covered.

    A Poisson scatter at n dots/cm² has a CV of 1/√n; hand-placed, evenly spaced dots less,
    clusters and gaps more.
    """
    cells = int(geometry.SQUARE_MM // 10)
    index = np.clip((centres_mm // 10).astype(int), 0, cells - 1)
    counts = np.bincount(index[:, 1] * cells + index[:, 0], minlength=cells * cells)
    return cv(counts.astype(np.float64))


def cv(values: np.ndarray) -> float | None:
    """Coefficient of variation (population std / mean); None when it is undefined."""
    if len(values) < 2 or values.mean() <= 0:
        return None
    return float(values.std() / values.mean())


def mean_or_none(values: np.ndarray) -> float | None:
    """Mean, or None for an empty set (the report then says null rather than a fake 0)."""
    return float(values.mean()) if len(values) else None
