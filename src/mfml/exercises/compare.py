"""Compare a learner's value with a reference value: numbers, arrays, and anything else.

Each function returns ``(category, message)``. Messages explain what differs and its most
likely cause; they state expected *shapes* and *types*, never expected values.

What counts as the same answer (docs/authoring.md, "What the checks accept"):

- a number may come as a Python number, a NumPy scalar, a 0-d array, or an array holding
  exactly one number (accepted, with a note that a plain number is expected);
- an integer answer may come as a float when it is an integer up to rounding noise
  (``3.0000000000000004``), and an integer array as a float array of integers;
- tolerances: ``|got - want| <= atol + rtol * |want|`` entrywise. When the bank does not set
  ``atol`` it is ``rtol`` times the reference's scale (its largest absolute entry, or 1 if
  that is 0), so a declared ``rtol`` is never swamped by a fixed ``atol``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import diagnose
from .guard import guarded, safe_str

CLOSE_RTOL = 1e-2  # "close": within 1% (or twice the tolerance, if that is wider)
GENERIC_INCORRECT = "This is not the expected value."

# Engine-private references, taken when the engine is imported: a learner's notebook that
# rebinds np.isclose (or np.allclose, ...) cannot change what a check decides.
_isclose = np.isclose
_asarray = np.asarray
_isfinite = np.isfinite


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


def scale_of(reference) -> float:
    """The largest finite absolute entry of a reference (1.0 if there is none, or it is 0)."""
    try:
        ref = _asarray(reference)
        if ref.dtype.kind not in "biufc":
            return 1.0
        finite = np.abs(ref[_isfinite(ref)])
        scale = float(np.max(finite, initial=0.0))
    except (TypeError, ValueError, OverflowError):
        return 1.0
    return scale if scale > 0 and math.isfinite(scale) else 1.0


def tolerance_pair(rtol: float, atol: float | None, reference) -> tuple[float, float]:
    """``(rtol, atol)`` with an undeclared ``atol`` derived from the reference's scale."""
    if atol is None:
        atol = rtol * scale_of(reference)
    return float(rtol), float(atol)


def integer_noise(value: float) -> float:
    """How far from an integer a float may be and still count as that integer."""
    return min(0.25, max(1e-9, 1e-13 * abs(value)))


def _is_integer_reference(reference, rtol: float, atol: float | None) -> bool:
    if isinstance(reference, bool | np.bool_):
        return False
    if isinstance(reference, numbers.Integral | np.integer):
        return True
    exact = rtol == 0 and not atol
    return exact and isinstance(reference, numbers.Real) and float(reference).is_integer()


# ---------------------------------------------------------------- numbers


def _as_number(value, want_complex: bool):
    """(number, note, None) or (None, None, (category, message)) for a learner's scalar."""
    note = ""
    if isinstance(value, str | bytes):
        return None, "", ("wrong_type", "This is text, not a number: pass the number itself.")
    if callable(value) and not isinstance(value, np.ndarray | np.generic):
        return None, "", ("wrong_type", "This is a function: call it and pass what it returns.")
    if isinstance(value, bool | np.bool_):
        return (
            None,
            "",
            (
                "wrong_type",
                "This is a bool (True/False), not a number: a comparison where a value was meant?",
            ),
        )
    if isinstance(value, list | tuple):
        return (
            None,
            "",
            (
                "wrong_type",
                f"This is {type_name(value)} of {len(value)} items; the answer is a single number.",
            ),
        )
    if isinstance(value, np.ndarray):
        if value.ndim > 0 and value.size == 1:
            note = (
                f" (You passed an array of shape {value.shape}; a plain number is what the "
                "prompt asks for: `.item()` gives it.)"
            )
            value = value.reshape(())
        elif value.ndim > 0:
            return (
                None,
                "",
                (
                    "wrong_shape",
                    f"An array of shape {value.shape}; the answer is a single number. "
                    "A missing reduction (sum, mean, …) or an index?",
                ),
            )
        if value.dtype.kind == "b":
            return (
                None,
                "",
                (
                    "wrong_type",
                    "This is a bool (True/False), not a number: a comparison where a value was "
                    "meant?",
                ),
            )
        if value.dtype.kind not in "iufc":
            return None, "", ("wrong_type", f"This is {type_name(value)}; the answer is a number.")
        value = value[()]
    if not isinstance(value, numbers.Number | np.number):
        return None, "", ("wrong_type", f"This is {type_name(value)}; the answer is a number.")
    if isinstance(value, complex | np.complexfloating) and not want_complex:
        if value.imag != 0:
            return None, "", ("wrong_type", "This is a complex number; the answer is real.")
        value = value.real
    try:
        return (complex(value) if want_complex else float(value)), note, None
    except OverflowError:
        return math.inf, note, None


def compare_number(value, reference, rtol: float, atol: float | None, sizes=()) -> tuple[str, str]:
    if is_missing(value):
        return "not_attempted", "Replace `...` with your answer, then run the check again."
    want_complex = isinstance(reference, complex | np.complexfloating)
    number, note, problem = _as_number(value, want_complex)
    if problem:
        return problem
    integer = _is_integer_reference(reference, rtol, atol)
    ref = complex(reference) if want_complex else float(reference)
    rtol, atol = tolerance_pair(rtol, atol, ref)
    if not np.isfinite(number):
        if number == ref or (np.isnan(number) and np.isnan(ref)):
            return "correct", note.strip()
        return "not_finite", (
            "The value is NaN or infinite: an overflow, a division by zero, or the log of "
            "a non-positive number?"
        )
    tolerance = atol + rtol * abs(ref)
    if integer:
        tolerance = max(tolerance, integer_noise(ref.real))
    error = abs(number - ref)
    if error <= tolerance:
        return "correct", note.strip()
    if not integer and error <= max(2 * tolerance, CLOSE_RTOL * abs(ref)):
        return "close", (
            "Near, but outside the tolerance: rounding, float32 precision, or an "
            "approximation somewhere?" + note
        )
    diagnosis = None
    if not want_complex:
        diagnosis = diagnose.number(number, ref, sizes, integer=integer)
    return "incorrect", (diagnosis or GENERIC_INCORRECT) + note


# ---------------------------------------------------------------- shapes


def shape_cause(got: tuple, want: tuple, shapes=()) -> str:
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
    other_axis = diagnose.axis(got, want, shapes)
    if other_axis:
        return other_axis
    if len(got) == 1 and len(want) == 1:
        return "A different length: a reduction over the wrong axis, or a slice one too short?"
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
    if isinstance(value, str | bytes | dict | set | frozenset) or (
        callable(value) and not isinstance(value, np.ndarray | np.generic)
    ):
        return None, ("wrong_type", f"This is {type_name(value)}; the answer is an array.")
    ok, array = guarded(_asarray, value, limit=2.0)
    if not ok:
        return None, (
            "wrong_type",
            "This could not be turned into an array: nested lists of different lengths?",
        )
    if not isinstance(array, np.ndarray) or array.dtype == object:
        return None, (
            "wrong_type",
            "This is not a numeric array: nested lists of different lengths, or mixed types?",
        )
    return array, None


def _integral_floats(array: np.ndarray) -> np.ndarray | None:
    """A float array of integers (up to rounding noise) as int64; None if it is not one."""
    if array.dtype.kind != "f" or not np.all(_isfinite(array)):
        return None
    rounded = np.round(array)
    if np.any(np.abs(rounded) > 2**62):
        return None
    if np.all(np.abs(array - rounded) <= np.maximum(1e-9, 1e-13 * np.abs(array))):
        return rounded.astype(np.int64)
    return None


def compare_array(
    value, reference, rtol: float, atol: float | None, sizes=(), shapes=(), strict=False
) -> tuple[str, str]:
    if is_missing(value) or _contains_ellipsis(value):
        return "not_attempted", "Replace `...` with your answer, then run the check again."
    ref = _asarray(reference)
    array, problem = _as_array(value)
    if problem:
        return problem
    if ref.dtype.kind in "iu" and array.dtype.kind == "f" and not strict:
        integral = _integral_floats(array)
        if integral is not None:
            array = integral
    dtype_problem = _dtype_problem(array.dtype, ref.dtype)
    if dtype_problem:
        return "wrong_type", dtype_problem
    if array.shape != ref.shape:
        cause = shape_cause(array.shape, ref.shape, shapes)
        return "wrong_shape", f"Expected shape {ref.shape}, got {array.shape}. {cause}"
    if ref.dtype.kind == "b" or array.size == 0:
        matches = array == ref
        return _judge_exact(matches, array, ref, sizes)
    rtol, atol = tolerance_pair(rtol, atol, ref)
    bad = ~_isfinite(array) & _isfinite(ref)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        return "not_finite", (
            f"{int(bad.sum())} of {array.size} entries are NaN or infinite (the first at index "
            f"{first if len(first) != 1 else first[0]}): an overflow, a division by zero, "
            "or the log of a non-positive number?"
        )
    complex_ = "c" in (array.dtype.kind, ref.dtype.kind)
    got = array.astype(complex if complex_ else float)
    want = ref.astype(complex if complex_ else float)
    matches = _isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    if matches.all():
        return "correct", ""
    scale = scale_of(want)
    near = _isclose(
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
    return _judge_exact(matches, got, want, sizes)


def _judge_exact(matches: np.ndarray, got: np.ndarray, want: np.ndarray, sizes=()):
    if np.all(matches):
        return "correct", ""
    message = f"{int(np.sum(matches))} of {matches.size} entries match."
    diagnosis = None
    if want.dtype.kind != "b":
        try:
            diagnosis = diagnose.array(got, want, sizes)
        except (TypeError, ValueError):
            diagnosis = None
    return "incorrect", message + " " + (diagnosis or "Compare your steps with the prompt.")


# ---------------------------------------------------------------- any value


def _as_bool(value):
    """A learner's truth value (bool, NumPy bool, 0-d or one-entry bool array) or None."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "b" and value.size == 1:
        return bool(value.reshape(())[()])
    return None


def compare_value(
    value, reference, rtol: float, atol: float | None, sizes=(), shapes=(), strict=False
) -> tuple[str, str]:
    """Compare with a reference of any type (what a function check's cases return)."""
    if reference is None:
        if value is None:
            return "correct", ""
        return "incorrect", "For this input the result should be `None`."
    if isinstance(reference, bool | np.bool_) or (
        isinstance(reference, np.ndarray) and reference.ndim == 0 and reference.dtype.kind == "b"
    ):
        truth = _as_bool(value)
        if truth is None:
            return "wrong_type", f"Expected True or False, got {type_name(value)}."
        if truth == bool(reference):
            return "correct", ""
        return "incorrect", "Wrong truth value: check the condition (`<` against `<=`?)."
    if isinstance(reference, str):
        if not isinstance(value, str):
            return "wrong_type", f"Expected text, got {type_name(value)}."
        if value.strip() == reference.strip():
            return "correct", ""
        return "incorrect", "The text differs."
    if isinstance(reference, numbers.Number | np.number) or (
        isinstance(reference, np.ndarray) and reference.ndim == 0
    ):
        return compare_number(value, reference, rtol, atol, sizes)
    if isinstance(reference, np.ndarray | list | tuple):
        if isinstance(reference, list | tuple) and not isinstance(value, list | tuple | np.ndarray):
            if is_missing(value):
                return compare_array(value, reference, rtol, atol)
            return "wrong_type", f"Expected a sequence, got {type_name(value)}."
        return compare_array(value, reference, rtol, atol, sizes, shapes, strict)
    ok, equal = guarded(lambda: bool(value == reference), limit=1.0)
    if ok and equal:
        return "correct", ""
    return "incorrect", "The value differs."


def describe_error(exc: BaseException) -> str:
    """``Name: message`` for an exception, whatever its ``__str__`` does."""
    return f"{type(exc).__name__}: {safe_str(exc)}"
