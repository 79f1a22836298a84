"""Every "Try this" prompt of the ten labs, done as the prompt says.

Each test builds a fresh lab, then follows its prompts in order, through the lab's controls
(sliders, dropdowns, preset buttons, the reset button, dragged points), exactly as a learner
would, and asserts what each prompt promises, reading `lab.values` and the status line. A
prompt that says something the lab does not do fails here. The prompts themselves are in
labs/labNN-*.md; the step numbers below are theirs.
"""

import html
import re
import warnings

import numpy as np
import pytest

from mfml.labs import lab01, lab02, lab03, lab04, lab05, lab06, lab07, lab08, lab09, lab10, maths

# the modules are imported above, outside the warnings-as-errors fixture: importing bqplot and
# ipywidgets for the first time emits a DeprecationWarning that is theirs, not the labs'
assert [m.build for m in (lab01, lab02, lab03, lab04, lab05, lab06, lab07, lab08, lab09, lab10)]


@pytest.fixture(autouse=True)
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def text(lab) -> str:
    """The status line as a learner reads it: tags removed, one line per <br>."""
    plain = re.sub(r"</?[a-z]+[^>]*>", "", lab.status.value.replace("<br>", "\n"))
    return html.unescape(plain)


def distance_to_polyline(point, xs, ys) -> float:
    """The distance from a point to a polyline given by its vertices."""
    p = np.asarray(point, dtype=float)
    a = np.column_stack([xs[:-1], ys[:-1]])
    b = np.column_stack([xs[1:], ys[1:]])
    d = b - a
    t = np.clip(
        np.einsum("ij,ij->i", p - a, d) / np.maximum(np.einsum("ij,ij->i", d, d), 1e-300), 0, 1
    )
    return float(np.min(np.linalg.norm(a + t[:, None] * d - p, axis=1)))


def line_with(lab, start: str) -> str:
    """The status line that starts with `start`."""
    (line,) = [s for s in text(lab).splitlines() if s.startswith(start)]
    return line


def slide(control, values):
    """Move a slider through `values`, as a drag does, yielding after each position."""
    for v in values:
        control.value = v
        yield v


def test_lab01_prompts():
    lab = lab01.build()
    ctl = lab.controls
    x = lab.values["x"]
    sigma = maths.sigmoid
    step = x[1] - x[0]  # 0.025

    # 1. With f = σ, move h to 2: the curve moves right by 2; the dot is at x = h.
    assert ctl["f"].value == "σ(x) (sigmoid)"
    before = lab.values["y"].copy()
    ctl["h"].value = 2.0
    shift = round(2.0 / step)
    assert np.allclose(lab.values["y"][shift:], before[:-shift], rtol=0, atol=1e-15)
    assert lab.values["formula"] == "\\sigma(x - 2)"
    assert list(lab.marks["anchor"].x) == [2.0] and list(lab.marks["anchor"].y) == [0.5]

    # 2. b = 2 squeezes towards the line x = h by a factor 2; a = 2 stretches vertically.
    ctl["b"].value = 2.0
    assert np.allclose(lab.values["y"], sigma(2 * (x - 2)), rtol=0, atol=1e-15)
    for d in (-1.0, 0.5, 1.25):  # the value f had at 2d from 0 is now at d from x = h
        assert lab.values["y"][np.isclose(x, 2 + d)] == pytest.approx(before[np.isclose(x, 2 * d)])
    ctl["a"].value = 2.0
    assert np.allclose(lab.values["y"], 2 * sigma(2 * (x - 2)), rtol=0, atol=1e-15)

    # 3. reset, log x, tick −b: the curve lives on x < 0; the status says part of the window
    #    is outside the domain. Then h = 2: the mirror line x = h moves, the curve lives on x < 2.
    ctl["reset"].click()
    assert (ctl["h"].value, ctl["a"].value, ctl["b"].value) == (0.0, 1.0, 1.0)
    ctl["f"].value = "log x (logarithm)"
    ctl["flip_b"].value = True
    defined = x[np.isfinite(lab.values["y"])]
    assert defined.size and defined.max() < 0
    assert "outside the domain of f" in text(lab)
    assert "mirrors the graph left–right about the line x = h = 0" in text(lab)
    ctl["h"].value = 2.0
    defined = x[np.isfinite(lab.values["y"])]
    assert defined.max() < 2 and defined.max() > 2 - 2 * step
    ok = np.isfinite(lab.values["y"])
    assert np.allclose(lab.values["y"][ok], np.log(2 - x[ok]))

    # 4. reset, σ, both mirrors, k = 1: the blue curve lands exactly on the dashed one.
    ctl["reset"].click()
    assert ctl["f"].value == "σ(x) (sigmoid)" and not ctl["flip_b"].value
    ctl["flip_a"].value = True
    ctl["flip_b"].value = True
    ctl["k"].value = 1.0
    assert np.allclose(lab.values["y"], lab.values["f"], rtol=0, atol=1e-15)

    # 5. reset, f = x², h = 1, g = eˣ: the two orders are e^{(x−1)²} and (eˣ − 1)².
    ctl["reset"].click()
    ctl["f"].value = "x² (quadratic)"
    ctl["h"].value = 1.0
    ctl["g"].value = "eˣ (exponential)"
    assert ctl["order"].value == "g(y(x))"
    g_of_y = lab.values["composition"].copy()
    with np.errstate(over="ignore"):
        assert np.allclose(g_of_y, np.exp((x - 1) ** 2))
    assert lab.values["composition_formula"] == "e^{(x - 1)^2}"
    ctl["order"].value = "y(g(x))"
    assert np.allclose(lab.values["composition"], (np.exp(x) - 1) ** 2)
    assert lab.values["composition_formula"] == "(e^{x} - 1)^2"
    assert not np.allclose(g_of_y, lab.values["composition"])  # two different functions

    # 6. reset, f = x, g = log x: the composition exists only for x > 0, and the status
    #    counts where it is undefined.
    ctl["reset"].click()
    ctl["f"].value = "x (linear)"
    ctl["g"].value = "log x (logarithm)"
    comp = lab.values["composition"]
    assert np.all(np.isfinite(comp) == (x > 0))
    undefined = int(np.sum(x <= 0))
    assert f"composition is undefined on {undefined} of {x.size} sample points" in text(lab)


def test_lab02_prompts():
    lab = lab02.build()
    ctl = lab.controls
    u, v = lab.values["u"], lab.values["v"]

    # 1. a = b = 1: w is the diagonal u + v; moving a slides the path and w follows.
    assert np.array_equal(lab.values["w"], u + v)
    for a in slide(ctl["a"], [0.5, -0.7, 1.3]):
        assert np.allclose(lab.values["w"], a * u + v)
        assert np.allclose(lab.marks["path"].x[2, 1], lab.values["w"][0])  # the w arrow

    # 2. v = (0.4, 0.1) ∥ u: the span is the dashed line, det = 0, w never leaves the line.
    ctl["v1"].value, ctl["v2"].value = 0.4, 0.1
    assert lab.values["span"] == "line" and lab.marks["span"].visible
    assert "det [u v] = 0" in text(lab)
    assert "span only the dashed line" in text(lab)
    for a, b in [(1.0, 1.0), (-2.0, 2.0), (0.3, -1.7)]:
        ctl["a"].value, ctl["b"].value = a, b
        w = lab.values["w"]
        assert w[0] * u[1] - w[1] * u[0] == pytest.approx(0.0, abs=1e-12)

    # 3. reset; find a w whose three norms are equal (it lies on an axis; the three shapes
    #    touch there). Zeros print as 0, not as -1.1e-16.
    ctl["reset"].click()
    assert lab.values["span"] == "plane"
    ctl["a"].value, ctl["b"].value = -0.5, 2.0
    assert np.array_equal(lab.values["w"], [0.0, 2.75])
    assert "‖w‖₁ = 2.75, ‖w‖₂ = 2.75, ‖w‖∞ = 2.75" in text(lab)
    assert "w = a·u + b·v = (0, 2.75)" in text(lab)
    X, Y = lab.marks["norm balls"].x, lab.marks["norm balls"].y
    for row in range(3):  # each shape passes through w
        assert distance_to_polyline([0.0, 2.75], X[row], Y[row]) < 1e-12
    ctl["a"].value, ctl["b"].value = -1.8, 0.6  # the review's case: (-3.30, -1.1e-16)
    assert "w = a·u + b·v = (-3.30, 0)" in text(lab)

    # 4. Drag the head of w: a and b jump to its coordinates (steps of 0.1), w lands nearby.
    head = lab.marks["head of w"]
    target = np.array([1.0, 1.0])
    with head.hold_trait_notifications():
        head.x, head.y = target[:1], target[1:]
    exact = np.linalg.solve(np.column_stack([u, v]), target)
    assert (ctl["a"].value, ctl["b"].value) == pytest.approx(tuple(np.round(exact, 1)))
    assert np.allclose(lab.values["w"], ctl["a"].value * u + ctl["b"].value * v)
    assert np.linalg.norm(lab.values["w"] - target) <= 0.05 * (np.hypot(*u) + np.hypot(*v))
    assert list(head.x) == [lab.values["w"][0]]

    # 5. The triangle inequality becomes an equality when a·u and b·v point the same way.
    ctl["b"].value = 0.0
    assert lab.values["norms"]["L2"] == pytest.approx(lab.values["bound"], rel=1e-12)
    ctl["b"].value = 1.0
    assert lab.values["norms"]["L2"] < lab.values["bound"] - 1e-3


def test_lab03_prompts():
    lab = lab03.build()
    ctl = lab.controls

    # 1. u 90° away from v: u · v = 0, p = 0, r = u; cosine and shadow 0 (no 1e-17 shown).
    ctl["angle_u"].value = ctl["angle_v"].value + 90
    assert abs(lab.values["dot"]) < 1e-15
    assert np.allclose(lab.values["projection"], 0, rtol=0, atol=1e-15)
    assert np.allclose(lab.values["residual"], lab.values["u"], rtol=0, atol=1e-15)
    assert "u · v = u₁v₁ + u₂v₂ = 0\n" in text(lab)
    assert "cosine similarity = 0\n" in text(lab)
    assert "u · v / ‖v‖ = 0 (signed)" in text(lab)
    assert "p = (u · v / v · v) v = (0, 0), ‖p‖ = 0" in text(lab)
    assert "‖u‖ ‖v‖ cos θ = 0 with θ = 90.0°" in text(lab)
    assert "orthogonal" in text(lab)

    # 2. Past 90°: negative dot product and shadow, p points against v.
    ctl["angle_u"].value = ctl["angle_v"].value + 120
    assert lab.values["dot"] < 0 and lab.values["projection"] @ lab.values["v"] < 0
    assert "p points against v" in text(lab)
    assert float(line_with(lab, "shadow").split("= ")[1].split(" ")[0]) < 0

    # 3. Only the length of v: u · v scales, p, r and the cosine do not move.
    before = {k: lab.values[k] for k in ("dot", "projection", "residual", "cosine")}
    ctl["length_v"].value = 3.5
    assert lab.values["dot"] == pytest.approx(before["dot"] * 3.5 / 2.0)
    for key in ("projection", "residual", "cosine"):
        assert np.allclose(lab.values[key], before[key], rtol=1e-12, atol=1e-15)

    # 4. Length of v = 0: angle and cosine undefined, said in words.
    ctl["length_v"].value = 0.0
    assert lab.values["cosine"] is None and lab.values["angle"] is None
    assert "undefined (0/0)" in text(lab) and "no direction to project onto" in text(lab)

    # 5. reset: r · v is about 1e-16, not 0, and the status prints it as computed.
    ctl["reset"].click()
    rv = lab.values["residual_dot_v"]
    assert 0 < abs(rv) < 1e-15
    assert f"r · v = {rv:.2e}" in text(lab)


def test_lab04_prompts():
    lab = lab04.build()
    ctl = lab.controls
    t = ctl["t"]

    # 1. shear: a slanted parallelogram of area 1; morph t from 0 to 1 slides the grid.
    ctl["preset shear"].click()
    assert lab.values["det"] == 1.0 and lab.values["area"] == pytest.approx(1.0)
    for tv in slide(t, np.round(np.arange(0, 1.01, 0.25), 2)):
        assert np.allclose(lab.values["drawn"], (1 - tv) * np.eye(2) + tv * lab.values["A"])
        assert lab.values["area"] == pytest.approx(1.0)  # a shear at every t
    assert t.value == 1.0 and np.array_equal(lab.values["drawn"], lab.values["A"])

    # 2. identity, b = 1, c = 1: det = 0, the square collapses, no inverse.
    ctl["preset identity"].click()
    ctl["b"].value = 1.0
    ctl["c"].value = 1.0
    assert lab.values["det"] == 0.0 and lab.values["rank"] == 1
    assert lab.values["area"] == 0.0 and lab.values["inverse"] is None
    assert "no inverse" in text(lab) and "A⁻¹ does not exist" in text(lab)
    sq = lab.values["square"]
    assert np.allclose(sq[:, 0], sq[:, 1])  # every corner lands on the line x₁ = x₂

    # 3. reflect: det = -1, F mirrored; morph 1 → 0 → 1: flat at t = 0.5 (det = 1 - 2t).
    ctl["preset reflect"].click()
    assert lab.values["det"] == -1.0 and "orientation flips" in text(lab)
    for tv in slide(t, [0.75, 0.5, 0.25, 0.0, 0.5, 1.0]):
        assert lab.values["area"] == pytest.approx(1 - 2 * tv, abs=1e-12)
    t.value = 0.5
    assert lab.values["area"] == 0.0
    t.value = 1.0
    assert lab.marks["square"].fill_colors == [lab04.ui.ORANGE]

    # 4. identity, a from 1 to -1: det = a, flat only at a = 0, then mirrored (orange).
    ctl["preset identity"].click()
    signs = []
    for a in slide(ctl["a"], np.round(np.arange(1.0, -1.01, -0.1), 1)):
        assert lab.values["det"] == pytest.approx(a, abs=1e-12)
        assert lab.values["rank"] == (1 if a == 0 else 2)
        signs.append(np.sign(lab.values["det"]))
    assert signs[:10] == [1] * 10 and signs[10] == 0 and signs[11:] == [-1] * 10
    assert lab.marks["square"].fill_colors == [lab04.ui.ORANGE]

    # 5. rotate 90° keeps lengths, angles and areas; scale diag(2, 1.5) stretches e₁ by 2 and
    #    e₂ by 1.5, keeps their right angle, and multiplies areas by 3.
    for preset, lengths, det in (("rotate 90°", (1.0, 1.0), 1.0), ("scale", (2.0, 1.5), 3.0)):
        ctl[f"preset {preset}"].click()
        A = lab.values["A"]
        assert np.allclose(np.linalg.norm(A, axis=0), lengths)
        assert A[:, 0] @ A[:, 1] == 0.0
        assert lab.values["det"] == det and lab.values["area"] == pytest.approx(det)
        assert f"|det A| = {det:.3f}" in text(lab)


def test_lab05_prompts():
    lab = lab05.build()
    ctl = lab.controls

    # 1. no solution: rank A = 1 < rank [A | b] = 2; moving b₂ up, the first value where the
    #    lines coincide is b₂ = 1, and the status switches to infinitely many.
    ctl["preset no solution"].click()
    assert lab.values["kind"] == "none"
    assert "rank A = 1, rank [A | b] = 2" in text(lab)
    kinds = {}
    for b2 in slide(ctl["b2"], np.round(np.arange(-1.0, 1.51, 0.1), 1)):
        kinds[b2] = lab.values["kind"]
    assert [b for b, k in kinds.items() if k != "none"] == [1.0]
    ctl["b2"].value = 1.0
    assert "Infinitely many solutions" in text(lab)

    # 2. ill-conditioned: κ ≈ 42, a long region; a₂₂ 1.1 → 1.05: κ about doubles (82) and the
    #    region stretches; a₂₂ = 1: singular, κ = ∞.
    ctl["preset ill-conditioned"].click()
    kappa, radius = lab.values["condition"], lab.values["radius"]
    assert kappa == pytest.approx(42.08, abs=0.01)
    assert radius > 1.0 and "κ(A) = σ_max / σ_min = 42.08" in text(lab)
    ctl["a22"].value = 1.05
    assert lab.values["condition"] == pytest.approx(82.0, abs=0.05)
    assert lab.values["radius"] > 1.9 * radius
    ctl["a22"].value = 1.0
    assert lab.values["condition"] == float("inf") and "κ = ∞" in text(lab)

    # 3. one solution (κ = 1); halve equation 1: same lines and solution, κ and region double.
    ctl["preset one solution"].click()
    x, radius = lab.values["solution"], lab.values["radius"]
    line1 = np.array([lab.marks["line 1"].x, lab.marks["line 1"].y])
    assert lab.values["condition"] == pytest.approx(1.0)
    ctl["a11"].value, ctl["a12"].value, ctl["b1"].value = 0.5, 0.5, 1.0
    assert np.allclose(lab.values["solution"], x)
    assert np.allclose([lab.marks["line 1"].x, lab.marks["line 1"].y], line1)
    assert lab.values["condition"] == pytest.approx(2.0)
    assert lab.values["radius"] == pytest.approx(2 * radius)

    # 4. a₁₁ = a₁₂ = 0: "0 = b₁" is true for no point when b₁ ≠ 0, for every point when b₁ = 0.
    ctl["a11"].value, ctl["a12"].value = 0.0, 0.0
    assert "Equation (1) reads 0 = 1.00: true for no point." in text(lab)
    ctl["b1"].value = 0.0
    assert "Equation (1) reads 0 = 0: true for every point (no line)." in text(lab)

    # 5. x₁ + x₂ = 1, x₁ + 1.2x₂ = 1, then every number doubled: same lines, solution and κ,
    #    half the region (the absolute change); κ is the relative one.
    for key, value in dict(a11=1, a12=1, b1=1, a21=1, a22=1.2, b2=1).items():
        ctl[key].value = float(value)
    x, kappa, radius = lab.values["solution"], lab.values["condition"], lab.values["radius"]
    assert np.allclose(x, [1, 0]) and kappa > 20
    for key, value in dict(a11=2, a12=2, b1=2, a21=2, a22=2.4, b2=2).items():
        ctl[key].value = float(value)
    assert np.allclose(lab.values["solution"], x)
    assert lab.values["condition"] == pytest.approx(kappa, rel=1e-12)
    assert lab.values["radius"] == pytest.approx(radius / 2, rel=1e-12)
    worst, bound = lab.values["relative_change"]
    assert worst <= bound * (1 + 1e-12)


def test_lab06_prompts():
    lab = lab06.build()
    ctl = lab.controls

    # 1. symmetric: lined up at 45° with λ = 3 and at 135° with λ = 1; four zeros per turn.
    assert np.array_equal(lab.values["A"], [[2, 1], [1, 2]])
    ctl["t"].value = 45
    assert "Lined up: Av ≈ λv with λ = 3.000" in text(lab)
    assert "angle from v to Av: 0°" in text(lab)
    ctl["t"].value = 135
    assert "Lined up: Av ≈ λv with λ = 1.000" in text(lab)
    assert "angle from v to Av: 0°" in text(lab)  # the review saw -1.3e-14° here
    assert list(lab.marks["zeros"].x) == [45, 135, 225, 315]

    # 2. rotation: no zero crossing, eigenvalues ±i, read as a 90° turn with scale 1.
    ctl["preset rotation"].click()
    assert lab.values["kind"] == "none" and not lab.marks["zeros"].visible
    assert np.min(np.abs(lab.marks["curve"].y)) > 0.5
    assert "λ₁ = 0 + 1.000i, λ₂ = 0 − 1.000i" in text(lab)
    assert "turns by arg λ₁ = 90.0° and scales by |λ₁| = 1.000" in text(lab)

    # 3. shear: the curve only touches zero, at 0° and 180°; one direction: defective.
    ctl["preset shear"].click()
    assert list(lab.marks["zeros"].x) == [0, 180]
    assert np.max(lab.marks["curve"].y) <= 1e-12  # touches 0, never crosses
    assert lab.values["defective"] and "defective" in text(lab)

    # 4. projection at 90°: Av = 0, the null space.
    ctl["preset projection"].click()
    ctl["t"].value = 90
    assert np.allclose(lab.values["Av"], 0, rtol=0, atol=1e-15)
    assert "null space" in text(lab)

    # 5. not symmetric: eigen-directions 26.6° and 135°, not perpendicular.
    ctl["preset not symmetric"].click()
    angles = lab.values["eigen_angles"]
    assert np.allclose(angles, [np.degrees(np.arctan2(1, 2)), 135])
    assert "26.6°, 135.0°" in text(lab)
    assert abs(angles[1] - angles[0] - 90) > 10

    # 6. 1.5 I: every direction is an eigen-direction.
    ctl["preset 1.5 I"].click()
    assert lab.values["kind"] == "all" and "every direction" in text(lab)

    # 7. a = 1.5, b = 0.5, c = -0.5, d = 0.5: defective, λ = 1 twice, one direction (135°),
    #    decided exactly; np.linalg.eigvals is about 1e-8 off (the square root of rounding).
    with lab.refresh.hold():
        for key, value in zip("abcd", (1.5, 0.5, -0.5, 0.5), strict=True):
            ctl[key].value = value
    assert lab.values["defective"] and "defective" in text(lab)
    assert np.array_equal(lab.values["eigenvalues"], [1, 1])
    assert "λ₁ = 1.000, λ₂ = 1.000" in text(lab)
    assert np.allclose(lab.values["eigen_angles"], [135])
    off = np.abs(np.linalg.eigvals(lab.values["A"]) - 1)
    assert np.all((1e-10 < off) & (off < 1e-6)), off
    # the review's other cases: no "defective" missed, no complex rounding shown
    for entries, lam in (((3, 1, -1, 1), 2.0), ((0.1, 0.1, -0.1, 0.3), 0.2)):
        with lab.refresh.hold():
            for key, value in zip("abcd", entries, strict=True):
                ctl[key].value = value
        assert lab.values["defective"], entries
        assert np.allclose(lab.values["eigenvalues"], [lam, lam], rtol=1e-15, atol=0)
        assert "i," not in line_with(lab, "eigenvalues") and not text(lab).endswith("i")


def test_lab07_prompts():
    lab = lab07.build()
    ctl = lab.controls

    # 1. Turning φ: variance and error move oppositely and always add up to tr S.
    total = float(np.trace(lab.values["S"]))
    previous = None
    for _ in slide(ctl["phi"], range(0, 181, 15)):
        var, err = lab.values["variance"], lab.values["error"]
        assert var + err == pytest.approx(total, rel=1e-12)
        if previous is not None:
            assert np.sign(var - previous[0]) == -np.sign(err - previous[1])
            # the strip of coordinates z widens exactly when the variance grows
            width = np.ptp(lab.marks["spread"].x)
            assert np.sign(width - previous[2]) == np.sign(var - previous[0])
        z = lab.values["z"]
        assert np.array_equal(lab.marks["strip"].x, z)
        assert np.mean(z * z) == pytest.approx(var, rel=1e-12)
        previous = (var, err, np.ptp(lab.marks["spread"].x))
    assert f"total variance tr S = {total:.3f}" in text(lab)

    # 2. φ → first principal axis: the variance is λ₁ and the error λ₂.
    ctl["to_pc1"].click()
    lam = lab.values["eigenvalues"]
    assert lab.values["variance"] == pytest.approx(lam[0], rel=1e-12)
    assert lab.values["error"] == pytest.approx(lam[1], rel=1e-12)
    assert (round(lam[0], 3), round(lam[1], 3)) == (4.421, 0.579)

    # 3. ρ = 0 and equal spreads: round cloud, flat curves, λ₁ = λ₂.
    ctl["rho"].value = 0.0
    ctl["sy"].value = ctl["sx"].value
    assert "the cloud is round" in text(lab)
    assert np.ptp(lab.marks["variance"].y) < 1e-12 and np.ptp(lab.marks["error"].y) < 1e-12
    assert "S = [[4.00, 0], [0, 4.00]]" in text(lab)  # the review saw -3.9e-17 here

    # 4. σ₁ = 2, σ₂ = 1, ρ = 0: PC1 along x₁; ρ < 0 tilts it downwards (angle above 90°).
    ctl["sx"].value, ctl["sy"].value = 2.0, 1.0
    assert lab.values["pc1_angle"] == pytest.approx(0.0, abs=1e-9)
    ctl["rho"].value = -0.5
    assert 90 < lab.values["pc1_angle"] < 180

    # 5. ρ = 0.95: PC1 explains about 98% of the variance.
    ctl["rho"].value = 0.95
    lam = lab.values["eigenvalues"]
    share = 100 * lam[0] / lam.sum()
    assert 97.5 <= share <= 98.5 and f"{share:.1f}% of the variance" in text(lab)

    # 6. reset, new sample: new points, same numbers. raw draws: S and PC1 vary per sample,
    #    PC1 by a degree or two around Σ's 19.3°.
    ctl["reset"].click()
    S, points = lab.values["S"].copy(), np.array(lab.marks["points"].x, copy=True)
    ctl["new_sample"].click()
    assert not np.array_equal(points, lab.marks["points"].x)
    assert np.allclose(lab.values["S"], S, rtol=1e-12, atol=1e-12)
    assert "New points, same numbers" in text(lab)
    ctl["raw"].value = True
    angles, covariances = [], []
    for _ in range(5):
        ctl["new_sample"].click()
        angles.append(lab.values["pc1_angle"])
        covariances.append(lab.values["S"].copy())
    assert lab.values["pc1_chosen"] == pytest.approx(19.33, abs=0.01)
    deviation = np.abs(np.array(angles) - lab.values["pc1_chosen"])
    assert 0.3 < deviation.max() < 5, angles
    assert all(not np.allclose(a, b) for a, b in zip(covariances, covariances[1:], strict=False))
    assert "the sliders chose Σ" in text(lab)


def test_lab08_prompts():
    lab = lab08.build()
    ctl = lab.controls
    h = ctl["h"]

    def errors(e):
        h.value = 10.0**e
        return lab.values["forward_error"], lab.values["central_error"]

    # 1. sin at x = 1, h from 1 to 1e-4: slopes 1 (forward) and 2 (central); truncation.
    assert (ctl["f"].value, lab.values["x"]) == ("sin x", 1.0)
    (f3, c3), (f4, c4) = errors(-3), errors(-4)
    assert f3 / f4 == pytest.approx(10, rel=0.01) and c3 / c4 == pytest.approx(100, rel=0.01)
    fn = lab08.FUNCTIONS["sin x"]
    assert f4 == pytest.approx(float(lab08.model_error(fn, 1.0, 1e-4, "forward")), rel=0.01)
    for e in np.arange(0.0, -4.01, -0.5):
        h.value = 10.0**e
        assert lab.values["regime"] == "truncation", e

    # 2. From h = 1e-8 down, "round-off dominates"; the forward error grows as h shrinks.
    h.value = 10**-7.9
    assert lab.values["regime"] == "balanced"
    for e in np.arange(-8.0, -15.01, -0.5):
        h.value = 10.0**e
        assert lab.values["regime"] == "round-off", e
        assert "Round-off dominates" in text(lab)
    assert errors(-12)[0] > 100 * errors(-8)[0] and errors(-14)[0] > errors(-12)[0]

    # 3. h = 1e-16: x + h == 1.0, the forward difference is exactly 0, the secant is flat.
    h.value = 1e-16
    assert "x + h = 1.0\n" in text(lab)
    assert lab.values["forward"] == 0.0 and lab.values["regime"] == "cancelled"
    assert lab.values["secant"][0, 1] == lab.values["secant"][1, 1]

    # 4. central: the model's best steps are about 2e-8 and 1e-5; at h = 1e-5 the central
    #    error is 1.1e-11, hundreds of times below the forward error at its best step: 1.0e-8
    #    (about 900 times) at the slider's 2.0e-8 (10^-7.7 = 1.995e-8, as x + h shows), 3.0e-9
    #    (about 270 times) at 1.0e-8. (The review's 3.0e-9 "at 2e-8" was h = 2e-8 exactly,
    #    which the browser's slider cannot hold: a typed 2e-8 snaps back to 10^-7.7. The
    #    browser shows these same four errors, checked on a build.)
    ctl["scheme"].value = "central"
    best = lab.values["best_step"]
    assert 1.5e-8 < best["forward"] < 3e-8 and 0.8e-5 < best["central"] < 1.5e-5
    assert "forward ≈ 2e-08, central ≈ 1e-05" in text(lab)
    cen = errors(-5)[1]
    assert "central: 0.540302305856999, error 1.1e-11\n" in text(lab)
    assert lab.values["regime"] == "balanced"  # 1e-5 is the central scheme's best step
    on_slider = errors(-7.7)[0]  # the slider's value nearest 2e-8
    assert h.readout_format == ".1e" and f"{h.value:.1e}" == "2.0e-08"
    assert "x + h = 1.000000019952623\n" in text(lab) and "error 1.0e-08\n" in text(lab)
    assert round(on_slider / cen, -2) == 900
    at_1e8 = errors(-8)[0]
    assert "x + h = 1.00000001\n" in text(lab) and "error 3.0e-09\n" in text(lab)
    assert round(at_1e8 / cen, -1) == 270
    page = step_text(lab08, 4)  # the page states these numbers, as measured here
    for value in (cen, on_slider, at_1e8):
        mantissa, exponent = f"{value:.1e}".split("e")
        assert f"${mantissa} \\times 10^{{{int(exponent)}}}$" in page, value
    assert f"about {round(on_slider / cen, -2):.0f} times" in page
    assert f"about {round(at_1e8 / cen, -1):.0f} times" in page
    assert "thousand" not in page

    # 5. x³ − 2x at x = 1: the central error is exactly h², a line of slope 2.
    ctl["f"].value = "x³ − 2x"
    for e in (-1, -2, -3):
        assert errors(e)[1] == pytest.approx(10.0 ** (2 * e), rel=1e-7)


def test_lab09_prompts():
    lab = lab09.build()
    ctl = lab.controls
    lr = ctl["lr"]

    def factors():
        line = line_with(lab, "Per step")
        return [float(t) for t in re.findall(r"(\d\.\d+|\b0\b)", line.split("factor ")[1])[:2]]

    # 1. narrow valley, η = 0.15: zigzag towards the minimum, a straight loss curve on the
    #    log axis (a constant ratio 0.85² per step); just past 0.2 (0.2089): diverged.
    assert ctl["loss"].value == "narrow valley" and lr.value == 0.15
    fk = lab.values["losses"]
    assert np.allclose(fk[31:] / fk[30:-1], 0.85**2, rtol=1e-6)
    _, Q = np.linalg.eigh(lab09.H_VALLEY)  # columns: the slow and the steep direction
    across = lab.values["path"] @ Q[:, 1]  # the steep direction's component
    assert np.all(np.sign(across[1:10]) == -np.sign(across[:9]))  # zigzag
    assert factors() == [0.85, 0.5]
    assert not lab.values["diverged"]
    lr.value = 10**-0.68  # the first slider value above 0.2
    assert lab.values["diverged"] and "Diverged" in text(lab)
    assert max(factors()) > 1

    # 2. η = 0.1 = 1/L: the steep component is 0 after one step, the slow one shrinks by 0.9.
    lr.value = 0.1
    comp = lab.values["path"] @ Q
    assert abs(comp[1, 1]) < 1e-12 * abs(comp[0, 1])
    assert np.allclose(comp[2:, 0] / comp[1:-1, 0], 0.9, rtol=1e-9)
    assert factors() == [0.9, 0.0]

    # 3. η = 0.251 (the readout of the slider's 10^-0.6; 0.25 is not on its grid) diverges;
    #    β = 0.5 converges again; the limit is 2(1 + β)/L = 0.3.
    lr.value = 10**-0.6
    shown = lab09.ui.shown_value(lr, lr.value)
    assert shown == "0.251" and f"$\\eta = {shown}$ (its readout" in step_text(lab09, 3)
    assert lab.values["diverged"]
    ctl["momentum"].value = 0.5
    assert not lab.values["diverged"]
    assert lab.values["losses"][-1] < 1e-3 * lab.values["losses"][0]
    assert "2(1 + β)/λ_max = 0.3" in text(lab)

    # 4. Rosenbrock (β back to 0), 300 steps: at η = 0.02 it never settles, bouncing between
    #    two points; the local curvature is about 100, limit just below 0.02. η = 0.0191:
    #    creeps on. η = 0.02 with β = 0.8: converges to (1, 1).
    ctl["loss"].value = "Rosenbrock"
    assert (lr.value, ctl["momentum"].value, ctl["steps"].value) == (0.02, 0.0, 60)
    ctl["steps"].value = 300
    assert lab.values["verdict"] == "moving" and "Still moving" in text(lab)
    path = lab.values["path"]
    assert np.linalg.norm(path[-1] - path[-3]) < 0.1 * np.linalg.norm(path[-1] - path[-2])
    assert 95 < lab.values["curvature"] < 102 and 2 / lab.values["curvature"] < 0.02
    assert "descent cannot settle here" in text(lab)
    assert lab09.largest_curvature(lab09.LOSSES["Rosenbrock"], (1, 1)) == (
        pytest.approx(101.6, abs=0.01)
    )
    lr.value = 10**-1.72
    assert f"{lr.value:.3g}" == "0.0191"
    assert lab.values["verdict"] == "moving" and 2 / lab.values["curvature"] > lr.value
    assert "cannot settle" not in text(lab)
    fk = lab.values["losses"]
    assert np.all(np.diff(fk[-100:]) < 0)  # creeping on, downhill
    lr.value = 0.02
    ctl["momentum"].value = 0.8
    assert lab.values["verdict"] == "converged" and "Converged" in text(lab)
    assert np.allclose(lab.values["path"][-1], [1, 1], rtol=0, atol=1e-6)
    assert "2(1 + β)/λ_max = 0.03543" in text(lab)

    # 5. two minima: from (0.3, 2) into the right-hand minimum, 0.5 above f*; from x = -0.3,
    #    the global one.
    ctl["loss"].value = "two minima"
    loss = lab09.LOSSES["two minima"]
    assert (ctl["start_x"].value, ctl["start_y"].value) == (0.3, 2.0)
    end = lab.values["path"][-1]
    assert end[0] == pytest.approx(loss.minima[1][0], abs=1e-3) and abs(end[1]) < 0.01
    assert lab.values["losses"][-1] == pytest.approx(0.5, abs=0.01)
    ctl["start_x"].value = -0.3
    end = lab.values["path"][-1]
    assert end[0] == pytest.approx(loss.minima[0][0], abs=1e-3) and abs(end[1]) < 0.01
    assert lab.values["losses"][-1] < 1e-4


def test_lab10_prompts():
    lab = lab10.build()
    ctl = lab.controls

    # 1. Moving w and b towards the minimum lowers the loss; jump lands on (w*, b*).
    best = np.array(lab.values["best"])
    losses = []
    for s in np.linspace(0, 1, 5):
        ctl["w"].value, ctl["b"].value = (1 - s) * np.array([0.2, 3.0]) + s * best
        losses.append(lab.values["loss"])
    assert np.all(np.diff(losses) < 0)
    ctl["fit"].click()  # onto the sliders' 0.001 grid, where the browser's sliders snap to
    landed = np.array([lab.values["w"], lab.values["b"]])
    assert np.array_equal(landed, np.round(best, 3)) and np.all(np.abs(landed - best) <= 5e-4)

    # 2. ∇L(w*, b*) shows as (0, 0); computed, it is about 1e-14. The gradient at the sliders'
    #    (w, b), on the grid next to (w*, b*), shows about 1e-4: H times the offset. On 0.001
    #    steps the gradient is within about 0.01 of 0. The residuals sum to 0 at the minimum.
    #    (The review saw (-2.97e-09, -7.80e-10) here under CPython, the browser (1.42e-04,
    #    6.97e-05): the jump set w* unsnapped, the browser snapped it to 0.958.)
    page = step_text(lab10, 2)
    assert "∇L(w*, b*) = (0, 0)" in text(lab)
    g_best = np.abs(lab.values["best_gradient"])
    assert np.all(g_best < 1e-12)
    assert f"about $10^{{{round(np.log10(g_best.max()))}}}$" in page
    g = lab.values["gradient"]
    assert "∇L = (∂L/∂w, ∂L/∂b) = (1.42e-04, 6.97e-05)\n" in text(lab)
    assert np.allclose(g, lab.values["hessian"] @ (landed - best), rtol=1e-6, atol=0)
    assert f"shows about $10^{{{round(np.log10(np.abs(g).max()))}}}$" in page
    ctl["w"].value, ctl["b"].value = np.round(best, 3)
    assert np.max(np.abs(lab.values["gradient"])) < 0.01
    x, y = lab.values["x"], lab.values["y"]
    assert np.sum(lab10.residuals(x, y, *best)) == pytest.approx(0, abs=1e-12)

    # 3. From the minimum, move only w: the slice is a parabola with its lowest point at w*,
    #    the dot climbs it (and crosses the ellipses: the loss grows both ways).
    ctl["fit"].click()
    loss_min = lab.values["loss"]
    for w in slide(ctl["w"], [best[0] + 0.3, best[0] - 0.5]):
        assert lab.marks["slice point"].x[0] == pytest.approx(w, abs=1e-9)
        ws, Ls = lab.marks["slice"].x, lab.marks["slice"].y
        A, B, C = np.polyfit(ws, Ls, 2)
        assert np.allclose(np.polyval([A, B, C], ws), Ls, rtol=1e-10)
        # its lowest point: the best w for the slider's b (on its grid, not exactly b*), which
        # is w* within one slider step (the page); for the lab's first data, to 3 decimals
        x, y, bv = lab.values["x"], lab.values["y"], lab.values["b"]
        assert A > 0 and -B / (2 * A) == pytest.approx(x @ (y - bv) / (x @ x), rel=1e-9)
        assert abs(-B / (2 * A) - best[0]) < ctl["w"].step
        assert f"{-B / (2 * A):.3f}" == f"{best[0]:.3f}"
        assert list(lab.marks["slice point"].y) == [lab.values["loss"]]
        assert lab.values["loss"] > loss_min

    # 4. show the least-squares line, drag one point far down: the fit swings towards it.
    ctl["show_fit"].value = True
    assert lab.marks["best line"].visible
    points = lab.marks["points"]
    ys = np.array(points.y, copy=True)
    ys[-1] = -3.0
    points.y = ys
    w_new, b_new = lab.values["best"]
    assert w_new == pytest.approx(0.251, abs=5e-4) and best[0] == pytest.approx(0.958, abs=5e-4)

    # 5. new data a few times: ellipses always tilted and long (Hessian not diagonal, large κ).
    for _ in range(5):
        ctl["new_data"].click()
        H = lab.values["hessian"]
        lam = np.linalg.eigvalsh(H)
        assert lam[1] / lam[0] > 20
        assert abs(H[0, 1]) > 0.5 * np.sqrt(H[0, 0] * H[1, 1])
        assert "condition number" in text(lab)

    # 6. gradient descent from (w, b) with η = 1/λ_max(H): across the valley at once, then a
    #    crawl along it, still above L*.
    ctl["reset"].click()
    ctl["descent"].value = True
    H = lab.values["hessian"]
    lam, Q = np.linalg.eigh(H)
    path_x, path_y = lab.marks["descent"].x, lab.marks["descent"].y
    path = np.column_stack([path_x, path_y])
    best = np.array(lab.values["best"])
    steep = (path - best) @ Q[:, 1]
    assert abs(steep[1]) < 1e-9 * abs(steep[0])  # the steep direction is done in one step
    L = lab10.mse(lab.values["x"], lab.values["y"], path[:, 0], path[:, 1])
    assert np.all(np.diff(L) < 0)
    gap = L[-1] - lab10.mse(lab.values["x"], lab.values["y"], *best)
    assert gap > 1e-4 and f"η = 1/λ_max(H) = {1 / lam[1]:.3f}" in text(lab)


LABS = (lab01, lab02, lab03, lab04, lab05, lab06, lab07, lab08, lab09, lab10)


def try_this_section(module) -> str:
    """The "## Try this" section of the lab's page (labs/labNN-*.md)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    number = module.__name__.rsplit(".", 1)[1][3:5]
    (page,) = (root / "labs").glob(f"lab{number}-*.md")
    return page.read_text().split("## Try this", 1)[1].split("\n## ", 1)[0]


def try_this_steps(module) -> int:
    """The number of numbered steps under "## Try this" in the lab's page."""
    return len(re.findall(r"^\d+\. ", try_this_section(module), flags=re.M))


def step_text(module, n: int) -> str:
    """The text of step n of the lab's "Try this", on one line (spaces collapsed)."""
    steps = re.split(r"^(\d+)\. ", try_this_section(module), flags=re.M)
    by_number = dict(zip(steps[1::2], steps[2::2], strict=True))
    return " ".join(by_number[str(n)].split())


@pytest.mark.parametrize("module", LABS, ids=lambda m: m.__name__.rsplit(".", 1)[1][:5])
def test_each_try_this_step_has_a_button_that_sets_it_up(module):
    lab = module.build()
    count = try_this_steps(module)
    assert sorted(lab.steps) == list(range(1, count + 1))
    for n in range(count, 0, -1):  # backwards: every step starts from a reset lab
        button = lab.controls[f"step {n}"]
        assert f"step {n}" in button.tooltip
        button.click()
        assert lab.ERROR_TEXT not in lab.status.value
        for name, value in lab.steps[n].items():
            if value is module.ui.CLICK:
                continue
            got = lab.controls[name].value
            if isinstance(value, float):
                assert got == pytest.approx(value, rel=1e-9), (n, name)
            else:
                assert got == value, (n, name)


def test_try_this_buttons_reach_what_the_steps_promise():
    lab = lab04.build()
    lab.controls["step 2"].click()  # identity, b = c = 1: singular
    assert lab.values["det"] == 0.0 and "no inverse" in text(lab)
    lab.controls["step 3"].click()  # reflect: det = -1
    assert lab.values["det"] == -1.0 and lab.controls["b"].value == 0.0
    lab.controls["step 1"].click()  # shear at t = 1: the figure shows the sheared square
    assert lab.controls["t"].value == 1.0 and np.array_equal(lab.values["drawn"], [[1, 1], [0, 1]])
    assert lab.values["area"] == pytest.approx(1.0, rel=1e-12)  # "its area stays 1"

    lab = lab05.build()
    lab.controls["step 5"].click()
    assert np.array_equal(lab.values["A"], [[1, 1], [1, 1.2]])
    lab = lab09.build()
    lab.controls["step 4"].click()
    assert (lab.controls["loss"].value, lab.controls["steps"].value) == ("Rosenbrock", 300)
    assert lab.controls["lr"].value == 0.02 and "cannot settle" in text(lab)
    lab.controls["step 2"].click()  # back on the narrow valley at η = 0.1
    assert lab.controls["loss"].value == "narrow valley" and lab.controls["lr"].value == 0.1


def test_status_lines_are_single_spaced_and_sliders_say_how_to_type():
    lab = lab04.build()
    assert lab.status.value.startswith('<div style="line-height:')
    assert "keys" in lab.controls["a"].tooltip and "type a value" in lab.controls["a"].tooltip


# --- the step buttons: what each sets, and how their tooltips say it -------------------------

CLICK = lab01.ui.CLICK
# What each step's text (labs/labNN-*.md) tells the learner to set first, written out by hand
# (not copied from the labs' TRY_THIS): the state in which the step's first observation is made,
# each entry with the words of the page that say it. A later "then set ..." is the learner's,
# so that each observation of the step can be seen (lab 1 step 2's squeeze alone, lab 5 step
# 3's κ = 1 before the halving, lab 4 step 1's sheared square before the morph).
# `test_first_states_are_what_the_pages_say` checks each entry against the page.
FIRST_STATES = {
    lab01: {
        1: {"h": (2.0, "move **h** to $2$")},
        2: {"b": (2.0, "Set **b** to $2$")},
        3: {
            "f": ("log x (logarithm)", r"choose $\log x$"),
            "flip_b": (True, "tick **−b: mirror left–right**"),
        },
        4: {
            "flip_a": (True, "tick **both** mirrors"),
            "flip_b": (True, "tick **both** mirrors"),
            "k": (1.0, "set **k** to $1$"),
        },
        5: {
            "f": ("x² (quadratic)", "choose $f = x^2$"),
            "h": (1.0, "set $h = 1$"),
            "g": ("eˣ (exponential)", "compose with $g = e^x$"),
        },
        6: {
            "f": ("x (linear)", "choose $f = x$ (linear)"),
            "g": ("log x (logarithm)", r"compose with $g = \log x$"),
        },
    },
    lab02: {
        1: {"a": (1.0, "With $a = b = 1$"), "b": (1.0, "With $a = b = 1$")},
        2: {"v1": (0.4, "set $v_1 = 0.4$"), "v2": (0.1, "$v_2 = 0.1$")},
        3: {},
        4: {},
        5: {},
    },
    lab03: {
        1: {},
        2: {"angle_u": (130.0, "past 90°")},  # any angle past 90° shows it
        3: {},
        4: {"length_v": (0.0, r"Set the length of $\mathbf{v}$ to $0$")},
        5: {},
    },
    lab04: {
        1: {"preset shear": (CLICK, "Press **shear**")},
        2: {
            "preset identity": (CLICK, "Press **identity**"),
            "b": (1.0, "set **b** to $1$"),
            "c": (1.0, "**c** to $1$"),
        },
        3: {"preset reflect": (CLICK, "Press **reflect**")},
        4: {"preset identity": (CLICK, "Press **identity**")},
        5: {"preset rotate 90°": (CLICK, "Press **rotate 90°**")},
    },
    lab05: {
        1: {"preset no solution": (CLICK, "Press **no solution**")},
        2: {"preset ill-conditioned": (CLICK, "Press **ill-conditioned**")},
        3: {"preset one solution": (CLICK, "Press **one solution**")},
        4: {"a11": (0.0, "Set $a_{11} = a_{12} = 0$"), "a12": (0.0, "Set $a_{11} = a_{12} = 0$")},
        5: {
            "a11": (1.0, "$a_{11} = a_{12} = a_{21} = 1$"),
            "a12": (1.0, "$a_{11} = a_{12} = a_{21} = 1$"),
            "a21": (1.0, "$a_{11} = a_{12} = a_{21} = 1$"),
            "a22": (1.2, "$a_{22} = 1.2$"),
            "b1": (1.0, "$b_1 = b_2 = 1$"),
            "b2": (1.0, "$b_1 = b_2 = 1$"),
        },
    },
    lab06: {
        1: {"preset symmetric": (CLICK, "With the symmetric matrix")},
        2: {"preset rotation": (CLICK, "Press **rotation**")},
        3: {"preset shear": (CLICK, "Press **shear**")},
        4: {"preset projection": (CLICK, "Press **projection**"), "t": (90, "go to 90°")},
        5: {"preset not symmetric": (CLICK, "Press **not symmetric**")},
        6: {"preset 1.5 I": (CLICK, "Press **1.5 I**")},
        7: {
            "a": (1.5, "$a = 1.5$"),
            "b": (0.5, "$b = 0.5$"),
            "c": (-0.5, "$c = -0.5$"),
            "d": (0.5, "$d = 0.5$"),
        },
    },
    lab07: {
        1: {},
        2: {"to_pc1": (CLICK, "Press **φ → first principal axis**")},
        3: {
            "rho": (0.0, "Set **ρ** to $0$"),
            "sx": (1.0, "make both spreads equal"),  # equal: any value shows it
            "sy": (1.0, "make both spreads equal"),
        },
        4: {
            "sx": (2.0, r"Set $\sigma_1 = 2$"),
            "sy": (1.0, r"$\sigma_2 = 1$"),
            "rho": (0.0, r"with $\rho = 0$"),
        },
        5: {"rho": (0.95, r"Set $\rho = 0.95$")},
        6: {"new_sample": (CLICK, "Press **reset**, then **new sample**")},
    },
    lab08: {
        1: {
            "f": ("sin x", r"With $f = \sin$"),
            "x": (1.0, "at $x = 1$"),
            "h": (1.0, "move **h** from $1$"),
        },
        2: {"h": (1e-8, "from $h = 10^{-8}$ down")},
        3: {"h": (1e-16, "At $h = 10^{-16}$")},
        4: {"scheme": (lab08.CENTRAL, "Switch the secant to **central**")},
        5: {"f": ("x³ − 2x", "Choose $f = x^3 - 2x$"), "x": (1.0, "at $x = 1$")},
    },
    lab09: {
        1: {},
        2: {"lr": (0.1, r"Set $\eta = 0.1 = 1/L$")},
        3: {"lr": (10**-0.6, r"Set $\eta = 0.251$ (its readout")},
        4: {
            "loss": ("Rosenbrock", "Choose **Rosenbrock**"),
            "steps": (300, "set **steps** to 300"),
        },
        5: {"loss": ("two minima", "Choose **two minima**")},
    },
    lab10: {
        1: {},
        2: {"fit": (CLICK, "the jump put the sliders")},
        3: {"fit": (CLICK, "From the minimum")},
        4: {"show_fit": (True, "Tick **show the least-squares line**")},
        5: {"new_data": (CLICK, "Press **new data**")},
        6: {"descent": (True, "Tick **gradient descent from (w, b)**")},
    },
}


def page_number(phrase: str) -> tuple[float, int | None]:
    """The first number a phrase of a page states, and its decimals (None for 10^{k}):
    "$h = 10^{-8}$" is (1e-8, None), "$a_{22} = 1.2$" is (1.2, 1), "to 300" (300, 0)."""
    plain = re.sub(r"_\{[^}]*\}|_\w", "", phrase)  # subscripts are names, not values
    match = re.search(r"10\^\{(-?\d+)\}|(-?\d+)(?:\.(\d+))?", plain)
    assert match, phrase
    if match.group(1):
        return 10.0 ** int(match.group(1)), None
    return float(match.group(0)), len(match.group(3) or "")


@pytest.mark.parametrize("module", LABS, ids=lambda m: m.__name__.rsplit(".", 1)[1][:5])
def test_first_states_are_what_the_pages_say(module):
    """The review found FIRST_STATES copied from the labs' TRY_THIS, never read against the
    pages. Each entry's words are in its step's text, in the order the table sets them; a
    number there is the value (to the page's decimals; "past 90°" any larger value); a button
    in bold is the control's label; a ticked box is "tick"."""
    import ipywidgets as widgets

    lab = module.build()
    for n, actions in FIRST_STATES[module].items():
        page = step_text(module, n)
        at = 0
        for name, (value, phrase) in actions.items():
            where = page.find(phrase)
            assert where >= 0, (module.__name__, n, phrase, page)
            assert where >= at, (module.__name__, n, "set in the page's order", phrase)
            at = where
            control = lab.controls[name]
            bold = re.findall(r"\*\*(.+?)\*\*", phrase)
            if value is CLICK:
                assert not bold or control.description in bold, (n, phrase)
            elif isinstance(control, widgets.Checkbox):
                assert value is True and "tick" in phrase.lower(), (n, phrase)
            elif isinstance(value, int | float):
                if not re.search(r"\d", phrase):
                    continue  # "make both spreads equal": the words, not a number
                number, decimals = page_number(phrase)
                if phrase.startswith("past"):
                    assert value > number, (n, phrase)
                elif decimals is None:
                    assert value == pytest.approx(number, rel=1e-9), (n, phrase)
                else:
                    assert round(value, decimals) == number, (n, phrase, value)
            else:  # a dropdown or toggle: its label is the page's (checked by hand)
                assert isinstance(value, str) and value in control.options, (n, name)


def control_state(lab) -> dict:
    import ipywidgets as widgets

    return {
        k: w.value
        for k, w in lab.controls.items()
        if isinstance(w, widgets.ValueWidget) and not isinstance(w, widgets.Play)
    }


@pytest.mark.parametrize("module", LABS, ids=lambda m: m.__name__.rsplit(".", 1)[1][:5])
def test_each_step_button_sets_exactly_the_state_its_text_describes_first(module):
    """Every control after a step's button equals what a learner gets by starting the lab
    and doing, by hand, only what the step's text says to set first; nothing more."""
    steps = FIRST_STATES[module]
    assert sorted(steps) == list(range(1, try_this_steps(module) + 1))
    lab = module.build()
    for n, actions in steps.items():
        lab.controls[f"step {n}"].click()
        by_hand = module.build()
        for name, (value, _phrase) in actions.items():
            if value is CLICK:
                by_hand.controls[name].click()
            else:
                by_hand.controls[name].value = value
        got, want = control_state(lab), control_state(by_hand)
        assert got.keys() == want.keys()
        for name in want:
            assert (
                got[name] == pytest.approx(want[name], rel=1e-9, abs=0)
                if isinstance(want[name], float)
                else got[name] == want[name]
            ), (module.__name__, n, name, got[name], want[name])


def test_lab01_step2_shows_the_squeeze_alone_and_lab05_step3_starts_at_kappa_one():
    lab = lab01.build()
    lab.controls["step 2"].click()
    assert (lab.controls["b"].value, lab.controls["a"].value) == (2.0, 1.0)
    assert np.allclose(lab.values["y"], maths.sigmoid(2 * lab.values["x"]), rtol=0, atol=1e-15)
    lab = lab05.build()
    lab.controls["step 3"].click()
    assert lab.values["condition"] == pytest.approx(1.0, rel=1e-12)
    for name, value in (("a11", 0.5), ("a12", 0.5), ("b1", 1.0)):  # the learner halves it
        lab.controls[name].value = value
    assert lab.values["condition"] == pytest.approx(2.0, rel=1e-12)  # κ doubles


def test_d3_format_matches_the_slider_readouts():
    """The browser's readout is d3-format (ipywidgets): values as JavaScript shows them."""
    d3 = lab01.ui.d3_format
    cases = [
        (10**-0.6, ".3g", "0.251"),
        (0.1, ".3g", "0.100"),
        (0.02, ".3g", "0.0200"),
        (1e-7, ".3g", "1.00e-7"),
        (2.0, ".3g", "2.00"),
        (1e-8, ".1e", "1.0e-8"),
        (1e-16, ".1e", "1.0e-16"),
        (3.1623, ".1e", "3.2e+0"),
        (130.0, ".0f", "130"),
        (2.0, ".2f", "2.00"),
        (0.2, ".3f", "0.200"),
        (300, "d", "300"),
        # negatives carry d3's minus sign U+2212, not "-"
        (-0.5, ".2f", "\u22120.50"),
        (-2.0, ".3g", "\u22122.00"),
        (-1e-9, ".1e", "\u22121.0e-9"),
        (-3, "d", "\u22123"),
        # a value that rounds to zero has no sign; zero itself
        (-0.001, ".2f", "0.00"),
        (-0.0, ".2f", "0.00"),
        (-4e-7, ".1f", "0.0"),
        (-0.4, "d", "0"),
        (0.0, ".3g", "0.00"),
        (0.0, ".1e", "0.0e+0"),
        # exact ties round away from zero (JavaScript), not to even (Python's format)
        (0.125, ".2f", "0.13"),
        (-0.125, ".2f", "\u22120.13"),
        (2.5, ".0f", "3"),
        (2.5, "d", "3"),
        (-2.5, "d", "\u22123"),
        (0.25, ".1e", "2.5e-1"),
        (0.125, ".2g", "0.13"),
        (999.5, ".3g", "1.00e+3"),
        # not ties: the float is below the decimal halfway point (9.99499..., 1.00000005e-7)
        (9.995, ".3g", "9.99"),
        (1.00000005e-7, ".1e", "1.0e-7"),
        # out of every slider's range, as JavaScript writes them (no exception)
        (float("inf"), ".2f", "Infinity"),
        (float("-inf"), ".3g", "\u2212Infinity"),
        (float("nan"), ".1e", "NaN"),
        (1e30, ".2f", "1e+30"),
    ]
    for value, spec, shown in cases:
        assert d3(value, spec) == shown, (value, spec)


@pytest.mark.parametrize("module", LABS, ids=lambda m: m.__name__.rsplit(".", 1)[1][:5])
def test_step_tooltips_use_the_visible_labels_and_readouts(module):
    """No code names ("lr"), no raw floats ("0.251188643150958"): each value the button sets
    appears as `<the control's label> = <its readout>`, and the tooltip is the accessible
    description of the button (the site reads it)."""
    import ipywidgets as widgets

    lab = module.build()
    for n, settings in lab.steps.items():
        tip = lab.controls[f"step {n}"].tooltip
        assert tip.startswith(f"Try this, step {n}: start again from the lab's first state")
        assert "reset, then" not in tip and "start from here" not in tip
        assert not re.search(r"\d\.\d{5,}", tip), tip  # no float printed at full precision
        if not settings:
            assert tip.endswith("(this step sets nothing else)"), tip
        for name, value in settings.items():
            control = lab.controls[name]
            if value is CLICK:
                assert f"press “{control.description}”" in tip
            elif isinstance(control, widgets.Checkbox):
                assert f"tick “{control.description}”" in tip
            else:
                shown = lab01.ui.shown_value(control, value)
                assert f"{control.description} = {shown}" in tip, (tip, name)
            if name != control.description:
                assert f"{name} =" not in tip.replace(f"{control.description} =", ""), tip
    for n, tip in LITERAL_TOOLTIPS.get(module, {}).items():
        assert lab.controls[f"step {n}"].tooltip == tip


START = "Try this, step {}: start again from the lab's first state"
# A few tooltips written out in full, as the learner (and a screen reader) gets them: the
# labels and readouts of the page, d3's minus sign, no code names.
LITERAL_TOOLTIPS = {
    lab01: {
        3: START.format(3) + ", then function f = log x (logarithm); "
        "tick “−b: mirror left–right, about the line x = h”",
    },
    lab02: {3: START.format(3) + " (this step sets nothing else)"},
    lab04: {
        2: START.format(2) + ", then press “identity”; b (row 1, col 2) = 1.00; "
        "c (row 2, col 1) = 1.00",
    },
    lab06: {
        7: START.format(7) + ", then a (row 1, col 1) = 1.50; b (row 1, col 2) = 0.50; "
        "c (row 2, col 1) = \u22120.50; d (row 2, col 2) = 0.50",
    },
    lab08: {2: START.format(2) + ", then step h = 1.0e-8"},
    lab09: {
        3: START.format(3) + ", then learning rate η = 0.251",
        4: START.format(4) + ", then loss f = Rosenbrock; steps = 300",
    },
}


def test_the_pages_say_which_step_buttons_only_start_again():
    """A page must not say every button sets values: it names the steps that set nothing."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for module in LABS:
        number = module.__name__.rsplit(".", 1)[1][3:5]
        (page,) = (root / "labs").glob(f"lab{number}-*.md")
        intro = " ".join(page.read_text().split("## Try this", 1)[0].split())
        assert "sets its values in one click" not in intro
        assert "starts again from the lab's first state" in intro
        only = sorted(n for n, s in module.TRY_THIS.items() if not s)
        said = re.search(r"\(steps? ([\d, and]+) sets? nothing more\)", intro)
        named = sorted(int(x) for x in re.findall(r"\d+", said.group(1))) if said else []
        assert named == only, (page.name, named, only)


def test_lab09_nearly_there_says_f_minus_f_star_once():
    """The "nearly there" line repeated f(θ) − f* = 3.2e-09, which the next line shows."""
    lab = lab09.build()
    lab.controls["lr"].value = 10**-1.5
    lab.controls["steps"].value = 300
    first, second = text(lab).splitlines()[:2]
    assert first.startswith("Still moving after 300 steps") and "nearly there" in first
    assert second.startswith("θ = ") and "f(θ) − f* = 3.2e-09" in second
    assert text(lab).count("f(θ) − f* =") == 1
    assert "3.2e-09" not in first
