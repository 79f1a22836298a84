"""The six check kinds. ``run_check`` is the only entry point, and it never raises
(except KeyboardInterrupt, the learner's own Stop button).

The learner's code runs through ``guard``: private copies of the inputs, a time budget,
pristine NumPy and builtins, captured and capped output, every exception caught. Function
checks run the reference on every case first (so nothing the learner's code does can change
it), then the learner's function on the cases from the smallest up, timing each: a case whose
cost, extrapolated from the measured growth, would not fit in the budget is not run, and the
learner hears that the function is right on the smaller inputs but too slow.
"""

from __future__ import annotations

import math
import numbers
import re

import numpy as np

from . import diagnose
from .compare import (
    compare_array,
    compare_number,
    compare_value,
    describe_error,
    is_missing,
    tolerance_pair,
    type_name,
)
from .feedback import Feedback
from .guard import (
    CappedText,
    Outcome,
    budget,
    contained,
    guarded,
    quiet,
    run_learner,
    safe_deepcopy,
    safe_str,
    trusted,
)
from .instance import Instance

__all__ = ["quiet", "run_check"]

TIME_FLOOR = 5e-5  # seconds: below this, timings are clock noise and call overhead


class Trace:
    """What a check saw of the learner's answer, for matching it against declared wrong
    answers: the outcome of every case run (function) or the values at the points
    (expression)."""

    def __init__(self) -> None:
        self.outcomes: dict[int, Outcome] = {}
        self.values = None
        self.errors: list[BaseException] = []


def short(text, limit: int = 120) -> str:
    return safe_str(text, limit)


def describe(value) -> str:
    """A short description of an input, for messages (arrays by shape unless tiny)."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, separator=", ", precision=4, suppress_small=True)
        text = " ".join(text.split())
        if 0 < value.size <= 12 and len(text) <= 60:
            return f"np.array({text})"
        return f"<array of shape {value.shape}, dtype {value.dtype}>"
    if isinstance(value, list | tuple) and len(value) > 12:
        return f"<{type(value).__name__} of {len(value)} items>"
    return short(repr(value), 80)


def explain_exception(exc: BaseException, where: str) -> str:
    message = f"Your function raised {describe_error(exc)} {where}."
    if isinstance(exc, TypeError) and re.search(r"argument", safe_str(exc)):
        message += " Check how many arguments your function takes."
    if isinstance(exc, RecursionError):
        message += " A recursion without a base case that stops it?"
    if isinstance(exc, SystemExit | GeneratorExit):
        message += " (Do not call `exit()` or `sys.exit()` inside the function.)"
    return message


def seconds_text(seconds: float) -> str:
    if seconds < 1e-3:
        return "well under a millisecond"
    if seconds < 1:
        return f"about {seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"about {seconds:.0f} s"
    if seconds < 7200:
        return f"about {seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"about {seconds / 3600:.0f} hours"
    return "days"


def case_size(args: tuple) -> int:
    """How big a case is: the largest array or sequence among its arguments, else the
    largest integer argument, else 1."""
    arrays, integers = [], []
    for arg in args:
        if isinstance(arg, np.ndarray):
            arrays.append(arg.size)
        elif isinstance(arg, list | tuple | str | bytes):
            arrays.append(len(arg))
        elif isinstance(arg, numbers.Integral | np.integer) and not isinstance(arg, bool):
            integers.append(abs(int(arg)))
    if arrays:
        return max(max(arrays), 1)
    if integers:
        return max(max(integers), 1)
    return 1


# ---------------------------------------------------------------- kinds


def _params(instance: Instance) -> list:
    return list(instance.params.values())


def check_number(instance: Instance, value, trace: Trace) -> tuple[str, str]:
    check = instance.spec.check
    sizes = diagnose.sizes_in(_params(instance))
    return compare_number(value, instance.reference, check.rtol, check.atol, sizes)


def check_array(instance: Instance, value, trace: Trace) -> tuple[str, str]:
    check = instance.spec.check
    params = _params(instance)
    return compare_array(
        value,
        instance.reference,
        check.rtol,
        check.atol,
        diagnose.sizes_in(params),
        diagnose.shapes_in(params),
        check.strict_dtype,
    )


class _Growth:
    """The learner's run time against case size: measured, then extrapolated."""

    def __init__(self) -> None:
        self.best: dict[int, float] = {}

    def add(self, size: int, seconds: float) -> None:
        self.best[size] = min(self.best.get(size, math.inf), seconds)

    def fit(self):
        """(s1, s2, t2, k): the two largest sizes measured, the time at s2, the exponent."""
        sizes = sorted(self.best)
        if not sizes:
            return None
        s2 = sizes[-1]
        t2 = max(self.best[s2], TIME_FLOOR)
        if len(sizes) < 2 or s2 <= 1:
            return None, s2, t2, 1.0
        s1 = sizes[-2]
        t1 = max(self.best[s1], TIME_FLOOR)
        k = math.log(t2 / t1) / math.log(s2 / max(s1, 1))
        return s1, s2, t2, min(max(k, 1.0), 3.0)

    def predict(self, size: int) -> float:
        fitted = self.fit()
        if fitted is None:
            return 0.0
        _, s2, t2, k = fitted
        return t2 * (size / s2) ** k if size > s2 else t2


def _too_slow_message(passed, total, growth: _Growth, size, predicted, limit, ref_seconds, ran_for):
    """The learner-facing text: what was measured, what it predicts, where to look.

    ``predicted`` is the extrapolated time of the case not run; ``ran_for`` the seconds a case
    ran before it was stopped (then its time is at least that: a lower bound on the growth)."""
    fitted = growth.fit()
    parts = [f"Right on the {passed} smaller hidden cases of {total}, but too slow:"]
    exponent = None
    if fitted and fitted[0] is not None and growth.best[fitted[1]] >= 10 * TIME_FLOOR:
        s1, s2, _, exponent = fitted
        if ran_for is None:
            parts.append(f"its time grew like n^{exponent:.1f} from n = {s1} to n = {s2},")
    if ran_for is not None and fitted and size > fitted[1]:
        s2, t2 = fitted[1], fitted[2]
        at_least = math.log(max(ran_for, t2) / t2) / math.log(size / s2)
        exponent = max(exponent or 0.0, at_least)
        parts.append(
            f"it took {seconds_text(t2)} for n = {s2}, and for n = {size} it did not finish in "
            f"{ran_for:.1f} s (the time left of the {limit:g} s a check allows): its time grows "
            f"at least like n^{at_least:.1f}."
        )
    elif ran_for is not None:
        parts.append(
            f"the case of size n = {size} did not finish in the {limit:g} s a check allows."
        )
    if predicted is not None:
        lead = "so the case" if parts[-1].endswith(",") else "the case"
        parts.append(
            f"{lead} of size n = {size} would take {seconds_text(predicted)} "
            f"(a check allows {limit:g} s), and it was not run."
        )
    if ref_seconds is not None:
        parts.append(f"A method that scales well does it in {seconds_text(ref_seconds)}.")
    if exponent is not None and exponent >= 1.5:
        parts.append("A loop inside a loop (O(n²))? Look for a way with single sums or NumPy.")
    else:
        parts.append("Look for a method with fewer Python-level loops (NumPy on whole arrays).")
    return " ".join(parts)


def _not_a_function(function, expected: str) -> tuple[str, str] | None:
    """The feedback when the answer to a function or expression check is missing or is not
    callable (`expected` says what was asked for); None when it is a function."""
    if is_missing(function):
        return "not_attempted", "Write the function in the cell above, then run the check again."
    if not callable(function):
        return "wrong_type", f"Expected {expected}, got {type_name(function)}."
    return None


def check_function(instance: Instance, function, trace: Trace) -> tuple[str, str]:
    check = instance.spec.check
    if problem := _not_a_function(function, f"a function (`def {check.answer}(...)`)"):
        return problem
    cases, expected = instance.cases, instance.expected
    order = sorted(range(len(cases)), key=lambda i: case_size(cases[i]))
    limit, spent = budget(), 0.0
    growth = _Growth()
    passed, returned_none, slow = 0, 0, None
    failures: dict[int, tuple[str, str]] = {}
    total = len(cases)
    for index in order:
        args = cases[index]
        size = case_size(args)
        shown = f"{check.answer}({', '.join(describe(a) for a in args)})"
        predicted = growth.predict(size)
        if growth.best and spent + predicted > limit:
            last = max(growth.best)
            if growth.best[last] < 0.1 * limit:  # one noisy timing must not decide: re-time
                rerun = next(i for i in order if case_size(cases[i]) == last)
                again = run_learner(function, safe_deepcopy(cases[rerun]), limit=0.2 * limit)
                spent += again.seconds
                if again.ok:
                    growth.add(last, again.seconds)
                predicted = growth.predict(size)
            if spent + predicted > limit:
                slow = (size, predicted, expected[index][2], None)
                break
        outcome = run_learner(function, safe_deepcopy(args), limit=max(limit - spent, 0.05))
        spent += outcome.seconds
        trace.outcomes[index] = outcome
        if outcome.timed_out:
            if not growth.best:
                return "too_slow", (
                    f"Your function did not finish within {limit:g} s on the smallest hidden "
                    f"case, {shown}: an endless loop (a `while` whose condition never "
                    "changes?) or a very slow method?"
                )
            slow = (size, None, expected[index][2], outcome.seconds)
            break
        growth.add(size, outcome.seconds)
        reference_ok, want, _ = expected[index]
        if not reference_ok:  # the reference raises here: raising is right, any exception
            if outcome.ok:
                failures[index] = (
                    "incorrect",
                    f"On {shown}: this input has no valid result; the function should raise "
                    "an error (e.g. `ValueError`) instead of returning a value.",
                )
            else:
                passed += 1
            continue
        if not outcome.ok:
            failures[index] = ("error", explain_exception(outcome.error, f"on {shown}"))
            continue
        got = outcome.value
        returned_none += got is None
        if got is None and want is not None:
            category, message = (
                "incorrect",
                "Returned None where a result is expected: a missing `return` on some path, "
                "or a wrong condition?",
            )
        else:
            sizes = diagnose.sizes_in(list(args))
            shapes = diagnose.shapes_in(list(args))
            ok, result = guarded(
                compare_value,
                got,
                want,
                check.rtol,
                check.atol,
                sizes,
                shapes,
                check.strict_dtype,
                limit=2.0,
            )
            category, message = (
                result if ok else ("wrong_type", "The check could not read what it returned.")
            )
        if category == "correct":
            passed += 1
        else:
            failures[index] = (category, f"On {shown}: {message}")
    # cases run from the smallest up (for the timing), but the failure reported is the first
    # in the bank's order: authors put the edge cases they want named first
    first_failure = failures[min(failures)] if failures else None
    ran = len(trace.outcomes)
    if returned_none == ran and ran and passed < ran and first_failure is not None:
        if all(o.ok for o in trace.outcomes.values()):
            return "not_attempted", (
                "Your function returns None for every input: its body is still `...`, or a "
                "`return` is missing."
            )
    if first_failure:
        category, message = first_failure
        prefix = "" if category == "error" else f"Passed {passed} of {total} hidden cases. "
        return category, prefix + message
    if slow:
        size, predicted, ref_seconds, ran_for = slow
        return "too_slow", _too_slow_message(
            passed, total, growth, size, predicted, limit, ref_seconds, ran_for
        )
    return "correct", f"Passed all {total} hidden cases, edge cases included."


def choice_letters(value, multiple: bool) -> list[str] | None:
    """The option letters a learner's answer names (lower case), or None if it names none.

    Accepts ``"b"``, ``"(b)"``, ``"B"``, ``"b, c"``, ``"bc"`` (several answers), a list,
    tuple or set of such strings (``["b, c"]`` too), and a NumPy array of strings."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "USO":
        value = [str(v) for v in value.ravel().tolist()] if value.ndim else str(value[()])
    if isinstance(value, str):
        parts = re.findall(r"[A-Za-z]+", value)
        if not multiple and len(parts) == 1:
            return [parts[0].lower()]
        return [ch.lower() for part in parts for ch in part]
    if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, str) for v in value):
        letters = []
        for item in value:
            parts = re.findall(r"[A-Za-z]+", item)
            if len(parts) == 1 and len(parts[0]) > 1 and not multiple:
                letters.append(parts[0].lower())
            else:
                letters += [ch.lower() for part in parts for ch in part]
        return letters
    return None


def check_choice(instance: Instance, value, trace: Trace) -> tuple[str, str]:
    check = instance.spec.check
    valid = [chr(ord("a") + i) for i in range(len(check.options))]
    span = f"{valid[0]} to {valid[-1]}"
    if isinstance(value, np.ndarray):
        empty = value.size == 0
    else:
        empty = isinstance(value, str | list | tuple | set | frozenset) and not value
    if is_missing(value) or empty:
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
        return "correct", ""
    if not check.multiple:
        return "incorrect", "That is not the right option. Re-read the options against the prompt."
    parts = []
    if chosen - correct:
        parts.append("at least one of your choices is not correct")
    if correct - chosen:
        parts.append("at least one correct option is missing")
    return "incorrect", "Not quite: " + " and ".join(parts) + "."


def _expression_values(
    function, points: dict, vectorized: bool, names: list[str], limit, errors=None
):
    """(values, None) or (None, (category, message)) for an expression's values; the
    exception the function raised, if any, is appended to ``errors``."""
    errors = [] if errors is None else errors
    n = len(next(iter(points.values())))
    start_limit = limit
    if vectorized:
        outcome = run_learner(function, tuple(points[v].copy() for v in names), limit)
        if outcome.timed_out:
            return None, ("too_slow", f"Your function did not finish within {start_limit:g} s.")
        if not outcome.ok:
            errors.append(outcome.error)
            return None, (
                "error",
                explain_exception(
                    outcome.error,
                    f"when called with arrays of {n} points (it must work elementwise on "
                    "arrays: `np.where`, `np.maximum`, … instead of `if`)",
                ),
            )
        result = outcome.value
        if result is None:
            return None, ("not_attempted", "Your function returns None: is `return` missing?")
        ok, values = guarded(
            lambda: np.broadcast_to(np.asarray(result, dtype=float), (n,)).copy(), limit=1.0
        )
        if not ok:
            return None, (
                "wrong_type",
                f"It returned {type_name(result)}, not one number per point.",
            )
        return values, None
    values = np.empty(n)
    for i in range(n):
        point = tuple(float(points[v][i]) for v in names)
        where = "at " + ", ".join(f"{v}={x:.6g}" for v, x in zip(names, point, strict=True))
        outcome = run_learner(function, point, max(limit, 0.05))
        limit -= outcome.seconds
        if outcome.timed_out or limit <= 0:
            return None, (
                "too_slow",
                f"Your function did not finish within {start_limit:g} s ({where}): an endless "
                "loop, or a very slow method?",
            )
        if not outcome.ok:
            errors.append(outcome.error)
            return None, ("error", explain_exception(outcome.error, where))
        result = outcome.value
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
    if problem := _not_a_function(function, f"a function of {', '.join(check.variables)}"):
        return problem
    points = instance.points
    expected = instance.expected_values
    got, problem = _expression_values(
        function, points, check.vectorized, check.variables, budget(), trace.errors
    )
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
        return "correct", f"Right at all {got.size} test points."
    if category == "close":
        return "close", (
            "Near everywhere, but not within the tolerance: an approximation, or "
            "cancellation somewhere?"
        )
    rtol, atol = tolerance_pair(check.rtol, check.atol, expected)
    matches = np.isclose(got, expected, rtol=rtol, atol=atol)
    first = int(np.argmin(matches))
    message = (
        f"Matches the expected expression at {int(matches.sum())} of {matches.size} points; "
        f"it differs at {where(first)}."
    )
    diagnosis = diagnose.array(got, expected)
    return "incorrect", message + (" " + diagnosis if diagnosis else "")


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
    for index, outcome in trace.outcomes.items():
        if outcome.timed_out:
            return False
        with trusted():
            theirs = run_learner(wrong, safe_deepcopy(instance.cases[index]), limit=2.0)
        if theirs.timed_out or outcome.ok != theirs.ok:
            return False
        if not outcome.ok:
            if type(outcome.error) is not type(theirs.error):
                return False
        elif outcome.value is None or theirs.value is None:
            if (outcome.value is None) != (theirs.value is None):
                return False
        else:
            ok, same = guarded(_same, outcome.value, theirs.value, instance, limit=2.0)
            if not (ok and same):
                return False
    return True


def _same_expression(instance: Instance, wrong, trace: Trace) -> bool:
    check = instance.spec.check
    if not callable(wrong) or (trace.values is None and not trace.errors):
        return False
    errors: list[BaseException] = []
    with trusted():
        values, problem = _expression_values(
            wrong, instance.points, check.vectorized, check.variables, 2.0, errors
        )
    if trace.errors or errors:  # both raise, the same kind of exception
        return bool(trace.errors and errors) and type(trace.errors[0]) is type(errors[0])
    if problem or trace.values is None:
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
            ok, matched = guarded(_same, answer, wrong, instance, limit=2.0)
            matched = ok and matched
        if matched:
            return message.strip()
    return None


_GENERIC = (
    "This is not the expected value.",
    "Compare your steps with the prompt.",
    "That is not the right option.",
)


def run_check(instance: Instance, answer) -> Feedback:
    """Check an answer against the instance's reference. Never raises (but
    KeyboardInterrupt, the learner's Stop button, stops it)."""
    exercise_id = instance.spec.id
    printed = CappedText()
    diagnosed = False
    try:
        with contained(printed):
            instance.prepare()
            trace = Trace()
            category, message = CHECKERS[instance.spec.check.kind](instance, answer, trace)
            if category not in ("correct", "not_attempted", "too_slow"):
                diagnosis = match_wrong(instance, answer, trace)
                if diagnosis:
                    message, diagnosed = diagnosis, True
                else:
                    diagnosed = not any(generic in message for generic in _GENERIC)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - a check must never raise, whatever it gets
        category = "error"
        message = f"The check could not use this answer ({describe_error(exc)})."
    return Feedback(category, message, exercise_id, printed.text(), diagnosed)
