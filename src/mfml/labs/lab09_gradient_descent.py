"""Lab 9. Gradient descent: the path of theta_{k+1} = theta_k + v_{k+1},
v_{k+1} = beta v_k - eta grad f(theta_k) (momentum beta; beta = 0 is plain gradient descent)
over the contour plot of a loss, and the loss curve; divergence when the rate is too large.

H is the Hessian throughout (the matrix of second derivatives): a quadratic loss is
f = ½ θᵀHθ, and plain descent on it is stable exactly when η < 2 / λ_max(H).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import common as ui

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------

_R = np.array([[np.cos(np.pi / 6), -np.sin(np.pi / 6)], [np.sin(np.pi / 6), np.cos(np.pi / 6)]])
H_VALLEY = _R @ np.diag([1.0, 10.0]) @ _R.T  # the Hessian of the narrow valley: eigenvalues 1, 10


@dataclass(frozen=True)
class Loss:
    """A loss of two parameters: f, its gradient and its Hessian work on floats (f and the
    gradient also on arrays)."""

    name: str
    f: Callable
    grad: Callable  # (x, y) -> (∂f/∂x, ∂f/∂y)
    hessian: Callable  # (x, y) -> the 2x2 matrix of second derivatives
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    f_star: float
    quadratic: bool = False  # then the Hessian is the same everywhere
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
        lambda x, y: np.eye(2),
        (-2.0, 1.5),
        ((0.0, 0.0),),
        0.0,
        True,
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
        lambda x, y: H_VALLEY,
        (-2.0, 1.0),
        ((0.0, 0.0),),
        0.0,
        True,
        0.15,
    ),
    "Rosenbrock": Loss(
        "Rosenbrock: f = (1 − x)² + 10 (y − x²)²",
        lambda x, y: (1 - x) ** 2 + 10 * (y - x * x) ** 2,
        lambda x, y: (-2 * (1 - x) - 40 * x * (y - x * x), 20 * (y - x * x)),
        lambda x, y: np.array([[2 - 40 * (y - x * x) + 80 * x * x, -40 * x], [-40 * x, 20.0]]),
        (-1.5, 2.0),
        ((1.0, 1.0),),
        0.0,
        False,
        0.02,
    ),
    "two minima": Loss(
        "two minima: f = (x² − 1)² + y²/2 + x/4",
        _two_minima_f,
        _two_minima_grad,
        lambda x, y: np.array([[12 * x * x - 4, 0.0], [0.0, 1.0]]),
        (0.3, 2.0),
        ((_X_LEFT, 0.0), (_X_RIGHT, 0.0)),
        float(_two_minima_f(_X_LEFT, 0.0)),
        False,
        0.1,
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


def critical_rate(curvature: float, momentum: float = 0.0) -> float:
    """On a quadratic whose largest curvature (largest Hessian eigenvalue) is `curvature`,
    gradient descent with heavy-ball momentum diverges for lr > 2 (1 + momentum) / curvature
    and converges below it (for 0 <= momentum < 1)."""
    return 2.0 * (1.0 + momentum) / curvature


def largest_curvature(loss: Loss, theta) -> float:
    """λ_max of the Hessian of the loss at theta: the curvature that sets the local limit on
    the rate, 2 (1 + β) / λ_max."""
    return float(np.linalg.eigvalsh(np.asarray(loss.hessian(*theta), dtype=float))[-1])


def contraction_factors(curvatures, lr: float, momentum: float = 0.0) -> np.ndarray:
    """For a quadratic, the factor by which each eigen-component of the error θ − θ* shrinks
    per step (asymptotically): the largest |z| solving z² − (1 + β − ηλ) z + β = 0, which is
    |1 − ηλ| for β = 0. Above 1 that component grows: descent diverges."""
    out = []
    for lam in np.atleast_1d(np.asarray(curvatures, dtype=float)):
        roots = np.roots([1.0, -(1.0 + momentum - lr * lam), momentum])
        out.append(float(np.max(np.abs(roots))) if roots.size else 0.0)
    return np.array(out)


@dataclass
class Verdict:
    kind: str  # "diverged", "left", "grew", "converged" or "moving"
    losses: np.ndarray  # f(θₖ) − f*, floored and finite, for the log-scale loss curve
    grad_norm: float  # ‖∇f‖ at the last iterate

    @property
    def diverged(self) -> bool:
        """Diverged in either sense: ran off past the bound, or left the window while the
        loss grew."""
        return self.kind in ("diverged", "left")


LOSS_FLOOR = 1e-16
CONVERGED = 1e-6  # ‖∇f‖ below this: converged
NEARLY = 1e-6  # f − f* below this while still "moving": the status says it is nearly there


def assess(loss: Loss, run: Descent, extent: float) -> Verdict:
    """What happened in a run: it "diverged" (an iterate ran off past the bound), "left" the
    window [-extent, extent]² while the loss grew, the loss "grew" from the start, it
    "converged" (‖∇f‖ < 1e-6), or it is still "moving"."""
    with np.errstate(over="ignore", invalid="ignore"):
        fk = loss.f(run.path[:, 0], run.path[:, 1]) - loss.f_star
    fk = np.clip(np.nan_to_num(fk, nan=1e300, posinf=1e300), LOSS_FLOOR, 1e300)
    gx, gy = loss.grad(*run.path[-1])
    gnorm = float(np.hypot(gx, gy))
    if run.diverged:
        kind = "diverged"
    elif np.any(np.abs(run.path) > extent) and fk[-1] > fk[0]:
        kind = "left"
    elif fk[-1] > fk[0]:
        kind = "grew"
    elif gnorm < CONVERGED:
        kind = "converged"
    else:
        kind = "moving"
    return Verdict(kind, fk, gnorm)


def downhill_arrows(loss: Loss, path, extent: float, count: int = 8, length: float = 0.35):
    """Short arrows along −∇f at the first `count` iterates inside the window: the direction
    of steepest descent, perpendicular to the contour through each point. Returns (tails,
    heads), each (k, 2); a zero gradient gives a zero-length arrow."""
    pts = np.asarray(path, dtype=float)[:count]
    pts = pts[np.all(np.abs(pts) <= extent, axis=1)]
    if pts.size == 0:
        return np.zeros((1, 2)), np.zeros((1, 2))
    gx, gy = loss.grad(pts[:, 0], pts[:, 1])
    g = np.column_stack([np.broadcast_to(gx, pts.shape[:1]), np.broadcast_to(gy, pts.shape[:1])])
    norm = np.linalg.norm(g, axis=1, keepdims=True)
    unit = np.divide(g, norm, out=np.zeros_like(g), where=norm > 0)
    return pts, pts - length * unit


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
STEPS = 60  # the steps slider's starting value, restored when the loss changes
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
            for path in ui.contour_paths(x, y, Z, level):
                paths.append(path)
                colours.append(shades[min(i * len(shades) // len(levels), len(shades) - 1)])
        X, Y = ui.pad_paths(paths)
        _CONTOURS[key] = (X, Y, colours)
    return _CONTOURS[key]


def _g(x: float) -> str:
    """A rate or a curvature with 4 significant digits (0.01969, 101.6)."""
    return f"{x:.4g}"


# What each numbered "Try this" step of the lab's page sets (its "step n" button): the state
# its text describes first (up to its first observation), never what it asks the learner to find.
TRY_THIS = {
    1: {},
    2: {"lr": 0.1},
    3: {"lr": 10**-0.6},
    4: {"loss": "Rosenbrock", "steps": 300},
    5: {"loss": "two minima"},
}


def build() -> ui.Lab:
    loss_name = ui.dropdown("loss f", list(LOSSES), "narrow valley")
    lr = ui.log_slider(
        "learning rate η", -3, 0.5, LOSSES["narrow valley"].lr, step=0.02, primary=True
    )
    beta = ui.slider("momentum β", 0, 0.95, 0.05, 0.0)
    start_x = ui.slider("start x", -2.4, 2.4, 0.1, LOSSES["narrow valley"].start[0])
    start_y = ui.slider("start y", -2.4, 2.4, 0.1, LOSSES["narrow valley"].start[1])
    steps = ui.int_slider("steps", 5, 300, STEPS, step=5)

    landscape = ui.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="",
        x_label="x",
        y_label="y",
        equal=True,
        main=True,
    )
    contours = landscape.lines(colors=["#9ecae1"], stroke_width=1)
    minima = landscape.scatter(colors=[ui.GREEN], marker="cross", default_size=80)
    path = landscape.lines(colors=[ui.ORANGE], stroke_width=2)
    downhill = landscape.lines(colors=[ui.RED], stroke_width=1.5, opacities=[0.8])
    dots = landscape.scatter(colors=[ui.ORANGE], default_size=12)

    loss_plot = ui.plot(
        (0, 60),
        (1e-16, 1e3),
        y_log=True,
        title="loss curve",
        x_label="iteration k",
        y_label="f(θₖ) − f*",
        height=260,
    )
    loss_plot.sy.min = None  # autoscale the log axis: from convergence (tiny) to divergence
    loss_plot.sy.max = None
    loss_curve = loss_plot.lines(colors=[ui.RED], stroke_width=2)
    status = ui.status_label()
    values: dict = {}
    contour_memo = ui.Memo()

    def draw_contours(key):
        loss = LOSSES[key]
        X, Y, colours = _contours(key)
        ui.set_data(contours, x=X, y=Y, colors=colours)
        m = np.array(loss.minima)
        ui.set_data(minima, x=m[:, 0], y=m[:, 1])
        landscape.figure.title = loss.name
        return key

    def update():
        key = loss_name.value
        loss = LOSSES[key]
        contour_memo(key, lambda: draw_contours(key))
        eta = float(lr.value)  # a log slider: its value is not rounded
        mom, x0, y0 = ui.slider_values(beta, start_x, start_y)
        run = gradient_descent(loss.grad, (x0, y0), eta, mom, steps.value, bound=BOUND)
        shown = ui.clip_to_box(run.path, BOX)
        if len(shown) < 2:
            shown = np.vstack([shown, shown])
        ui.set_data(path, x=shown[:, 0], y=shown[:, 1])
        ui.set_data(dots, x=shown[:, 0], y=shown[:, 1])
        start.place(x0, y0)
        tails, heads = downhill_arrows(loss, run.path, EXTENT)
        ax, ay = ui.arrow_paths(tails, heads, head=0.12)
        ui.set_data(downhill, x=ax, y=ay)
        verdict = assess(loss, run, EXTENT)
        fk = verdict.losses
        k = np.arange(len(fk), dtype=float)
        if len(fk) < 2:
            k, fk = np.r_[k, k], np.r_[fk, fk]
        with loss_plot.sx.hold_sync():
            loss_plot.sx.max = float(steps.value)
        ui.set_data(loss_curve, x=k, y=fk)

        end = run.path[-1]
        gnorm = verdict.grad_norm
        lines = [
            {
                "diverged": ui.warn("Diverged", bold=True) + f" after {run.steps} steps: "
                "θ ran off towards infinity (the path is clipped to the window).",
                "left": ui.warn("Diverged", bold=True) + ": θ left the window and the loss "
                "grows step after step (the path is clipped to the window).",
                "grew": ui.warn("The loss grew", bold=True) + " from the start: the rate is "
                "too large here.",
                "converged": f"<b>Converged</b>: ‖∇f‖ = {ui.fmt(gnorm, 2)} after "
                f"{run.steps} steps.",
                # f(θ) − f* itself is the next line's: said once
                "moving": f"Still moving after {run.steps} steps: ‖∇f‖ = {ui.fmt(gnorm, 2)}"
                + (
                    f" (converged means ‖∇f‖ &lt; {CONVERGED:g}), but nearly there: "
                    f"f(θ) − f* is below {NEARLY:g}."
                    if fk[-1] < NEARLY
                    else "."
                ),
            }[verdict.kind],
            f"θ = {ui.fmt_vec(end, 3)}, f(θ) − f* = {ui.fmt(fk[-1], 2)}",
        ]
        if loss.quadratic:
            curvatures = np.linalg.eigvalsh(loss.hessian(0.0, 0.0))
            top = float(curvatures[-1])
            lines.append(
                f"Quadratic: its Hessian H has eigenvalues (curvatures) "
                f"{', '.join(_g(c) for c in curvatures)}; descent diverges for "
                f"η > 2/λ_max = {_g(critical_rate(top))}"
                + (
                    f" (with momentum β: η > 2(1 + β)/λ_max = {_g(critical_rate(top, mom))})"
                    if mom
                    else ""
                )
            )
            factors = contraction_factors(curvatures, eta, mom)
            lines.append(
                "Per step, the error along each eigenvector of H shrinks by the factor "
                + ", ".join(ui.fmt(x, 3) for x in factors)
                + " (the largest sets the speed; above 1 it grows)"
            )
            local = top
        elif np.all(np.isfinite(end)):
            local = largest_curvature(loss, end)
            limit = critical_rate(local, mom) if local > 0 else float("inf")
            lines.append(
                f"At the last θ the largest curvature is λ_max(∇²f) = {_g(local)}, so the "
                f"local limit on the rate is 2{'(1 + β)' if mom else ''}/λ_max = {_g(limit)}"
                + (" < η: descent cannot settle here." if eta > limit else ".")
            )
        else:
            local = float("nan")
        ui.show_status(status, lines)
        values.update(
            path=run.path,
            diverged=verdict.diverged,
            verdict=verdict.kind,
            losses=verdict.losses,
            grad_norm=gnorm,
            curvature=local,
        )

    refresh = ui.Refresh(update)

    def drop_start(x, y):
        """The start dragged to (x, y): the start sliders follow, on their steps of 0.1."""
        with refresh.hold():
            for s, value in ((start_x, x), (start_y, y)):
                s.value = float(np.clip(np.round(value, 1), s.min, s.max))

    start = ui.Handle(landscape, drop_start, colors=["black"], default_size=70)

    def on_loss(change):
        """A new loss starts from its own start and rate, without momentum, 60 steps."""
        loss = LOSSES[change["new"]]
        with refresh.hold():
            start_x.value, start_y.value = loss.start
            lr.value = loss.lr
            beta.value = 0.0
            steps.value = STEPS

    loss_name.observe(on_loss, names="value")
    controls = {
        "loss": loss_name,
        "lr": lr,
        "momentum": beta,
        "start_x": start_x,
        "start_y": start_y,
        "steps": steps,
    }
    return ui.Lab(
        9,
        "Gradient descent",
        controls=controls,
        layout_controls=list(controls.values()),
        plots=[landscape, loss_plot],
        marks={
            "contours": contours,
            "minima": minima,
            "path": path,
            "iterates": dots,
            "downhill": downhill,
            "start": start.mark,
            "loss curve": loss_curve,
        },
        status=status,
        refresh=refresh,
        values=values,
        steps=TRY_THIS,
        unwired=("loss",),
    )


def show() -> ui.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
