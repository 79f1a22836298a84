"""Numerical helpers shared by the labs: NumPy in, NumPy out, no widgets.

This module imports only NumPy, so a chapter can use it without loading bqplot or ipywidgets
(`from mfml.labs.maths import sigmoid`). Every lab decides "is this matrix singular?" and "is
this number zero up to rounding?" here, with one tolerance each.
"""

from __future__ import annotations

import numpy as np

RANK_RTOL = 1e-9
"""Singular values at or below RANK_RTOL times the largest one count as zero: a 2x2 matrix
with condition number above 1e9 is treated as singular, in every lab."""

DISPLAY_RTOL = 1e-12
"""A result at or below DISPLAY_RTOL times the size of the numbers it was computed from is
rounding noise (cos 90° is 6e-17): the labs show it as 0."""


def sigmoid(x):
    """σ(x) = 1 / (1 + e^(−x)), computed as (1 + tanh(x/2)) / 2, which never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


def zero_tiny(x, tol: float = 1e-15):
    """x with the entries within tol of 0 set to exactly 0 (cos 90° is 6e-17 in floating point;
    a lab that draws the vector (6e-17, 1) instead of (0, 1) only distracts)."""
    x = np.asarray(x, dtype=float)
    return np.where(np.abs(x) < tol, 0.0, x)


def unit_vector(angle_deg):
    """(cos t, sin t) for an angle t in degrees, measured from the x₁-axis; an array of angles
    gives one row per angle. Entries that should be 0 (cos 90°) are exactly 0."""
    t = np.deg2rad(np.asarray(angle_deg, dtype=float))
    return zero_tiny(np.stack([np.cos(t), np.sin(t)], axis=-1))


def det2(A) -> float:
    """det [[a, b], [c, d]] = ad − bc of a 2x2 matrix."""
    A = np.asarray(A, dtype=float)
    return float(A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0])


def singular_values(M) -> np.ndarray:
    """The singular values of M, largest first."""
    return np.linalg.svd(np.atleast_2d(np.asarray(M, dtype=float)), compute_uv=False)


def matrix_rank(M, rtol: float = RANK_RTOL) -> int:
    """The number of singular values above rtol times the largest (0 for a zero matrix)."""
    s = singular_values(M)
    if s.size == 0 or s[0] == 0.0:
        return 0
    return int(np.sum(s > rtol * s[0]))


def condition_number(A, rtol: float = RANK_RTOL) -> float:
    """κ₂(A) = σ_max / σ_min, and ∞ exactly when matrix_rank calls A rank-deficient, so the
    two never disagree."""
    s = singular_values(A)
    if matrix_rank(A, rtol) < min(np.shape(np.atleast_2d(A))):
        return float("inf")
    return float(s[0] / s[-1])


def clean(x, scale, rtol: float = DISPLAY_RTOL):
    """x with the entries at or below rtol * scale set to 0.

    `scale` is the size of the numbers x was computed from (‖u‖ ‖v‖ for a dot product u · v):
    a result that small relative to them is rounding noise, and the exact value is 0.
    """
    x = np.asarray(x, dtype=float)
    return np.where(np.abs(x) <= rtol * abs(float(scale)), 0.0, x)
