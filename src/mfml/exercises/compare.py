"""Compare a learner's value with a reference value: numbers, arrays, and anything else.

Each function returns ``(category, message)``. Messages explain what differs and its most
likely cause; they state expected *shapes* and *types*, never expected values.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

CLOSE_RTOL = 1e-2  # "close": within 1% (or twice the tolerance, if that is wider)


def is_missing(value) -> bool:
    """``...`` or ``None``: the starter is still there."""
    return value is Ellipsis or value is None


def type_name(value) -> str:
    if isinstance(value, np.ndarray):
        return f"a NumPy array of dtype {value.dtype}"
    name = type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


def _contains_ellipsis(value, depth: int = 0) -> bool:
    if value is Ellipsis:
        return True
    if depth < 4 and isinstance(value, list | tuple):
        return any(_contains_ellipsis(item, depth + 1) for item in value)
    if isinstance(value, np.ndarray) and value.dtype == object:
        return any(item is Ellipsis for item in value.flat)
    return False


# ---------------------------------------------------------------- numbers


def _as_number(value, want_complex: bool):
    """(number, None) or (None, (category, message)) for a learner's scalar answer."""
    if isinstance(value, str | bytes):
        return None, ("wrong_type", "This is text, not a number: pass the number itself.")
    if callable(value):
        return None, ("wrong_type", "This is a function: call it and pass what it returns.")
    if isinstance(value, bool | np.bool_):
        return None, (
            "wrong_type",
            "This is a bool (True/False), not a number: a comparison where a value was meant?",
        )
    if isinstance(value, list | tuple):
        return None, (
            "wrong_type",
            f"This is {type_name(value)} of {len(value)} items; the answer is a single number.",
        )
    if isinstance(value, np.ndarray):
        if value.ndim > 0 and value.size == 1:
            return None, (
                "wrong_shape",
                f"An array of shape {value.shape} holding one number; pass the number itself "
                "(`.item()`, or index it).",
            )
        if value.ndim > 0:
            return None, (
                "wrong_shape",
                f"An array of shape {value.shape}; the answer is a single number. "
                "A missing reduction (sum, mean, …) or an index?",
            )
        value = value[()]
    if not isinstance(value, numbers.Number | np.number):
        return None, ("wrong_type", f"This is {type_name(value)}; the answer is a number.")
    if isinstance(value, complex | np.complexfloating) and not want_complex:
        if value.imag != 0:
            return None, ("wrong_type", "This is a complex number; the answer is real.")
        value = value.real
    try:
        return (complex(value) if want_complex else float(value)), None
    except OverflowError:
        return math.inf, None


def compare_number(value, reference, rtol: float, atol: float) -> tuple[str, str]:
    if is_missing(value):
        return "not_attempted", "Replace `...` with your answer, then run the check again."
    want_complex = isinstance(reference, complex | np.complexfloating)
    number, problem = _as_number(value, want_complex)
    if problem:
        return problem
    ref = complex(reference) if want_complex else float(reference)
    if not np.isfinite(number):
        if number == ref or (np.isnan(number) and np.isnan(ref)):
            return "correct", "Correct."
        return "not_finite", (
            "The value is NaN or infinite: an overflow, a division by zero, or the log of "
            "a non-positive number?"
        )
    tolerance = atol + rtol * abs(ref)
    error = abs(number - ref)
    if error <= tolerance:
        return "correct", "Correct."
    if error <= max(2 * tolerance, CLOSE_RTOL * abs(ref)):
        return "close", (
            "Near, but outside the tolerance: rounding, float32 precision, or an "
            "approximation somewhere?"
        )
    return "incorrect", "Check the method and each step's units and scale."


# ---------------------------------------------------------------- shapes


def shape_cause(got: tuple, want: tuple) -> str:
    """The likeliest reason an array came out with shape ``got`` instead of ``want``."""
    if got == ():
        return "A single number came out: a reduction (sum, mean, …) too early?"
    if len(want) == 1 and got in ((want[0], 1), (1, want[0])):
        return (
            f"A {'column' if got[1] == 1 else 'row'} {got} where a flat vector {want} is "
            "expected: `(n,)` against `(n, 1)`. `.ravel()` flattens it; look for "
            "`keepdims=True`, `reshape(-1, 1)` or `[:, None]`."
        )
    if len(want) == 2 and 1 in want and len(got) == 1 and got[0] == max(want):
        return (
            f"A flat vector {got} where a {'column' if want[1] == 1 else 'row'} {want} is "
            "expected: `(n,)` against `(n, 1)`. Add the axis with `[:, None]` or "
            "`reshape(-1, 1)`."
        )
    if len(got) == 2 and got[0] == got[1] and math.prod(want) == got[0]:
        return (
            f"A square {got} where {want} is expected: an accidental broadcast. Combining "
            "an `(n,)` array with an `(n, 1)` array gives `(n, n)`."
        )
    if len(want) >= 2 and got == tuple(reversed(want)):
        return "The axes are reversed: a missing transpose (`.T`)?"
    if math.prod(got) == math.prod(want):
        return "Same number of entries, arranged differently: check the reshape."
    if len(got) > len(want) and got[: len(want)] == want:
        return f"Extra trailing axes {got[len(want) :]}: a missing reduction over them?"
    if len(got) > len(want) and math.prod(got) > math.prod(want):
        return "More axes than expected: an accidental broadcast, or a missing reduction?"
    if len(got) < len(want):
        return (
            "Fewer axes than expected: a reduction over the wrong axis, or an integer index "
            "(`x[0]`) where a slice (`x[0:1]`) keeps the axis?"
        )
    return "Check which axes your operations keep, add or reduce."


# ---------------------------------------------------------------- arrays

_KIND_NAMES = {"b": "booleans", "i": "integers", "u": "integers", "f": "floats", "c": "complex"}


def _dtype_problem(got: np.dtype, want: np.dtype) -> str | None:
    g, w = got.kind, want.kind
    if g in "USV":
        return "The entries are text, not numbers."
    if g not in "biufc":
        return f"The entries have dtype {got}, not numbers."
    if w == "b" and g != "b":
        return f"Expected booleans (a mask), got dtype {got}: a comparison gives booleans."
    if w in "iu" and g not in "iu":
        cause = " A true division `/` or a float operation made floats?" if g == "f" else ""
        return f"Expected integers, got dtype {got}.{cause}"
    if w == "f" and g not in "iuf":
        return f"Expected real numbers, got {_KIND_NAMES[g]} (dtype {got})."
    return None


def _as_array(value):
    """(array, None) or (None, (category, message))."""
    if isinstance(value, str | bytes | dict | set | frozenset) or callable(value):
        return None, ("wrong_type", f"This is {type_name(value)}; the answer is an array.")
    try:
        array = np.asarray(value)
    except Exception:
        return None, (
            "wrong_type",
            "This could not be turned into an array: nested lists of different lengths?",
        )
    if array.dtype == object:
        return None, (
            "wrong_type",
            "This is not a numeric array: nested lists of different lengths, or mixed types?",
        )
    return array, None


def compare_array(value, reference, rtol: float, atol: float) -> tuple[str, str]:
    if is_missing(value) or _contains_ellipsis(value):
        return "not_attempted", "Replace `...` with your answer, then run the check again."
    ref = np.asarray(reference)
    array, problem = _as_array(value)
    if problem:
        return problem
    dtype_problem = _dtype_problem(array.dtype, ref.dtype)
    if dtype_problem:
        return "wrong_type", dtype_problem
    if array.shape != ref.shape:
        cause = shape_cause(array.shape, ref.shape)
        return "wrong_shape", f"Expected shape {ref.shape}, got {array.shape}. {cause}"
    if ref.dtype.kind == "b" or array.size == 0:
        matches = array == ref
        return _judge_exact(matches, array, ref)
    bad = ~np.isfinite(array) & np.isfinite(ref)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        return "not_finite", (
            f"{int(bad.sum())} of {array.size} entries are NaN or infinite (the first at index "
            f"{first if len(first) != 1 else first[0]}): an overflow, a division by zero, "
            "or the log of a non-positive number?"
        )
    got, want = array.astype(complex if "c" in (array.dtype.kind, ref.dtype.kind) else float), ref
    matches = np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    if matches.all():
        return "correct", "Correct."
    scale = float(np.max(np.abs(want[np.isfinite(want)]), initial=0.0))
    near = np.isclose(
        got,
        want,
        rtol=max(CLOSE_RTOL, 100 * rtol),
        atol=max(100 * atol, 1e-4 * scale),
        equal_nan=True,
    )
    if ref.dtype.kind not in "iu" and near.all():
        return "close", (
            "Every entry is near, but not all are within the tolerance: rounding, float32 "
            "precision, a `ddof`, or an approximation somewhere?"
        )
    return _judge_exact(matches, got, want)


def _judge_exact(matches: np.ndarray, got: np.ndarray, want: np.ndarray) -> tuple[str, str]:
    if np.all(matches):
        return "correct", "Correct."
    message = f"{int(np.sum(matches))} of {matches.size} entries match."
    try:
        if want.ndim == 2 and want.shape[0] == want.shape[1] and np.allclose(got.T, want):
            message += " It looks like the transpose of what is expected."
        elif np.allclose(np.sort(got, axis=None), np.sort(want, axis=None)):
            message += " The right values in the wrong places: check the order or the axis."
    except (TypeError, ValueError):
        pass
    return "incorrect", message


# ---------------------------------------------------------------- any value


def compare_value(value, reference, rtol: float, atol: float) -> tuple[str, str]:
    """Compare with a reference of any type (what a function check's cases return)."""
    if reference is None:
        if value is None:
            return "correct", "Correct."
        return "incorrect", "For this input the result should be `None`."
    if isinstance(reference, bool | np.bool_):
        if not isinstance(value, bool | np.bool_):
            return "wrong_type", f"Expected True or False, got {type_name(value)}."
        return (
            ("correct", "Correct.")
            if bool(value) == bool(reference)
            else ("incorrect", "Wrong truth value.")
        )
    if isinstance(reference, str):
        if not isinstance(value, str):
            return "wrong_type", f"Expected text, got {type_name(value)}."
        if value.strip() == reference.strip():
            return "correct", "Correct."
        return "incorrect", "The text differs."
    if isinstance(reference, numbers.Number | np.number) or (
        isinstance(reference, np.ndarray) and reference.ndim == 0
    ):
        return compare_number(value, reference, rtol, atol)
    if isinstance(reference, np.ndarray | list | tuple):
        if isinstance(reference, list | tuple) and not isinstance(value, list | tuple | np.ndarray):
            if is_missing(value):
                return compare_array(value, reference, rtol, atol)
            return "wrong_type", f"Expected a sequence, got {type_name(value)}."
        return compare_array(value, reference, rtol, atol)
    try:
        equal = bool(value == reference)
    except Exception:
        equal = False
    return ("correct", "Correct.") if equal else ("incorrect", "The value differs.")
