"""Lab 9. Gradient descent: the path of theta_{k+1} = theta_k + v_{k+1},
v_{k+1} = beta v_k - eta grad f(theta_k) (momentum beta; beta = 0 is plain gradient descent)
over the contour plot of a loss, and the loss curve; divergence when the rate is too large."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import common as c

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------

_R = np.array([[np.cos(np.pi / 6), -np.sin(np.pi / 6)], [np.sin(np.pi / 6), np.cos(np.pi / 6)]])
H_VALLEY = _R @ np.diag([1.0, 10.0]) @ _R.T  # eigenvalues 1 and 10


@dataclass(frozen=True)
class Loss:
    """A loss of two parameters: f and its gradient work on floats and on arrays."""

    name: str
    f: object
    grad: object
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    f_star: float
    L: float | None = None  # the largest Hessian eigenvalue, for a quadratic
    lr: float = 0.1  # a learning rate that works, set when the loss is chosen


def _two_minima_f(x, y):
    return (x * x - 1) ** 2 + 0.5 * y * y + 0.25 * x


def _two_minima_grad(x, y):
    return 4 * x * (x * x - 1) + 0.25, y


def _two_minima_min():
    roots = np.roots([4.0, 0.0, -4.0, 0.25])
    xs = np.sort(roots[np.abs(roots.imag) < 1e-12].real)
    return xs[0], xs[-1]  # the two minima (the middle root is the saddle)


_X_LEFT, _X_RIGHT = _two_minima_min()

LOSSES = {
    "round bowl": Loss(
        "round bowl: f = (x² + y²)/2",
        lambda x, y: 0.5 * (x * x + y * y),
        lambda x, y: (x, y),
        (-2.0, 1.5),
        ((0.0, 0.0),),
        0.0,
        1.0,
        0.5,
    ),
    "narrow valley": Loss(
        "narrow valley: ½ θᵀHθ, eig(H) = 1, 10",
        lambda x, y: (
            0.5 * (H_VALLEY[0, 0] * x * x + 2 * H_VALLEY[0, 1] * x * y + H_VALLEY[1, 1] * y * y)
        ),
        lambda x, y: (
            H_VALLEY[0, 0] * x + H_VALLEY[0, 1] * y,
            H_VALLEY[1, 0] * x + H_VALLEY[1, 1] * y,
        ),
        (-2.0, 1.0),
        ((0.0, 0.0),),
        0.0,
        10.0,
        0.15,
    ),
    "Rosenbrock": Loss(
        "Rosenbrock: f = (1 − x)² + 10 (y − x²)²",
        lambda x, y: (1 - x) ** 2 + 10 * (y - x * x) ** 2,
        lambda x, y: (-2 * (1 - x) - 40 * x * (y - x * x), 20 * (y - x * x)),
        (-1.5, 2.0),
        ((1.0, 1.0),),
        0.0,
        None,
        0.02,
    ),
    "two minima": Loss(
        "two minima: f = (x² − 1)² + y²/2 + x/4",
        _two_minima_f,
        _two_minima_grad,
        (0.3, 2.0),
        ((_X_LEFT, 0.0), (_X_RIGHT, 0.0)),
        float(_two_minima_f(_X_LEFT, 0.0)),
        None,
        0.05,
    ),
}


@dataclass
class Descent:
    path: np.ndarray  # (k + 1, 2): the start and every iterate computed
    diverged: bool  # left the bound or overflowed
    steps: int  # iterations done (fewer than asked when diverged)


def gradient_descent(
    grad,
    start,
    lr: float,
    momentum: float = 0.0,
    steps: int = 100,
    bound: float = 1e6,
) -> Descent:
    """Heavy-ball gradient descent: v <- momentum * v - lr * grad(theta); theta <- theta + v.

    `grad(x, y)` returns the two partial derivatives. Stops early, with diverged=True, when an
    iterate is not finite or leaves the box |x|, |y| <= bound.
    """
    x, y = float(start[0]), float(start[1])
    vx = vy = 0.0
    path = [(x, y)]
    for k in range(steps):
        gx, gy = grad(x, y)
        vx = momentum * vx - lr * gx
        vy = momentum * vy - lr * gy
        x, y = x + vx, y + vy
        if not (abs(x) <= bound and abs(y) <= bound):  # also catches NaN
            return Descent(np.array(path), True, k + 1)
        path.append((x, y))
    return Descent(np.array(path), False, steps)


def critical_rate(L: float, momentum: float = 0.0) -> float:
    """On a quadratic with largest curvature L, gradient descent (with heavy-ball momentum)
    diverges for lr > 2 (1 + momentum) / L and converges below (for 0 <= momentum < 1)."""
    return 2.0 * (1.0 + momentum) / L


def loss_grid(loss: Loss, extent: float, n: int = 81):
    """x, y and Z = f(x, y) on an n x n grid over [-extent, extent]²."""
    g = np.linspace(-extent, extent, n)
    X, Y = np.meshgrid(g, g)
    return g, g, loss.f(X, Y)


def contour_levels(Z, f_star: float, n: int = 12) -> np.ndarray:
    """Levels f_star + d with d geometrically spaced between quantiles of Z - f_star: more
    rings near the minimum, where the path ends."""
    d = np.asarray(Z, dtype=float).ravel() - f_star
    lo, hi = np.quantile(d, [0.01, 0.9])
    lo = max(lo, hi * 1e-4, 1e-12)
    return f_star + np.geomspace(lo, hi, n)


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

EXTENT = 2.5
BOX = (-EXTENT, EXTENT, -EXTENT, EXTENT)
BOUND = 1e3  # an iterate this far out (400 windows) counts as diverged
LOSS_FLOOR = 1e-16
_CONTOURS: dict[str, tuple] = {}


def _contours(key: str):
    """The contour polylines of a loss, computed once per loss and cached."""
    if key not in _CONTOURS:
        loss = LOSSES[key]
        x, y, Z = loss_grid(loss, EXTENT)
        levels = contour_levels(Z, loss.f_star)
        paths, colours = [], []
        shades = ["#08306b", "#08519c", "#2171b5", "#4292c6", "#6baed6", "#9ecae1"]
        for i, level in enumerate(levels):
            for path in c.contour_paths(x, y, Z, level):
                paths.append(path)
                colours.append(shades[min(i * len(shades) // len(levels), len(shades) - 1)])
        X, Y = c.pad_paths(paths)
        _CONTOURS[key] = (X, Y, colours)
    return _CONTOURS[key]


def build() -> c.Lab:
    loss_name = c.dropdown("loss f", list(LOSSES), "narrow valley")
    lr = c.log_slider(
        "learning rate η", -3, 0.5, LOSSES["narrow valley"].lr, step=0.02, primary=True
    )
    beta = c.slider("momentum β", 0, 0.95, 0.05, 0.0)
    x0 = c.slider("start x", -2.4, 2.4, 0.1, LOSSES["narrow valley"].start[0])
    y0 = c.slider("start y", -2.4, 2.4, 0.1, LOSSES["narrow valley"].start[1])
    steps = c.int_slider("steps", 5, 300, 60, step=5)

    p = c.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="",
        x_label="x",
        y_label="y",
        equal=True,
        main=True,
    )
    contours = p.lines(colors=["#9ecae1"], stroke_width=1)
    minima = p.scatter(colors=[c.GREEN], marker="cross", default_size=80)
    path = p.lines(colors=[c.ORANGE], stroke_width=2)
    dots = p.scatter(colors=[c.ORANGE], default_size=12)
    start = p.scatter(colors=["black"], default_size=60)

    q = c.plot(
        (0, 60),
        (1e-16, 1e3),
        y_log=True,
        title="loss curve",
        x_label="iteration k",
        y_label="f(θₖ) − f*",
        height=260,
    )
    q.sy.min = None  # autoscale the log axis: from convergence (tiny) to divergence (huge)
    q.sy.max = None
    loss_curve = q.lines(colors=[c.RED], stroke_width=2)
    status = c.status_label()
    values: dict = {}
    state: dict = {}

    def update():
        key = loss_name.value
        loss = LOSSES[key]
        if state.get("loss") != key:
            X, Y, colours = _contours(key)
            c.set_data(contours, x=X, y=Y, colors=colours)
            m = np.array(loss.minima)
            c.set_data(minima, x=m[:, 0], y=m[:, 1])
            p.figure.title = loss.name
            state["loss"] = key
        run = gradient_descent(
            loss.grad, (x0.value, y0.value), lr.value, beta.value, steps.value, bound=BOUND
        )
        shown = c.clip_to_box(run.path, BOX)
        if len(shown) < 2:
            shown = np.vstack([shown, shown])
        c.set_data(path, x=shown[:, 0], y=shown[:, 1])
        c.set_data(dots, x=shown[:, 0], y=shown[:, 1])
        c.set_data(start, x=shown[:1, 0], y=shown[:1, 1])
        with np.errstate(over="ignore", invalid="ignore"):
            fk = loss.f(run.path[:, 0], run.path[:, 1]) - loss.f_star
        fk = np.clip(np.nan_to_num(fk, nan=1e300, posinf=1e300), LOSS_FLOOR, 1e300)
        k = np.arange(len(fk), dtype=float)
        if len(fk) < 2:
            k, fk = np.r_[k, k], np.r_[fk, fk]
        with q.sx.hold_sync():
            q.sx.max = float(steps.value)
        c.set_data(loss_curve, x=k, y=fk)

        end = run.path[-1]
        gx, gy = loss.grad(*end)
        gnorm = float(np.hypot(gx, gy))
        outside = bool(np.any(np.abs(run.path) > EXTENT))
        diverged = run.diverged or (outside and fk[-1] > fk[0])
        lines = []
        if run.diverged:
            lines.append(
                f'<b style="color:#d62728">Diverged</b> after {run.steps} steps: '
                "θ ran off towards infinity (the path is clipped to the window)."
            )
        elif diverged:
            lines.append(
                '<b style="color:#d62728">Diverged</b>: θ left the window and the loss '
                "grows step after step (the path is clipped to the window)."
            )
        elif fk[-1] > fk[0]:
            lines.append(
                '<b style="color:#d62728">The loss grew</b> from the start: the rate '
                "is too large here."
            )
        elif gnorm < 1e-6:
            lines.append(f"<b>Converged</b>: ‖∇f‖ = {c.fmt(gnorm, 2)} after {run.steps} steps.")
        else:
            lines.append(f"Still moving after {run.steps} steps: ‖∇f‖ = {c.fmt(gnorm, 2)}.")
        lines.append(f"θ = {c.fmt_vec(end, 3)}, f(θ) − f* = {c.fmt(fk[-1], 2)}")
        if loss.L is not None:
            lines.append(
                f"Quadratic with largest curvature L = {c.fmt(loss.L, 1)}: diverges for "
                f"η > 2/L = {c.fmt(critical_rate(loss.L), 3)}"
                + (
                    f" (with momentum β: η > 2(1 + β)/L = "
                    f"{c.fmt(critical_rate(loss.L, beta.value), 3)})"
                    if beta.value
                    else ""
                )
            )
        status.value = "<br>".join(lines)
        values.update(path=run.path, diverged=diverged, losses=fk, grad_norm=gnorm)

    refresh = c.Refresh(update)

    def on_loss(change):
        loss = LOSSES[change["new"]]
        with refresh.hold():
            x0.value, y0.value = loss.start
            lr.value = loss.lr

    loss_name.observe(on_loss, names="value")
    controls = {"loss": loss_name, "lr": lr, "momentum": beta, "x0": x0, "y0": y0, "steps": steps}
    return c.Lab(
        9,
        "Gradient descent",
        controls=controls,
        layout_controls=list(controls.values()),
        plots=[p, q],
        marks={
            "contours": contours,
            "minima": minima,
            "path": path,
            "iterates": dots,
            "start": start,
            "loss curve": loss_curve,
        },
        status=status,
        refresh=refresh,
        values=values,
        unwired=("loss",),
    )


def show() -> c.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
