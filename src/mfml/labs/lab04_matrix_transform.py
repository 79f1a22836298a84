"""Lab 4. Matrix as a transformation: a 2x2 matrix moves the grid, the unit square and the
basis vectors; the determinant is the signed area of the image of the unit square."""

from __future__ import annotations

import numpy as np

from . import common as c

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------

PRESETS = {
    "identity": [[1.0, 0.0], [0.0, 1.0]],
    "rotate 90°": [[0.0, -1.0], [1.0, 0.0]],
    "shear": [[1.0, 1.0], [0.0, 1.0]],
    "scale": [[2.0, 0.0], [0.0, 0.5]],
    "reflect": [[-1.0, 0.0], [0.0, 1.0]],
    "singular": [[1.0, 2.0], [0.5, 1.0]],
}

UNIT_SQUARE = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]])
# a letter F inside the unit square: its mirror image shows when orientation flips
F_SHAPE = np.array([[0.3, 0.15], [0.3, 0.85], [0.7, 0.85], [0.3, 0.85], [0.3, 0.5], [0.6, 0.5]])


def determinant(A) -> float:
    """det [[a, b], [c, d]] = ad - bc: the signed area of the image of the unit square."""
    A = np.asarray(A, dtype=float)
    return float(A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0])


def transform(A, points) -> np.ndarray:
    """Apply A to each row of a (k, 2) array of points: returns (A @ p for p in points)."""
    return np.asarray(points, dtype=float) @ np.asarray(A, dtype=float).T


def rank(A, rtol: float = 1e-9) -> int:
    """Rank of a 2x2 matrix: 2 if det != 0, else 1 unless A is zero (relative tolerance)."""
    A = np.asarray(A, dtype=float)
    scale = np.abs(A).max()
    if scale == 0.0:
        return 0
    return 2 if abs(determinant(A)) > rtol * scale * scale else 1


def inverse(A, rtol: float = 1e-9):
    """The inverse [[d, -b], [-c, a]] / det, or None when A is singular."""
    A = np.asarray(A, dtype=float)
    if rank(A, rtol) < 2:
        return None
    return np.array([[A[1, 1], -A[0, 1]], [-A[1, 0], A[0, 0]]]) / determinant(A)


def polygon_area(points) -> float:
    """Signed area of a closed polygon (shoelace formula); positive when counter-clockwise."""
    p = np.asarray(points, dtype=float)
    x, y = p[:, 0], p[:, 1]
    return float(0.5 * np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def describe(A) -> str:
    """One or two sentences on what A does to the plane."""
    det = determinant(A)
    r = rank(A)
    if r == 0:
        return "A = 0: every point goes to the origin (rank 0). No inverse."
    if r == 1:
        return (
            "det A = 0: the plane collapses onto a line, the unit square onto a segment of "
            "area 0 (rank 1). Different points land on the same image, so A has no inverse."
        )
    text = f"Areas are multiplied by |det A| = {c.fmt(abs(det))}."
    if det < 0:
        text += " det A < 0: orientation flips (the F is mirrored)."
    return text


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

EXTENT = 4.0


def build() -> c.Lab:
    sliders = c.matrix_sliders([[1.0, 0.5], [0.0, 1.0]], primary=True)
    a, b, cc, d = sliders
    buttons = {name: c.button(name) for name in PRESETS}

    p = c.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="A maps the grid, the unit square and e₁, e₂",
        x_label="x₁",
        y_label="x₂",
        equal=True,
        main=True,
    )
    gx, gy = c.grid_lines(np.eye(2), n=6, extent=30)
    p.lines(gx, gy, colors=[c.FAINT], stroke_width=1)
    grid = p.lines(gx, gy, colors=["#9ecae1"], stroke_width=1)
    p.lines(UNIT_SQUARE[:, 0], UNIT_SQUARE[:, 1], colors=[c.GRAY], line_style="dashed")
    square = p.lines(
        UNIT_SQUARE[:, 0],
        UNIT_SQUARE[:, 1],
        colors=[c.BLUE],
        fill="inside",
        fill_colors=[c.BLUE],
        fill_opacities=[0.25],
    )
    letter = p.lines(F_SHAPE[:, 0], F_SHAPE[:, 1], colors=["black"], stroke_width=3)
    basis = p.lines([[0, 1]], [[0, 0]], colors=[c.RED, c.GREEN], stroke_width=3)
    tags = p.label([1, 0], [0, 1], ["Ae₁", "Ae₂"], colors=[c.RED, c.GREEN], x_offset=6)
    status = c.status_label()
    values: dict = {}

    def update():
        A = c.read(a, b, cc, d).reshape(2, 2)
        det = determinant(A)
        X, Y = c.grid_lines(A, n=6, extent=30)
        sq = transform(A, UNIT_SQUARE)
        f = transform(A, F_SHAPE)
        heads = A.T  # rows: A e1, A e2
        ax, ay = c.arrow_paths(np.zeros((2, 2)), heads, head=0.25)
        colour = c.BLUE if det > 0 else c.ORANGE if det < 0 else c.GRAY
        c.set_data(grid, x=X, y=Y)
        c.set_data(square, x=sq[:, 0], y=sq[:, 1], colors=[colour], fill_colors=[colour])
        c.set_data(letter, x=f[:, 0], y=f[:, 1])
        c.set_data(basis, x=ax, y=ay)
        c.set_data(tags, x=heads[:, 0], y=heads[:, 1])
        inv = inverse(A)
        inv_text = (
            "A⁻¹ = [[{}, {}], [{}, {}]]".format(*(c.fmt(t, 2) for t in inv.ravel()))
            if inv is not None
            else "A⁻¹ does not exist."
        )
        warn = ' style="color:#d62728"' if rank(A) < 2 else ""
        status.value = (
            f"<b>A</b> = [[{c.fmt(A[0, 0], 2)}, {c.fmt(A[0, 1], 2)}], "
            f"[{c.fmt(A[1, 0], 2)}, {c.fmt(A[1, 1], 2)}]]<br>"
            f"<b>det A</b> = ad − bc = {c.fmt(det)} = signed area of the shaded square<br>"
            f"<span{warn}>{describe(A)}</span><br>{inv_text}"
        )
        values.update(A=A, det=det, rank=rank(A), square=sq, inverse=inv)

    refresh = c.Refresh(update)

    def preset(name):
        def on_click(_button=None):
            M = np.asarray(PRESETS[name])
            with refresh.hold():
                for s, v in zip(sliders, M.ravel(), strict=True):
                    s.value = round(float(v), 2)

        return on_click

    for name, btn in buttons.items():
        btn.on_click(preset(name))

    return c.Lab(
        4,
        "Matrix as a transformation",
        controls={
            "a": a,
            "b": b,
            "c": cc,
            "d": d,
            **{f"preset {k}": v for k, v in buttons.items()},
        },
        layout_controls=[*sliders, c.button_row(buttons.values(), "Presets")],
        plots=[p],
        marks={"grid": grid, "square": square, "letter": letter, "basis": basis, "labels": tags},
        status=status,
        refresh=refresh,
        values=values,
    )


def show() -> c.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
