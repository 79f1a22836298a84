"""Lab 2. Vector playground: the linear combination a*u + b*v drawn head to tail, the norms,
and the span of u and v (the whole plane, a line, or the origin)."""

from __future__ import annotations

import numpy as np

from . import common as c

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


def span(u, v, rtol: float = 1e-9) -> tuple[str, np.ndarray | None]:
    """What u and v span in the plane: ("plane", None), ("line", unit direction) or
    ("point", None). u and v are dependent when det [u v] = u1 v2 - u2 v1 is (relatively) 0."""
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    nu, nv = np.hypot(*u), np.hypot(*v)
    if nu == 0.0 and nv == 0.0:
        return "point", None
    det = u[0] * v[1] - u[1] * v[0]
    if abs(det) > rtol * max(nu, nv) ** 2:
        return "plane", None
    d = u if nu >= nv else v
    return "line", d / np.hypot(*d)


def coordinates(u, v, w, rtol: float = 1e-9):
    """The (a, b) with a*u + b*v = w when u, v span the plane; None otherwise."""
    kind, _ = span(u, v, rtol)
    if kind != "plane":
        return None
    return np.linalg.solve(np.column_stack([u, v]).astype(float), np.asarray(w, dtype=float))


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

EXTENT = 8.0


def build() -> c.Lab:
    u1 = c.slider("u₁", -3, 3, 0.1, 2.0)
    u2 = c.slider("u₂", -3, 3, 0.1, 0.5)
    v1 = c.slider("v₁", -3, 3, 0.1, 0.5)
    v2 = c.slider("v₂", -3, 3, 0.1, 1.5)
    a = c.slider("a", -2, 2, 0.1, 1.0, primary=True)
    b = c.slider("b", -2, 2, 0.1, 1.0)

    p = c.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="w = a·u + b·v, drawn head to tail",
        x_label="x₁",
        y_label="x₂",
        equal=True,
        main=True,
    )
    lattice = p.lines(colors=[c.LIGHT], stroke_width=1)
    span_line = p.lines(colors=[c.PURPLE], stroke_width=2, line_style="dashed")
    base = p.lines(colors=[c.BLUE, c.ORANGE], stroke_width=1.5, opacities=[0.45, 0.45])
    path = p.lines(colors=[c.BLUE, c.ORANGE, c.GREEN], stroke_width=3)
    tags = p.label(colors=[c.BLUE, c.ORANGE, c.BLUE, c.ORANGE, c.GREEN], x_offset=6, y_offset=-4)
    status = c.status_label()
    values: dict = {}

    def update():
        u, v = c.read(u1, u2), c.read(v1, v2)
        pts = head_to_tail(u, v, a.value, b.value)
        w = pts[2]
        kind, direction = span(u, v)
        # the lines i*u + t*v and t*u + j*v: the coordinate grid that u and v put on the plane
        X, Y = c.grid_lines(np.column_stack([u, v]), n=8, extent=40)
        c.set_data(lattice, x=X, y=Y)
        if kind == "line":
            ends = np.outer([-3 * EXTENT, 3 * EXTENT], direction)
            c.set_data(span_line, x=ends[:, 0], y=ends[:, 1], visible=True)
        else:
            c.set_data(span_line, visible=False)
        bx, by = c.arrow_paths(np.zeros((2, 2)), np.array([u, v]), head=0.35)
        c.set_data(base, x=bx, y=by)
        px, py = c.arrow_paths(pts[[0, 1, 0]], pts[[1, 2, 2]], head=0.45)
        c.set_data(path, x=px, y=py)
        at = np.array([u, v, 0.5 * pts[1], 0.5 * (pts[1] + pts[2]), w])
        c.set_data(tags, x=at[:, 0], y=at[:, 1], text=["u", "v", "a·u", "b·v", "w"])
        nu, nv, nw = norms(u), norms(v), norms(w)
        bound = abs(a.value) * nu["L2"] + abs(b.value) * nv["L2"]
        span_text = {
            "plane": "u and v are independent: they span the whole plane (every point is some "
            "a·u + b·v; the faint grid shows their coordinates).",
            "line": "u and v are parallel (det [u v] = 0): they span only the dashed line, and "
            "a·u + b·v can never leave it.",
            "point": "u = v = 0: they span only the origin.",
        }[kind]
        warn = ' style="color:#d62728"' if kind != "plane" else ""
        status.value = (
            f"<b>w</b> = a·u + b·v = {c.fmt_vec(w)}<br>"
            f"‖u‖₂ = {c.fmt(nu['L2'], 2)}, ‖v‖₂ = {c.fmt(nv['L2'], 2)}<br>"
            f"‖w‖₁ = {c.fmt(nw['L1'], 2)}, ‖w‖₂ = {c.fmt(nw['L2'], 2)}, "
            f"‖w‖∞ = {c.fmt(nw['Linf'], 2)}<br>"
            f"triangle inequality: ‖w‖₂ ≤ |a|‖u‖₂ + |b|‖v‖₂ = {c.fmt(bound, 2)}<br>"
            f"det [u v] = {c.fmt(u[0] * v[1] - u[1] * v[0], 2)}<br>"
            f"<span{warn}>{span_text}</span>"
        )
        if np.max(np.abs(w)) > EXTENT or np.max(np.abs(pts[1])) > EXTENT:
            status.value += "<br>(part of the path is outside the window)"
        values.update(u=u, v=v, w=w, span=kind, norms=nw)

    refresh = c.Refresh(update)
    controls = {"u1": u1, "u2": u2, "v1": v1, "v2": v2, "a": a, "b": b}
    return c.Lab(
        2,
        "Vector playground",
        controls=controls,
        layout_controls=list(controls.values()),
        plots=[p],
        marks={
            "lattice": lattice,
            "span": span_line,
            "u and v": base,
            "path": path,
            "labels": tags,
        },
        status=status,
        refresh=refresh,
        values=values,
    )


def show() -> c.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
