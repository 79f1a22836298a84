"""Lab 8. Derivatives: the secant through x and x + h turns into the tangent as h shrinks,
until floating point takes over; the finite-difference error against h on log axes."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from . import common as c

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _dsigmoid(x):
    s = _sigmoid(x)
    return s * (1.0 - s)


# name -> (f, f', y-range of the figure)
FUNCTIONS = {
    "sin x": (np.sin, np.cos, (-1.6, 1.6)),
    "eˣ": (np.exp, np.exp, (-2.0, 12.0)),
    "x³ − 2x": (lambda x: x**3 - 2 * x, lambda x: 3 * x**2 - 2, (-8.0, 8.0)),
    "σ(x)": (_sigmoid, _dsigmoid, (-0.3, 1.3)),
}

FORWARD, CENTRAL = "forward", "central"
EPS = float(np.finfo(float).eps)
ERROR_FLOOR = 1e-17  # an error of exactly 0 is drawn here on the log axis


def forward_difference(f, x, h):
    """(f(x + h) - f(x)) / h: error O(h) from truncation, about eps |f| / h from round-off."""
    return (f(x + h) - f(x)) / h


def central_difference(f, x, h):
    """(f(x + h) - f(x - h)) / (2h): error O(h²) from truncation, about eps |f| / h from
    round-off."""
    return (f(x + h) - f(x - h)) / (2 * h)


def difference(f, x, h, scheme: str = CENTRAL):
    return (central_difference if scheme == CENTRAL else forward_difference)(f, x, h)


def secant_points(f, x, h, scheme: str = CENTRAL) -> np.ndarray:
    """The two points the difference quotient uses, as a (2, 2) array."""
    xs = np.array([x - h, x + h]) if scheme == CENTRAL else np.array([x, x + h])
    return np.column_stack([xs, f(xs)])


def error_curve(f, df, x, hs, scheme: str = CENTRAL) -> np.ndarray:
    """|D_h f(x) - f'(x)| for every step in hs (vectorized)."""
    hs = np.asarray(hs, dtype=float)
    return np.abs(difference(f, x, hs, scheme) - df(x))


def best_step(f, df, x, hs, scheme: str = CENTRAL) -> float:
    """The step in hs with the smallest error (about eps^(1/2) forward, eps^(1/3) central)."""
    return float(np.asarray(hs)[np.argmin(error_curve(f, df, x, hs, scheme))])


def regime(f, df, x, h, scheme: str = CENTRAL, hs=None) -> str:
    """Which error wins at step h: "cancelled" (the two values of f are the same float, so the
    estimate is 0), "exact", "round-off" (h below the best step), "truncation" (above it) or
    "balanced" (near the best step)."""
    pts = secant_points(f, x, h, scheme)
    if pts[0, 0] == pts[1, 0] or pts[0, 1] == pts[1, 1]:
        return "cancelled"
    if error_curve(f, df, x, np.array([h]), scheme)[0] == 0.0:
        return "exact"
    hs = H_GRID if hs is None else hs
    h_best = best_step(f, df, x, hs, scheme)
    if h < h_best / 4:
        return "round-off"
    if h > h_best * 4:
        return "truncation"
    return "balanced"


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

H_GRID = np.logspace(-16, 0, 161)
X_RANGE = (-3.0, 3.0)
XS = np.linspace(*X_RANGE, 301)

MESSAGES = {
    "cancelled": '<span style="color:#d62728">Catastrophic cancellation: the two values of f '
    "are the same float, so the difference quotient is 0 (or x + h == x). The secant is "
    "flat.</span>",
    "exact": "The estimate is exact in floating point here.",
    "round-off": '<span style="color:#d62728">Round-off dominates: h is so small that the '
    "difference f(x + h) − f(x) keeps few correct digits; the error grows like ε|f(x)|/h "
    "as h shrinks.</span>",
    "truncation": "Truncation dominates: the error shrinks like h (forward) or h² (central) "
    "as h shrinks.",
    "balanced": "Near the best step: truncation and round-off errors are about equal.",
}


def build() -> c.Lab:
    fname = c.dropdown("function f", list(FUNCTIONS), "sin x")
    x0 = c.slider("point x", -2, 2, 0.05, 1.0)
    h = c.log_slider("step h", -16, 0, 0.5, step=0.1, primary=True, readout_format=".1e")
    scheme = widgets.ToggleButtons(
        options=[FORWARD, CENTRAL],
        value=FORWARD,
        description="secant",
        style={"description_width": "120px", "button_width": "90px"},
    )

    p = c.plot(
        X_RANGE,
        FUNCTIONS["sin x"][2],
        title="secant (orange) and tangent (green)",
        x_label="x",
        y_label="f(x)",
        main=True,
    )
    curve = p.lines(colors=[c.BLUE], stroke_width=2)
    tangent = p.lines(colors=[c.GREEN], stroke_width=2, line_style="dashed")
    secant = p.lines(colors=[c.ORANGE], stroke_width=2)
    secant_dots = p.scatter(colors=[c.ORANGE], default_size=50)
    point = p.scatter(colors=["black"], default_size=50)

    q = c.plot(
        (1e-16, 1.0),
        (1e-17, 1e2),
        x_log=True,
        y_log=True,
        title="error |D_h f(x) − f′(x)| (forward blue, central purple)",
        x_label="h",
        y_label="error",
        height=300,
    )
    guide = q.lines(colors=[c.LIGHT], stroke_width=1, line_style="dashed")
    err_forward = q.lines(colors=[c.BLUE], stroke_width=2)
    err_central = q.lines(colors=[c.PURPLE], stroke_width=2)
    now = q.lines(colors=[c.GRAY], stroke_width=1.5, line_style="dashed")
    dots = q.scatter(colors=[c.BLUE, c.PURPLE], default_size=50)
    status = c.status_label()
    values: dict = {}
    state: dict = {}

    def update_curves(f, df, x, yr):
        with p.sy.hold_sync():
            p.sy.min, p.sy.max = yr
        c.set_data(curve, x=XS, y=np.clip(f(XS), yr[0] - 10, yr[1] + 10))
        fx = f(x)
        band = (yr[0] - 100, yr[1] + 100)
        ends = np.array(X_RANGE)
        c.set_data(tangent, x=ends, y=np.clip(fx + df(x) * (ends - x), *band))
        c.set_data(point, x=np.array([x]), y=np.array([fx]))
        ef = np.maximum(error_curve(f, df, x, H_GRID, FORWARD), ERROR_FLOOR)
        ec = np.maximum(error_curve(f, df, x, H_GRID, CENTRAL), ERROR_FLOOR)
        c.set_data(err_forward, x=H_GRID, y=ef)
        c.set_data(err_central, x=H_GRID, y=ec)
        # guides: slope 1 (∝ h) and slope 2 (∝ h²) through the curves at h = 0.1
        gh = np.array([1e-6, 1.0])
        gy = np.array(
            [
                ef[H_GRID.searchsorted(0.1)] * gh / 0.1,
                ec[H_GRID.searchsorted(0.1)] * (gh / 0.1) ** 2,
            ]
        )
        c.set_data(guide, x=np.vstack([gh, gh]), y=np.maximum(gy, ERROR_FLOOR))
        state.update(
            key=(fname.value, x),
            ef=ef,
            ec=ec,
            best={FORWARD: float(H_GRID[np.argmin(ef)]), CENTRAL: float(H_GRID[np.argmin(ec)])},
        )

    def update():
        f, df, yr = FUNCTIONS[fname.value]
        x = x0.value
        if state.get("key") != (fname.value, x):
            update_curves(f, df, x, yr)
        step = h.value
        pts = secant_points(f, x, step, scheme.value)
        slope = difference(f, x, step, scheme.value)
        band = (yr[0] - 100, yr[1] + 100)
        ends = np.array(X_RANGE)
        c.set_data(secant, x=ends, y=np.clip(pts[0, 1] + slope * (ends - pts[0, 0]), *band))
        c.set_data(secant_dots, x=pts[:, 0], y=np.clip(pts[:, 1], *band))
        e_f = max(float(error_curve(f, df, x, np.array([step]), FORWARD)[0]), ERROR_FLOOR)
        e_c = max(float(error_curve(f, df, x, np.array([step]), CENTRAL)[0]), ERROR_FLOOR)
        c.set_data(now, x=np.array([step, step]), y=np.array([1e-17, 1e2]))
        c.set_data(dots, x=np.array([step, step]), y=np.array([e_f, e_c]))
        kind = regime(f, df, x, step, scheme.value)
        exact = float(df(x))
        d_f = float(forward_difference(f, x, step))
        d_c = float(central_difference(f, x, step))
        best = state["best"]
        status.value = "<br>".join(
            [
                f"h = {step:.1e}, x + h = {x + step!r}",
                f"<b>f′(x)</b> = {exact:.15g} (exact)",
                f"forward: {d_f:.15g}, error {c.fmt(abs(d_f - exact), 2)}",
                f"central: {d_c:.15g}, error {c.fmt(abs(d_c - exact), 2)}",
                f"best h here: forward ≈ {best[FORWARD]:.0e} (√ε ≈ 1.5e-08), "
                f"central ≈ {best[CENTRAL]:.0e} (∛ε ≈ 6.1e-06)",
                f"{scheme.value} secant: {MESSAGES[kind]}",
            ]
        )
        values.update(
            x=x,
            h=step,
            exact=exact,
            forward=d_f,
            central=d_c,
            regime=kind,
            secant=pts,
            best_step=best,
        )

    refresh = c.Refresh(update)
    controls = {"f": fname, "x": x0, "h": h, "scheme": scheme}
    return c.Lab(
        8,
        "Derivatives",
        controls=controls,
        layout_controls=[fname, x0, h, scheme],
        plots=[p, q],
        marks={
            "f": curve,
            "tangent": tangent,
            "secant": secant,
            "secant points": secant_dots,
            "point": point,
            "forward error": err_forward,
            "central error": err_central,
            "now": now,
            "dots": dots,
            "guides": guide,
        },
        status=status,
        refresh=refresh,
        values=values,
    )


def show() -> c.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
