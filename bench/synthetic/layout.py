"""Where the dots of a synthetic drill lie, how big they are, and what an ideal analysis reports.

Dots are placed on a jittered hex lattice (irregular, like a careful hand), then some get a
partner that touches or overlaps them and a few become blowouts. Each layout copies a kind of
drill: fine, medium, dense and crowded fields, and the soft hairline gradient.

Ground truth follows the report's own definitions (CONTRACT.md section 6): a dot's diameter is
the equivalent-circle diameter of its ink where the ink is at least half as dark as at its
centre, and the mean diameter is taken over single, well-formed dots (no blowouts, touching no
other dot).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smp_academy.practice.analysis import geometry
from smp_academy.practice.analysis.stats import nearest_neighbour_distances


@dataclass(frozen=True)
class Layout:
    """The ranges one kind of drill is drawn from (lengths in mm)."""

    spacing: tuple[float, float]
    diameter: tuple[float, float]
    diameter_cv: tuple[float, float] = (0.06, 0.12)
    min_gap: float = 0.35  # least white between two dots that are not meant to touch
    touching_share: float = 0.03  # dots given a partner that touches or overlaps them
    blowouts: tuple[int, int] = (4, 16)
    gradient: bool = False


LAYOUTS: dict[str, Layout] = {
    "random": Layout(spacing=(2.0, 3.2), diameter=(0.55, 1.0)),
    "fine": Layout(spacing=(1.5, 2.1), diameter=(0.4, 0.55), min_gap=0.25),
    "medium": Layout(spacing=(2.1, 2.8), diameter=(0.65, 0.85)),
    "dense": Layout(spacing=(1.6, 2.0), diameter=(0.6, 0.8), min_gap=0.25, touching_share=0.05),
    "crowded": Layout(spacing=(1.35, 1.6), diameter=(0.75, 0.95), min_gap=0.1, touching_share=0.18),
    "gradient": Layout(spacing=(2.0, 2.8), diameter=(0.55, 0.9), gradient=True),
}

#: Touching partners sit this far apart, as a share of the sum of their radii: from a clear
#: neck between them (0.7) to edges that just meet.
TOUCH_DISTANCE = (0.7, 0.98)


@dataclass(frozen=True)
class Dots:
    """Dots in template millimetres."""

    centres: np.ndarray  # N×2
    radii: np.ndarray  # N, mean radius of the outline
    shape: np.ndarray  # N×4: ellipticity, its angle, three-lobed wobble, its phase
    strength: np.ndarray  # N, ink darkness relative to the photo's ink
    halo: np.ndarray  # N×2: halo amplitude (0 for none) and width in mm
    is_blowout: np.ndarray  # N bool
    touches: np.ndarray  # N bool: overlaps or meets another dot

    @property
    def diameters(self) -> np.ndarray:
        """Equivalent-circle diameters of the outlines r(θ) = r·(1 + e·cos 2θ + w·cos 3θ)."""
        e, w = self.shape[:, 0], self.shape[:, 2]
        return 2 * self.radii * np.sqrt(1 + e * e / 2 + w * w / 2)


@dataclass(frozen=True)
class DotTruth:
    """What an ideal analysis of the dots reports, in the report's units."""

    dot_count: int
    mean_diameter_mm: float  # over single, well-formed dots
    diameter_cv: float
    nn_spacing_mm: float
    spacing_cv: float
    density_profile: list[float]
    density_cell_cv: float  # CV of the dot count over the square's hundred 1 cm² cells
    blowout_centres_mm: list[tuple[float, float]]
    centres_mm: np.ndarray
    diameters_mm: np.ndarray
    is_well_formed: np.ndarray


def place_dots(rng: np.random.Generator, layout: Layout) -> Dots:
    """Dots of one drill, drawn from ``layout``'s ranges."""
    spacing = rng.uniform(*layout.spacing)
    mean_d = rng.uniform(*layout.diameter)
    centres = _jittered_lattice(rng, spacing)
    if layout.gradient:  # a soft hairline: sparse at the top, dense at the bottom
        keep = rng.random(len(centres)) < 0.3 + 0.7 * centres[:, 1] / geometry.SQUARE_MM
        centres = centres[keep]
    spread = mean_d * rng.uniform(*layout.diameter_cv)
    radii = np.clip(rng.normal(mean_d, spread, len(centres)), 0.3, 1.6) / 2
    centres, radii = _drop_conflicts(centres, radii, layout.min_gap)
    centres, radii, touches = _add_touching(rng, centres, radii, layout)
    return _finish(rng, centres, radii, touches, layout)


def _jittered_lattice(rng: np.random.Generator, spacing: float) -> np.ndarray:
    rows = np.arange(0.6, geometry.SQUARE_MM - 0.6, spacing * np.sqrt(3) / 2)
    cols = np.arange(0.6, geometry.SQUARE_MM - 0.6, spacing)
    xs, ys = np.meshgrid(cols, rows)
    xs = xs + (np.arange(len(rows))[:, None] % 2) * spacing / 2
    pts = np.column_stack([xs.ravel(), ys.ravel()])
    angle = rng.uniform(0, 2 * np.pi, len(pts))
    radius = spacing * 0.35 * np.sqrt(rng.random(len(pts)))
    pts = pts + np.column_stack([np.cos(angle), np.sin(angle)]) * radius[:, None]
    return pts[_inside(pts)]


def _inside(pts: np.ndarray) -> np.ndarray:
    return np.all((pts > 0.5) & (pts < geometry.SQUARE_MM - 0.5), axis=1)


def _gaps(point: np.ndarray, radius: float, centres: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Edge-to-edge distances from one disc to many."""
    return np.hypot(*(centres - point).T) - radii - radius


def _drop_conflicts(
    centres: np.ndarray, radii: np.ndarray, min_gap: float
) -> tuple[np.ndarray, np.ndarray]:
    """Drop every dot closer than ``min_gap`` to one kept before it (top to bottom)."""
    order = np.argsort(centres[:, 1])
    centres, radii = centres[order], radii[order]
    keep = np.zeros(len(centres), dtype=bool)
    reach = 2 * radii.max() + min_gap
    lo = 0
    for i in range(len(centres)):
        while centres[lo, 1] < centres[i, 1] - reach:
            lo += 1
        near = np.nonzero(keep[lo:i])[0] + lo
        keep[i] = not np.any(_gaps(centres[i], radii[i], centres[near], radii[near]) < min_gap)
    return centres[keep], radii[keep]


def _add_touching(
    rng: np.random.Generator, centres: np.ndarray, radii: np.ndarray, layout: Layout
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Give some dots a partner that overlaps them and keeps clear of every other dot.

    A partner may itself get a partner, so crowded layouts grow short chains.
    """
    centres, radii = list(centres), list(radii)
    touches = [False] * len(centres)
    wanted = max(3, round(layout.touching_share * len(centres)))
    for _ in range(4 * wanted):
        if wanted == 0:
            break
        i = int(rng.integers(len(centres)))
        r = float(np.clip(rng.normal(radii[i], 0.025), 0.15, 0.8))
        angle = rng.uniform(0, 2 * np.pi)
        dist = rng.uniform(*TOUCH_DISTANCE) * (radii[i] + r)
        c = centres[i] + dist * np.array([np.cos(angle), np.sin(angle)])
        gaps = _gaps(c, r, np.array(centres), np.array(radii))
        gaps[i] = np.inf
        if not _inside(c[None])[0] or np.any(gaps < layout.min_gap):
            continue
        centres.append(c)
        radii.append(r)
        touches[i] = True
        touches.append(True)
        wanted -= 1
    return np.array(centres), np.array(radii), np.array(touches)


def _finish(
    rng: np.random.Generator,
    centres: np.ndarray,
    radii: np.ndarray,
    touches: np.ndarray,
    layout: Layout,
) -> Dots:
    """Shapes and ink of every dot; about 1 % of the single dots become blowouts."""
    n = len(centres)
    shape = np.column_stack(
        [
            rng.uniform(0.0, 0.08, n),
            rng.uniform(0, np.pi, n),
            rng.uniform(0.0, 0.04, n),
            rng.uniform(0, 2 * np.pi, n),
        ]
    )
    strength = rng.uniform(0.93, 1.07, n)
    halo = np.zeros((n, 2))
    is_blowout = np.zeros(n, dtype=bool)
    singles = np.nonzero(~touches)[0]
    count = int(rng.integers(layout.blowouts[0], layout.blowouts[1] + 1))
    for i in rng.choice(singles, size=min(count, len(singles)), replace=False):
        grown = radii[i] * rng.uniform(1.8, 2.2)
        gaps = _gaps(centres[i], grown, centres, radii)
        gaps[i] = np.inf
        if rng.random() < 0.3 and not np.any(gaps < layout.min_gap):
            radii[i] = grown
        else:
            halo[i] = (rng.uniform(0.3, 0.5), rng.uniform(0.35, 0.6))
        is_blowout[i] = True
    return Dots(centres, radii, shape, strength, halo, is_blowout, touches)


def dot_truth(dots: Dots) -> DotTruth:
    """The report an ideal analysis would give for these dots."""
    centres, diameters = dots.centres, dots.diameters
    well_formed = ~dots.touches & ~dots.is_blowout
    spacing = nearest_neighbour_distances(centres)
    band = geometry.SQUARE_MM / geometry.PROFILE_BANDS
    bands = np.clip((centres[:, 1] // band).astype(int), 0, geometry.PROFILE_BANDS - 1)
    band_cm2 = band * geometry.SQUARE_MM / 100.0
    counts = np.bincount(bands, minlength=geometry.PROFILE_BANDS)
    cells = np.clip((centres // 10).astype(int), 0, 9)
    per_cell = np.bincount(cells[:, 1] * 10 + cells[:, 0], minlength=100)
    sizes = diameters[well_formed]
    return DotTruth(
        dot_count=len(centres),
        mean_diameter_mm=float(sizes.mean()),
        diameter_cv=float(sizes.std() / sizes.mean()),
        nn_spacing_mm=float(spacing.mean()),
        spacing_cv=float(spacing.std() / spacing.mean()),
        density_profile=[float(c) / band_cm2 for c in counts],
        density_cell_cv=float(per_cell.std() / per_cell.mean()),
        blowout_centres_mm=[(float(x), float(y)) for x, y in centres[dots.is_blowout]],
        centres_mm=centres,
        diameters_mm=diameters,
        is_well_formed=well_formed,
    )
