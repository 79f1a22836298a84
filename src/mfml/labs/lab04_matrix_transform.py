"""Lab 4. Matrix as a transformation: a 2x2 matrix moves the grid, the unit square and the
basis vectors; the determinant is the signed area of the image of the unit square. A morph
slider t draws (1 - t) I + t A, so the grid can be watched moving from I to A."""

from __future__ import annotations

import numpy as np

from . import common as ui
from .maths import det2, matrix_rank

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------

PRESETS = {
    "identity": [[1.0, 0.0], [0.0, 1.0]],
    "rotate 90°": [[0.0, -1.0], [1.0, 0.0]],
    "shear": [[1.0, 1.0], [0.0, 1.0]],
    "scale": [[2.0, 0.0], [0.0, 1.5]],
    "reflect": [[-1.0, 0.0], [0.0, 1.0]],
    "singular": [[1.0, 2.0], [0.5, 1.0]],
}

UNIT_SQUARE = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]])
# a letter F inside the unit square: its mirror image shows when orientation flips
F_SHAPE = np.array([[0.3, 0.15], [0.3, 0.85], [0.7, 0.85], [0.3, 0.85], [0.3, 0.5], [0.6, 0.5]])


def determinant(A) -> float:
    """det [[a, b], [c, d]] = ad - bc: the signed area of the image of the unit square."""
    return det2(A)


def transform(A, points) -> np.ndarray:
    """Apply A to each row of a (k, 2) array of points: returns (A @ p for p in points)."""
    return np.asarray(points, dtype=float) @ np.asarray(A, dtype=float).T


def rank(A) -> int:
    """Rank of A by the labs' one rule (`maths.matrix_rank`: singular values relative to the
    largest)."""
    return matrix_rank(A)


def inverse(A):
    """The inverse [[d, -b], [-c, a]] / det, or None when A is singular."""
    A = np.asarray(A, dtype=float)
    if rank(A) < 2:
        return None
    return np.array([[A[1, 1], -A[0, 1]], [-A[1, 0], A[0, 0]]]) / determinant(A)


def morph(A, t: float) -> np.ndarray:
    """(1 - t) I + t A: the identity at t = 0, A at t = 1, a straight path between them."""
    return (1.0 - t) * np.eye(2) + t * np.asarray(A, dtype=float)


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
    text = f"Areas are multiplied by |det A| = {ui.fmt(abs(det))}."
    if det < 0:
        text += " det A &lt; 0: orientation flips (the F is mirrored)."
    return text


LABEL_SIZE = (28.0, 16.0)  # a label's box in pixels ("Ae₁" at 14 px), with a little room
LABEL_GAP = 6.0  # pixels between an arrow's head and its label's box


def label_offsets(heads, size=LABEL_SIZE, gap: float = LABEL_GAP) -> np.ndarray:
    """Pixel offsets (right, down) of the labels "Ae₁", "Ae₂" from the arrow heads `heads`
    (rows Ae₁, Ae₂ in data units, y up), so that neither label covers an arrow, the other
    label or the square between the arrows.

    Each label moves away from the other vector: along û − v̂ (û, v̂ the unit directions of
    its own and the other arrow), which points out of the angle between them. For (nearly)
    parallel arrows each label goes square to its own arrow, on the side away from the other
    one: the sign of the cross product Ae₁ × Ae₂ (the determinant of the drawn matrix) says
    which side that is (Ae₂ left of Ae₁ when it is positive, right when negative). For exactly
    parallel arrows (a singular A, heads possibly on one point) Ae₁ goes to the right of its
    direction and Ae₂ to the left, so they sit on opposite sides of the line. The distance puts
    the label's whole box `gap` pixels beyond the head in that direction.
    """
    heads = np.asarray(heads, dtype=float)
    length = np.hypot(heads[:, 0], heads[:, 1])
    unit = np.where(length[:, None] > 1e-9, heads / np.maximum(length, 1e-300)[:, None], np.eye(2))
    out = np.empty((2, 2))
    half_w, half_h = size[0] / 2, size[1] / 2
    cross = float(unit[0, 0] * unit[1, 1] - unit[0, 1] * unit[1, 0])  # sin of the angle 1 -> 2
    away = -1.0 if cross >= 0 else 1.0  # Ae₁'s side: right (-1) when Ae₂ is to its left
    for i, sign in ((0, away), (1, -away)):
        d = unit[i] - unit[1 - i]
        norm = float(np.hypot(*d))
        if norm < 0.2:  # (nearly) the same direction: each to its side away from the other
            d = sign * np.array([-unit[i, 1], unit[i, 0]])
        else:
            d = d / norm
        reach = half_w * abs(d[0]) + half_h * abs(d[1]) + gap
        out[i] = (d[0] * reach, -d[1] * reach)  # screen y points down
    return np.round(out)


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

EXTENT = 4.0


# What each numbered "Try this" step of the lab's page sets (its "step n" button): the state
# its text describes first (up to its first observation), never what it asks the learner to find.
TRY_THIS = {
    1: {"preset shear": ui.CLICK},  # the sheared square; then the learner drags t
    2: {"preset identity": ui.CLICK, "b": 1.0, "c": 1.0},
    3: {"preset reflect": ui.CLICK},
    4: {"preset identity": ui.CLICK},
    5: {"preset rotate 90°": ui.CLICK},
}


def build() -> ui.Lab:
    sliders = ui.matrix_sliders([[1.0, 0.5], [0.0, 1.0]], primary=True)
    a, b, c, d = sliders
    t = ui.slider("morph t: (1−t)I + tA", 0, 1, 0.05, 1.0)

    plane = ui.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="A maps the grid, the unit square and e₁, e₂",
        x_label="x₁",
        y_label="x₂",
        equal=True,
        main=True,
    )
    gx, gy = ui.grid_lines(np.eye(2), n=6, extent=30)
    plane.lines(gx, gy, colors=[ui.FAINT], stroke_width=1)
    grid = plane.lines(gx, gy, colors=["#9ecae1"], stroke_width=1)
    plane.lines(UNIT_SQUARE[:, 0], UNIT_SQUARE[:, 1], colors=[ui.GRAY], line_style="dashed")
    square = plane.lines(
        UNIT_SQUARE[:, 0],
        UNIT_SQUARE[:, 1],
        colors=[ui.BLUE],
        fill="inside",
        fill_colors=[ui.BLUE],
        fill_opacities=[0.25],
    )
    letter = plane.lines(F_SHAPE[:, 0], F_SHAPE[:, 1], colors=["black"], stroke_width=3)
    basis = plane.lines([[0, 1]], [[0, 0]], colors=[ui.RED, ui.GREEN], stroke_width=3)
    # one label mark per vector: each has its own pixel offset (label_offsets)
    tags = [
        plane.label([x], [y], [name], colors=[colour], align="middle")
        for x, y, name, colour in ((1, 0, "Ae₁", ui.RED), (0, 1, "Ae₂", ui.GREEN))
    ]
    status = ui.status_label()
    values: dict = {}

    def update():
        A = ui.slider_values(a, b, c, d).reshape(2, 2)
        tv = float(ui.slider_values(t)[0])
        M = morph(A, tv)  # what the figure draws: A itself at t = 1
        det = determinant(A)
        X, Y = ui.grid_lines(M, n=6, extent=30)
        sq = transform(M, UNIT_SQUARE)
        f = transform(M, F_SHAPE)
        heads = M.T  # rows: M e1, M e2
        ax, ay = ui.arrow_paths(np.zeros((2, 2)), heads, head=0.25)
        area = polygon_area(sq)  # the shoelace formula on the drawn parallelogram
        det_m = determinant(M)
        colour = ui.BLUE if det_m > 0 else ui.ORANGE if det_m < 0 else ui.GRAY
        ui.set_data(grid, x=X, y=Y)
        ui.set_data(square, x=sq[:, 0], y=sq[:, 1], colors=[colour], fill_colors=[colour])
        ui.set_data(letter, x=f[:, 0], y=f[:, 1])
        ui.set_data(basis, x=ax, y=ay)
        offsets = label_offsets(heads)
        for tag, head, (dx, dy) in zip(tags, heads, offsets, strict=True):
            ui.set_data(tag, x=head[:1], y=head[1:], x_offset=int(dx), y_offset=int(dy))
        inv = inverse(A)
        inv_text = (
            "A⁻¹ = [[{}, {}], [{}, {}]]".format(*(ui.fmt(x, 2) for x in inv.ravel()))
            if inv is not None
            else "A⁻¹ does not exist."
        )
        size = float(np.abs(M).max()) ** 2  # areas are measured against the entries squared
        lines = [
            f"<b>A</b> = [[{ui.fmt(A[0, 0], 2)}, {ui.fmt(A[0, 1], 2)}], "
            f"[{ui.fmt(A[1, 0], 2)}, {ui.fmt(A[1, 1], 2)}]]",
            f"<b>det A</b> = ad − bc = {ui.fmt(det)}",
        ]
        if tv < 1:
            lines.append(
                f"The figure shows M = (1 − t)I + tA at t = {ui.fmt(tv, 2)}, det M = "
                f"{ui.fmt(det_m, scale=size)}; at t = 1 it is A."
            )
        lines += [
            f"signed area of the shaded parallelogram (shoelace formula) = "
            f"{ui.fmt(area, scale=size)}",
            describe(A) if rank(A) == 2 else ui.warn(describe(A)),
            inv_text,
        ]
        ui.show_status(status, lines)
        values.update(
            A=A, det=det, rank=rank(A), square=sq, area=area, inverse=inv, drawn=M, labels=offsets
        )

    refresh = ui.Refresh(update)
    buttons = ui.preset_buttons(PRESETS, sliders, refresh)

    return ui.Lab(
        4,
        "Matrix as a transformation",
        controls={
            "a": a,
            "b": b,
            "c": c,
            "d": d,
            "t": t,
            **{f"preset {k}": v for k, v in buttons.items()},
        },
        layout_controls=[*sliders, ui.button_row(buttons.values(), "Presets"), t],
        plots=[plane],
        marks={
            "grid": grid,
            "square": square,
            "letter": letter,
            "basis": basis,
            "label Ae1": tags[0],
            "label Ae2": tags[1],
        },
        status=status,
        refresh=refresh,
        values=values,
        steps=TRY_THIS,
    )


def show() -> ui.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
