"""Lab 6. Eigenvector explorer: a unit vector v turns around the circle; A v turns with it, and
at the eigen-directions A v lines up with v (A v = lambda v)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from . import common as c

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


def unit_vector(t_deg):
    """(cos t, sin t) for an angle in degrees; an array of angles gives rows."""
    t = np.deg2rad(np.asarray(t_deg, dtype=float))
    return c.snap(np.stack([np.cos(t), np.sin(t)], axis=-1))


def cross(A, t_deg):
    """det [v, A v] = v₁(Av)₂ − v₂(Av)₁ for v = unit_vector(t): zero exactly when A v is
    parallel to v (or A v = 0), that is at the eigen-directions."""
    v = unit_vector(t_deg)
    Av = v @ np.asarray(A, dtype=float).T
    return v[..., 0] * Av[..., 1] - v[..., 1] * Av[..., 0]


def eigen_directions(A, tol: float = 1e-9) -> tuple[str, np.ndarray]:
    """The real eigen-directions of a 2x2 matrix as angles in [0, 180) degrees.

    Returns ("all", []) when every direction is one (A = lambda I), ("none", []) when there is
    none (complex eigenvalues), or ("some", angles) with one or two angles. Works from
    det [v, Av] = alpha + beta cos 2t + gamma sin 2t, which vanishes at the eigen-directions.
    """
    A = np.asarray(A, dtype=float)
    (a, b), (cc, d) = A
    alpha, beta, gamma = (cc - b) / 2, (cc + b) / 2, (d - a) / 2
    scale = max(np.abs(A).max(), 1e-300)
    radius = np.hypot(beta, gamma)
    if radius <= tol * scale:
        if abs(alpha) <= tol * scale:
            return "all", np.zeros(0)
        return "none", np.zeros(0)
    ratio = -alpha / radius
    if abs(ratio) > 1 + tol:
        return "none", np.zeros(0)
    phi = np.arctan2(gamma, beta)
    delta = np.arccos(np.clip(ratio, -1.0, 1.0))
    angles = np.mod(np.degrees([(phi - delta) / 2, (phi + delta) / 2]), 180.0)
    angles = np.where(angles >= 180.0 - 1e-9, 0.0, angles)
    angles = np.unique(np.round(angles, 9))
    if angles.size == 2 and abs(angles[1] - angles[0]) < 1e-6:  # a repeated direction
        angles = angles[:1]
    return "some", angles


def eigenvalue_along(A, t_deg) -> float:
    """vᵀ A v for the unit vector at angle t: the eigenvalue when t is an eigen-direction."""
    v = unit_vector(t_deg)
    return float(v @ np.asarray(A, dtype=float) @ v)


def eigenvalues(A) -> np.ndarray:
    """Both eigenvalues (complex in general), largest real part first."""
    lam = np.linalg.eigvals(np.asarray(A, dtype=float))
    return lam[np.argsort(-lam.real, kind="stable")]


def angle_between(v, w, tol: float = 0.0) -> float | None:
    """Angle from v to w in degrees, in (-180, 180]; None when ‖w‖ <= tol (w = 0)."""
    if np.hypot(*w) <= tol:
        return None
    return float(np.degrees(np.arctan2(v[0] * w[1] - v[1] * w[0], v[0] * w[0] + v[1] * w[1])))


def _fmt_lambda(lam) -> str:
    lam = complex(
        0.0 if abs(lam.real) < 1e-12 else lam.real, 0.0 if abs(lam.imag) < 1e-12 else lam.imag
    )
    if lam.imag == 0.0:
        return c.fmt(lam.real, 3)
    return f"{c.fmt(lam.real, 3)} {'+' if lam.imag > 0 else '−'} {c.fmt(abs(lam.imag), 3)}i"


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

EXTENT = 4.0
T_CURVE = np.arange(0.0, 360.5, 1.0)
CIRCLE = unit_vector(T_CURVE)


def build() -> c.Lab:
    t = c.int_slider("angle of v (°)", 0, 359, 30, primary=True)
    play = widgets.Play(value=30, min=0, max=359, step=3, interval=250, description="turn v")
    widgets.jslink((play, "value"), (t, "value"))
    sliders = c.matrix_sliders([[2.0, 1.0], [1.0, 2.0]])
    a, b, cc, d = sliders
    buttons = {name: c.button(name) for name in PRESETS}

    p = c.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="v on the unit circle, A v on its image",
        x_label="x₁",
        y_label="x₂",
        equal=True,
        main=True,
    )
    p.lines(CIRCLE[:, 0], CIRCLE[:, 1], colors=[c.GRAY], stroke_width=1)
    ellipse = p.lines(colors=["#fdd0a2"], stroke_width=2)
    eig_lines = p.lines(colors=[c.PURPLE], stroke_width=1.5, line_style="dashed")
    eig_marks = p.scatter(colors=[c.PURPLE], default_size=50)
    arrows = p.lines(colors=[c.BLUE, c.ORANGE], stroke_width=3)
    tags = p.label(text=["v", "Av"], colors=[c.BLUE, c.ORANGE], x_offset=6)

    q = c.plot(
        (0, 360),
        (-1, 1),
        title="det [v, Av]: zero when Av is parallel to v",
        x_label="angle of v (°)",
        y_label="v₁(Av)₂ − v₂(Av)₁",
        height=230,
    )
    q.lines([0, 360], [0, 0], colors=[c.GRAY], stroke_width=1)
    curve = q.lines(colors=[c.PURPLE], stroke_width=2)
    zeros = q.scatter(colors=[c.PURPLE], default_size=40)
    now = q.lines(colors=[c.BLUE], stroke_width=2)
    status = c.status_label()
    values: dict = {}
    cache: dict = {}

    def update_matrix(A):
        img = CIRCLE @ A.T
        c.set_data(ellipse, x=img[:, 0], y=img[:, 1])
        kind, angles = eigen_directions(A)
        if kind == "some":
            dirs = unit_vector(angles)
            ends = np.stack([-2 * EXTENT * dirs, 2 * EXTENT * dirs], axis=1)
            c.set_data(eig_lines, x=ends[..., 0], y=ends[..., 1], visible=True)
            pts = np.concatenate([dirs, -dirs])
            c.set_data(eig_marks, x=pts[:, 0], y=pts[:, 1], visible=True)
            za = np.sort(np.concatenate([angles, angles + 180.0]))
            c.set_data(zeros, x=za, y=np.zeros_like(za), visible=True)
        else:
            c.set_data(eig_lines, visible=False)
            c.set_data(eig_marks, visible=False)
            c.set_data(zeros, visible=False)
        y = cross(A, T_CURVE)
        top = max(float(np.abs(y).max()) * 1.1, 0.5)
        with q.sy.hold_sync():
            q.sy.min, q.sy.max = -top, top
        c.set_data(curve, x=T_CURVE, y=y)
        cache.update(A=A, kind=kind, angles=angles, top=top)

    def update():
        A = np.array([[a.value, b.value], [cc.value, d.value]])
        if "A" not in cache or not np.array_equal(cache["A"], A):
            update_matrix(A)
        kind, angles, top = cache["kind"], cache["angles"], cache["top"]
        v = unit_vector(t.value)
        Av = A @ v
        ax, ay = c.arrow_paths(np.zeros((2, 2)), np.array([v, Av]), head=0.25)
        c.set_data(arrows, x=ax, y=ay)
        c.set_data(tags, x=np.array([v[0], Av[0]]), y=np.array([v[1], Av[1]]))
        c.set_data(now, x=np.array([t.value, t.value]), y=np.array([-top, top]))

        lam = eigenvalues(A)
        lines = [f"<b>eigenvalues</b>: λ₁ = {_fmt_lambda(lam[0])}, λ₂ = {_fmt_lambda(lam[1])}"]
        if kind == "all":
            lines.append(
                "A = λI: every direction is an eigen-direction; Av is always parallel to v."
            )
        elif kind == "none":
            lines.append(
                '<span style="color:#d62728">Complex eigenvalues: A turns every '
                "vector, so Av is never parallel to v (the curve never crosses 0)."
                "</span>"
            )
        else:
            dirs = ", ".join(f"{c.fmt(x, 1)}°" for x in angles)
            lines.append(f"eigen-directions at {dirs} (and the opposite directions)")
            if angles.size == 1 and abs(lam[0] - lam[1]) < 1e-9:
                lines.append(
                    "A repeated eigenvalue with only one eigen-direction: "
                    "A is defective (not diagonalizable)."
                )
        lines.append(f"v = {c.fmt_vec(v)}, Av = {c.fmt_vec(Av)}")
        turn = angle_between(v, Av, tol=1e-12 * max(1.0, np.abs(A).max()))
        if turn is None:
            lines.append("<b>Av = 0</b>: v is in the null space, an eigenvector with λ = 0.")
        else:
            lines.append(f"angle from v to Av: {c.fmt(turn, 1)}°")
            if min(abs(turn), 180 - abs(turn)) < 1.0:
                lam_v = eigenvalue_along(A, t.value)
                lines.append(
                    f'<b style="color:{c.PURPLE}">Lined up: Av ≈ λv with λ = {c.fmt(lam_v, 3)}</b>'
                )
        status.value = "<br>".join(lines)
        values.update(A=A, v=v, Av=Av, eigenvalues=lam, kind=kind, eigen_angles=angles)

    refresh = c.Refresh(update)

    def preset(name):
        def on_click(_button=None):
            with refresh.hold():
                for s, v in zip(sliders, np.ravel(PRESETS[name]), strict=True):
                    s.value = float(v)

        return on_click

    for name, btn in buttons.items():
        btn.on_click(preset(name))

    return c.Lab(
        6,
        "Eigenvector explorer",
        controls={
            "t": t,
            "play": play,
            "a": a,
            "b": b,
            "c": cc,
            "d": d,
            **{f"preset {k}": v for k, v in buttons.items()},
        },
        layout_controls=[t, play, *sliders, c.button_row(buttons.values(), "Presets")],
        plots=[p, q],
        marks={
            "arrows": arrows,
            "ellipse": ellipse,
            "eigen lines": eig_lines,
            "eigen marks": eig_marks,
            "curve": curve,
            "zeros": zeros,
            "now": now,
            "labels": tags,
        },
        status=status,
        refresh=refresh,
        values=values,
        unwired=("play",),
    )


def show() -> c.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
