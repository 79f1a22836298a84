"""Lab 8. Derivatives: the secant through x and x + h turns into the tangent as h shrinks,
until floating point takes over; the finite-difference error against h on log axes, with the
error model truncation + round-off that says which of the two dominates and where the best
step is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from . import common as ui
from .maths import sigmoid

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------

MACHINE_EPS = float(np.finfo(float).eps)  # 2.2e-16, the spacing of floats near 1
ORDERS = 6  # derivatives of order 0 (f itself) to 5, in closed form


@dataclass(frozen=True)
class Function:
    """A function of the lab with its derivatives of order 0 to 5 (derivs[k] is the k-th
    derivative) and the y-range of the figure."""

    derivs: tuple[Callable, ...]
    y_range: tuple[float, float]

    @property
    def f(self) -> Callable:
        return self.derivs[0]

    @property
    def df(self) -> Callable:
        return self.derivs[1]


def _sigmoid_derivatives() -> tuple[Callable, ...]:
    """The derivatives of σ as polynomials in s = σ(x): σ' = s − s², and the derivative of
    P(s) is P'(s) (s − s²)."""
    P = np.polynomial.Polynomial
    polys = [P([0.0, 1.0])]
    for _ in range(ORDERS - 1):
        polys.append(polys[-1].deriv() * P([0.0, 1.0, -1.0]))
    return tuple((lambda x, q=q: q(sigmoid(x))) for q in polys)


FUNCTIONS = {
    "sin x": Function(
        (np.sin, np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x), np.sin, np.cos),
        (-1.6, 1.6),
    ),
    "eˣ": Function((np.exp,) * ORDERS, (-2.0, 12.0)),
    "x³ − 2x": Function(
        (
            lambda x: x**3 - 2 * x,
            lambda x: 3 * x**2 - 2,
            lambda x: 6 * x,
            lambda x: 6 + 0 * x,
            lambda x: 0 * x,
            lambda x: 0 * x,
        ),
        (-8.0, 8.0),
    ),
    "σ(x)": Function(_sigmoid_derivatives(), (-0.3, 1.3)),
}

FORWARD, CENTRAL = "forward", "central"
ERROR_FLOOR = 1e-17  # an error of exactly 0 is drawn here on the log axis
DOMINATES = 4.0  # one error term "dominates" when it is this many times the other


def forward_difference(f, x, h):
    """(f(x + h) - f(x)) / h: error about h/2 |f''(x)| from truncation, up to eps |f(x)| / h
    from round-off."""
    return (f(x + h) - f(x)) / h


def central_difference(f, x, h):
    """(f(x + h) - f(x - h)) / (2h): error about h²/6 |f'''(x)| from truncation, up to
    eps |f(x)| / h from round-off."""
    return (f(x + h) - f(x - h)) / (2 * h)


def difference(f, x, h, scheme: str = CENTRAL):
    return (central_difference if scheme == CENTRAL else forward_difference)(f, x, h)


def secant_points(f, x, h, scheme: str = CENTRAL) -> np.ndarray:
    """The two points the difference quotient uses, as a (2, 2) array."""
    xs = np.array([x - h, x + h]) if scheme == CENTRAL else np.array([x, x + h])
    return np.column_stack([xs, f(xs)])


def error_curve(f, df, x, hs, scheme: str = CENTRAL) -> np.ndarray:
    """|D_h f(x) - f'(x)| for every step in hs (vectorized): the measured error."""
    hs = np.asarray(hs, dtype=float)
    return np.abs(difference(f, x, hs, scheme) - df(x))


def truncation_model(fn: Function, x: float, hs, scheme: str = CENTRAL) -> np.ndarray:
    """The truncation error from Taylor's formula, to two terms so that a zero derivative (at
    an inflection point) does not make it vanish: forward h/2 |f''| + h²/6 |f'''|, central
    h²/6 |f'''| + h⁴/120 |f⁽⁵⁾|, all at x."""
    hs = np.asarray(hs, dtype=float)
    d = [abs(float(fn.derivs[k](x))) for k in range(ORDERS)]
    if scheme == FORWARD:
        return hs / 2 * d[2] + hs**2 / 6 * d[3]
    return hs**2 / 6 * d[3] + hs**4 / 120 * d[5]


def round_off_model(fn: Function, x: float, hs) -> np.ndarray:
    """The round-off error: the two values of f are each rounded by up to eps |f| / 2, so
    their difference divided by h is off by up to about eps |f(x)| / h (Question 2's term);
    plus eps |f'(x)|, the rounding of the result itself. It is a bound: the measured
    round-off is random and mostly a few times smaller."""
    hs = np.asarray(hs, dtype=float)
    return MACHINE_EPS * (abs(float(fn.f(x))) / hs + abs(float(fn.df(x))))


def model_error(fn: Function, x: float, hs, scheme: str = CENTRAL) -> np.ndarray:
    """Truncation plus round-off: the dashed curves of the lab."""
    return truncation_model(fn, x, hs, scheme) + round_off_model(fn, x, hs)


H_GRID = np.logspace(-16, 0, 161)  # where the measured error curves are drawn
H_FINE = np.logspace(-16, 0, 1601)  # where the model is minimised


def best_step(fn: Function, x: float, scheme: str = CENTRAL) -> float:
    """The step that minimises the model error: about sqrt(2 eps |f| / |f''|) forward and
    (3 eps |f| / |f'''|)^(1/3) central. Read off the smooth model, not off the measured
    curve, whose minimum is often a lucky rounding far from the best step."""
    return float(H_FINE[np.argmin(model_error(fn, x, H_FINE, scheme))])


def regime(fn: Function, x: float, h: float, scheme: str = CENTRAL) -> str:
    """Which error wins at step h: "cancelled" (the two values of f are the same float, so the
    estimate is 0), "exact", "round-off" or "truncation" (its model term is DOMINATES times
    the other one or more), else "balanced" (near the best step)."""
    pts = secant_points(fn.f, x, h, scheme)
    if pts[0, 0] == pts[1, 0] or pts[0, 1] == pts[1, 1]:
        return "cancelled"
    if error_curve(fn.f, fn.df, x, np.array([h]), scheme)[0] == 0.0:
        return "exact"
    t = float(truncation_model(fn, x, h, scheme))
    r = float(round_off_model(fn, x, h))
    if r >= DOMINATES * t:
        return "round-off"
    if t >= DOMINATES * r:
        return "truncation"
    return "balanced"


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

X_RANGE = (-3.0, 3.0)
XS = np.linspace(*X_RANGE, 301)

MESSAGES = {
    "cancelled": ui.warn(
        "Catastrophic cancellation: the two values of f are the same float, so the "
        "difference quotient is 0 (or x + h == x). The secant is flat."
    ),
    "exact": "The estimate is exact in floating point here.",
    "round-off": ui.warn(
        "Round-off dominates: h is so small that f(x + h) − f(x) keeps few correct digits. "
        "In the model, the round-off term is at least 4 times the truncation term, and "
        "shrinking h makes it grow."
    ),
    "truncation": "Truncation dominates: the error shrinks like h (forward) or h² (central) "
    "as h shrinks.",
    "balanced": "Near the best step: the truncation and round-off terms of the model are "
    "within a factor 4 of each other.",
}


# What each numbered "Try this" step of the lab's page sets (its "step n" button): the state
# its text describes first (up to its first observation), never what it asks the learner to find.
TRY_THIS = {
    1: {"f": "sin x", "x": 1.0, "h": 1.0},
    2: {"h": 1e-8},
    3: {"h": 1e-16},
    4: {"scheme": CENTRAL},  # the best steps first; then the learner sets h = 1e-5
    5: {"f": "x³ − 2x", "x": 1.0},
}


def build() -> ui.Lab:
    fname = ui.dropdown("function f", list(FUNCTIONS), "sin x")
    point_x = ui.slider("point x", -2, 2, 0.05, 1.0)
    step_h = ui.log_slider("step h", -16, 0, 0.5, step=0.1, primary=True, readout_format=".1e")
    scheme = widgets.ToggleButtons(
        options=[FORWARD, CENTRAL],
        value=FORWARD,
        description="secant",
        style={"description_width": "120px", "button_width": "90px"},
    )

    graph = ui.plot(
        X_RANGE,
        FUNCTIONS["sin x"].y_range,
        title="secant (orange) and tangent (green)",
        x_label="x",
        y_label="f(x)",
        main=True,
    )
    curve = graph.lines(colors=[ui.BLUE], stroke_width=2)
    tangent = graph.lines(colors=[ui.GREEN], stroke_width=2, line_style="dashed")
    secant = graph.lines(colors=[ui.ORANGE], stroke_width=2)
    secant_dots = graph.scatter(colors=[ui.ORANGE], default_size=50)
    point = graph.scatter(colors=["black"], default_size=50)

    errors = ui.plot(
        (1e-16, 1.0),
        (1e-17, 1e2),
        x_log=True,
        y_log=True,
        title="error against h: measured (solid), model (dashed)",
        x_label="h",
        y_label="error",
        height=300,
    )
    model = errors.lines(
        colors=[ui.BLUE, ui.PURPLE], stroke_width=1.5, line_style="dashed", opacities=[0.6, 0.6]
    )
    err_forward = errors.lines(colors=[ui.BLUE], stroke_width=2)
    err_central = errors.lines(colors=[ui.PURPLE], stroke_width=2)
    now = errors.lines(colors=[ui.GRAY], stroke_width=1.5, line_style="dashed")
    dots = errors.scatter(colors=[ui.BLUE, ui.PURPLE], default_size=50)
    status = ui.status_label()
    values: dict = {}
    point_memo = ui.Memo()

    def update_point(name, x):
        """Everything that depends on f and x only: redrawn when they change, not with h."""
        fn = FUNCTIONS[name]
        f, df, yr = fn.f, fn.df, fn.y_range
        with graph.sy.hold_sync():
            graph.sy.min, graph.sy.max = yr
        ui.set_data(curve, x=XS, y=np.clip(f(XS), yr[0] - 10, yr[1] + 10))
        fx = f(x)
        band = (yr[0] - 100, yr[1] + 100)
        ends = np.array(X_RANGE)
        ui.set_data(tangent, x=ends, y=np.clip(fx + df(x) * (ends - x), *band))
        ui.set_data(point, x=np.array([x]), y=np.array([fx]))
        ef = np.maximum(error_curve(f, df, x, H_GRID, FORWARD), ERROR_FLOOR)
        ec = np.maximum(error_curve(f, df, x, H_GRID, CENTRAL), ERROR_FLOOR)
        ui.set_data(err_forward, x=H_GRID, y=ef)
        ui.set_data(err_central, x=H_GRID, y=ec)
        mf = np.clip(model_error(fn, x, H_GRID, FORWARD), ERROR_FLOOR, 1e3)
        mc = np.clip(model_error(fn, x, H_GRID, CENTRAL), ERROR_FLOOR, 1e3)
        ui.set_data(model, x=np.vstack([H_GRID, H_GRID]), y=np.vstack([mf, mc]))
        return {scheme_: best_step(fn, x, scheme_) for scheme_ in (FORWARD, CENTRAL)}

    def update():
        name = fname.value
        fn = FUNCTIONS[name]
        f, df, yr = fn.f, fn.df, fn.y_range
        x = float(ui.slider_values(point_x)[0])
        best = point_memo((name, x), lambda: update_point(name, x))
        h = float(step_h.value)  # a log slider: its value is not rounded
        pts = secant_points(f, x, h, scheme.value)
        slope = difference(f, x, h, scheme.value)
        band = (yr[0] - 100, yr[1] + 100)
        ends = np.array(X_RANGE)
        ui.set_data(secant, x=ends, y=np.clip(pts[0, 1] + slope * (ends - pts[0, 0]), *band))
        ui.set_data(secant_dots, x=pts[:, 0], y=np.clip(pts[:, 1], *band))
        exact = float(df(x))
        d_f = float(forward_difference(f, x, h))
        d_c = float(central_difference(f, x, h))
        e_f, e_c = abs(d_f - exact), abs(d_c - exact)
        ui.set_data(now, x=np.array([h, h]), y=np.array([1e-17, 1e2]))
        ui.set_data(
            dots, x=np.array([h, h]), y=np.array([max(e_f, ERROR_FLOOR), max(e_c, ERROR_FLOOR)])
        )
        kind = regime(fn, x, h, scheme.value)
        ui.show_status(
            status,
            [
                f"h = {h:.1e}, x + h = {x + h!r}",
                f"<b>f′(x)</b> = {exact:.15g} (exact)",
                f"forward: {d_f:.15g}, error {ui.fmt(e_f, 2)}",
                f"central: {d_c:.15g}, error {ui.fmt(e_c, 2)}",
                f"best h by the model (dashed): forward ≈ {best[FORWARD]:.0e}, "
                f"central ≈ {best[CENTRAL]:.0e}",
                f"{scheme.value} secant: {MESSAGES[kind]}",
            ],
        )
        values.update(
            function=name,
            x=x,
            h=h,
            exact=exact,
            forward=d_f,
            central=d_c,
            forward_error=e_f,
            central_error=e_c,
            regime=kind,
            secant=pts,
            best_step=best,
        )

    refresh = ui.Refresh(update)
    controls = {"f": fname, "x": point_x, "h": step_h, "scheme": scheme}
    return ui.Lab(
        8,
        "Derivatives",
        controls=controls,
        layout_controls=[fname, point_x, step_h, scheme],
        plots=[graph, errors],
        marks={
            "f": curve,
            "tangent": tangent,
            "secant": secant,
            "secant points": secant_dots,
            "point": point,
            "forward error": err_forward,
            "central error": err_central,
            "model": model,
            "now": now,
            "dots": dots,
        },
        status=status,
        refresh=refresh,
        values=values,
        steps=TRY_THIS,
    )


def show() -> ui.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
