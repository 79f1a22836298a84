"""Lab 5. Linear systems: two equations in two unknowns as two lines; one solution, none or
infinitely many; sensitivity, seen as how far the solution moves when b moves (at most
‖δb‖ / σ_min(A)), and the condition number κ(A) = σ_max / σ_min, its relative version."""

from __future__ import annotations

import numpy as np

from . import common as ui
from .maths import condition_number, det2, matrix_rank, singular_values

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------

ONE, NONE, INFINITE = "one", "none", "infinitely many"


def classify(A, b) -> str:
    """ "one", "none" or "infinitely many" solutions of A x = b (Rouché–Capelli: compare the
    ranks of A and of the augmented matrix [A | b]), by the labs' one rank rule."""
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float).reshape(-1, 1)
    r = matrix_rank(A)
    r_aug = matrix_rank(np.hstack([A, b]))
    if r_aug > r:
        return NONE
    return ONE if r == A.shape[1] else INFINITE


def solve(A, b):
    """The unique solution, or None when there is not exactly one."""
    if classify(A, b) != ONE:
        return None
    return np.linalg.solve(np.asarray(A, dtype=float), np.asarray(b, dtype=float))


def sensitivity_radius(A, delta: float) -> float:
    """How far the solution of A x = b can move when b moves by `delta`: the largest
    ‖A⁻¹ δb‖ over ‖δb‖ = delta, which is delta / σ_min(A) (no inverse needed); ∞ when A is
    singular."""
    if condition_number(A) == float("inf"):
        return float("inf")
    return float(delta / singular_values(A)[-1])


def relative_change(A, b, delta: float, n: int = 72) -> tuple[float, float] | None:
    """The worst relative change ‖δx‖ / ‖x‖ of the solution over the perturbations
    ‖δb‖ = delta (sampled), and the bound κ(A) ‖δb‖ / ‖b‖ it can never exceed. None when
    there is no unique solution or x = 0."""
    x = solve(A, b)
    region = perturbed_solutions(A, b, delta, n)
    if x is None or region is None or not np.any(x):
        return None
    worst = float(np.max(np.linalg.norm(region - x, axis=1)) / np.linalg.norm(x))
    return worst, condition_number(A) * delta / float(np.linalg.norm(b))


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
DELTA_B = 0.1  # the size of the perturbations of b that the purple region shows

PRESETS = {
    "one solution": [1.0, 1.0, 2.0, 1.0, -1.0, 0.0],
    "no solution": [1.0, 2.0, 2.0, 0.5, 1.0, -1.0],
    "infinitely many": [1.0, -1.0, 1.0, -2.0, 2.0, -2.0],
    "ill-conditioned": [1.0, 1.0, 2.0, 1.0, 1.1, 2.0],
}


def _equation(a1, a2, b1) -> str:
    sign = "−" if a2 < 0 else "+"
    return f"{ui.fmt(a1, 2)}·x₁ {sign} {ui.fmt(abs(a2), 2)}·x₂ = {ui.fmt(b1, 2)}"


# What each numbered "Try this" step of the lab's page sets (its "step n" button): the state
# its text describes first (up to its first observation), never what it asks the learner to find.
TRY_THIS = {
    1: {"preset no solution": ui.CLICK},
    2: {"preset ill-conditioned": ui.CLICK},
    3: {"preset one solution": ui.CLICK},  # κ = 1 first; halving it is the learner's
    4: {"a11": 0.0, "a12": 0.0},
    5: {"a11": 1.0, "a12": 1.0, "a21": 1.0, "a22": 1.2, "b1": 1.0, "b2": 1.0},
}


def build() -> ui.Lab:
    # coefficients in steps of 0.05, so that a₂₂ can approach 1 in the ill-conditioned preset
    a11 = ui.slider("a₁₁", -3, 3, 0.05, 1.0, primary=True)
    a12 = ui.slider("a₁₂", -3, 3, 0.05, 1.0)
    b1 = ui.slider("b₁", -3, 3, 0.1, 2.0)
    a21 = ui.slider("a₂₁", -3, 3, 0.05, 1.0)
    a22 = ui.slider("a₂₂", -3, 3, 0.05, -1.0)
    b2 = ui.slider("b₂", -3, 3, 0.1, 0.0)
    sliders = [a11, a12, b1, a21, a22, b2]

    plane = ui.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="each equation is a line; a solution lies on both",
        x_label="x₁",
        y_label="x₂",
        equal=True,
        main=True,
    )
    line1 = plane.lines(colors=[ui.BLUE], stroke_width=3)
    line2 = plane.lines(colors=[ui.ORANGE], stroke_width=3, line_style="dashed")
    sensitivity = plane.lines(
        colors=[ui.PURPLE],
        fill="inside",
        fill_colors=[ui.PURPLE],
        fill_opacities=[0.2],
        stroke_width=1,
    )
    point = plane.scatter(colors=["black"], default_size=60)
    status = ui.status_label()
    values: dict = {}

    def draw_line(mark, a, bb, rhs):
        seg = ui.line_in_box(a, bb, rhs, BOX)
        if seg is None:
            ui.set_data(mark, visible=False)
        else:
            ui.set_data(mark, x=seg[:, 0], y=seg[:, 1], visible=True)
        return seg

    def update():
        A, b = ui.slider_values(a11, a12, a21, a22).reshape(2, 2), ui.slider_values(b1, b2)
        s1 = draw_line(line1, A[0, 0], A[0, 1], b[0])
        s2 = draw_line(line2, A[1, 0], A[1, 1], b[1])
        kind = classify(A, b)
        kappa = condition_number(A)
        rank_a = matrix_rank(A)
        x = solve(A, b)
        region = perturbed_solutions(A, b, DELTA_B)
        if x is not None and np.all(np.abs(x) <= EXTENT):
            ui.set_data(point, x=x[:1], y=x[1:], visible=True)
        else:
            ui.set_data(point, visible=False)
        if region is not None:
            shown = ui.clip_to_box(region, ui.enlarge(BOX))
            ui.set_data(sensitivity, x=shown[:, 0], y=shown[:, 1], visible=True)
        else:
            ui.set_data(sensitivity, visible=False)

        lines = [
            f"<span style='color:{ui.BLUE}'>(1) {_equation(A[0, 0], A[0, 1], b[0])}</span>",
            f"<span style='color:{ui.ORANGE}'>(2) {_equation(A[1, 0], A[1, 1], b[1])}</span>",
            f"det A = {ui.fmt(det2(A), scale=float(np.abs(A).max()) ** 2)}, "
            f"rank A = {rank_a}, rank [A | b] = {matrix_rank(np.column_stack([A, b]))}",
        ]
        for i, seg in ((0, s1), (1, s2)):
            if seg is None and not A[i].any():
                lines.append(
                    f"Equation ({i + 1}) reads 0 = {ui.fmt(b[i], 2)}: "
                    + ("true for every point (no line)." if b[i] == 0 else "true for no point.")
                )
            elif seg is None:
                lines.append(f"Line ({i + 1}) lies outside the window.")
        if kind == ONE:
            lines.append(f"<b>One solution</b>: x = {ui.fmt_vec(x, 3)}")
            if not np.all(np.abs(x) <= EXTENT):
                lines.append("(the solution lies outside the window)")
        elif kind == NONE and any(not A[i].any() and b[i] != 0 for i in (0, 1)):
            lines.append(ui.warn("No solution", bold=True) + ": an equation is impossible.")
        elif kind == NONE:
            lines.append(
                ui.warn("No solution", bold=True) + ": the lines are parallel and distinct "
                "(rank [A | b] > rank A)."
            )
        elif rank_a == 0:
            lines.append(
                ui.warn("Infinitely many solutions", bold=True) + ": both equations read "
                "0 = 0; every point of the plane solves them."
            )
        else:
            lines.append(
                ui.warn("Infinitely many solutions", bold=True) + ": every point of one "
                "line solves both (rank A = rank [A | b] = 1)."
            )
        lines.append(f"<b>condition number</b> κ(A) = σ_max / σ_min = {ui.fmt(kappa, 2)}")
        radius = sensitivity_radius(A, DELTA_B)
        if region is not None:
            lines.append(
                f"Purple: where the solution goes when b moves by {DELTA_B} in any direction: "
                f"up to {DELTA_B} / σ_min(A) = {ui.fmt(radius, 2)} away."
            )
        change = relative_change(A, b, DELTA_B)
        if change is not None:
            lines.append(
                f"Relative change of x: up to ‖δx‖/‖x‖ = {ui.fmt(change[0], 3)}, never more "
                f"than κ(A) ‖δb‖/‖b‖ = {ui.fmt(change[1], 3)}."
            )
        if not np.isfinite(kappa):
            lines.append("κ = ∞: A is singular, so A x = b has no unique solution.")
        elif kappa > 20:
            lines.append("Large κ: nearly parallel lines; tiny changes in b move x a lot.")
        ui.show_status(status, lines)
        values.update(
            A=A,
            b=b,
            kind=kind,
            solution=x,
            condition=kappa,
            radius=radius,
            relative_change=change,
        )

    refresh = ui.Refresh(update)
    buttons = ui.preset_buttons(PRESETS, sliders, refresh)
    controls = {"a11": a11, "a12": a12, "b1": b1, "a21": a21, "a22": a22, "b2": b2}
    return ui.Lab(
        5,
        "Linear systems",
        controls={**controls, **{f"preset {k}": v for k, v in buttons.items()}},
        layout_controls=[*sliders, ui.button_row(buttons.values(), "Presets")],
        plots=[plane],
        marks={"line 1": line1, "line 2": line2, "solution": point, "sensitivity": sensitivity},
        status=status,
        refresh=refresh,
        values=values,
        steps=TRY_THIS,
    )


def show() -> ui.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
