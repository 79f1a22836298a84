"""Lab 10. Linear regression: the line y = w x + b over draggable data points, its residuals and
mean squared error, and the (w, b) loss surface with the least-squares minimum.

The loss is L(w, b) = (1/N) sum_i (y_i - w x_i - b)². With X = [x 1] (N x 2), its Hessian is
H = (2/N) XᵀX (the same H as in Lab 9: the matrix of second derivatives), and the loss is
exactly L* + ½ (theta - theta*)ᵀ H (theta - theta*), so its contours are ellipses around the
least-squares solution theta*, drawn here in closed form. Gradient descent on it is stable for
eta < 2 / λ_max(H), as in Lab 9.
"""

from __future__ import annotations

import numpy as np

from . import common as ui
from .maths import matrix_rank

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------


def design_matrix(x) -> np.ndarray:
    """X = [x 1], one row (x_i, 1) per example."""
    x = np.asarray(x, dtype=float)
    return np.column_stack([x, np.ones_like(x)])


def hessian(x) -> np.ndarray:
    """H = (2/N) XᵀX, the Hessian of the loss: it depends on the x values only."""
    X = design_matrix(x)
    return 2.0 * X.T @ X / X.shape[0]


def has_unique_fit(x) -> bool:
    """The least-squares line is unique exactly when X = [x 1] has rank 2 (not all x equal)."""
    return matrix_rank(design_matrix(x)) == 2


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


def gradient_scale(x, y, w: float, b: float) -> float:
    """The size of the terms the gradient sums, (2/N) sum |r_i| (|x_i| + 1): a gradient far
    below it is rounding noise (the sum cancelled to 0)."""
    x = np.asarray(x, dtype=float)
    return float(2.0 * np.mean(np.abs(residuals(x, y, w, b)) * (np.abs(x) + 1.0)))


def loss_ellipses(x, y, excesses, n: int = 97) -> list[np.ndarray]:
    """The contours L(w, b) = L* + e for each e in `excesses`, as (n, 2) arrays of (w, b).

    ½ (theta - theta*)ᵀ H (theta - theta*) = e with H = Q diag(lam) Qᵀ is the ellipse
    theta* + Q diag(sqrt(2 e / lam)) (cos s, sin s). A zero eigenvalue (all x equal) is
    floored, giving very long ellipses: the minimum is then a whole line.
    """
    lam, Q = np.linalg.eigh(hessian(x))
    lam = np.maximum(lam, 1e-9 * max(lam[-1], 1e-300))
    centre = np.array(fit_line(x, y))
    s = np.linspace(0.0, 2.0 * np.pi, n)
    circle = np.stack([np.cos(s), np.sin(s)])  # (2, n)
    return [centre + (Q @ (np.sqrt(2.0 * e / lam)[:, None] * circle)).T for e in excesses]


def loss_slice(x, y, b: float, ws) -> np.ndarray:
    """L(w, b) along w with b fixed: a parabola in w, (1/N) sum x_i² w² + ... (its leading
    coefficient mean(x²) is half the Hessian's entry H₁₁)."""
    return mse(x, y, np.asarray(ws, dtype=float), np.full(np.shape(ws), float(b)))


def descent_path(x, y, start, steps: int = 100) -> tuple[np.ndarray, float]:
    """Plain gradient descent on L from `start` = (w, b) with eta = 1 / λ_max(H), half the
    stability limit 2 / λ_max(H). Returns the (steps + 1, 2) path and eta."""
    lam_max = float(np.linalg.eigvalsh(hessian(x))[-1])
    eta = 1.0 / lam_max
    theta = np.array(start, dtype=float)
    path = [theta.copy()]
    for _ in range(steps):
        theta = theta - eta * gradient(x, y, *theta)
        path.append(theta.copy())
    return np.array(path), eta


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
WS = np.linspace(*W_RANGE, 121)  # where the slice of L along w is drawn
DESCENT_STEPS = 100


def _contours(x, y):
    """Ellipses evenly spaced in 'radius' that fill the (w, b) window."""
    H = hessian(x)
    centre = np.array(fit_line(x, y))
    corners = np.array([[w, b] for w in W_RANGE for b in B_RANGE]) - centre
    reach = float(np.max(0.5 * np.einsum("ki,ij,kj->k", corners, H, corners)))
    excess = reach * (np.arange(1, N_LEVELS + 1) / N_LEVELS) ** 2
    box = ui.enlarge((*W_RANGE, *B_RANGE))
    paths = [ui.clip_to_box(e, box) for e in loss_ellipses(x, y, excess)]
    return ui.pad_paths(paths)


# What each numbered "Try this" step of the lab's page sets (its "step n" button): the state
# its text describes first (up to its first observation), never what it asks the learner to find.
TRY_THIS = {
    1: {},
    2: {"fit": ui.CLICK},
    3: {"fit": ui.CLICK},
    4: {"show_fit": True},
    5: {"new_data": ui.CLICK},
    6: {"descent": True},
}


def build() -> ui.Lab:
    # fine steps: the browser snaps a slider to its step, and "jump" must land near (w*, b*)
    w = ui.slider("slope w", *W_RANGE, 0.001, 0.2, primary=True, readout_format=".3f")
    b = ui.slider("intercept b", *B_RANGE, 0.001, 3.0, readout_format=".3f")
    fit = ui.button("jump to the least-squares (w*, b*)")
    new = ui.button("new data")
    show_fit = ui.checkbox("show the least-squares line", False)
    show_descent = ui.checkbox("gradient descent from (w, b)", False)

    data_plot = ui.plot(
        DATA_BOX[:2],
        DATA_BOX[2:],
        title="drag the points; residuals in red",
        x_label="x",
        y_label="y",
        main=True,
    )
    resid = data_plot.lines(colors=[ui.RED], stroke_width=1.5)
    best_line = data_plot.lines(colors=[ui.GRAY], stroke_width=2, line_style="dashed")
    line = data_plot.lines(colors=[ui.ORANGE], stroke_width=3)
    x_data, y_data = make_data()
    points = data_plot.scatter(
        x_data, y_data, colors=[ui.BLUE], default_size=80, enable_move=True, stroke="white"
    )

    loss_plot = ui.plot(
        W_RANGE,
        B_RANGE,
        title="loss L(w, b): contours and the minimum (green)",
        x_label="w",
        y_label="b",
        height=360,
    )
    contours = loss_plot.lines(colors=["#9ecae1"], stroke_width=1)
    descent = loss_plot.lines(colors=[ui.PURPLE], stroke_width=1.5)
    minimum = loss_plot.scatter(colors=[ui.GREEN], marker="cross", default_size=100)
    current = loss_plot.scatter(colors=[ui.ORANGE], default_size=70)

    slice_plot = ui.plot(
        W_RANGE,
        (0.0, 1.0),
        title="L along w, with b fixed at its current value",
        x_label="w",
        y_label="L(w, b)",
        height=230,
    )
    slice_plot.sy.min = 0.0
    slice_plot.sy.max = None  # autoscale the top to the parabola
    slice_curve = slice_plot.lines(colors=[ui.BLUE], stroke_width=2)
    slice_dot = slice_plot.scatter(colors=[ui.ORANGE], default_size=60)
    status = ui.status_label()
    values: dict = {}
    sample = {"seed": 0}
    data_memo = ui.Memo()

    def update_data(x, y):
        X, Y = _contours(x, y)
        ui.set_data(contours, x=X, y=Y)
        ws, bs = fit_line(x, y)
        ui.set_data(minimum, x=np.array([ws]), y=np.array([bs]))
        ends = np.array(DATA_BOX[:2])
        ui.set_data(best_line, x=ends, y=ws * ends + bs)
        H = hessian(x)
        return {
            "best": (ws, bs),
            "best_loss": float(mse(x, y, ws, bs)),
            "unique": has_unique_fit(x),
            "hessian": H,
            "best_gradient": gradient(x, y, ws, bs),
            "best_scale": gradient_scale(x, y, ws, bs),
        }

    def update():
        x = np.asarray(points.x, dtype=float)
        y = np.asarray(points.y, dtype=float)
        data = data_memo((x.tobytes(), y.tobytes()), lambda: update_data(x, y))
        ws, bs = data["best"]
        wv, bv = ui.slider_values(w, b)
        best_line.visible = show_fit.value
        ends = np.array(DATA_BOX[:2])
        ui.set_data(line, x=ends, y=wv * ends + bv)
        yhat = wv * x + bv
        ui.set_data(resid, x=np.column_stack([x, x]), y=np.column_stack([y, yhat]))
        ui.set_data(current, x=np.array([wv]), y=np.array([bv]))
        loss = float(mse(x, y, wv, bv))
        g = gradient(x, y, wv, bv)
        ui.set_data(slice_curve, x=WS, y=loss_slice(x, y, bv, WS))
        ui.set_data(slice_dot, x=np.array([wv]), y=np.array([loss]))
        lam = np.linalg.eigvalsh(data["hessian"])
        lines = [
            f"<b>L(w, b)</b> = (1/N) Σ rᵢ² = {ui.fmt(loss)} (N = {x.size})",
            f"∇L = (∂L/∂w, ∂L/∂b) = {ui.fmt_vec(g, 3, scale=gradient_scale(x, y, wv, bv))}",
            f"<b>least squares</b>: w* = {ui.fmt(ws)}, b* = {ui.fmt(bs)}, "
            f"L* = {ui.fmt(data['best_loss'])}, ∇L(w*, b*) = "
            f"{ui.fmt_vec(data['best_gradient'], 3, scale=data['best_scale'])}",
            # a difference of two nearly equal losses: rounding noise is measured against L
            f"your line is {ui.fmt(loss - data['best_loss'], scale=loss)} above the minimum",
            f"Hessian H = (2/N)XᵀX: eigenvalues {ui.fmt(lam[1], 2)} and {ui.fmt(lam[0], 3)}, "
            f"condition number {ui.fmt(lam[1] / lam[0], 1) if lam[0] > 0 else '∞'}",
        ]
        if show_descent.value:
            path, eta = descent_path(x, y, (wv, bv), DESCENT_STEPS)
            shown = ui.clip_to_box(path, ui.enlarge((*W_RANGE, *B_RANGE)))
            ui.set_data(descent, x=shown[:, 0], y=shown[:, 1], visible=True)
            gap = float(mse(x, y, *path[-1])) - data["best_loss"]
            lines.append(
                f"Purple: {DESCENT_STEPS} steps of gradient descent from (w, b) with "
                f"η = 1/λ_max(H) = {ui.fmt(eta, 3)}; it ends {ui.fmt(gap, 2)} above L*."
            )
        else:
            ui.set_data(descent, visible=False)
        if not data["unique"]:
            lines.append(
                ui.warn(
                    "All x are equal: XᵀX is singular and every line through their mean y "
                    "fits equally well (no unique minimum)."
                )
            )
        if not (W_RANGE[0] <= ws <= W_RANGE[1] and B_RANGE[0] <= bs <= B_RANGE[1]):
            lines.append("(the minimum lies outside the (w, b) window)")
        ui.show_status(status, lines)
        values.update(
            x=x,
            y=y,
            w=wv,
            b=bv,
            loss=loss,
            gradient=g,
            best=(ws, bs),
            best_gradient=data["best_gradient"],
            hessian=data["hessian"],
        )

    refresh = ui.Refresh(update)

    def jump(_button=None):
        # onto the sliders' grid, as the browser's sliders snap (and send back) a value set
        # from Python: the same (w, b), gradient and status here and in the browser
        ws, bs = values["best"]
        with refresh.hold():
            w.value = ui.snap_to_step(w, float(np.clip(ws, *W_RANGE)))
            b.value = ui.snap_to_step(b, float(np.clip(bs, *B_RANGE)))

    def set_data(seed):
        sample["seed"] = seed
        xd, yd = make_data(seed=seed)
        with refresh.hold(), points.hold_sync():
            points.x, points.y = xd, yd

    fit.on_click(jump)
    new.on_click(lambda _button=None: set_data(sample["seed"] + 1))
    points.observe(refresh, names=["x", "y"])
    return ui.Lab(
        10,
        "Linear regression",
        controls={
            "w": w,
            "b": b,
            "fit": fit,
            "new_data": new,
            "show_fit": show_fit,
            "descent": show_descent,
        },
        layout_controls=[w, b, show_fit, show_descent, ui.button_row([fit, new])],
        plots=[data_plot, loss_plot, slice_plot],
        marks={
            "points": points,
            "line": line,
            "residuals": resid,
            "best line": best_line,
            "contours": contours,
            "descent": descent,
            "minimum": minimum,
            "current": current,
            "slice": slice_curve,
            "slice point": slice_dot,
        },
        status=status,
        refresh=refresh,
        values=values,
        steps=TRY_THIS,
        on_reset=lambda: set_data(0),
    )


def show() -> ui.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
