"""Lab 5. Linear systems: two equations in two unknowns as two lines; one solution, none or
infinitely many; the condition number, seen as how far the solution moves when b moves."""

from __future__ import annotations

import numpy as np

from . import common as c

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------

ONE, NONE, INFINITE = "one", "none", "infinitely many"


def matrix_rank(M, rtol: float = 1e-9) -> int:
    """Rank by singular values, counting those above rtol times the largest."""
    s = np.linalg.svd(np.atleast_2d(np.asarray(M, dtype=float)), compute_uv=False)
    if s.size == 0 or s[0] == 0.0:
        return 0
    return int(np.sum(s > rtol * s[0]))


def classify(A, b, rtol: float = 1e-9) -> str:
    """ "one", "none" or "infinitely many" solutions of A x = b (Rouché–Capelli: compare the
    ranks of A and of the augmented matrix [A | b])."""
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float).reshape(-1, 1)
    r = matrix_rank(A, rtol)
    r_aug = matrix_rank(np.hstack([A, b]), rtol)
    if r_aug > r:
        return NONE
    return ONE if r == A.shape[1] else INFINITE


def solve(A, b, rtol: float = 1e-9):
    """The unique solution, or None when there is not exactly one."""
    if classify(A, b, rtol) != ONE:
        return None
    return np.linalg.solve(np.asarray(A, dtype=float), np.asarray(b, dtype=float))


def condition_number(A, rtol: float = 1e-12) -> float:
    """kappa_2(A) = sigma_max / sigma_min; infinity for a singular matrix."""
    s = np.linalg.svd(np.asarray(A, dtype=float), compute_uv=False)
    if s[0] == 0.0 or s[-1] <= rtol * s[0]:
        return float("inf")
    return float(s[0] / s[-1])


def perturbed_solutions(A, b, eps: float, n: int = 72) -> np.ndarray | None:
    """Solutions of A x = b + delta for every delta with ‖delta‖ = eps: an ellipse around the
    solution whose longest radius is eps / sigma_min(A). None when A is singular."""
    x = solve(A, b)
    if x is None:
        return None
    t = np.linspace(0.0, 2.0 * np.pi, n)
    deltas = eps * np.column_stack([np.cos(t), np.sin(t)])
    return x + np.linalg.solve(np.asarray(A, dtype=float), deltas.T).T


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

EXTENT = 5.0
BOX = (-EXTENT, EXTENT, -EXTENT, EXTENT)
EPS = 0.1

PRESETS = {
    "one solution": [1.0, 1.0, 2.0, 1.0, -1.0, 0.0],
    "no solution": [1.0, 2.0, 2.0, 0.5, 1.0, -1.0],
    "infinitely many": [1.0, -1.0, 1.0, -2.0, 2.0, -2.0],
    "ill-conditioned": [1.0, 1.0, 2.0, 1.0, 1.1, 2.0],
}


def _equation(a1, a2, b1) -> str:
    sign = "−" if a2 < 0 else "+"
    return f"{c.fmt(a1, 2)}·x₁ {sign} {c.fmt(abs(a2), 2)}·x₂ = {c.fmt(b1, 2)}"


def build() -> c.Lab:
    a11 = c.slider("a₁₁", -3, 3, 0.1, 1.0, primary=True)
    a12 = c.slider("a₁₂", -3, 3, 0.1, 1.0)
    b1 = c.slider("b₁", -3, 3, 0.1, 2.0)
    a21 = c.slider("a₂₁", -3, 3, 0.1, 1.0)
    a22 = c.slider("a₂₂", -3, 3, 0.1, -1.0)
    b2 = c.slider("b₂", -3, 3, 0.1, 0.0)
    sliders = [a11, a12, b1, a21, a22, b2]
    buttons = {name: c.button(name) for name in PRESETS}

    p = c.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="each equation is a line; a solution lies on both",
        x_label="x₁",
        y_label="x₂",
        equal=True,
        main=True,
    )
    line1 = p.lines(colors=[c.BLUE], stroke_width=3)
    line2 = p.lines(colors=[c.ORANGE], stroke_width=3, line_style="dashed")
    blur = p.lines(
        colors=[c.PURPLE],
        fill="inside",
        fill_colors=[c.PURPLE],
        fill_opacities=[0.2],
        stroke_width=1,
    )
    point = p.scatter(colors=["black"], default_size=60)
    status = c.status_label()
    values: dict = {}

    def draw_line(mark, a, bb, rhs):
        seg = c.line_in_box(a, bb, rhs, BOX)
        if seg is None:
            c.set_data(mark, visible=False)
        else:
            c.set_data(mark, x=seg[:, 0], y=seg[:, 1], visible=True)
        return seg

    def update():
        A, b = c.read(a11, a12, a21, a22).reshape(2, 2), c.read(b1, b2)
        s1 = draw_line(line1, A[0, 0], A[0, 1], b[0])
        s2 = draw_line(line2, A[1, 0], A[1, 1], b[1])
        kind = classify(A, b)
        kappa = condition_number(A)
        x = solve(A, b)
        ring = perturbed_solutions(A, b, EPS)
        if x is not None and np.all(np.abs(x) <= EXTENT):
            c.set_data(point, x=x[:1], y=x[1:], visible=True)
        else:
            c.set_data(point, visible=False)
        if ring is not None:
            ring = c.clip_to_box(ring, c.enlarge(BOX))
            c.set_data(blur, x=ring[:, 0], y=ring[:, 1], visible=True)
        else:
            c.set_data(blur, visible=False)

        lines = [
            f"<span style='color:{c.BLUE}'>(1) {_equation(A[0, 0], A[0, 1], b[0])}</span>",
            f"<span style='color:{c.ORANGE}'>(2) {_equation(A[1, 0], A[1, 1], b[1])}</span>",
            f"det A = {c.fmt(A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0])}, "
            f"rank A = {matrix_rank(A)}, rank [A | b] = {matrix_rank(np.column_stack([A, b]))}",
        ]
        for i, seg in ((0, s1), (1, s2)):
            if seg is None and not A[i].any():
                lines.append(
                    f"Equation ({i + 1}) reads 0 = {c.fmt(b[i], 2)}: "
                    + ("true for every point (no line)." if b[i] == 0 else "true for no point.")
                )
            elif seg is None:
                lines.append(f"Line ({i + 1}) lies outside the window.")
        if kind == ONE:
            lines.append(f"<b>One solution</b>: x = {c.fmt_vec(x, 3)}")
            if not np.all(np.abs(x) <= EXTENT):
                lines.append("(the solution lies outside the window)")
        elif kind == NONE and any(not A[i].any() and b[i] != 0 for i in (0, 1)):
            lines.append('<b style="color:#d62728">No solution</b>: an equation is impossible.')
        elif kind == NONE:
            lines.append(
                '<b style="color:#d62728">No solution</b>: the lines are parallel and '
                "distinct (rank [A | b] > rank A)."
            )
        elif matrix_rank(A) == 0:
            lines.append(
                '<b style="color:#d62728">Infinitely many solutions</b>: both equations read '
                "0 = 0; every point of the plane solves them."
            )
        else:
            lines.append(
                '<b style="color:#d62728">Infinitely many solutions</b>: every point of one '
                "line solves both (rank A = rank [A | b] = 1)."
            )
        lines.append(f"<b>condition number</b> κ(A) = {c.fmt(kappa, 2)}")
        if ring is not None:
            lines.append(
                f"Purple: where the solution goes when b moves by {EPS} in any direction "
                f"(up to {c.fmt(EPS * np.linalg.norm(np.linalg.inv(A), 2), 2)} away)."
            )
        if not np.isfinite(kappa):
            lines.append("κ = ∞: A is singular, so A x = b has no unique solution.")
        elif kappa > 20:
            lines.append("Large κ: nearly parallel lines; tiny changes in b move x a lot.")
        status.value = "<br>".join(lines)
        values.update(A=A, b=b, kind=kind, solution=x, condition=kappa)

    refresh = c.Refresh(update)

    def preset(name):
        def on_click(_button=None):
            with refresh.hold():
                for s, v in zip(sliders, PRESETS[name], strict=True):
                    s.value = v

        return on_click

    for name, btn in buttons.items():
        btn.on_click(preset(name))

    controls = {"a11": a11, "a12": a12, "b1": b1, "a21": a21, "a22": a22, "b2": b2}
    return c.Lab(
        5,
        "Linear systems",
        controls={**controls, **{f"preset {k}": v for k, v in buttons.items()}},
        layout_controls=[*sliders, c.button_row(buttons.values(), "Presets")],
        plots=[p],
        marks={"line 1": line1, "line 2": line2, "solution": point, "sensitivity": blur},
        status=status,
        refresh=refresh,
        values=values,
    )


def show() -> c.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
