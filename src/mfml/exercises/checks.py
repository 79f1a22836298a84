"""The six check kinds. ``run_check`` is the only entry point, and it never raises.

A learner's function is always called on private copies of the inputs, with NumPy warnings
and stderr silenced (a warning would show as a red error box in the browser), and anything
it raises becomes an ``error`` feedback naming the exception and the input.
"""

from __future__ import annotations

import copy
import numbers
import re

import numpy as np

from .compare import compare_array, compare_number, compare_value, is_missing, type_name
from .feedback import Feedback
from .guard import quiet
from .instance import Instance

__all__ = ["quiet", "run_check"]


class Trace:
    """What a check saw of the learner's answer, for matching it against declared wrong
    answers: the outcome of every case (function) or the values at the points (expression)."""

    def __init__(self) -> None:
        self.outcomes: dict[int, tuple[bool, object]] = {}
        self.values = None


def call(function, args: tuple):
    """(True, result) or (False, exception); never raises (except KeyboardInterrupt)."""
    try:
        return True, function(*copy.deepcopy(args))
    except (Exception, SystemExit) as exc:  # the learner's code may raise anything
        return False, exc


def short(text: str, limit: int = 120) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(value) -> str:
    """A short description of an input, for messages (arrays by shape unless tiny)."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, separator=", ", precision=4, suppress_small=True)
        text = " ".join(text.split())
        if 0 < value.size <= 12 and len(text) <= 60:
            return f"np.array({text})"
        return f"<array of shape {value.shape}, dtype {value.dtype}>"
    return short(repr(value), 80)


def explain_exception(exc: BaseException, where: str) -> str:
    name = type(exc).__name__
    message = f"Your function raised {name}: {short(exc)} {where}."
    if isinstance(exc, TypeError) and re.search(r"argument", str(exc)):
        message += " Check how many arguments your function takes."
    return message


# ---------------------------------------------------------------- kinds


def check_number(instance: Instance, value, trace: Trace) -> tuple[str, str]:
    check = instance.spec.check
    return compare_number(value, instance.reference, check.rtol, check.atol)


def check_array(instance: Instance, value, trace: Trace) -> tuple[str, str]:
    check = instance.spec.check
    return compare_array(value, instance.reference, check.rtol, check.atol)


def check_function(instance: Instance, function, trace: Trace) -> tuple[str, str]:
    check = instance.spec.check
    if is_missing(function):
        return "not_attempted", "Write the function in the cell above, then run the check again."
    if not callable(function):
        return (
            "wrong_type",
            f"Expected a function (`def {check.answer}(...)`), got {type_name(function)}.",
        )
    cases = instance.cases
    passed, first_failure, returned_none = 0, None, 0
    for index, args in enumerate(cases):
        expected = instance.reference(*copy.deepcopy(args))
        ok, got = call(function, args)
        trace.outcomes[index] = (ok, got)
        shown = f"{check.answer}({', '.join(describe(a) for a in args)})"
        if not ok:
            first_failure = first_failure or ("error", explain_exception(got, f"on {shown}"))
            continue
        returned_none += got is None
        if got is None and expected is not None:
            category, message = (
                "incorrect",
                (
                    "Returned None where a result is expected: a missing `return` on some path, "
                    "or a wrong condition?"
                ),
            )
        else:
            category, message = compare_value(got, expected, check.rtol, check.atol)
        if category == "correct":
            passed += 1
        elif first_failure is None:
            first_failure = (category, f"On {shown}: {message}")
    total = len(cases)
    if returned_none == total and passed < total:
        return "not_attempted", (
            "Your function returns None for every input: its body is still `...`, or a "
            "`return` is missing."
        )
    if first_failure:
        category, message = first_failure
        prefix = "" if category == "error" else f"Passed {passed} of {total} hidden cases. "
        return category, prefix + message
    return "correct", f"Correct: passed all {total} hidden cases, edge cases included."


def choice_letters(value, multiple: bool) -> list[str] | None:
    """The option letters a learner's answer names (lower case), or None if it names none."""
    if isinstance(value, str):
        parts = re.findall(r"[A-Za-z]+", value)
        if not multiple and len(parts) == 1:
            return [parts[0].lower()]
        return [ch.lower() for part in parts for ch in part]
    if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, str) for v in value):
        return [v.strip().strip("()").lower() for v in value]
    return None


def check_choice(instance: Instance, value, trace: Trace) -> tuple[str, str]:
    check = instance.spec.check
    valid = [chr(ord("a") + i) for i in range(len(check.options))]
    span = f"{valid[0]} to {valid[-1]}"
    if is_missing(value) or (isinstance(value, str | list | tuple | set | frozenset) and not value):
        return "not_attempted", f"Set `{check.answer}` to the letter of your choice, then check."
    letters = choice_letters(value, check.multiple)
    if letters is None:
        return (
            "wrong_type",
            f"Answer with option letters ({span}), as text; got {type_name(value)}.",
        )
    unknown = [x for x in letters if x not in valid]
    if unknown or not letters:
        shown = short(repr(unknown[0] if unknown else value), 20)
        return "wrong_type", f"{shown} is not an option: choose from {span}."
    chosen, correct = set(letters), set(check.correct)
    if not check.multiple and len(chosen) != 1:
        return "wrong_type", "This question has exactly one answer: give a single letter."
    if chosen == correct:
        return "correct", "Correct."
    if not check.multiple:
        return "incorrect", "That is not the right option. Re-read the options against the prompt."
    parts = []
    if chosen - correct:
        parts.append("at least one of your choices is not correct")
    if correct - chosen:
        parts.append("at least one correct option is missing")
    return "incorrect", "Not quite: " + " and ".join(parts) + "."


def _expression_values(function, points: dict, vectorized: bool, names: list[str]):
    """(values, None) or (None, (category, message)) for the learner's expression."""
    n = len(next(iter(points.values())))
    if vectorized:
        ok, result = call(function, tuple(points[v] for v in names))
        if not ok:
            return None, (
                "error",
                explain_exception(
                    result,
                    f"when called with arrays of {n} points (it must work elementwise on "
                    "arrays: `np.where`, `np.maximum`, … instead of `if`)",
                ),
            )
        if result is None:
            return None, ("not_attempted", "Your function returns None: is `return` missing?")
        try:
            values = np.broadcast_to(np.asarray(result, dtype=float), (n,))
        except (TypeError, ValueError):
            return None, (
                "wrong_type",
                f"It returned {type_name(result)}, not one number per point.",
            )
        return values, None
    values = np.empty(n)
    for i in range(n):
        point = tuple(float(points[v][i]) for v in names)
        where = "at " + ", ".join(f"{v}={x:.6g}" for v, x in zip(names, point, strict=True))
        ok, result = call(function, point)
        if not ok:
            return None, ("error", explain_exception(result, where))
        if result is None:
            return None, ("not_attempted", "Your function returns None: is `return` missing?")
        if isinstance(result, np.ndarray) and result.size == 1:
            result = result.reshape(())[()]
        if isinstance(result, bool | np.bool_) or not isinstance(
            result, numbers.Real | np.floating | np.integer
        ):
            return None, (
                "wrong_type",
                f"It returned {type_name(result)} {where}, not a real number.",
            )
        values[i] = float(result)
    return values, None


def check_expression(instance: Instance, function, trace: Trace) -> tuple[str, str]:
    check = instance.spec.check
    if is_missing(function):
        return "not_attempted", "Write the function in the cell above, then run the check again."
    if not callable(function):
        return (
            "wrong_type",
            f"Expected a function of {', '.join(check.variables)}, got {type_name(function)}.",
        )
    points = instance.points
    expected, _ = _expression_values(instance.reference, points, check.vectorized, check.variables)
    got, problem = _expression_values(function, points, check.vectorized, check.variables)
    if problem:
        return problem
    trace.values = got
    keep = np.isfinite(expected)
    expected, got = expected[keep], got[keep]
    kept = {v: points[v][keep] for v in check.variables}

    def where(i: int) -> str:
        return ", ".join(f"{v}={kept[v][i]:.6g}" for v in check.variables)

    bad = ~np.isfinite(got)
    if bad.any():
        return "not_finite", (
            f"NaN or infinity at {where(int(np.argmax(bad)))}: an overflow or a division by zero "
            "there?"
        )
    category, _ = compare_array(got, expected, check.rtol, check.atol)
    if category == "correct":
        return "correct", f"Correct at all {got.size} test points."
    if category == "close":
        return "close", (
            "Near everywhere, but not within the tolerance: an approximation, or "
            "cancellation somewhere?"
        )
    matches = np.isclose(got, expected, rtol=check.rtol, atol=check.atol)
    first = int(np.argmin(matches))
    return "incorrect", (
        f"Matches the expected expression at {int(matches.sum())} of {matches.size} points; "
        f"it differs at {where(first)}."
    )


def check_rubric(instance: Instance, value, trace: Trace) -> tuple[str, str]:
    criteria = instance.spec.check.rubric
    n, name = len(criteria), instance.spec.check.answer
    if is_missing(value) or value is False or (isinstance(value, list | tuple | set) and not value):
        return "not_attempted", (
            f"Write your answer, then list the criteria it meets, e.g. `{name} = [1, 2]`, "
            "and run the check."
        )
    if value is True:
        met = set(range(1, n + 1))
    elif (
        isinstance(value, list | tuple)
        and len(value) == n
        and all(isinstance(v, bool) for v in value)
    ):
        met = {i for i, v in enumerate(value, 1) if v}
    elif isinstance(value, list | tuple | set) and all(
        isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= n for v in value
    ):
        met = set(value)
    else:
        return "wrong_type", f"List the numbers (1 to {n}) of the criteria your answer meets."
    if len(met) == n:
        return "correct", (
            f"Self-assessed: your answer meets all {n} criteria. Compare it with the solution "
            "to calibrate."
        )
    missing = ", ".join(str(i) for i in range(1, n + 1) if i not in met)
    return "incorrect", f"You marked {len(met)} of {n} criteria as met; still open: {missing}."


CHECKERS = {
    "number": check_number,
    "array": check_array,
    "function": check_function,
    "choice": check_choice,
    "expression": check_expression,
    "rubric": check_rubric,
}


# ---------------------------------------------------------------- declared wrong answers


def _same(value, wrong, instance: Instance) -> bool:
    check = instance.spec.check
    if check.kind == "choice":
        mine, theirs = choice_letters(value, True), choice_letters(wrong, True)
        return mine is not None and theirs is not None and set(mine) == set(theirs)
    return compare_value(value, wrong, check.rtol, check.atol)[0] == "correct"


def _same_function(instance: Instance, wrong, trace: Trace) -> bool:
    """The learner's function and a wrong one agree on every case the learner ran."""
    if not callable(wrong) or not trace.outcomes:
        return False
    for index, (ok, got) in trace.outcomes.items():
        wrong_ok, wrong_got = call(wrong, instance.cases[index])
        if ok != wrong_ok:
            return False
        if not ok:
            if type(got) is not type(wrong_got):
                return False
        elif wrong_got is None or got is None:
            if (wrong_got is None) != (got is None):
                return False
        elif not _same(got, wrong_got, instance):
            return False
    return True


def _same_expression(instance: Instance, wrong, trace: Trace) -> bool:
    check = instance.spec.check
    if not callable(wrong) or trace.values is None:
        return False
    values, problem = _expression_values(wrong, instance.points, check.vectorized, check.variables)
    if problem:
        return False
    keep = np.isfinite(values) | np.isfinite(trace.values)
    return compare_array(trace.values[keep], values[keep], check.rtol, check.atol)[0] == "correct"


def match_wrong(instance: Instance, answer, trace: Trace) -> str | None:
    """The message of the first declared wrong answer this answer matches (same value at
    this seed within the check's tolerance; same results on the hidden cases or points)."""
    kind = instance.spec.check.kind
    for message, wrong in instance.diagnosed_wrong:
        if kind == "function":
            matched = _same_function(instance, wrong, trace)
        elif kind == "expression":
            matched = _same_expression(instance, wrong, trace)
        else:
            matched = _same(answer, wrong, instance)
        if matched:
            return message.strip()
    return None


def run_check(instance: Instance, answer) -> Feedback:
    """Check an answer against the instance's reference. Never raises."""
    exercise_id = instance.spec.id
    try:
        with quiet():
            trace = Trace()
            category, message = CHECKERS[instance.spec.check.kind](instance, answer, trace)
            if category not in ("correct", "not_attempted"):
                diagnosis = match_wrong(instance, answer, trace)
                if diagnosis:
                    message = diagnosis
    except Exception as exc:  # a check must never raise, whatever it is given
        category = "error"
        message = f"The check could not use this answer ({type(exc).__name__}: {short(exc)})."
    return Feedback(category, message, exercise_id)
