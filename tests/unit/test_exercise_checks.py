"""Check kinds: the feedback category for typical mistakes, the likely cause of a wrong
shape, no leaked answers, and (hypothesis) no exception whatever the learner passes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_exercise_support import sample_bank  # noqa: F401  (fixture)

from mfml.exercises import CATEGORIES, Feedback
from mfml.exercises.checks import run_check
from mfml.exercises.compare import compare_array, compare_number, compare_value, shape_cause
from mfml.exercises.instance import Instance


def category(result):
    return result[0]


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (..., "not_attempted"),
        (None, "not_attempted"),
        (2.5, "correct"),
        (np.float32(2.5), "correct"),
        (np.array(2.5), "correct"),
        ("2.5", "wrong_type"),
        (True, "wrong_type"),
        ([2.5], "wrong_type"),
        (np.array([2.5]), "correct"),  # one-entry array: accepted with a note
        (np.array([[2.5]]), "correct"),
        (np.array([2.5, 1.0]), "wrong_shape"),
        (float("nan"), "not_finite"),
        (float("inf"), "not_finite"),
        (10**400, "not_finite"),
        (2.5 * (1 + 1e-4), "close"),
        (3.5, "incorrect"),
        (2.5 + 0j, "correct"),
        (2.5 + 1j, "wrong_type"),
    ],
)
def test_number_feedback(value, expected):
    assert category(compare_number(value, 2.5, rtol=1e-9, atol=0)) == expected


def test_number_messages_never_contain_the_answer():
    reference = 123.456789
    for value in [0.0, 123.4, 1e9, float("nan"), "x", [1, 2]]:
        message = compare_number(value, reference, 1e-9, 0)[1]
        assert "123.45" not in message


# ---------------------------------------------------------------- arrays


@pytest.mark.parametrize(
    ("got", "want", "cause"),
    [
        ((4, 1), (4,), "`(n,)` against `(n, 1)`"),
        ((1, 4), (4,), "`(n,)` against `(n, 1)`"),
        ((4,), (4, 1), "`(n,)` against `(n, 1)`"),
        ((3, 2), (2, 3), "missing transpose"),
        ((4, 4), (4,), "accidental broadcast"),
        ((4, 4), (4, 1), "accidental broadcast"),
        ((), (3,), "reduction"),
        ((4, 5, 3), (4, 5), "missing reduction"),
        ((2,), (2, 2), "integer index"),
        ((6,), (2, 3), "reshape"),
    ],
)
def test_wrong_shape_names_the_likely_cause(got, want, cause):
    assert cause in shape_cause(got, want)
    result = compare_array(np.zeros(got), np.ones(want), 1e-7, 0)
    assert result[0] == "wrong_shape"
    assert cause in result[1]


def test_array_feedback_categories():
    ref = np.arange(6.0).reshape(2, 3) + 0.5
    assert category(compare_array(ref.copy(), ref, 1e-9, 0)) == "correct"
    assert category(compare_array(ref.tolist(), ref, 1e-9, 0)) == "correct"
    assert category(compare_array([[1, 2], [3]], ref, 1e-9, 0)) == "wrong_type"
    assert category(compare_array("abc", ref, 1e-9, 0)) == "wrong_type"
    assert category(compare_array(np.array([..., ...]), ref, 1e-9, 0)) == "not_attempted"
    with_nan = ref.copy()
    with_nan[1, 2] = np.nan
    result = compare_array(with_nan, ref, 1e-9, 0)
    assert result[0] == "not_finite" and "(1, 2)" in result[1]
    assert category(compare_array(ref * (1 + 1e-3), ref, 1e-9, 0)) == "close"
    assert category(compare_array(ref + 1, ref, 1e-9, 0)) == "incorrect"


def test_array_dtype_kind_comes_from_the_reference():
    ints = np.array([1, -2, 3])
    # a float array of integers is accepted for an integer answer, unless the bank is strict
    assert category(compare_array(np.array([1.0, -2.0, 3.0]), ints, 0, 0)) == "correct"
    noisy = np.array([1.0, -2.0, 3.0]) + 1e-12
    assert category(compare_array(noisy, ints, 0, 0)) == "correct"
    strict = compare_array(np.array([1.0, -2.0, 3.0]), ints, 0, 0, strict=True)
    assert category(strict) == "wrong_type"
    assert category(compare_array(np.array([1.5, -2.0, 3.0]), ints, 0, 0)) == "wrong_type"
    assert category(compare_array(np.array([1, -2, 3], dtype=np.int16), ints, 0, 0)) == "correct"
    mask = np.array([True, False])
    assert category(compare_array(np.array([1, 0]), mask, 0, 0)) == "wrong_type"
    assert category(compare_array(np.array([1, 0]), np.array([1.0, 0.0]), 0, 0)) == "correct"


def test_incorrect_square_array_points_at_the_transpose():
    ref = np.array([[1.0, 2.0], [3.0, 4.0]])
    category_, message = compare_array(ref.T, ref, 1e-9, 0)
    assert category_ == "incorrect" and "transpose" in message


def test_compare_value_handles_none_tuples_and_bools():
    assert category(compare_value(None, None, 0, 0)) == "correct"
    assert category(compare_value((1, 2), None, 0, 0)) == "incorrect"
    assert category(compare_value([5, 4, 3], (5, 4, 3), 0, 0)) == "correct"
    assert category(compare_value(True, np.bool_(True), 0, 0)) == "correct"
    assert category(compare_value(1, True, 0, 0)) == "wrong_type"


# ---------------------------------------------------------------- kinds via instances


def by_id(bank, exercise_id):
    return Instance(bank.get(exercise_id))


def test_function_check_reports_exceptions_without_traceback(sample_bank):  # noqa: F811
    instance = by_id(sample_bank, "99.3")

    def square(x):
        raise ZeroDivisionError("boom")

    feedback = run_check(instance, square)
    assert feedback.category == "error"
    assert "ZeroDivisionError: boom" in feedback.message
    assert "square(" in feedback.message  # names the input it failed on
    assert "Traceback" not in feedback.message


def test_function_check_categories(sample_bank):  # noqa: F811
    instance = by_id(sample_bank, "99.3")
    assert run_check(instance, lambda x: np.asarray(x) ** 2).category == "correct"
    assert run_check(instance, lambda x: None).category == "not_attempted"
    assert run_check(instance, 42).category == "wrong_type"
    assert run_check(instance, lambda: 1).category == "error"
    nan_for_arrays = lambda x: np.asarray(x) ** 2 * np.nan  # noqa: E731
    assert run_check(instance, nan_for_arrays).category == "not_finite"
    feedback = run_check(instance, lambda x: np.asarray(x) ** 2 + 1)
    assert feedback.category == "incorrect" and "hidden cases" in feedback.message


def test_a_declared_wrong_answer_shows_its_message(sample_bank):  # noqa: F811
    number = by_id(sample_bank, "99.1")
    a, b = number.params["a"], number.params["b"]
    feedback = run_check(number, a + b)
    assert feedback.category == "incorrect"
    assert feedback.message == f"You added {a} and {b}: the task multiplies them."
    assert str(a * b) not in feedback.message
    assert "You added" not in run_check(number, a + b + 7).message
    assert run_check(by_id(sample_bank, "99.4"), "A").message == (
        "Option (a) describes something else."
    )
    doubled = run_check(by_id(sample_bank, "99.3"), lambda x: np.asarray(x) * 2)
    assert doubled.category == "incorrect" and "Doubling is not squaring." in doubled.message
    product = run_check(by_id(sample_bank, "99.6"), lambda x, y: y * x)
    assert product.message == "The constant term is missing."


def test_choice_check_accepts_letters_in_several_forms(sample_bank):  # noqa: F811
    single, multiple = by_id(sample_bank, "99.4"), by_id(sample_bank, "99.5")
    for answer in ["b", "B", " (b) ", ["b"]]:
        assert run_check(single, answer).category == "correct", answer
    assert run_check(single, "a").category == "incorrect"
    assert run_check(single, "q").category == "wrong_type"
    assert run_check(single, "a, b").category == "wrong_type"
    for answer in [["a", "c"], {"c", "a"}, "a, c", "ac", ("C", "A")]:
        assert run_check(multiple, answer).category == "correct", answer
    message = run_check(multiple, ["a", "b"]).message
    assert "not correct" in message and "missing" in message


def test_expression_check(sample_bank):  # noqa: F811
    instance = by_id(sample_bank, "99.6")
    assert run_check(instance, lambda x, y: 1 + y * x).category == "correct"
    assert run_check(instance, lambda x, y: x * y).category == "incorrect"
    assert run_check(instance, lambda x, y: 1 / (x - x)).category in ("error", "not_finite")
    assert run_check(instance, lambda x, y: "no").category == "wrong_type"
    assert run_check(instance, lambda x, y: (x * y + 1) * 1.001).category == "close"


def test_rubric_check(sample_bank):  # noqa: F811
    instance = by_id(sample_bank, "99.7")
    assert run_check(instance, []).category == "not_attempted"
    assert run_check(instance, [1, 2]).category == "correct"
    assert run_check(instance, True).category == "correct"
    assert run_check(instance, [True, False]).category == "incorrect"
    assert run_check(instance, [3]).category == "wrong_type"


# ---------------------------------------------------------------- hostile inputs

KINDS = ["99.1", "99.2", "99.3", "99.4", "99.5", "99.6", "99.7"]


def _raises(*args):
    raise RuntimeError("nope")


def _exits(*args):
    raise SystemExit(3)


def _recurses(*args):
    return _recurses(*args)


class _Weird:
    def __eq__(self, other):
        raise TypeError("cannot compare")

    def __array__(self, *args, **kwargs):
        raise ValueError("no array")

    def __float__(self):
        raise ValueError("no float")


FUNCTIONS = st.sampled_from(
    [
        _raises,
        _exits,
        _recurses,
        lambda *a: "garbage",
        lambda *a: object(),
        lambda *a: np.full(10_000, np.nan),
        lambda *a: [[1, 2], [3]],
        lambda *a: (x for x in range(3)),
        lambda *a: _Weird(),
        lambda: 1,
        lambda *a: 10**400,
        lambda *a: {"a": 1},
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.just(...),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.just(10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.complex_numbers(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
    st.binary(max_size=5),
)
NESTED = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4), max_leaves=12)
ARRAYS = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.int64, np.uint8, np.bool_, np.complex128]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
)
HOSTILE = st.one_of(
    NESTED,
    ARRAYS,
    FUNCTIONS,
    st.sets(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
    st.just(_Weird()),
    st.just(np.array(None)),
    st.just(type),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(exercise_id=st.sampled_from(KINDS), value=HOSTILE)
def test_a_check_never_raises(sample_bank, exercise_id, value):  # noqa: F811
    instance = by_id(sample_bank, exercise_id)
    feedback = run_check(instance, value)
    assert isinstance(feedback, Feedback)
    assert feedback.category in CATEGORIES
    assert feedback.message
    assert "SOLUTION-MARK" not in str(feedback)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.one_of(ARRAYS, NESTED))
def test_number_feedback_never_shows_the_expected_value(sample_bank, value):  # noqa: F811
    instance = by_id(sample_bank, "99.1")
    feedback = run_check(instance, value)
    if feedback.category != "correct":
        assert str(instance.reference) not in feedback.message


# ---------------------------------------------------------------- generic diagnoses


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (-7.25, "sign is flipped"),
        (14.5, "Twice"),
        (3.625, "Half"),
        (7.25 * 180 / np.pi, "degrees where radians"),
        (7.25 / np.log(10), "base 10"),
        (7.25 * 5, "factor n = 5"),
        (7.25 / 5, "1/n with n = 5"),
        (7.25 * 5 / 4, "n/(n−1) with n = 5"),
        (7.25 * 4 / 5, "(n−1)/n with n = 5"),
        (7.25**2, "square of the expected"),
    ],
)
def test_a_simple_transformation_of_the_answer_is_named(value, words):
    category_, message = compare_number(value, 7.25, 1e-9, None, sizes=[5])
    assert category_ == "incorrect" and words in message, message
    assert "7.25" not in message


def test_an_integer_off_by_one_is_named():
    assert "Off by one" in compare_number(19, 18, 0, 0)[1]
    assert "Off by one" not in compare_number(19.5, 18.5, 0, 0)[1]


def test_array_diagnoses_transpose_factor_and_axis():
    want = np.array([[1.0, 2.0], [3.0, 5.0]])
    assert "transpose" in compare_array(want.T, want, 1e-9, None)[1]
    assert "sign is flipped" in compare_array(-want, want, 1e-9, None)[1]
    assert "factor n = 3" in compare_array(3 * want, want, 1e-9, None, sizes=[3])[1]
    X = np.arange(12.0).reshape(3, 4)
    category_, message = compare_array(X.sum(axis=1), X.sum(axis=0), 1e-9, None, shapes=[X.shape])
    assert category_ == "wrong_shape" and "other axis" in message


def test_a_generic_not_correct_says_so_without_the_value():
    category_, message = compare_number(3.0, 7.123, 1e-9, None)
    assert category_ == "incorrect" and message == "This is not the expected value."


# ---------------------------------------------------------------- right answers accepted


def test_right_answers_in_every_reasonable_form(sample_bank):  # noqa: F811
    number = by_id(sample_bank, "99.1")
    ref = number.reference
    for form in [ref, float(ref), np.int64(ref), np.float32(ref), np.array(ref), np.array([ref])]:
        assert run_check(number, form).correct, repr(form)
    assert "plain number" in run_check(number, np.array([ref])).message
    assert run_check(number, ref + 1e-12).correct  # rounding noise on an exact integer
    assert not run_check(number, ref + 1).correct
    single, multiple = by_id(sample_bank, "99.4"), by_id(sample_bank, "99.5")
    for form in [np.array("b"), np.array(["b"]), ("b",), {"b"}, np.str_("b")]:
        assert run_check(single, form).correct, repr(form)
    for form in [np.array(["a", "c"]), ("c", "a"), {"a", "c"}, "a, c", ["a, c"], "(a), (c)", "A C"]:
        assert run_check(multiple, form).correct, repr(form)
    assert compare_value(np.array(True), True, 0, 0)[0] == "correct"
    assert compare_value(np.bool_(False), False, 0, 0)[0] == "correct"
    assert compare_value(np.array([True]), True, 0, 0)[0] == "correct"


def test_correct_is_said_once_and_the_box_is_accessible(sample_bank):  # noqa: F811
    number = by_id(sample_bank, "99.1")
    feedback = run_check(number, number.reference)
    assert str(feedback) == "✓ 99.1: Correct."
    html = feedback._repr_html_()
    assert html.startswith("<output") and "mfml-feedback-correct" in html
    assert "background-color" in html and "✓" in html
    quiet_line = run_check(number, ...)._repr_html_()
    assert "not_attempted" in quiet_line and "background-color" not in quiet_line
