"""Lab 6. Eigenvector explorer: a unit vector v turns around the circle; A v turns with it, and
at the eigen-directions A v lines up with v (A v = lambda v)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from . import common as ui
from .maths import RANK_RTOL, clean, unit_vector

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------

PRESETS = {
    "symmetric": [[2.0, 1.0], [1.0, 2.0]],
    "stretch": [[2.0, 0.0], [0.0, 0.5]],
    "shear": [[1.0, 1.0], [0.0, 1.0]],
    "rotation": [[0.0, -1.0], [1.0, 0.0]],
    "projection": [[1.0, 0.0], [0.0, 0.0]],
    "1.5 I": [[1.5, 0.0], [0.0, 1.5]],
    "not symmetric": [[1.0, 2.0], [1.0, 0.0]],
}


def cross(A, t_deg):
    """det [v, A v] = v₁(Av)₂ − v₂(Av)₁ for v = unit_vector(t): zero exactly when A v is
    parallel to v (or A v = 0), that is at the eigen-directions."""
    v = unit_vector(t_deg)
    Av = v @ np.asarray(A, dtype=float).T
    return v[..., 0] * Av[..., 1] - v[..., 1] * Av[..., 0]


def discriminant(A) -> float:
    """(a − d)² + 4bc = (tr A)² − 4 det A: the eigenvalues are real and distinct when it is
    positive, complex when negative, and repeated when it is 0."""
    (a, b), (c, d) = np.asarray(A, dtype=float)
    return float((a - d) ** 2 + 4.0 * b * c)


def _repeated(A, tol: float) -> bool:
    """The discriminant is 0 relative to the entries squared: a repeated eigenvalue."""
    scale = float(np.abs(np.asarray(A, dtype=float)).max())
    return abs(discriminant(A)) <= tol * scale * scale


def eigen_directions(A, tol: float = RANK_RTOL) -> tuple[str, np.ndarray]:
    """The real eigen-directions of a 2x2 matrix as angles in [0, 180) degrees.

    Returns ("all", []) when every direction is one (A = lambda I), ("none", []) when there is
    none (complex eigenvalues), or ("some", angles) with one or two angles. Works from
    det [v, Av] = alpha + beta cos 2t + gamma sin 2t, which vanishes at the eigen-directions;
    it has zeros exactly when beta² + gamma² >= alpha², that is when the discriminant
    (a − d)² + 4bc = 4 (beta² + gamma² − alpha²) is >= 0. Whether it is 0 (one direction, a
    repeated eigenvalue) is decided relative to the entries, as `eigenvalues` decides it.
    """
    A = np.asarray(A, dtype=float)
    (a, b), (c, d) = A
    alpha, beta, gamma = (c - b) / 2, (c + b) / 2, (d - a) / 2
    scale = max(np.abs(A).max(), 1e-300)
    radius = np.hypot(beta, gamma)
    if radius <= tol * scale:
        if abs(alpha) <= tol * scale:
            return "all", np.zeros(0)
        return "none", np.zeros(0)
    phi = np.arctan2(gamma, beta)
    if discriminant(A) < 0 and not _repeated(A, tol):
        return "none", np.zeros(0)
    # A repeated eigenvalue gives -alpha / radius = +1 or -1 (one direction); a nearly repeated
    # one of a symmetric matrix still has two perpendicular directions, which only this finds.
    delta = np.arccos(np.clip(-alpha / radius, -1.0, 1.0)) * np.array([-1.0, 1.0])
    angles = np.mod(np.degrees((phi + delta) / 2), 180.0)
    angles = np.where(angles >= 180.0 - 1e-9, 0.0, angles)
    return "some", np.unique(np.round(angles, 9))


def is_defective(A, tol: float = RANK_RTOL) -> bool:
    """A repeated eigenvalue with only one eigen-direction (A is not lambda I): A cannot be
    diagonalized. Decided from the discriminant, not from computed eigenvalues, which for such
    a matrix are only accurate to about the square root of the rounding error (1e-8)."""
    return _repeated(A, tol) and eigen_directions(A, tol)[0] == "some"


def eigenvalue_along(A, t_deg) -> float:
    """vᵀ A v for the unit vector at angle t: the eigenvalue when t is an eigen-direction."""
    v = unit_vector(t_deg)
    return float(v @ np.asarray(A, dtype=float) @ v)


def eigenvalues(A, tol: float = RANK_RTOL) -> np.ndarray:
    """Both eigenvalues (complex in general), largest real part first. A repeated eigenvalue
    (discriminant 0, as `eigen_directions` decides) is returned exactly as (a + d) / 2 twice,
    not as the pair 1 ± 1e-8 (or 1 ± 1e-8 i) that rounding gives an eigenvalue solver."""
    A = np.asarray(A, dtype=float)
    if _repeated(A, tol):
        lam = np.full(2, np.trace(A) / 2.0, dtype=complex)
    else:
        lam = np.linalg.eigvals(A).astype(complex)
        if discriminant(A) > 0:
            lam = lam.real.astype(complex)  # real: drop any rounding in the imaginary parts
    return lam[np.argsort(-lam.real, kind="stable")]


def lined_up(turn_deg: float | None, tol_deg: float = 1.0) -> bool:
    """Av is parallel to v (or against it) to within tol_deg degrees."""
    return turn_deg is not None and min(abs(turn_deg), 180.0 - abs(turn_deg)) < tol_deg


def angle_between(v, w, tol: float = 0.0) -> float | None:
    """Angle from v to w in degrees, in (-180, 180]; None when ‖w‖ <= tol (w = 0)."""
    if np.hypot(*w) <= tol:
        return None
    return float(np.degrees(np.arctan2(v[0] * w[1] - v[1] * w[0], v[0] * w[0] + v[1] * w[1])))


def _fmt_lambda(lam, scale: float) -> str:
    lam = complex(lam)
    re, im = float(clean(lam.real, scale)), float(clean(lam.imag, scale))
    if im == 0.0:
        return ui.fmt(re, 3)
    return f"{ui.fmt(re, 3)} {'+' if im > 0 else '−'} {ui.fmt(abs(im), 3)}i"


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

EXTENT = 4.0
T_CURVE = np.arange(0.0, 360.5, 1.0)
CIRCLE = unit_vector(T_CURVE)


# What each numbered "Try this" step of the lab's page sets (its "step n" button): the state
# its text describes first (up to its first observation), never what it asks the learner to find.
TRY_THIS = {
    1: {"preset symmetric": ui.CLICK},
    2: {"preset rotation": ui.CLICK},
    3: {"preset shear": ui.CLICK},
    4: {"preset projection": ui.CLICK, "t": 90},
    5: {"preset not symmetric": ui.CLICK},
    6: {"preset 1.5 I": ui.CLICK},
    7: {"a": 1.5, "b": 0.5, "c": -0.5, "d": 0.5},
}


def build() -> ui.Lab:
    t = ui.int_slider("angle of v (°)", 0, 359, 30, primary=True)
    play = widgets.Play(value=30, min=0, max=359, step=3, interval=250, description="turn v")
    widgets.jslink((play, "value"), (t, "value"))
    sliders = ui.matrix_sliders([[2.0, 1.0], [1.0, 2.0]])
    a, b, c, d = sliders

    plane = ui.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="v on the unit circle, A v on its image",
        x_label="x₁",
        y_label="x₂",
        equal=True,
        main=True,
    )
    plane.lines(CIRCLE[:, 0], CIRCLE[:, 1], colors=[ui.GRAY], stroke_width=1)
    ellipse = plane.lines(colors=["#fdd0a2"], stroke_width=2)
    eig_lines = plane.lines(colors=[ui.PURPLE], stroke_width=1.5, line_style="dashed")
    eig_marks = plane.scatter(colors=[ui.PURPLE], default_size=50)
    arrows = plane.lines(colors=[ui.BLUE, ui.ORANGE], stroke_width=3)
    tags = plane.label(text=["v", "Av"], colors=[ui.BLUE, ui.ORANGE], x_offset=6)

    curve_plot = ui.plot(
        (0, 360),
        (-1, 1),
        title="det [v, Av]: zero when Av is parallel to v",
        x_label="angle of v (°)",
        y_label="v₁(Av)₂ − v₂(Av)₁",
        height=230,
    )
    curve_plot.lines([0, 360], [0, 0], colors=[ui.GRAY], stroke_width=1)
    curve = curve_plot.lines(colors=[ui.PURPLE], stroke_width=2)
    zeros = curve_plot.scatter(colors=[ui.PURPLE], default_size=40)
    now = curve_plot.lines(colors=[ui.BLUE], stroke_width=2)
    status = ui.status_label()
    values: dict = {}
    matrix_memo = ui.Memo()

    def update_matrix(A):
        img = CIRCLE @ A.T
        ui.set_data(ellipse, x=img[:, 0], y=img[:, 1])
        kind, angles = eigen_directions(A)
        if kind == "some":
            dirs = unit_vector(angles)
            ends = np.stack([-2 * EXTENT * dirs, 2 * EXTENT * dirs], axis=1)
            ui.set_data(eig_lines, x=ends[..., 0], y=ends[..., 1], visible=True)
            pts = np.concatenate([dirs, -dirs])
            ui.set_data(eig_marks, x=pts[:, 0], y=pts[:, 1], visible=True)
            za = np.sort(np.concatenate([angles, angles + 180.0]))
            ui.set_data(zeros, x=za, y=np.zeros_like(za), visible=True)
        else:
            ui.set_data(eig_lines, visible=False)
            ui.set_data(eig_marks, visible=False)
            ui.set_data(zeros, visible=False)
        y = cross(A, T_CURVE)
        top = max(float(np.abs(y).max()) * 1.1, 0.5)
        with curve_plot.sy.hold_sync():
            curve_plot.sy.min, curve_plot.sy.max = -top, top
        ui.set_data(curve, x=T_CURVE, y=y)
        return {
            "kind": kind,
            "angles": angles,
            "top": top,
            "eigenvalues": eigenvalues(A),
            "defective": is_defective(A),
        }

    def update():
        A = ui.slider_values(a, b, c, d).reshape(2, 2)
        m = matrix_memo(tuple(A.ravel()), lambda: update_matrix(A))
        kind, angles, lam = m["kind"], m["angles"], m["eigenvalues"]
        v = unit_vector(t.value)
        Av = A @ v
        ax, ay = ui.arrow_paths(np.zeros((2, 2)), np.array([v, Av]), head=0.25)
        v_head.place(*v)
        ui.set_data(arrows, x=ax, y=ay)
        ui.set_data(tags, x=np.array([v[0], Av[0]]), y=np.array([v[1], Av[1]]))
        ui.set_data(now, x=np.array([t.value, t.value]), y=np.array([-m["top"], m["top"]]))

        size = max(float(np.abs(A).max()), 1e-300)
        lines = [
            f"<b>eigenvalues</b>: λ₁ = {_fmt_lambda(lam[0], size)}, "
            f"λ₂ = {_fmt_lambda(lam[1], size)}"
        ]
        if kind == "all":
            lines.append(
                "A = λI: every direction is an eigen-direction; Av is always parallel to v."
            )
        elif kind == "none":
            lines.append(
                ui.warn(
                    "Complex eigenvalues: A turns every vector, so Av is never parallel to v "
                    "(the curve never crosses 0)."
                )
            )
            turn_deg = np.degrees(np.angle(lam[0]))
            lines.append(
                f"In a suitable basis A turns by arg λ₁ = {ui.fmt(turn_deg, 1)}° "
                f"and scales by |λ₁| = {ui.fmt(abs(lam[0]), 3)}."
            )
        else:
            dirs = ", ".join(f"{ui.fmt(x, 1)}°" for x in angles)
            lines.append(f"eigen-directions at {dirs} (and the opposite directions)")
            if m["defective"]:
                lines.append(
                    "A repeated eigenvalue with only one eigen-direction: "
                    "A is defective (not diagonalizable)."
                )
        lines.append(f"v = {ui.fmt_vec(v, scale=1.0)}, Av = {ui.fmt_vec(Av, scale=size)}")
        turn = angle_between(v, Av, tol=1e-12 * max(1.0, size))
        if turn is None:
            lines.append("<b>Av = 0</b>: v is in the null space, an eigenvector with λ = 0.")
        else:
            turn = float(clean(turn, 180.0))
            lines.append(f"angle from v to Av: {ui.fmt(turn, 1)}°")
            if lined_up(turn):
                lam_v = eigenvalue_along(A, t.value)
                lines.append(
                    f'<b style="color:{ui.PURPLE}">Lined up: Av ≈ λv with '
                    f"λ = {ui.fmt(lam_v, 3, scale=size)}</b>"
                )
        ui.show_status(status, lines)
        values.update(
            A=A,
            v=v,
            Av=Av,
            eigenvalues=lam,
            kind=kind,
            eigen_angles=angles,
            defective=m["defective"],
            turn=turn,
        )

    refresh = ui.Refresh(update)

    def drop_v(x, y):
        """v's head dropped anywhere: v turns to that direction (a whole degree)."""
        with refresh.hold():  # the redraw puts the head back on the circle
            if np.hypot(x, y) > 0:
                t.value = int(np.round(np.degrees(np.arctan2(y, x)))) % 360

    v_head = ui.Handle(plane, drop_v, colors=[ui.BLUE], default_size=60)

    buttons = ui.preset_buttons(PRESETS, sliders, refresh)

    return ui.Lab(
        6,
        "Eigenvector explorer",
        controls={
            "t": t,
            "play": play,
            "a": a,
            "b": b,
            "c": c,
            "d": d,
            **{f"preset {k}": v for k, v in buttons.items()},
        },
        layout_controls=[t, play, *sliders, ui.button_row(buttons.values(), "Presets")],
        plots=[plane, curve_plot],
        marks={
            "arrows": arrows,
            "ellipse": ellipse,
            "eigen lines": eig_lines,
            "eigen marks": eig_marks,
            "curve": curve,
            "zeros": zeros,
            "now": now,
            "labels": tags,
            "head of v": v_head.mark,
        },
        status=status,
        refresh=refresh,
        values=values,
        steps=TRY_THIS,
        unwired=("play",),
    )


def show() -> ui.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
