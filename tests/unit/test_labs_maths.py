"""The labs' pure functions (numpy in, numpy out) against known values and properties."""

import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mfml.labs import common as c
from mfml.labs import lab01, lab02, lab03, lab04, lab05, lab06, lab07, lab08, lab09, lab10, maths

finite = st.floats(-5, 5, allow_nan=False, allow_infinity=False)
vec2 = st.tuples(finite, finite).map(np.array)


# --- common -----------------------------------------------------------------------------------


def test_arrow_paths_shape_and_zero_length():
    X, Y = c.arrow_paths(np.zeros((2, 2)), np.array([[1.0, 0.0], [0.0, 0.0]]))
    assert X.shape == Y.shape == (2, 5)
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(Y))
    assert X[0, 1] == 1.0 and Y[0, 1] == 0.0  # the head is the second point
    assert np.all(X[1] == 0) and np.all(Y[1] == 0)  # a zero arrow is a point, not NaN


def test_pad_paths_repeats_last_point():
    X, Y = c.pad_paths([np.array([[0, 0], [1, 1], [2, 0]]), np.array([[5, 5]])])
    assert X.shape == (2, 3)
    assert X[1].tolist() == [5, 5, 5] and Y[1].tolist() == [5, 5, 5]
    X, Y = c.pad_paths([])
    assert X.size == 0 and Y.size == 0


def test_finite_runs_split_at_gaps_and_clip():
    x = np.arange(6.0)
    y = np.array([1.0, np.nan, 2.0, 3.0, np.inf, 100.0])
    runs = c.finite_runs(x, y, (-10, 10))
    assert [r[:, 0].tolist() for r in runs] == [[0.0], [2.0, 3.0], [5.0]]
    assert runs[-1][0, 1] == 10.0


def test_line_in_box():
    seg = c.line_in_box(1, 1, 0, (-1, 1, -1, 1))  # x + y = 0
    assert np.allclose(sorted(seg.tolist()), [[-1, 1], [1, -1]])
    seg = c.line_in_box(1, 0, 0.5, (-1, 1, -1, 1))  # x = 0.5
    assert np.allclose(seg[:, 0], 0.5) and np.allclose(sorted(seg[:, 1]), [-1, 1])
    assert c.line_in_box(1, 0, 5, (-1, 1, -1, 1)) is None  # misses
    assert c.line_in_box(0, 0, 1, (-1, 1, -1, 1)) is None  # 0 = 1: no line


def test_grid_lines_identity_and_image():
    X, Y = c.grid_lines(np.eye(2), n=2)
    assert X.shape == (10, 2)
    assert X[:5, 0].tolist() == [-2, -1, 0, 1, 2]  # vertical lines x = i
    A = np.array([[2.0, 1.0], [0.0, 1.0]])
    X2, Y2 = c.grid_lines(A, n=2)
    pts = np.stack([X.ravel(), Y.ravel()], axis=1) @ A.T
    assert np.allclose(X2.ravel(), pts[:, 0]) and np.allclose(Y2.ravel(), pts[:, 1])


def test_contour_of_a_circle_is_one_closed_curve():
    g = np.linspace(-2, 2, 61)
    X, Y = np.meshgrid(g, g)
    paths = c.contour_paths(g, g, X**2 + Y**2, 1.0)
    assert len(paths) == 1
    p = paths[0]
    assert np.allclose(p[0], p[-1])  # closed
    assert np.allclose(np.hypot(p[:, 0], p[:, 1]), 1.0, atol=5e-3)


def test_contour_of_a_saddle_has_two_open_branches():
    g = np.linspace(-2, 2, 41)
    X, Y = np.meshgrid(g, g)
    paths = c.contour_paths(g, g, X * Y, 0.5)
    assert len(paths) == 2
    for p in paths:
        assert np.allclose(p[:, 0] * p[:, 1], 0.5, atol=0.02)
        assert not np.allclose(p[0], p[-1])


def test_contour_outside_the_range_is_empty():
    g = np.linspace(-1, 1, 11)
    X, Y = np.meshgrid(g, g)
    assert c.contour_paths(g, g, X**2 + Y**2, 10.0) == []


def test_fmt_never_prints_nan():
    assert c.fmt(float("nan")) == "undefined"
    assert c.fmt(float("inf")) == "∞"
    assert c.fmt(1e-9) == "1.00e-09"
    assert c.fmt(-0.0) == "0"
    assert c.fmt(2.5, 2) == "2.50"


# --- lab 1 ------------------------------------------------------------------------------------


def test_lab01_shift_moves_the_graph_right():
    x = np.linspace(-2, 2, 9)
    for name in lab01.ZOO:
        if name.startswith("log"):
            continue
        base = lab01.evaluate(name, x)
        assert np.allclose(lab01.transform(name, x + 1.5, h=1.5), base)
        assert np.allclose(lab01.transform(name, x, k=2.0), base + 2.0)
        assert np.allclose(lab01.transform(name, x, flip_b=True), lab01.evaluate(name, -x))
        assert np.allclose(lab01.transform(name, x, a=3.0, flip_a=True), -3.0 * base)
        # with a shift, -b mirrors about the line x = h and -a about y = k (not the axes)
        h, k = 1.5, 0.5
        y = lab01.transform(name, x, h=h, k=k)
        assert np.allclose(lab01.transform(name, 2 * h - x, h=h, k=k, flip_b=True), y)
        assert np.allclose(lab01.transform(name, x, h=h, k=k, flip_a=True), 2 * k - y)
        assert np.allclose(lab01.transform(name, x / 2, b=2.0), base)


def test_lab01_zoo_values():
    x = np.array([-1.0, 0.0, 2.0])
    assert np.allclose(lab01.evaluate("σ(x) (sigmoid)", x), 1 / (1 + np.exp(-x)))
    assert np.allclose(lab01.evaluate("softplus(x)", x), np.log1p(np.exp(x)))
    assert lab01.evaluate("ReLU(x)", x).tolist() == [0.0, 0.0, 2.0]
    # the sigmoid's symmetry that "Try this" 4 relies on
    assert np.allclose(
        lab01.transform("σ(x) (sigmoid)", x, k=1.0, flip_a=True, flip_b=True),
        lab01.evaluate("σ(x) (sigmoid)", x),
    )


def test_lab01_log_outside_its_domain_is_nan_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = lab01.evaluate("log x (logarithm)", np.array([-1.0, 0.0, 1.0]))
    assert np.isnan(y[0]) and y[1] == -np.inf and y[2] == 0.0


def test_lab01_composition_order_matters():
    x = np.linspace(-1, 1, 5)
    y = lab01.transform("x² (quadratic)", x, h=1.0)
    g_of_y = lab01.compose("eˣ (exponential)", y)
    y_of_g = lab01.transform("x² (quadratic)", np.exp(x), h=1.0)
    assert np.allclose(g_of_y, np.exp((x - 1) ** 2))
    assert np.allclose(y_of_g, (np.exp(x) - 1) ** 2)


def test_lab01_formula():
    assert lab01.formula("x² (quadratic)") == "x^2"
    assert lab01.formula("x³ (cubic)", b=2) == "(2x)^3"
    assert lab01.formula("eˣ (exponential)", b=2) == "e^{2x}"
    assert lab01.formula("x² (quadratic)", h=-1.5, flip_a=True) == "-(x + 1.5)^2"
    assert lab01.formula("x² (quadratic)", h=1, arg="e^{x}") == "(e^{x} - 1)^2"
    assert (
        lab01.formula("σ(x) (sigmoid)", a=2, b=0.5, h=1, k=-0.3, flip_b=True)
        == "2\\,\\sigma(-0.5(x - 1)) - 0.3"
    )
    assert lab01.apply("x² (quadratic)", "x") == "x^2"
    assert lab01.apply("x² (quadratic)", "x - 1") == "(x - 1)^2"


# --- lab 2 ------------------------------------------------------------------------------------


def test_lab02_combination_and_head_to_tail():
    u, v = np.array([2.0, 0.5]), np.array([0.5, 1.5])
    w = lab02.combination(u, v, 1.5, -1.0)
    assert np.allclose(w, [2.5, -0.75])
    path = lab02.head_to_tail(u, v, 1.5, -1.0)
    assert np.allclose(path[0], 0) and np.allclose(path[1], 1.5 * u) and np.allclose(path[2], w)


def test_lab02_span_cases():
    assert lab02.span([1, 0], [0, 1])[0] == "plane"
    kind, d = lab02.span([2, 0.5], [0.4, 0.1])
    assert kind == "line" and np.allclose(d, np.array([2, 0.5]) / np.hypot(2, 0.5))
    assert lab02.span([0, 0], [0, 0])[0] == "point"
    assert lab02.span([0, 0], [1, 1])[0] == "line"
    # slider values carry float noise; 0.1 * 3 is not 0.3 but the span is still a line
    assert lab02.span([0.1 * 3, 0.6], [0.3, 0.2 * 3])[0] == "line"


@given(vec2)
def test_lab02_norm_ordering(x):
    n = lab02.norms(x)
    assert n["Linf"] <= n["L2"] + 1e-12 and n["L2"] <= n["L1"] + 1e-12
    assert np.isclose(n["L2"], np.linalg.norm(x))


def test_lab02_coordinates_solve_the_combination():
    u, v = np.array([2.0, 0.5]), np.array([0.5, 1.5])
    ab = lab02.coordinates(u, v, lab02.combination(u, v, 0.7, -1.2))
    assert np.allclose(ab, [0.7, -1.2])
    assert lab02.coordinates(u, 2 * u, u) is None


# --- lab 3 ------------------------------------------------------------------------------------


@given(vec2, vec2)
def test_lab03_residual_is_orthogonal_to_the_direction(u, v):
    p, r = lab03.project(u, v)
    assert np.allclose(p + r, u)
    if np.linalg.norm(v) > 1e-3:
        assert abs(r @ v) <= 1e-9 * (1 + np.linalg.norm(u) * np.linalg.norm(v))
        assert abs(p[0] * v[1] - p[1] * v[0]) <= 1e-9 * (1 + np.linalg.norm(u) * np.linalg.norm(v))


@given(vec2, vec2)
def test_lab03_cauchy_schwarz(u, v):
    assert abs(lab03.dot(u, v)) <= np.linalg.norm(u) * np.linalg.norm(v) * (1 + 1e-12) + 1e-12


def test_lab03_known_values():
    u = lab03.from_polar(2.0, 90.0)
    assert np.allclose(u, [0, 2])
    v = np.array([3.0, 0.0])
    assert lab03.dot(u, v) == pytest.approx(0, abs=1e-12)
    assert lab03.angle_deg([1, 0], [1, 1]) == pytest.approx(45)
    assert lab03.cosine_similarity([1, 0], [-2, 0]) == pytest.approx(-1)
    p, r = lab03.project([3.0, 4.0], [2.0, 0.0])
    assert np.allclose(p, [3, 0]) and np.allclose(r, [0, 4])


def test_lab03_zero_vector_is_handled():
    assert lab03.cosine_similarity([1, 2], [0, 0]) is None
    assert lab03.angle_deg([0, 0], [1, 2]) is None
    p, r = lab03.project([1.0, 2.0], [0.0, 0.0])
    assert np.all(p == 0) and np.allclose(r, [1, 2])


def test_lab03_arc_takes_the_short_way():
    pts = lab03.arc(170, -170, 1.0, n=5)
    angles = np.degrees(np.arctan2(pts[:, 1], pts[:, 0]))
    assert np.all(np.abs(angles) >= 170 - 1e-9)


# --- lab 4 ------------------------------------------------------------------------------------


def test_lab04_determinants_of_presets():
    P = lab04.PRESETS
    assert lab04.determinant(P["shear"]) == 1.0
    assert lab04.determinant(P["reflect"]) == -1.0
    assert lab04.determinant(P["rotate 90°"]) == 1.0
    assert lab04.determinant(P["scale"]) == 3.0  # a scale changes areas (diag(2, 0.5) did not)
    assert lab04.determinant(P["singular"]) == 0.0
    assert lab04.rank(P["singular"]) == 1 and lab04.inverse(P["singular"]) is None
    assert lab04.rank(np.zeros((2, 2))) == 0


def test_lab04_rotation_preserves_lengths():
    t = 0.7
    R = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    pts = np.random.default_rng(1).normal(size=(20, 2))
    assert np.allclose(np.linalg.norm(lab04.transform(R, pts), axis=1), np.linalg.norm(pts, axis=1))
    assert lab04.determinant(R) == pytest.approx(1.0)


@given(st.lists(finite, min_size=4, max_size=4))
def test_lab04_image_of_unit_square_has_area_det(entries):
    A = np.array(entries).reshape(2, 2)
    square = lab04.transform(A, lab04.UNIT_SQUARE)
    assert lab04.polygon_area(square) == pytest.approx(lab04.determinant(A), abs=1e-9)
    assert lab04.determinant(A) == pytest.approx(np.linalg.det(A), abs=1e-9)


def test_lab04_inverse():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    assert np.allclose(lab04.inverse(A) @ A, np.eye(2))
    assert "orientation flips" in lab04.describe(lab04.PRESETS["reflect"])
    assert "collapses onto a line" in lab04.describe(lab04.PRESETS["singular"])


# --- lab 5 ------------------------------------------------------------------------------------


def test_lab05_classification():
    assert lab05.classify(np.eye(2), [1, 2]) == lab05.ONE
    assert lab05.classify([[1, 1], [2, 2]], [1, 2]) == lab05.INFINITE
    assert lab05.classify([[1, 1], [2, 2]], [1, 3]) == lab05.NONE
    assert lab05.classify(np.zeros((2, 2)), [0, 0]) == lab05.INFINITE
    assert lab05.classify(np.zeros((2, 2)), [0, 1]) == lab05.NONE
    assert lab05.classify([[0, 0], [1, -1]], [2, 0]) == lab05.NONE
    for name, (a11, a12, b1, a21, a22, b2) in lab05.PRESETS.items():
        kind = lab05.classify([[a11, a12], [a21, a22]], [b1, b2])
        expected = {"no solution": lab05.NONE, "infinitely many": lab05.INFINITE}
        assert kind == expected.get(name, lab05.ONE), name


def test_lab05_solution_and_condition_number():
    A = np.array([[1.0, 1.0], [1.0, 1.1]])
    b = np.array([2.0, 2.0])
    assert np.allclose(lab05.solve(A, b), np.linalg.solve(A, b))
    assert lab05.condition_number(A) == pytest.approx(np.linalg.cond(A))
    assert lab05.condition_number([[1, 2], [2, 4]]) == float("inf")
    assert lab05.solve([[1, 2], [2, 4]], [1, 2]) is None
    # scaling an equation changes kappa but not the solution
    assert lab05.condition_number([[1, 1], [1, -1]]) == pytest.approx(1.0)
    assert lab05.condition_number([[0.5, 0.5], [1, -1]]) == pytest.approx(2.0)


def test_lab05_perturbed_solutions_reach_eps_over_sigma_min():
    A = np.array([[1.0, 1.0], [1.0, 1.1]])
    b = np.array([2.0, 2.0])
    ring = lab05.perturbed_solutions(A, b, 0.1, n=721)
    x = np.linalg.solve(A, b)
    smin = np.linalg.svd(A, compute_uv=False)[-1]
    assert np.max(np.linalg.norm(ring - x, axis=1)) == pytest.approx(0.1 / smin, rel=1e-4)
    assert lab05.perturbed_solutions([[1, 2], [2, 4]], b, 0.1) is None


# --- lab 6 ------------------------------------------------------------------------------------


def test_lab06_symmetric_matrix_matches_eigh():
    A = np.array([[2.0, 1.0], [1.0, 2.0]])
    kind, angles = lab06.eigen_directions(A)
    assert kind == "some" and np.allclose(angles, [45, 135])
    lam, Q = np.linalg.eigh(A)
    got = sorted(lab06.eigenvalue_along(A, t) for t in angles)
    assert np.allclose(got, lam)


def test_lab06_special_cases():
    assert lab06.eigen_directions([[0, -1], [1, 0]])[0] == "none"  # rotation
    assert lab06.eigen_directions(1.5 * np.eye(2))[0] == "all"
    kind, angles = lab06.eigen_directions([[1, 1], [0, 1]])  # shear: defective
    assert kind == "some" and np.allclose(angles, [0])
    kind, angles = lab06.eigen_directions([[1, 0], [0, 0]])  # projection
    assert np.allclose(angles, [0, 90])
    kind, angles = lab06.eigen_directions([[1, 2], [1, 0]])  # not symmetric
    assert np.allclose(angles, [np.degrees(np.arctan2(1, 2)), 135])


@settings(max_examples=200)
@given(st.lists(finite, min_size=4, max_size=4))
@example([4.0, 6.103515625e-05, 6.103515625e-05, 4.0])  # nearly repeated, symmetric: 45 and 135
def test_lab06_directions_are_eigenvectors(entries):
    A = np.array(entries).reshape(2, 2)
    kind, angles = lab06.eigen_directions(A)
    lam = np.linalg.eigvals(A)
    real = np.all(np.abs(lam.imag) <= 1e-9 * (1 + np.abs(lam).max()))
    if kind == "none":
        assert not real or np.isclose(lam[0], lam[1], atol=1e-6)
    for t in angles:
        v = lab06.unit_vector(t)
        Av = A @ v
        assert abs(v[0] * Av[1] - v[1] * Av[0]) <= 1e-6 * (1 + np.abs(A).max())
        assert abs(lab06.cross(A, t)) <= 1e-6 * (1 + np.abs(A).max())


def test_lab06_cross_curve_and_eigenvalues():
    A = np.array([[2.0, 1.0], [1.0, 2.0]])
    t = np.arange(0.5, 360, 1.0)  # avoid sampling the zeros themselves
    y = lab06.cross(A, t)
    assert np.count_nonzero(np.diff(np.sign(y)) != 0) == 4
    assert np.allclose(lab06.eigenvalues(A), [3, 1])
    assert lab06.angle_between([1, 0], [0, 2]) == pytest.approx(90)
    assert lab06.angle_between([1, 0], [0, 0]) is None


# --- lab 7 ------------------------------------------------------------------------------------


def test_lab07_cloud_has_exactly_the_chosen_covariance():
    Z = lab07.standard_sample(150, seed=3)
    assert np.allclose(Z.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(lab07.covariance(Z), np.eye(2))
    X = lab07.make_cloud(Z, 2.0, 1.0, 0.6)
    assert np.allclose(lab07.covariance(X), [[4.0, 1.2], [1.2, 1.0]])
    assert np.allclose(lab07.covariance(X), np.cov(X.T, bias=True))


def test_lab07_principal_axes_match_svd_and_maximise_variance():
    X = lab07.make_cloud(lab07.standard_sample(150), 2.0, 1.0, 0.6)
    lam, Q = lab07.principal_axes(X)
    Xc = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    assert np.allclose(lam, s**2 / len(X))
    assert abs(Q[:, 0] @ Vt[0]) == pytest.approx(1.0)
    assert lab07.variance_along(X, Q[:, 0]) == pytest.approx(lam[0])
    phis = np.arange(0, 180, 0.5)
    curve = lab07.variance_curve(lab07.covariance(X), phis)
    assert curve.max() <= lam[0] + 1e-12 and curve.min() >= lam[1] - 1e-12
    assert lab07.variance_along(X, maths.unit_vector(37.0)) == pytest.approx(
        lab07.variance_curve(lab07.covariance(X), [37.0])[0]
    )


@given(st.floats(0, 180))
def test_lab07_variance_plus_error_is_total_variance(phi):
    X = lab07.make_cloud(lab07.standard_sample(60), 1.5, 0.7, -0.4)
    u = maths.unit_vector(phi)
    total = np.trace(lab07.covariance(X))
    assert lab07.variance_along(X, u) + lab07.reconstruction_error(X, u) == pytest.approx(total)


def test_lab07_projection_lies_on_the_line():
    X = lab07.make_cloud(lab07.standard_sample(30), 1.0, 2.0, 0.3)
    u = maths.unit_vector(60)
    z, Xhat = lab07.project_onto(X, u)
    d = Xhat - X.mean(axis=0)
    assert np.allclose(d[:, 0] * u[1] - d[:, 1] * u[0], 0)
    assert np.allclose((X - Xhat) @ u, 0)
    assert lab07.angle_of([-1.0, -1.0]) == pytest.approx(45)


# --- lab 8 ------------------------------------------------------------------------------------


def test_lab08_central_differences_are_second_order():
    fn = lab08.FUNCTIONS["sin x"]
    e1 = lab08.error_curve(fn.f, fn.df, 1.0, np.array([1e-2]), lab08.CENTRAL)[0]
    e2 = lab08.error_curve(fn.f, fn.df, 1.0, np.array([1e-3]), lab08.CENTRAL)[0]
    assert e1 / e2 == pytest.approx(100, rel=0.01)
    assert e1 == pytest.approx(1e-4 * np.cos(1.0) / 6, rel=0.01)  # h² |f'''| / 6


def test_lab08_forward_differences_are_first_order():
    fn = lab08.FUNCTIONS["eˣ"]
    e1 = lab08.error_curve(fn.f, fn.df, 0.5, np.array([1e-3]), lab08.FORWARD)[0]
    e2 = lab08.error_curve(fn.f, fn.df, 0.5, np.array([1e-4]), lab08.FORWARD)[0]
    assert e1 / e2 == pytest.approx(10, rel=0.01)
    assert e1 == pytest.approx(1e-3 * np.exp(0.5) / 2, rel=0.01)  # h |f''| / 2


@pytest.mark.parametrize("name", list(lab08.FUNCTIONS))
def test_lab08_derivatives_match_central_differences(name):
    fn = lab08.FUNCTIONS[name]
    h = 1e-4
    for x in (-1.3, 0.0, 0.7):
        for k in range(1, lab08.ORDERS):
            numeric = (fn.derivs[k - 1](x + h) - fn.derivs[k - 1](x - h)) / (2 * h)
            assert float(fn.derivs[k](x)) == pytest.approx(numeric, rel=1e-6, abs=1e-7), (k, x)


@pytest.mark.parametrize("name", list(lab08.FUNCTIONS))
def test_lab08_truncation_model_matches_the_measured_error(name):
    """Where truncation dominates, the model's truncation term is the measured error."""
    fn = lab08.FUNCTIONS[name]
    for x in (-1.3, 0.7, 1.0):
        for scheme, h in ((lab08.FORWARD, 1e-4), (lab08.CENTRAL, 1e-3)):
            measured = lab08.error_curve(fn.f, fn.df, x, np.array([h]), scheme)[0]
            model = lab08.truncation_model(fn, x, h, scheme)
            assert measured == pytest.approx(float(model), rel=0.02), (x, scheme)


def test_lab08_round_off_dominates_for_tiny_h():
    for name, fn in lab08.FUNCTIONS.items():
        for scheme in (lab08.FORWARD, lab08.CENTRAL):
            e = lab08.error_curve(fn.f, fn.df, 1.0, np.array([1e-5, 1e-13]), scheme)
            assert e[1] > e[0], (name, scheme)
    fn = lab08.FUNCTIONS["sin x"]
    assert lab08.regime(fn, 1.0, 1e-12, lab08.FORWARD) == "round-off"
    assert lab08.regime(fn, 1.0, 1e-2, lab08.FORWARD) == "truncation"
    assert lab08.regime(fn, 1.0, 1e-16, lab08.FORWARD) == "cancelled"  # 1 + 1e-16 == 1
    assert lab08.forward_difference(fn.f, 1.0, 1e-16) == 0.0


def test_lab08_regime_follows_the_model_not_the_noise():
    """The review's counter-examples: at h = 1e-9 (sin, x = 1) the truncation term is 4e-10
    and the measured error 5e-8, so round-off dominates; the old argmin-based verdict said
    "balanced". Now "balanced" only where the two model terms are within a factor 4."""
    fn = lab08.FUNCTIONS["sin x"]
    assert lab08.regime(fn, 1.0, 1e-9, lab08.FORWARD) == "round-off"
    assert lab08.regime(fn, -1.3, 1.6e-9, lab08.FORWARD) == "round-off"
    for name, fn in lab08.FUNCTIONS.items():
        for x in np.arange(-2.0, 2.01, 0.25):
            for scheme in (lab08.FORWARD, lab08.CENTRAL):
                for h in 10.0 ** np.arange(-12.0, -4.9, 0.1):
                    t = float(lab08.truncation_model(fn, x, h, scheme))
                    r = float(lab08.round_off_model(fn, x, h))
                    kind = lab08.regime(fn, x, h, scheme)
                    if kind == "balanced":
                        assert max(t, r) < lab08.DOMINATES * min(t, r), (name, x, h, scheme)
                    elif kind == "truncation":
                        assert t >= lab08.DOMINATES * r
                    elif kind == "round-off":
                        assert r >= lab08.DOMINATES * t


def test_lab08_best_steps_are_the_theory():
    fn = lab08.FUNCTIONS["sin x"]
    x = 1.0
    eps, f, f2, f3 = lab08.MACHINE_EPS, np.sin(x), np.sin(x), np.cos(x)
    h_fwd = lab08.best_step(fn, x, lab08.FORWARD)
    h_cen = lab08.best_step(fn, x, lab08.CENTRAL)
    assert h_fwd == pytest.approx(np.sqrt(2 * eps * f / f2), rel=0.05)  # 2.1e-8
    assert h_cen == pytest.approx((3 * eps * f / f3) ** (1 / 3), rel=0.05)  # 1.2e-5
    # the model's minimum is smooth: a nearby x gives a nearby best step (the measured
    # argmin can jump by a decade between neighbours)
    for x2 in (0.95, 1.05):
        assert lab08.best_step(fn, x2, lab08.FORWARD) == pytest.approx(h_fwd, rel=0.2)


def test_lab08_cubic_central_error_is_exactly_h_squared():
    fn = lab08.FUNCTIONS["x³ − 2x"]
    hs = np.array([1e-1, 1e-2])
    assert np.allclose(lab08.error_curve(fn.f, fn.df, 1.0, hs, lab08.CENTRAL), hs**2, rtol=1e-9)
    assert np.allclose(lab08.truncation_model(fn, 1.0, hs, lab08.CENTRAL), hs**2, rtol=1e-12)
    pts = lab08.secant_points(fn.f, 1.0, 0.5, lab08.CENTRAL)
    assert pts[:, 0].tolist() == [0.5, 1.5]


# --- lab 9 ------------------------------------------------------------------------------------


def _quadratic(L, mu):
    return lambda x, y: (L * x, mu * y)


@pytest.mark.parametrize("L", [1.0, 10.0, 3.0])
def test_lab09_quadratic_diverges_above_2_over_L(L):
    grad = _quadratic(L, 1.0 if L > 1 else 0.5)
    below = lab09.gradient_descent(grad, (1.0, 1.0), 1.9 / L, steps=300)
    above = lab09.gradient_descent(grad, (1.0, 1.0), 2.1 / L, steps=300)
    assert not below.diverged and np.linalg.norm(below.path[-1]) < 1e-6
    assert above.diverged and above.steps < 300
    assert np.all(np.isfinite(above.path))
    assert lab09.critical_rate(L) == pytest.approx(2 / L)


def test_lab09_momentum_raises_the_limit():
    grad = _quadratic(10.0, 1.0)
    beta = 0.5
    assert lab09.critical_rate(10.0, beta) == pytest.approx(0.3)
    ok = lab09.gradient_descent(grad, (1.0, 1.0), 0.25, momentum=beta, steps=300)
    bad = lab09.gradient_descent(grad, (1.0, 1.0), 0.31, momentum=beta, steps=600)
    plain = lab09.gradient_descent(grad, (1.0, 1.0), 0.25, steps=300)
    assert not ok.diverged and np.linalg.norm(ok.path[-1]) < 1e-6
    assert bad.diverged and plain.diverged


def test_lab09_one_step_is_the_update_rule():
    run = lab09.gradient_descent(_quadratic(2.0, 1.0), (1.0, -2.0), 0.1, momentum=0.9, steps=2)
    # v1 = -0.1 * (2, -2); theta1 = (0.8, -1.8); v2 = 0.9 v1 - 0.1 * (1.6, -1.8)
    assert np.allclose(run.path[1], [0.8, -1.8])
    assert np.allclose(run.path[2], [0.8 - 0.18 - 0.16, -1.8 + 0.18 + 0.18])


@pytest.mark.parametrize("name", list(lab09.LOSSES))
def test_lab09_gradients_match_central_differences(name):
    loss = lab09.LOSSES[name]
    h = 1e-6
    for x, y in [(0.3, -0.7), (-1.2, 1.1), (1.5, 2.0)]:
        gx, gy = loss.grad(x, y)
        nx = (loss.f(x + h, y) - loss.f(x - h, y)) / (2 * h)
        ny = (loss.f(x, y + h) - loss.f(x, y - h)) / (2 * h)
        assert gx == pytest.approx(nx, rel=1e-6, abs=1e-6)
        assert gy == pytest.approx(ny, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("name", list(lab09.LOSSES))
def test_lab09_minima_and_f_star(name):
    loss = lab09.LOSSES[name]
    _, _, Z = lab09.loss_grid(loss, 2.5, n=201)
    assert Z.min() >= loss.f_star - 1e-12
    assert min(loss.f(*m) for m in loss.minima) == pytest.approx(loss.f_star)
    for m in loss.minima:
        assert np.hypot(*loss.grad(*m)) < 1e-9
    X, Y, colours = lab09._contours(name)
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(Y)) and len(colours) == X.shape[0]


def test_lab09_default_rates_converge():
    for loss in lab09.LOSSES.values():
        run = lab09.gradient_descent(loss.grad, loss.start, loss.lr, steps=300)
        assert not run.diverged


def test_lab09_contour_levels_increase():
    loss = lab09.LOSSES["Rosenbrock"]
    _, _, Z = lab09.loss_grid(loss, 2.5)
    levels = lab09.contour_levels(Z, loss.f_star)
    assert np.all(np.diff(levels) > 0) and levels[0] > loss.f_star


# --- lab 10 -----------------------------------------------------------------------------------


def test_lab10_fit_matches_lstsq_and_polyfit():
    x, y = lab10.make_data(12, seed=4)
    w, b = lab10.fit_line(x, y)
    theta = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
    assert np.allclose([w, b], theta)
    assert np.allclose([w, b], np.polyfit(x, y, 1))
    assert np.allclose(lab10.gradient(x, y, w, b), 0, atol=1e-12)
    assert np.sum(lab10.residuals(x, y, w, b)) == pytest.approx(0, abs=1e-12)


def test_lab10_exact_line_has_zero_loss():
    x = np.array([0.0, 1.0, 2.0])
    y = 2 * x - 1
    assert np.allclose(lab10.fit_line(x, y), [2, -1])
    assert lab10.mse(x, y, 2.0, -1.0) == pytest.approx(0)
    assert lab10.mse(x, y, 2.0, 0.0) == pytest.approx(1.0)


def test_lab10_loss_surface_is_vectorised():
    x, y = lab10.make_data()
    W, B = np.meshgrid(np.linspace(-1, 2, 4), np.linspace(0, 3, 5))
    L = lab10.mse(x, y, W, B)
    assert L.shape == W.shape
    assert L[2, 1] == pytest.approx(np.mean((y - W[2, 1] * x - B[2, 1]) ** 2))


def test_lab10_gradient_matches_finite_differences():
    x, y = lab10.make_data()
    g = lab10.gradient(x, y, 0.3, 1.7)
    h = 1e-6
    gw = (lab10.mse(x, y, 0.3 + h, 1.7) - lab10.mse(x, y, 0.3 - h, 1.7)) / (2 * h)
    gb = (lab10.mse(x, y, 0.3, 1.7 + h) - lab10.mse(x, y, 0.3, 1.7 - h)) / (2 * h)
    assert np.allclose(g, [gw, gb], rtol=1e-6)


def test_lab10_ellipses_are_level_sets():
    x, y = lab10.make_data()
    w, b = lab10.fit_line(x, y)
    best = lab10.mse(x, y, w, b)
    for e, ring in zip([0.1, 1.0], lab10.loss_ellipses(x, y, [0.1, 1.0]), strict=True):
        assert np.allclose(lab10.mse(x, y, ring[:, 0], ring[:, 1]), best + e)


def test_lab10_all_x_equal_is_handled():
    x = np.full(5, 2.0)
    y = np.arange(5.0)
    w, b = lab10.fit_line(x, y)
    assert 2 * w + b == pytest.approx(2.0)  # every minimiser passes through the mean
    rings = lab10.loss_ellipses(x, y, [1.0])
    assert np.all(np.isfinite(rings[0]))


# --- the shared maths module and the display rules --------------------------------------------


def test_maths_imports_no_widgets():
    """Chapters may import mfml.labs.maths: it must not load bqplot or ipywidgets."""
    import subprocess
    import sys

    code = (
        "import sys, mfml.labs.maths; "
        "bad = [m for m in ('bqplot', 'ipywidgets') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_maths_helpers():
    assert np.allclose(maths.sigmoid([-1.0, 0.0, 2.0]), 1 / (1 + np.exp(-np.array([-1, 0, 2]))))
    assert maths.sigmoid(-800.0) == 0.0 and maths.sigmoid(800.0) == 1.0  # no overflow
    assert maths.unit_vector(90.0).tolist() == [0.0, 1.0]  # cos 90° is 6e-17, shown as 0
    assert maths.unit_vector([0.0, 180.0]).shape == (2, 2)
    assert lab01.sigmoid is maths.sigmoid and lab06.unit_vector is maths.unit_vector
    assert maths.det2([[1, 2], [3, 4]]) == -2.0
    assert maths.clean([1e-17, 0.5], 1.0).tolist() == [0.0, 0.5]
    assert maths.clean(1e-13, 1e-3) == 1e-13  # small, but not small relative to its scale


@pytest.mark.parametrize(
    "M, rank",
    [
        (np.eye(2), 2),
        (np.zeros((2, 2)), 0),
        ([[1, 2], [0.5, 1]], 1),
        ([[1, 1], [1, 1 + 1e-10]], 1),  # κ = 4e10: singular by the one rule
        ([[1e-12, 0], [0, 1e-12]], 2),  # tiny but well conditioned
        ([[0.1 * 3, 0.3], [0.6, 0.2 * 3]], 1),  # slider float noise: still singular
    ],
)
def test_one_rank_rule_and_condition_number_agree(M, rank):
    """The review found lab 5 calling [[1, 1], [1, 1 + 1e-10]] "infinitely many solutions"
    while printing κ = 4e10: rank and κ now come from one rule."""
    assert maths.matrix_rank(M) == rank
    assert (maths.condition_number(M) == float("inf")) == (rank < 2)
    assert lab04.rank(M) == rank
    if rank == 1:
        assert lab05.classify(M, [0.0, 0.0]) == lab05.INFINITE
        assert lab05.solve(M, [0.0, 0.0]) is None


def test_fmt_shows_rounding_noise_as_zero_relative_to_its_scale():
    assert c.fmt(4.33e-17, scale=6.0) == "0"  # u · v at 90°, with ‖u‖ ‖v‖ = 6
    assert c.fmt(4.33e-17) == "4.33e-17"  # without a scale, the raw number
    assert c.fmt(1e-9, scale=1.0) == "1.00e-09"  # small but real
    assert c.fmt_vec([-3.3, -1.1e-16], scale=4.0) == "(-3.30, 0)"
    assert c.fmt(None) == "undefined"


def test_memo_recomputes_only_when_the_key_changes():
    calls = []
    memo = c.Memo()

    def compute():
        calls.append(1)
        return len(calls)

    assert memo(("a", 1), compute) == 1
    assert memo(("a", 1), compute) == 1
    assert memo(("a", 2), compute) == 2
    assert len(calls) == 2


def test_preset_buttons_and_reset():
    lab = lab04.build()
    sliders = [lab.controls[k] for k in "abcd"]
    lab.controls["preset singular"].click()
    assert [s.value for s in sliders] == [1.0, 2.0, 0.5, 1.0]
    lab.controls["t"].value = 0.3
    lab.controls["reset"].click()
    assert [s.value for s in sliders] == [1.0, 0.5, 0.0, 1.0] and lab.controls["t"].value == 1
    with pytest.raises(ValueError):
        c.preset_buttons({"bad": [1, 2, 3]}, sliders, lab.refresh)


def test_lab02_norm_balls_pass_through_w():
    w = np.array([1.5, -0.5])
    diamond, circle, square = lab02.norm_balls(w)
    assert np.allclose(np.abs(diamond).sum(axis=1), 2.0)
    assert np.allclose(np.hypot(*circle.T), np.hypot(*w))
    assert np.allclose(np.abs(square).max(axis=1), 1.5)


def test_lab03_shadow_two_faces_and_right_angle():
    u, v = np.array([3.0, 4.0]), np.array([2.0, 0.0])
    assert lab03.signed_shadow(u, v) == 3.0 and lab03.signed_shadow(-u, v) == -3.0
    assert lab03.signed_shadow(u, [0, 0]) is None
    assert lab03.length_times_cosine(u, v) == pytest.approx(lab03.dot(u, v))
    assert lab03.length_times_cosine(u, [0, 0]) is None
    p, r = lab03.project(u, v)
    mark = lab03.right_angle_mark(p, r, [1.0, 0.0])
    assert np.allclose(mark, [[2.75, 0], [2.75, 0.25], [3, 0.25]])
    assert lab03.right_angle_mark(u, np.zeros(2), [1.0, 0.0]) is None


def test_lab04_morph_goes_from_identity_to_a():
    A = np.array([[-1.0, 0.0], [0.0, 1.0]])
    assert np.array_equal(lab04.morph(A, 0.0), np.eye(2))
    assert np.array_equal(lab04.morph(A, 1.0), A)
    for t in (0.25, 0.5, 0.75):
        assert lab04.determinant(lab04.morph(A, t)) == pytest.approx(1 - 2 * t)


def test_lab05_sensitivity_without_an_inverse():
    A = np.array([[1.0, 1.0], [1.0, 1.1]])
    b = np.array([2.0, 2.0])
    radius = lab05.sensitivity_radius(A, 0.1)
    assert radius == pytest.approx(0.1 * np.linalg.norm(np.linalg.inv(A), 2))
    # scaling A and b by 3 keeps κ and shrinks the region (the review's counter-example)
    assert lab05.sensitivity_radius(3 * A, 0.1) == pytest.approx(radius / 3)
    assert maths.condition_number(3 * A) == pytest.approx(maths.condition_number(A))
    worst, bound = lab05.relative_change(A, b, 0.1, n=721)
    assert worst <= bound and worst > 0.5 * bound
    assert lab05.sensitivity_radius([[1, 2], [2, 4]], 0.1) == float("inf")
    assert lab05.relative_change(A, [0.0, 0.0], 0.1) is None  # x = 0: no relative change


@pytest.mark.parametrize(
    "entries, lam",
    [
        ([[1.5, 0.5], [-0.5, 0.5]], 1.0),
        ([[3.0, 1.0], [-1.0, 1.0]], 2.0),
        ([[0.1, 0.1], [-0.1, 0.3]], 0.2),
        ([[1.0, 1.0], [0.0, 1.0]], 1.0),
    ],
)
def test_lab06_defective_matrices_are_recognised(entries, lam):
    """np.linalg.eigvals returns 1 ± 1e-8 (or a complex pair) for these: the lab decides from
    the discriminant (a - d)² + 4bc instead."""
    A = np.array(entries)
    assert lab06.is_defective(A)
    assert np.array_equal(lab06.eigenvalues(A), [lam, lam])
    kind, angles = lab06.eigen_directions(A)
    assert kind == "some" and angles.size == 1
    v = maths.unit_vector(angles[0])
    assert np.allclose(A @ v, lam * v)


def test_lab06_not_defective():
    for A in ([[2.0, 1.0], [1.0, 2.0]], 1.5 * np.eye(2), [[0.0, -1.0], [1.0, 0.0]]):
        assert not lab06.is_defective(A)
    lam = lab06.eigenvalues([[0.0, -1.0], [1.0, 0.0]])
    assert np.allclose(lam, [1j, -1j]) or np.allclose(lam, [-1j, 1j])
    assert lab06.discriminant([[0.0, -1.0], [1.0, 0.0]]) == -4.0
    assert lab06.lined_up(0.4) and lab06.lined_up(-179.5) and not lab06.lined_up(2.0)
    assert not lab06.lined_up(None)


def test_lab07_raw_sample_is_only_near_the_chosen_covariance():
    Z = lab07.raw_sample(150, seed=1)
    S = lab07.covariance(lab07.make_cloud(Z, 2.0, 1.0, 0.6))
    assert not np.allclose(S, [[4.0, 1.2], [1.2, 1.0]], atol=1e-3)
    assert np.allclose(S, [[4.0, 1.2], [1.2, 1.0]], atol=1.0)


@pytest.mark.parametrize("name", list(lab09.LOSSES))
def test_lab09_hessians_match_finite_differences(name):
    loss = lab09.LOSSES[name]
    h = 1e-5
    for x, y in [(0.3, -0.7), (-1.2, 1.1), (1.0, 1.0)]:
        H = np.asarray(loss.hessian(x, y), dtype=float)
        gxp, gyp = loss.grad(x + h, y)
        gxm, gym = loss.grad(x - h, y)
        assert H[:, 0] == pytest.approx([(gxp - gxm) / (2 * h), (gyp - gym) / (2 * h)], abs=1e-5)
        gxp, gyp = loss.grad(x, y + h)
        gxm, gym = loss.grad(x, y - h)
        assert H[:, 1] == pytest.approx([(gxp - gxm) / (2 * h), (gyp - gym) / (2 * h)], abs=1e-5)


def test_lab09_rosenbrock_limit_at_the_minimum():
    """The review's diagnosis of prompt 4: λ_max = 101.6 at (1, 1), so 2/λ_max < 0.02."""
    loss = lab09.LOSSES["Rosenbrock"]
    lam = lab09.largest_curvature(loss, (1.0, 1.0))
    assert lam == pytest.approx(101.606, abs=1e-3)
    assert lab09.critical_rate(lam) < 0.02 < lab09.critical_rate(lam, 0.8)


def test_lab09_contraction_factors():
    assert np.allclose(lab09.contraction_factors([1.0, 10.0], 0.15), [0.85, 0.5])
    assert np.allclose(lab09.contraction_factors([10.0], 0.1), [0.0])
    # with momentum: below 1 exactly when lr < 2 (1 + β) / λ
    assert lab09.contraction_factors([10.0], 0.29, 0.5)[0] < 1
    assert lab09.contraction_factors([10.0], 0.31, 0.5)[0] > 1
    # it predicts the measured rate of the narrow valley at lr = 0.15
    loss = lab09.LOSSES["narrow valley"]
    run = lab09.gradient_descent(loss.grad, loss.start, 0.15, steps=80)
    err = np.linalg.norm(run.path, axis=1)
    assert err[-1] / err[-2] == pytest.approx(0.85, rel=1e-6)


def test_lab09_assess_has_one_notion_of_diverged():
    loss = lab09.LOSSES["narrow valley"]
    for lr, kind in ((0.15, "moving"), (0.3, "diverged"), (0.21, "left")):
        run = lab09.gradient_descent(loss.grad, loss.start, lr, steps=60, bound=1e3)
        verdict = lab09.assess(loss, run, 2.5)
        assert verdict.kind == kind, lr
        assert verdict.diverged == (kind in ("diverged", "left"))
        assert np.all(np.isfinite(verdict.losses))
    run = lab09.gradient_descent(loss.grad, loss.start, 0.15, steps=300)
    assert lab09.assess(loss, run, 2.5).kind == "converged"


def test_lab10_hessian_is_lab9s_h():
    """L = L* + ½ (θ − θ*)ᵀ H (θ − θ*) with H = (2/N) XᵀX, the Hessian: the same H as lab 9,
    so plain descent is stable exactly below 2 / λ_max(H)."""
    x, y = lab10.make_data()
    H = lab10.hessian(x)
    w, b = lab10.fit_line(x, y)
    d = np.array([0.3, -0.4])
    assert lab10.mse(x, y, w + d[0], b + d[1]) == pytest.approx(
        lab10.mse(x, y, w, b) + 0.5 * d @ H @ d
    )
    lam_max = np.linalg.eigvalsh(H)[-1]
    for lr, stable in ((1.9 / lam_max, True), (2.1 / lam_max, False)):
        theta = np.array([w, b]) + d
        for _ in range(400):
            theta = theta - lr * lab10.gradient(x, y, *theta)
        assert (np.linalg.norm(theta - [w, b]) < 1e-3) == stable


def test_lab10_slice_and_descent():
    x, y = lab10.make_data()
    w, b = lab10.fit_line(x, y)
    ws = np.linspace(-2, 3, 11)
    L = lab10.loss_slice(x, y, b, ws)
    A, B, _ = np.polyfit(ws, L, 2)
    assert A == pytest.approx(np.mean(x * x)) and -B / (2 * A) == pytest.approx(w)
    path, eta = lab10.descent_path(x, y, (w - 1, b + 2), steps=50)
    assert eta == pytest.approx(1 / np.linalg.eigvalsh(lab10.hessian(x))[-1])
    losses = lab10.mse(x, y, path[:, 0], path[:, 1])
    assert np.all(np.diff(losses) < 0) and losses[-1] > lab10.mse(x, y, w, b)
    assert lab10.has_unique_fit(x) and not lab10.has_unique_fit(np.full(4, 2.0))
    assert lab10.gradient_scale(x, y, w, b) > 1e3 * np.abs(lab10.gradient(x, y, w, b)).max()


def test_lab09_downhill_arrows_are_perpendicular_to_the_contours():
    loss = lab09.LOSSES["narrow valley"]
    run = lab09.gradient_descent(loss.grad, loss.start, 0.15, steps=20)
    tails, heads = lab09.downhill_arrows(loss, run.path, 2.5)
    assert len(tails) == 8 and np.allclose(np.linalg.norm(heads - tails, axis=1), 0.35)
    for t, h in zip(tails, heads, strict=True):
        g = np.array(loss.grad(*t))
        assert np.allclose((h - t) / 0.35, -g / np.linalg.norm(g))  # along −∇f
        # the contour through t has tangent (g_y, -g_x): perpendicular to the arrow
        assert abs((h - t) @ np.array([g[1], -g[0]])) < 1e-12
    # at the minimum the gradient is 0: a zero-length arrow, not NaN
    tails, heads = lab09.downhill_arrows(loss, np.zeros((1, 2)), 2.5)
    assert np.array_equal(tails, heads)
