"""Lab 2. Vector playground: the linear combination a*u + b*v drawn head to tail, the norms
(as numbers and as the three unit-ball shapes through w), and the span of u and v (the whole
plane, a line, or the origin). The head of w can be dragged: a and b follow."""

from __future__ import annotations

import numpy as np

from . import common as ui
from .maths import clean, det2, matrix_rank

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------


def combination(u, v, a: float, b: float) -> np.ndarray:
    """a*u + b*v."""
    return a * np.asarray(u, dtype=float) + b * np.asarray(v, dtype=float)


def head_to_tail(u, v, a: float, b: float) -> np.ndarray:
    """The path 0 -> a*u -> a*u + b*v as a (3, 2) array."""
    au = a * np.asarray(u, dtype=float)
    return np.array([np.zeros(2), au, au + b * np.asarray(v, dtype=float)])


def norms(x) -> dict[str, float]:
    """The L1, L2 and L-infinity norms of x."""
    x = np.asarray(x, dtype=float)
    return {
        "L1": float(np.sum(np.abs(x))),
        "L2": float(np.sqrt(np.sum(x * x))),
        "Linf": float(np.max(np.abs(x))) if x.size else 0.0,
    }


def span(u, v) -> tuple[str, np.ndarray | None]:
    """What u and v span in the plane: ("plane", None), ("line", unit direction) or
    ("point", None): the rank of the matrix [u v], by the labs' one rank rule
    (`maths.matrix_rank`, relative to the larger vector)."""
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    r = matrix_rank(np.column_stack([u, v]))
    if r == 2:
        return "plane", None
    if r == 0:
        return "point", None
    d = u if np.hypot(*u) >= np.hypot(*v) else v
    return "line", d / np.hypot(*d)


def coordinates(u, v, w):
    """The (a, b) with a*u + b*v = w when u, v span the plane; None otherwise."""
    if span(u, v)[0] != "plane":
        return None
    return np.linalg.solve(np.column_stack([u, v]).astype(float), np.asarray(w, dtype=float))


def norm_balls(w, n: int = 121) -> list[np.ndarray]:
    """The three curves through w of the points with the same norm as w: the L1 diamond
    |x₁| + |x₂| = ‖w‖₁, the L2 circle of radius ‖w‖₂ and the L∞ square max|xᵢ| = ‖w‖∞, each
    as a closed (m, 2) polyline. All three pass through w; on the axes they cross at
    ±‖w‖₁ ≥ ±‖w‖₂ ≥ ±‖w‖∞, which is ‖w‖∞ ≤ ‖w‖₂ ≤ ‖w‖₁ drawn."""
    nw = norms(w)
    diamond = nw["L1"] * np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]], dtype=float)
    t = np.linspace(0.0, 2.0 * np.pi, n)
    circle = nw["L2"] * np.column_stack([np.cos(t), np.sin(t)])
    square = nw["Linf"] * np.array([[1, 1], [-1, 1], [-1, -1], [1, -1], [1, 1]], dtype=float)
    return [diamond, circle, square]


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

EXTENT = 8.0


# What each numbered "Try this" step of the lab's page sets (its "step n" button): the state
# its text describes first (up to its first observation), never what it asks the learner to find.
TRY_THIS = {
    1: {"a": 1.0, "b": 1.0},
    2: {"v1": 0.4, "v2": 0.1},
    3: {},
    4: {},
    5: {},
}


def build() -> ui.Lab:
    u1 = ui.slider("u₁", -3, 3, 0.1, 2.0)
    u2 = ui.slider("u₂", -3, 3, 0.1, 0.5)
    v1 = ui.slider("v₁", -3, 3, 0.1, 0.5)
    v2 = ui.slider("v₂", -3, 3, 0.1, 1.5)
    a = ui.slider("a", -2, 2, 0.1, 1.0, primary=True)
    b = ui.slider("b", -2, 2, 0.1, 1.0)

    plane = ui.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="w = a·u + b·v, drawn head to tail",
        x_label="x₁",
        y_label="x₂",
        equal=True,
        main=True,
    )
    lattice = plane.lines(colors=[ui.LIGHT], stroke_width=1)
    balls = plane.lines(
        colors=[ui.RED, ui.GREEN, ui.PURPLE], stroke_width=1, opacities=[0.5, 0.5, 0.5]
    )
    span_line = plane.lines(colors=[ui.PURPLE], stroke_width=2, line_style="dashed")
    base = plane.lines(colors=[ui.BLUE, ui.ORANGE], stroke_width=1.5, opacities=[0.45, 0.45])
    path = plane.lines(colors=[ui.BLUE, ui.ORANGE, ui.GREEN], stroke_width=3)
    tags = plane.label(
        colors=[ui.BLUE, ui.ORANGE, ui.BLUE, ui.ORANGE, ui.GREEN], x_offset=6, y_offset=-4
    )
    status = ui.status_label()
    values: dict = {}

    def update():
        u, v = ui.slider_values(u1, u2), ui.slider_values(v1, v2)
        av, bv = ui.slider_values(a, b)
        pts = head_to_tail(u, v, av, bv)
        # a·u + b·v is as large as |a|‖u‖ + |b|‖v‖; a component far below that is rounding
        scale = abs(av) * np.hypot(*u) + abs(bv) * np.hypot(*v)
        w = clean(pts[2], scale)
        pts[2] = w
        kind, direction = span(u, v)
        # the lines i*u + t*v and t*u + j*v: the coordinate grid that u and v put on the plane
        X, Y = ui.grid_lines(np.column_stack([u, v]), n=8, extent=40)
        ui.set_data(lattice, x=X, y=Y)
        BX, BY = ui.pad_paths(norm_balls(w))
        ui.set_data(balls, x=BX, y=BY)
        if kind == "line":
            ends = np.outer([-3 * EXTENT, 3 * EXTENT], direction)
            ui.set_data(span_line, x=ends[:, 0], y=ends[:, 1], visible=True)
        else:
            ui.set_data(span_line, visible=False)
        bx, by = ui.arrow_paths(np.zeros((2, 2)), np.array([u, v]), head=0.35)
        ui.set_data(base, x=bx, y=by)
        px, py = ui.arrow_paths(pts[[0, 1, 0]], pts[[1, 2, 2]], head=0.45)
        ui.set_data(path, x=px, y=py)
        w_head.place(*w)
        u_head.place(*u)
        v_head.place(*v)
        at = np.array([u, v, 0.5 * pts[1], 0.5 * (pts[1] + pts[2]), w])
        ui.set_data(tags, x=at[:, 0], y=at[:, 1], text=["u", "v", "a·u", "b·v", "w"])
        nu, nv, nw = norms(u), norms(v), norms(w)
        bound = abs(av) * nu["L2"] + abs(bv) * nv["L2"]
        span_text = {
            "plane": "u and v are independent: they span the whole plane (every point is some "
            "a·u + b·v; the faint grid shows their coordinates). Drag the heads of u, v and w: "
            "the sliders follow.",
            "line": "u and v are parallel (det [u v] = 0): they span only the dashed line, and "
            "a·u + b·v can never leave it.",
            "point": "u = v = 0: they span only the origin.",
        }[kind]
        det = det2(np.column_stack([u, v]))
        outside = np.max(np.abs(w)) > EXTENT or np.max(np.abs(pts[1])) > EXTENT
        ui.show_status(
            status,
            [
                f"<b>w</b> = a·u + b·v = {ui.fmt_vec(w)}",
                f"‖u‖₂ = {ui.fmt(nu['L2'], 2)}, ‖v‖₂ = {ui.fmt(nv['L2'], 2)}",
                f"‖w‖₁ = {ui.fmt(nw['L1'], 2)}, ‖w‖₂ = {ui.fmt(nw['L2'], 2)}, "
                f"‖w‖∞ = {ui.fmt(nw['Linf'], 2)} (red diamond, green circle, purple square: "
                "the points with the same norm as w)",
                f"triangle inequality: ‖w‖₂ ≤ |a|‖u‖₂ + |b|‖v‖₂ = {ui.fmt(bound, 2)}",
                f"det [u v] = {ui.fmt(det, 2, scale=nu['L2'] * nv['L2'])}",
                span_text if kind == "plane" else ui.warn(span_text),
                "(part of the path is outside the window)" if outside else "",
            ],
        )
        values.update(u=u, v=v, a=av, b=bv, w=w, span=kind, norms=nw, bound=bound)

    refresh = ui.Refresh(update)

    def drop_w(x, y):
        """The head of w was dropped at (x, y): solve a·u + b·v = (x, y) for (a, b), on the
        sliders' steps; the redraw puts w on the nearest a·u + b·v the sliders reach."""
        ab = coordinates(values["u"], values["v"], [x, y])
        with refresh.hold():
            if ab is not None:
                ab = np.clip(np.round(ab, 1), a.min, a.max)
                a.value, b.value = float(ab[0]), float(ab[1])

    def drop_vector(sliders):
        def on_drop(x, y):
            with refresh.hold():
                for s, value in zip(sliders, (x, y), strict=True):
                    s.value = float(np.clip(np.round(value, 1), s.min, s.max))

        return on_drop

    w_head = ui.Handle(plane, drop_w, colors=[ui.GREEN])
    u_head = ui.Handle(plane, drop_vector((u1, u2)), colors=[ui.BLUE], default_size=50)
    v_head = ui.Handle(plane, drop_vector((v1, v2)), colors=[ui.ORANGE], default_size=50)

    controls = {"u1": u1, "u2": u2, "v1": v1, "v2": v2, "a": a, "b": b}
    lab = ui.Lab(
        2,
        "Vector playground",
        controls=controls,
        layout_controls=list(controls.values()),
        plots=[plane],
        marks={
            "lattice": lattice,
            "norm balls": balls,
            "span": span_line,
            "u and v": base,
            "path": path,
            "labels": tags,
            "head of w": w_head.mark,
            "head of u": u_head.mark,
            "head of v": v_head.mark,
        },
        status=status,
        refresh=refresh,
        values=values,
        steps=TRY_THIS,
    )
    return lab


def show() -> ui.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
