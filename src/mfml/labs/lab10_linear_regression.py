"""Lab 10. Linear regression: the line y = w x + b over draggable data points, its residuals and
mean squared error, and the (w, b) loss surface with the least-squares minimum.

The loss is L(w, b) = (1/N) sum_i (y_i - w x_i - b)². With X = [x 1] (N x 2) and
H = XᵀX / N, it is exactly L* + (theta - theta*)ᵀ H (theta - theta*), so its contours are
ellipses around the least-squares solution theta*, drawn here in closed form.
"""

from __future__ import annotations

import numpy as np

from . import common as c

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------


def design_matrix(x) -> np.ndarray:
    """X = [x 1], one row (x_i, 1) per example."""
    x = np.asarray(x, dtype=float)
    return np.column_stack([x, np.ones_like(x)])


def fit_line(x, y) -> tuple[float, float]:
    """The least-squares (w*, b*), by np.linalg.lstsq (the minimum-norm one if all x are
    equal and the minimum is not unique)."""
    theta, *_ = np.linalg.lstsq(design_matrix(x), np.asarray(y, dtype=float), rcond=None)
    return float(theta[0]), float(theta[1])


def residuals(x, y, w: float, b: float) -> np.ndarray:
    """r_i = y_i - (w x_i + b)."""
    return np.asarray(y, dtype=float) - (w * np.asarray(x, dtype=float) + b)


def mse(x, y, w, b):
    """L(w, b) = mean of r_i²; w and b may be arrays of the same shape (a loss surface)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    b = np.asarray(b, dtype=float)
    r = y - (w[..., None] * x + b[..., None])
    return np.mean(r * r, axis=-1)


def gradient(x, y, w: float, b: float) -> np.ndarray:
    """(dL/dw, dL/db) = -(2/N) (sum r_i x_i, sum r_i)."""
    x = np.asarray(x, dtype=float)
    r = residuals(x, y, w, b)
    return np.array([-2.0 * np.mean(r * x), -2.0 * np.mean(r)])


def loss_ellipses(x, y, excesses, n: int = 97) -> list[np.ndarray]:
    """The contours L(w, b) = L* + e for each e in `excesses`, as (n, 2) arrays of (w, b).

    (theta - theta*)ᵀ H (theta - theta*) = e with H = Q diag(lam) Qᵀ is the ellipse
    theta* + Q diag(sqrt(e / lam)) (cos s, sin s). A zero eigenvalue (all x equal) is floored,
    giving very long ellipses: the minimum is then a whole line.
    """
    X = design_matrix(x)
    H = X.T @ X / X.shape[0]
    lam, Q = np.linalg.eigh(H)
    lam = np.maximum(lam, 1e-9 * max(lam[-1], 1e-300))
    centre = np.array(fit_line(x, y))
    s = np.linspace(0.0, 2.0 * np.pi, n)
    circle = np.stack([np.cos(s), np.sin(s)])  # (2, n)
    return [centre + (Q @ (np.sqrt(e / lam)[:, None] * circle)).T for e in excesses]


def make_data(n: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points near the line y = 0.8 x + 1, x in [0.5, 5]."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.5, 5.0, n))
    return x, 0.8 * x + 1.0 + rng.normal(0.0, 0.6, n)


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

DATA_BOX = (-1.0, 6.0, -3.0, 8.0)
W_RANGE = (-2.0, 3.0)
B_RANGE = (-4.0, 6.0)
N_LEVELS = 10


def _contours(x, y):
    """Ellipses evenly spaced in 'radius' that fill the (w, b) window."""
    X = design_matrix(x)
    H = X.T @ X / X.shape[0]
    centre = np.array(fit_line(x, y))
    corners = np.array([[w, b] for w in W_RANGE for b in B_RANGE]) - centre
    reach = float(np.max(np.einsum("ki,ij,kj->k", corners, H, corners)))
    excess = reach * (np.arange(1, N_LEVELS + 1) / N_LEVELS) ** 2
    box = c.enlarge((*W_RANGE, *B_RANGE))
    paths = [c.clip_to_box(e, box) for e in loss_ellipses(x, y, excess)]
    return c.pad_paths(paths)


def build() -> c.Lab:
    # fine steps: the browser snaps a slider to its step, and "jump" must land near (w*, b*)
    w = c.slider("slope w", *W_RANGE, 0.001, 0.2, primary=True, readout_format=".3f")
    b = c.slider("intercept b", *B_RANGE, 0.001, 3.0, readout_format=".3f")
    fit = c.button("jump to the least-squares (w*, b*)")
    new = c.button("new data")
    show_fit = c.checkbox("show the least-squares line", False)

    p = c.plot(
        DATA_BOX[:2],
        DATA_BOX[2:],
        title="drag the points; residuals in red",
        x_label="x",
        y_label="y",
        main=True,
    )
    resid = p.lines(colors=[c.RED], stroke_width=1.5)
    best_line = p.lines(colors=[c.GRAY], stroke_width=2, line_style="dashed")
    line = p.lines(colors=[c.ORANGE], stroke_width=3)
    x_data, y_data = make_data()
    points = p.scatter(
        x_data, y_data, colors=[c.BLUE], default_size=80, enable_move=True, stroke="white"
    )

    q = c.plot(
        W_RANGE,
        B_RANGE,
        title="loss L(w, b): contours and the minimum (green)",
        x_label="w",
        y_label="b",
        height=360,
    )
    contours = q.lines(colors=["#9ecae1"], stroke_width=1)
    minimum = q.scatter(colors=[c.GREEN], marker="cross", default_size=100)
    current = q.scatter(colors=[c.ORANGE], default_size=70)
    status = c.status_label()
    values: dict = {}
    state: dict = {"seed": 0}

    def update_data(x, y):
        X, Y = _contours(x, y)
        c.set_data(contours, x=X, y=Y)
        ws, bs = fit_line(x, y)
        c.set_data(minimum, x=np.array([ws]), y=np.array([bs]))
        ends = np.array(DATA_BOX[:2])
        c.set_data(best_line, x=ends, y=ws * ends + bs)
        rank = int(np.linalg.matrix_rank(design_matrix(x)))
        state.update(
            key=(x.tobytes(), y.tobytes()),
            best=(ws, bs),
            best_loss=float(mse(x, y, ws, bs)),
            rank=rank,
        )

    def update():
        x = np.asarray(points.x, dtype=float)
        y = np.asarray(points.y, dtype=float)
        if state.get("key") != (x.tobytes(), y.tobytes()):
            update_data(x, y)
        ws, bs = state["best"]
        best_line.visible = show_fit.value
        ends = np.array(DATA_BOX[:2])
        c.set_data(line, x=ends, y=w.value * ends + b.value)
        yhat = w.value * x + b.value
        c.set_data(resid, x=np.column_stack([x, x]), y=np.column_stack([y, yhat]))
        c.set_data(current, x=np.array([w.value]), y=np.array([b.value]))
        loss = float(mse(x, y, w.value, b.value))
        g = gradient(x, y, w.value, b.value)
        lines = [
            f"<b>L(w, b)</b> = (1/N) Σ rᵢ² = {c.fmt(loss)} (N = {x.size})",
            f"∇L = (∂L/∂w, ∂L/∂b) = {c.fmt_vec(g, 3)}",
            f"<b>least squares</b>: w* = {c.fmt(ws)}, b* = {c.fmt(bs)}, "
            f"L* = {c.fmt(state['best_loss'])}, ∇L(w*, b*) = "
            f"{c.fmt_vec(gradient(x, y, ws, bs), 3)}",
            f"your line is {c.fmt(loss - state['best_loss'])} above the minimum",
        ]
        if state["rank"] < 2:
            lines.append(
                '<span style="color:#d62728">All x are equal: XᵀX is singular and every'
                " line through their mean y fits equally well (no unique minimum)."
                "</span>"
            )
        if not (W_RANGE[0] <= ws <= W_RANGE[1] and B_RANGE[0] <= bs <= B_RANGE[1]):
            lines.append("(the minimum lies outside the (w, b) window)")
        status.value = "<br>".join(lines)
        values.update(x=x, y=y, w=w.value, b=b.value, loss=loss, gradient=g, best=(ws, bs))

    refresh = c.Refresh(update)

    def jump(_button=None):
        ws, bs = state["best"]
        with refresh.hold():
            w.value = float(np.clip(ws, *W_RANGE))
            b.value = float(np.clip(bs, *B_RANGE))

    def new_data(_button=None):
        state["seed"] += 1
        xd, yd = make_data(seed=state["seed"])
        with refresh.hold(), points.hold_sync():
            points.x, points.y = xd, yd

    fit.on_click(jump)
    new.on_click(new_data)
    points.observe(refresh, names=["x", "y"])
    return c.Lab(
        10,
        "Linear regression",
        controls={"w": w, "b": b, "fit": fit, "new_data": new, "show_fit": show_fit},
        layout_controls=[w, b, show_fit, c.button_row([fit, new])],
        plots=[p, q],
        marks={
            "points": points,
            "line": line,
            "residuals": resid,
            "best line": best_line,
            "contours": contours,
            "minimum": minimum,
            "current": current,
        },
        status=status,
        refresh=refresh,
        values=values,
    )


def show() -> c.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
