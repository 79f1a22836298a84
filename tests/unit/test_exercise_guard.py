"""Checks that cannot hang, flood, leak state or escape: the time budget and its growth
extrapolation, capped output, every exception caught, and no state carried from one check
(or one exercise's code) to another."""

from __future__ import annotations

import builtins
import re
import sys
import textwrap
import time

import numpy as np
import pytest

from mfml.exercises.bank import load_yaml_bank
from mfml.exercises.checks import run_check
from mfml.exercises.guard import PRINT_LIMIT, run_learner, time_budget
from mfml.exercises.instance import Instance

BANK = textwrap.dedent(
    """\
    chapter: 97
    exercises:
      - id: "97.1"
        level: 3
        title: Pairwise squared differences
        prompt: Write pairwise(x).
        starter: |
          def pairwise(x):
              ...
        hints: [One., Two., Three.]
        solution:
          explanation: Expand the square.
          code: |
            def pairwise(x):
                x = np.asarray(x, dtype=float)
                return float(2 * x.size * np.sum((x - x.mean()) ** 2))
        check:
          kind: function
          answer: pairwise
          cases: |
            cases = [(np.array([1.0, 2.0, 4.0]),), (np.array([3.5]),)]
            cases += [(rng.normal(size=n),) for n in (10, 300, 100_000)]
          rtol: 1.0e-9
        wrong:
          - code: |
              def pairwise(x):
                  return float(np.sum(x))
            feedback: incorrect
            message: Not a sum of the entries.
      - id: "97.2"
        level: 1
        title: A number
        params: |
          x = rng.normal(size=5)
        prompt: The mean.
        starter: answer = ...
        hints: [One., Two.]
        solution:
          explanation: The mean.
          code: answer = float(np.mean(x))
        check:
          kind: number
        wrong:
          - code: answer = float(np.sum(x))
            feedback: incorrect
      - id: "97.3"
        level: 2
        title: An expression
        prompt: f(x)
        starter: |
          def f(x):
              ...
        hints: [One., Two.]
        solution:
          explanation: x squared.
          code: |
            def f(x):
                return x * x
        check:
          kind: expression
          answer: f
          variables: [x]
          domain: {x: [-2, 2]}
        wrong:
          - code: |
              def f(x):
                  return x
            feedback: incorrect
      - id: "97.4"
        level: 1
        title: Tiny value, twelve digits
        prompt: A tiny number.
        starter: answer = ...
        hints: [One., Two.]
        solution:
          explanation: It is tiny.
          code: answer = 1.234567890123e-6
        check:
          kind: number
          rtol: 1.0e-12
        wrong:
          - code: answer = 1.2346e-6
            feedback: incorrect
    """
)


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    path = tmp_path_factory.mktemp("bank") / "ch97.yml"
    path.write_text(BANK, encoding="utf-8")
    return load_yaml_bank(path)


def fresh(bank, exercise_id: str) -> Instance:
    return Instance(bank.get(exercise_id))


def pairwise_right(x):
    x = np.asarray(x, dtype=float)
    return float(2 * x.size * np.sum((x - x.mean()) ** 2))


def pairwise_quadratic(x):
    return float(sum((a - b) ** 2 for a in x for b in x))


# ---------------------------------------------------------------- time


def test_a_quadratic_answer_is_stopped_as_too_slow_with_the_growth(bank):
    instance = fresh(bank, "97.1")
    start = time.perf_counter()
    with time_budget(2.0):
        feedback = run_check(instance, pairwise_quadratic)
    elapsed = time.perf_counter() - start
    assert feedback.category == "too_slow", feedback
    assert elapsed < 4.0, f"the check took {elapsed:.1f} s"
    assert "Right on the 4 smaller hidden cases of 5" in feedback.message
    assert re.search(r"grew like n\^(1\.[5-9]|2\.\d)", feedback.message)  # measured growth
    assert "n = 100000" in feedback.message and "was not run" in feedback.message
    assert run_check(instance, pairwise_right).correct


def test_a_case_that_outruns_its_prediction_is_stopped_with_a_lower_bound(bank):
    def sudden(x):
        if len(x) > 1000:
            time.sleep(100)
        return pairwise_right(x)

    start = time.perf_counter()
    with time_budget(1.0):
        feedback = run_check(fresh(bank, "97.1"), sudden)
    assert time.perf_counter() - start < 2.5
    assert feedback.category == "too_slow", feedback
    assert "for n = 100000 it did not finish" in feedback.message
    assert re.search(r"grows at least like n\^\d\.\d", feedback.message)


@pytest.mark.parametrize(
    "source",
    [
        "def pairwise(x):\n    while True:\n        pass",
        "def pairwise(x):\n    import time\n    time.sleep(10**6)",
        "def pairwise(x):\n    return pairwise(x) + pairwise(x) if len(x) < 10**9 else 0",
    ],
    ids=["endless-loop", "sleep", "recursion"],
)
def test_a_function_that_never_returns_is_stopped(bank, source):
    namespace = {"np": np}
    exec(source, namespace)
    start = time.perf_counter()
    with time_budget(0.5):
        feedback = run_check(fresh(bank, "97.1"), namespace["pairwise"])
    assert time.perf_counter() - start < 2.5
    assert feedback.category in ("too_slow", "error"), feedback
    if feedback.category == "too_slow":
        assert "did not finish" in feedback.message


def test_an_expression_that_loops_is_stopped(bank):
    def f(x):
        while True:
            pass

    with time_budget(0.3):
        feedback = run_check(fresh(bank, "97.3"), f)
    assert feedback.category == "too_slow"


def test_a_learner_function_that_swallows_the_timeout_is_still_stopped():
    def stubborn():
        try:
            while True:
                pass
        except BaseException:  # noqa: BLE001 - what a hostile answer does
            return 42

    outcome = run_learner(stubborn, (), limit=0.2)
    assert outcome.timed_out and not outcome.ok


# ---------------------------------------------------------------- output and exceptions


def test_printed_output_is_captured_and_capped(bank, capsys):
    def chatty(x):
        print("x" * 1_000_000)
        return pairwise_right(x)

    feedback = run_check(fresh(bank, "97.1"), chatty)
    assert feedback.correct
    assert capsys.readouterr().out == ""  # nothing reached the notebook during the check
    assert len(feedback.printed) < PRINT_LIMIT + 200
    assert "more characters printed by your code" in feedback.printed


class _Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no text for you")


class _Custom(BaseException):
    pass


@pytest.mark.parametrize(
    "error",
    [_Unprintable(), GeneratorExit(), SystemExit(3), _Custom("odd"), MemoryError()],
    ids=["str-raises", "GeneratorExit", "SystemExit", "BaseException", "MemoryError"],
)
def test_anything_the_learner_raises_becomes_feedback(bank, error):
    def raises(*args):
        raise error

    for exercise_id in ("97.1", "97.3"):
        feedback = run_check(fresh(bank, exercise_id), raises)
        assert feedback.category == "error", feedback
        assert type(error).__name__ in feedback.message


def test_a_hostile_value_never_escapes(bank):
    class Hostile:
        def __array__(self, *args, **kwargs):
            raise SystemExit("no")

        def __float__(self):
            raise GeneratorExit

        def __eq__(self, other):
            raise _Custom("eq")

        __hash__ = None

    for exercise_id in ("97.1", "97.2"):
        feedback = run_check(fresh(bank, exercise_id), Hostile())
        assert feedback.category in ("wrong_type", "error"), feedback

    def returns_hostile(x):
        return Hostile()

    assert run_check(fresh(bank, "97.1"), returns_hostile).category in ("wrong_type", "error")


def test_keyboard_interrupt_still_stops_a_check(bank):
    def interrupted(x):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_check(fresh(bank, "97.1"), interrupted)


# ---------------------------------------------------------------- state


def test_patching_numpy_or_builtins_inside_a_check_changes_nothing_after(bank):
    original_isclose, original_sum = np.isclose, builtins.sum
    limit = sys.getrecursionlimit()

    def saboteur(x):
        result = pairwise_right(x) + 1
        np.isclose = lambda *a, **k: np.True_
        np.allclose = lambda *a, **k: True
        builtins.sum = lambda *a, **k: 0
        np.seterr(all="raise")
        sys.setrecursionlimit(sys.getrecursionlimit() // 2)
        return result

    instance = fresh(bank, "97.1")
    assert run_check(instance, saboteur).category == "incorrect"
    assert np.isclose is original_isclose and builtins.sum is original_sum
    assert np.geterr()["over"] != "raise"
    assert sys.getrecursionlimit() == limit
    # a later check of another exercise is judged as before
    other = fresh(bank, "97.2")
    assert run_check(other, 12345.0).category == "incorrect"
    assert run_check(other, float(np.mean(other.params["x"]))).correct


def test_a_right_function_that_sets_seterr_raise_is_accepted(bank):
    def right_but_strict(x):
        np.seterr(all="raise")
        return pairwise_right(x)

    try:
        assert run_check(fresh(bank, "97.1"), right_but_strict).correct
        assert run_check(fresh(bank, "97.3"), lambda x: x * x).correct
    finally:
        np.seterr(all="warn")


def test_a_patch_made_before_the_check_neither_fools_it_nor_is_lost(bank):
    fake = lambda *a, **k: np.True_  # noqa: E731
    saved = np.isclose
    np.isclose = fake
    try:
        instance = fresh(bank, "97.2")
        assert run_check(instance, 12345.0).category == "incorrect"
        assert np.isclose is fake  # the learner's notebook keeps its own (odd) choice
    finally:
        np.isclose = saved


# ---------------------------------------------------------------- tolerance


def test_a_declared_rtol_is_not_swamped_by_a_default_atol(bank):
    instance = fresh(bank, "97.4")
    assert run_check(instance, 1.234567890123e-6).correct
    assert run_check(instance, 1.234567890123e-6 * (1 + 5e-13)).correct
    assert not run_check(instance, 1.2346e-6).correct  # 4 digits where 12 are asked


def test_the_browser_interrupt_is_inert_outside_the_browser():
    from mfml.exercises import interrupt

    assert interrupt.enable() is False and not interrupt.ready()
    assert "setInterruptBuffer" not in interrupt.PAGE_SCRIPT  # the page only shares a buffer
    assert "mfml_interrupt" in interrupt.PAGE_SCRIPT and "Atomics.store" in interrupt.PAGE_SCRIPT
