"""Properties every auto-checked exercise of every bank in exercises/ must have, at several
seeds (issue 13). New banks get these tests for free.

1. The reference in equivalent forms is accepted: list, tuple, int or float, NumPy scalars,
   0-d and one-entry arrays, 32-bit dtypes where the tolerance allows, a choice as an array.
2. The reference perturbed by 10x its tolerance is rejected.
3. Hostile inputs (None, NaN, text, a huge array; for functions also one that raises, one that
   returns the wrong shape, one that loops for ever and one that sleeps) get a feedback
   category: never an exception, never a hang.
4. No ``params`` value is the answer (number and array checks).
5. Every auto-checked exercise has a declared wrong answer with a learner-facing ``message``;
   levels 2 and 3 have at least two.

Each test is one exercise, so a failure names the bank, the exercise, the seed and the form.
"""

from __future__ import annotations

import functools
import math
import time

import numpy as np
import pytest
from test_exercise_support import BANK_DIR

from mfml.exercises import CATEGORIES
from mfml.exercises.bank import bank_files, load_yaml_bank
from mfml.exercises.checks import run_check
from mfml.exercises.compare import compare_value, scale_of
from mfml.exercises.guard import time_budget
from mfml.exercises.instance import Instance

BANKS = {p.name: load_yaml_bank(p) for p in bank_files(BANK_DIR) if p.suffix == ".yml"}
AUTOMATIC = [
    pytest.param(name, spec.id, id=f"{name}:{spec.id}")
    for name, bank in BANKS.items()
    for spec in bank.exercises
    if spec.automatic
]
SEEDS = (None, 1, 2)  # the default seed and two variants (exercises with params)
HOSTILE_BUDGET = 0.1  # seconds: a looping answer is stopped this fast in these tests


def spec_of(name: str, exercise_id: str):
    return BANKS[name].get(exercise_id)


@functools.cache
def instance(name: str, exercise_id: str, seed) -> Instance:
    return Instance(spec_of(name, exercise_id), seed)


def seeds_of(name: str, exercise_id: str):
    return SEEDS if spec_of(name, exercise_id).params else (None,)


def where(exercise_id: str, seed) -> str:
    return f"{exercise_id} at {'the default seed' if seed is None else f'seed {seed}'}"


# ---------------------------------------------------------------- tolerances


def tolerance_at(value: float, rtol: float, atol, scale: float, integer: bool) -> float:
    atol = rtol * scale if atol is None else atol
    tol = atol + rtol * abs(value)
    return max(10 * tol, 1.0) if integer else 10 * tol


def _integer_kind(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def perturbed(value, rtol: float, atol, scale: float | None = None):
    """``value`` moved by 10x its tolerance (the first numeric entry), or None if it holds
    no number to move."""
    if isinstance(value, bool | np.bool_):
        return not value
    if isinstance(value, str):  # text answers are exact: any change must be rejected
        return value + " (moved)"
    if isinstance(value, numbers_types()):
        number = complex(value) if isinstance(value, complex | np.complexfloating) else value
        integer = _integer_kind(value) or (rtol == 0 and not atol and float(value).is_integer())
        s = abs(number) if scale is None else scale
        s = s if s > 0 and math.isfinite(s) else 1.0
        if not np.isfinite(number):
            return None
        step = tolerance_at(abs(number), rtol, atol, s, integer) or 1e-6 * max(abs(number), 1.0)
        return (int(value) + int(math.ceil(step))) if _integer_kind(value) else number + step
    if isinstance(value, np.ndarray):
        if value.size == 0 or value.dtype.kind not in "biufc":
            return None
        out = value.copy()
        flat = out.reshape(-1)
        if value.dtype.kind == "b":
            flat[0] = not flat[0]
            return out
        finite = np.flatnonzero(np.isfinite(flat))
        if finite.size == 0:
            return None
        i = int(finite[0])
        s = scale_of(value) if scale is None else scale
        integer = value.dtype.kind in "iu" or (rtol == 0 and not atol)
        step = tolerance_at(abs(flat[i]), rtol, atol, s, integer) or 1e-6
        if value.dtype.kind in "iu":
            flat[i] += int(math.ceil(step))
        else:
            flat[i] = flat[i] + step
        return out
    if isinstance(value, list | tuple):
        items = list(value)
        for i, item in enumerate(items):
            moved = perturbed(np.asarray(item) if isinstance(item, list) else item, rtol, atol)
            if moved is not None:
                items[i] = moved
                return type(value)(items) if isinstance(value, tuple) else items
    return None


def numbers_types():
    return (int, float, complex, np.integer, np.floating, np.complexfloating)


# ---------------------------------------------------------------- 1. equivalent forms


def number_forms(ref, rtol, atol):
    forms = {"float": float(ref), "np.float64": np.float64(ref), "0-d array": np.array(ref)}
    forms["one-entry array"] = np.array([ref])
    if float(ref).is_integer() and abs(ref) < 2**31:
        forms |= {"int": int(ref), "np.int32": np.int32(ref), "np.int64": np.int64(ref)}
    tol = (rtol * max(abs(ref), 1e-300) if atol is None else atol) + rtol * abs(ref)
    if abs(float(np.float32(ref)) - ref) <= 0.5 * tol:
        forms["np.float32"] = np.float32(ref)
    return forms


def array_forms(ref: np.ndarray, rtol, atol, strict: bool):
    forms = {"list": ref.tolist()}
    if ref.ndim >= 1:
        forms["tuple"] = tuple(ref.tolist())
    kind = ref.dtype.kind
    if kind == "f":
        small = ref.astype(np.float32)
        atol_ = rtol * scale_of(ref) if atol is None else atol
        if np.all(np.abs(small.astype(float) - ref) <= 0.5 * (atol_ + rtol * np.abs(ref))):
            forms["float32"] = small
    if kind in "iu":
        if np.all(np.abs(ref) < 2**31):
            forms["int32"] = ref.astype(np.int32)
        if not strict:
            forms["float array of integers"] = ref.astype(float)
    return forms


def function_forms(reference):
    def wrapped(*args, **kwargs):
        return reference(*args, **kwargs)

    def as_lists(*args, **kwargs):
        out = reference(*args, **kwargs)
        if isinstance(out, np.ndarray) and out.ndim >= 1 and (out.size or out.ndim == 1):
            return out.tolist()  # (a list cannot hold the shape of an empty 2-D array)
        if isinstance(out, float):
            return np.float64(out)
        return out

    return {"a wrapper": wrapped, "lists and NumPy scalars": as_lists}


def choice_forms(check):
    letters = list(check.correct)
    if check.multiple:
        return {
            "list": letters,
            "tuple": tuple(letters),
            "set": set(letters),
            "upper case": [x.upper() for x in letters],
            '"b, c" text': ", ".join(letters),
            '["b, c"]': [", ".join(letters)],
            "NumPy array": np.array(letters),
        }
    (letter,) = letters
    return {
        "text": letter,
        "upper case": letter.upper(),
        "(b)": f"({letter})",
        "list": [letter],
        "NumPy array": np.array([letter]),
        "0-d array": np.array(letter),
    }


@pytest.mark.parametrize(("name", "exercise_id"), AUTOMATIC)
def test_the_reference_in_equivalent_forms_is_accepted(name, exercise_id):
    spec = spec_of(name, exercise_id)
    check = spec.check
    problems = []
    for seed in seeds_of(name, exercise_id):
        inst = instance(name, exercise_id, seed)
        ref = inst.reference
        if check.kind == "choice":
            forms = choice_forms(check)
        elif check.kind in ("function", "expression"):
            forms = function_forms(ref)
        elif isinstance(ref, np.ndarray) and ref.ndim >= 1:
            forms = array_forms(ref, check.rtol, check.atol, check.strict_dtype)
        elif isinstance(ref, bool | np.bool_):
            forms = {"np.bool_": np.bool_(ref), "0-d array": np.array(bool(ref))}
        elif isinstance(ref, numbers_types()) or (isinstance(ref, np.ndarray) and ref.ndim == 0):
            value = ref[()] if isinstance(ref, np.ndarray) else ref
            if isinstance(value, complex | np.complexfloating):
                forms = {"complex": complex(value), "0-d array": np.array(value)}
            else:
                forms = number_forms(value, check.rtol, check.atol)
        elif isinstance(ref, list | tuple):
            forms = {"array": np.asarray(ref), "list": list(ref)}
        else:
            forms = {}
        for form, value in forms.items():
            feedback = run_check(inst, value)
            if not feedback.correct:
                problems.append(f"{where(exercise_id, seed)}: the reference as {form}: {feedback}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- 2. perturbed by 10x


def _perturbed_answer(inst: Instance, check):
    ref = inst.reference
    if check.kind == "choice":
        valid = [chr(ord("a") + i) for i in range(len(check.options))]
        wrong = [x for x in valid if x not in check.correct]
        return wrong[:1] if check.multiple else wrong[0]
    if check.kind == "function":
        moved_any = []

        def moved(*args):
            out = ref(*args)
            new = perturbed(out, check.rtol, check.atol)
            if new is None:
                return out
            moved_any.append(True)
            return new

        return moved if _moves_some_case(inst, check) else None
    if check.kind == "expression":
        scale = scale_of(inst.expected_values)

        def moved(*args):
            out = np.asarray(ref(*args), dtype=float)
            atol = check.rtol * scale if check.atol is None else check.atol
            return out + 10 * (atol + check.rtol * np.abs(out))

        return moved
    return perturbed(ref, check.rtol, check.atol)


def _moves_some_case(inst: Instance, check) -> bool:
    return any(
        ok and perturbed(value, check.rtol, check.atol) is not None
        for ok, value, _ in inst.expected
    )


@pytest.mark.parametrize(("name", "exercise_id"), AUTOMATIC)
def test_the_reference_moved_by_ten_tolerances_is_rejected(name, exercise_id):
    check = spec_of(name, exercise_id).check
    problems = []
    for seed in seeds_of(name, exercise_id):
        inst = instance(name, exercise_id, seed)
        answer = _perturbed_answer(inst, check)
        assert answer is not None, (
            f"{where(exercise_id, seed)}: no hidden case returns a number, array, text or "
            "truth value that could be moved by its tolerance"
        )
        feedback = run_check(inst, answer)
        if feedback.correct:
            problems.append(
                f"{where(exercise_id, seed)}: the reference moved by 10x its tolerance "
                f"(rtol={check.rtol}, atol={check.atol}) is accepted"
            )
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- 3. hostile inputs


def _raises(*args):
    raise RuntimeError("hostile")


def _wrong_shape(*args):
    return np.zeros((7, 3, 2))


def _loops(*args):
    while True:
        pass


def _sleeps(*args):
    time.sleep(3600)


def _nan(*args):
    return float("nan")


HOSTILE_VALUES = {
    "None": None,
    "NaN": float("nan"),
    "text": "forty-two",
    "a huge array": np.zeros(10**6),
    "a dict": {"a": 1},
}
HOSTILE_FUNCTIONS = {
    "a raising function": _raises,
    "a function returning the wrong shape": _wrong_shape,
    "a function returning NaN": _nan,
    "a function that loops for ever": _loops,
    "a function that sleeps for an hour": _sleeps,
}


@pytest.mark.parametrize(("name", "exercise_id"), AUTOMATIC)
def test_hostile_inputs_get_a_category_never_an_exception_or_a_hang(name, exercise_id):
    inst = instance(name, exercise_id, None)
    hostile = dict(HOSTILE_VALUES)
    if spec_of(name, exercise_id).check.kind in ("function", "expression"):
        hostile |= HOSTILE_FUNCTIONS
    problems = []
    with time_budget(HOSTILE_BUDGET):
        for label, value in hostile.items():
            start = time.perf_counter()
            try:
                feedback = run_check(inst, value)
            except BaseException as exc:  # noqa: BLE001 - that is the failure reported
                problems.append(f"{exercise_id}: {label} raised {type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - start
            if feedback.category not in CATEGORIES or not feedback.message:
                problems.append(f"{exercise_id}: {label} got no proper feedback: {feedback!r}")
            if feedback.correct:
                problems.append(f"{exercise_id}: {label} is accepted as correct")
            if elapsed > HOSTILE_BUDGET + 2.0:
                problems.append(f"{exercise_id}: {label} took {elapsed:.1f} s")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- 4. no parameter is the answer


@pytest.mark.parametrize(("name", "exercise_id"), AUTOMATIC)
def test_no_parameter_is_the_answer(name, exercise_id):
    spec = spec_of(name, exercise_id)
    check = spec.check
    if not spec.params or check.kind not in ("number", "array"):
        return  # nothing to leak: no parameters, or the answer is a function or a letter
    problems = []
    for seed in seeds_of(name, exercise_id):
        inst = instance(name, exercise_id, seed)
        for key, value in inst.params.items():
            if not isinstance(value, numbers_types() + (np.ndarray,)) or isinstance(
                value, bool | np.bool_
            ):
                continue
            category, _ = compare_value(value, inst.reference, check.rtol, check.atol)
            if category == "correct":
                problems.append(
                    f"{where(exercise_id, seed)}: params[{key!r}] is the answer "
                    "(the learner reads it off `ex(id).params`)"
                )
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- 5. diagnosed wrong answers


@pytest.mark.parametrize(("name", "exercise_id"), AUTOMATIC)
def test_wrong_answers_carry_learner_facing_messages(name, exercise_id):
    spec = spec_of(name, exercise_id)
    needed = 2 if spec.level in (2, 3) else 1
    with_message = sum(w.message is not None for w in spec.wrong)
    assert with_message >= needed, (
        f"{exercise_id} (level {spec.level}): {with_message} wrong answer(s) with a `message`, "
        f"{needed} needed"
    )
