"""Generic diagnoses: when a wrong number or array is a simple transformation of the right
one (a flipped sign, a factor 2, n or n/(n-1), degrees for radians, log10 for ln, a square,
a transpose, an off-by-one, the other axis), say which mistake that usually is.

A diagnosis names the relation, never the expected value. The sizes it tries for n come
from the exercise (the shapes and integer parameters of this variant, or the arguments of
the failing case).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

MATCH_RTOL = 1e-6  # how exactly a transformation must match to be named

_FACTORS = [
    (-1.0, "The sign is flipped: a subtraction in the wrong order, or a lost minus sign?"),
    (2.0, "Twice the expected value: a factor 2 too many, or a term counted twice?"),
    (0.5, "Half the expected value: a missing factor 2, or only one of two equal terms?"),
    (
        180 / math.pi,
        "Off by a factor 180/π: degrees where radians are meant? NumPy's angles are radians "
        "(`np.degrees` and `np.radians` convert).",
    ),
    (
        math.pi / 180,
        "Off by a factor π/180: radians where degrees are asked, or a conversion applied twice?",
    ),
    (
        1 / math.log(10),
        "A logarithm in base 10 where the natural log is meant? `np.log` is ln, "
        "`np.log10` is base 10.",
    ),
    (
        math.log(10),
        "Off by a factor ln 10: the natural log where base 10 is asked (`np.log10`)?",
    ),
    (
        1 / math.log(2),
        "A logarithm in base 2 where the natural log is meant? `np.log` is ln, `np.log2` is "
        "base 2.",
    ),
    (math.log(2), "Off by a factor ln 2: the natural log where base 2 is asked (`np.log2`)?"),
]


def sizes_in(values, limit: int = 10**6) -> list[int]:
    """Candidate values of n: lengths, sizes and axis lengths of arrays and sequences, and
    integer values, found among ``values`` (2 <= n <= limit, at most a dozen)."""
    found: set[int] = set()

    def add(n) -> None:
        if isinstance(n, numbers.Integral) and not isinstance(n, bool) and 2 <= n <= limit:
            found.add(int(n))

    for value in values:
        if isinstance(value, np.ndarray):
            add(value.size)
            for n in value.shape:
                add(n)
        elif isinstance(value, list | tuple) and not isinstance(value, str):
            add(len(value))
        elif isinstance(value, numbers.Integral | np.integer):
            add(int(value))
    return sorted(found)[:12]


def shapes_in(values) -> list[tuple]:
    return [v.shape for v in values if isinstance(v, np.ndarray) and v.ndim == 2]


def _factors(sizes) -> list[tuple[float, str]]:
    out = list(_FACTORS)
    for n in sizes:
        if n >= 3:
            out += [
                (
                    float(n),
                    f"Off by a factor n = {n}: a sum where a mean is wanted, or a mean where "
                    "a sum is?",
                ),
                (
                    1 / n,
                    f"Off by a factor 1/n with n = {n}: a mean where a sum is wanted, or a "
                    "division by n too many?",
                ),
            ]
        out += [
            (
                n / (n - 1),
                f"Off by a factor n/(n−1) with n = {n}: dividing by n − 1 where n is meant "
                "(the `ddof`)?",
            ),
            (
                (n - 1) / n,
                f"Off by a factor (n−1)/n with n = {n}: dividing by n where n − 1 is meant "
                "(the `ddof`: a sample statistic)?",
            ),
        ]
    return out


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= MATCH_RTOL * max(abs(a), abs(b))


def number(value: float, reference: float, sizes=(), integer: bool = False) -> str | None:
    """The likely mistake when ``value`` is a simple transformation of ``reference``."""
    if not (math.isfinite(value) and math.isfinite(reference)) or reference == 0 or value == 0:
        return None
    if integer and abs(value - reference) == 1:
        return (
            "Off by one: does your range include both ends? (`range(m, n)` stops before n; "
            "a count of the integers from m to n is n − m + 1.)"
        )
    for factor, message in _factors(sizes):
        if _near(value, factor * reference) and not _near(value, reference):
            return message
    if reference > 0 and value > 0:
        if _near(value, reference**2) and not _near(reference, 1.0):
            return (
                "The square of the expected value: a variance where a standard deviation "
                "is wanted, or a squared norm where the norm is?"
            )
        if _near(value**2, reference) and not _near(reference, 1.0):
            return (
                "The square root of the expected value: a norm or standard deviation where "
                "its square is wanted?"
            )
    return None


def array(got: np.ndarray, want: np.ndarray, sizes=()) -> str | None:
    """The likely mistake when ``got`` (same shape as ``want``) is a transformation of it."""
    try:
        got = np.asarray(got, dtype=float)
        want = np.asarray(want, dtype=float)
    except (TypeError, ValueError):
        return None
    if got.shape != want.shape or got.size == 0 or not np.all(np.isfinite(got)):
        return None
    if not np.all(np.isfinite(want)) or not np.any(want != 0):
        return None
    scale = float(np.max(np.abs(want)))

    def same(a, b) -> bool:
        return bool(np.allclose(a, b, rtol=MATCH_RTOL, atol=MATCH_RTOL * scale))

    if same(got, want):
        return None
    if want.ndim == 2 and want.shape[0] == want.shape[1] and same(got, want.T):
        return (
            "It is the transpose of the expected array: swap the roles of rows and columns "
            "(`.T`, or the order of a product: `A @ B` against `B @ A`, `X.T @ w`)?"
        )
    for factor, message in _factors(sizes):
        if same(got, factor * want):
            return "Every entry is off by the same factor. " + message
    if want.ndim >= 1 and same(got, np.flip(want, axis=0)):
        return "The right entries in reverse order along the first axis: an index reversed?"
    if same(np.sort(got, axis=None), np.sort(want, axis=None)):
        return "The right values in the wrong places: check the order or the axis."
    return None


def axis(got_shape: tuple, want_shape: tuple, shapes=()) -> str | None:
    """A reduction over the other axis of a 2-D array the exercise gives."""
    if len(got_shape) != 1 or len(want_shape) != 1 or got_shape == want_shape:
        return None
    m, n = got_shape[0], want_shape[0]
    for shape in shapes:
        if shape in ((m, n), (n, m)):
            which = "rows" if shape[0] == m else "columns"
            other = "columns" if which == "rows" else "rows"
            return (
                f"Your result has one entry per {which[:-1]} of the {shape[0]} × {shape[1]} "
                f"input, the answer one per {other[:-1]}: a reduction over the other axis "
                "(`axis=0` against `axis=1`)?"
            )
    return None
