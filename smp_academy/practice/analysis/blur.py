"""Undoing the blur's effect on dots measured at half their peak darkness.

A blurred disc measured where it is half as dark as at its centre looks smaller than it is, by
about sigma²/(2r); a disc narrower than about two sigmas looks larger instead, since its blurred
profile tends to the blur's own bell, whose half-height radius is 1.18 sigma. With the blur
measured on the printed markers' edges, the true radius is read back from the exact profile of a
Gaussian-blurred disc, tabulated once in units of sigma. Below one sigma the half-peak radius
hardly depends on the true one, so such dots (a sign of a photo too blurred or too far away)
are sized with a noise several times larger.

A healed dot is itself soft (its ink spread in the skin), and is sized here as the sharp disc
that would look the same: 0.02–0.06 mm larger than the half-darkness contour of the spread
dot. (Its softness cannot be told from the photo's texture and noise reliably.)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


def deblurred_radii(half_peak_radii: np.ndarray, sigma: float) -> np.ndarray:
    """True radii (pixels) of discs with these half-peak radii under Gaussian blur ``sigma``."""
    if sigma <= 0 or len(half_peak_radii) == 0:
        return half_peak_radii
    true_u, half_u = _half_peak_table()
    ratio = half_peak_radii / sigma
    inside = np.interp(ratio, half_u, true_u)  # below the table: its smallest dot
    beyond = ratio + 1 / (2 * ratio)  # the table's large-radius limit
    return np.where(ratio <= half_u[-1], inside, beyond) * sigma


def centre_fraction(u: np.ndarray) -> np.ndarray:
    """Darkness at the centre of a blurred disc of radius u sigmas, as a share of its ink."""
    return np.maximum(1.0 - np.exp(-np.square(u) / 2), 1e-3)


@lru_cache(maxsize=1)
def _half_peak_table() -> tuple[np.ndarray, np.ndarray]:
    """(true radius, half-peak radius) of a unit-sigma blurred disc, both in units of sigma."""
    true_u = np.concatenate([np.linspace(0.2, 4.0, 39), np.linspace(4.5, 12.0, 16)])
    half_u = np.array([half_peak_radius(u) for u in true_u])
    return true_u, half_u


def half_peak_radius(u: float) -> float:
    """Half-height radius of a disc of radius u sigmas blurred by one sigma (in sigmas)."""
    rho = np.linspace(0.0, u + 4.0, 160)
    profile = blurred_disc(rho, u)
    half = 0.5 * profile[0]
    i = int(np.argmax(profile < half))
    return float(
        rho[i - 1] + (profile[i - 1] - half) / (profile[i - 1] - profile[i]) * (rho[i] - rho[i - 1])
    )


def blurred_disc(rho: np.ndarray, u: float) -> np.ndarray:
    """Darkness at distance rho from the centre of a unit disc of radius u blurred by sigma 1."""
    t = np.linspace(0.0, u, 120)[None, :]
    r = rho[:, None]
    integrand = t * np.exp(-np.square(t - r) / 2) * _i0e(t * r)
    return np.trapezoid(integrand, t, axis=1)


def _i0e(x: np.ndarray) -> np.ndarray:
    """Exponentially scaled modified Bessel function I0(x)·e^(−x), stable for large x."""
    small = x < 30
    safe = np.where(small, x, 30.0)
    big = np.maximum(x, 30.0)
    asymptotic = (1 + 1 / (8 * big) + 9 / (128 * big**2)) / np.sqrt(2 * np.pi * big)
    return np.where(small, np.i0(safe) * np.exp(-safe), asymptotic)
