"""Lab 1. Function transformer: shift, scale and reflect a function of the zoo, and compose it
with a second one.

The transformed function is y(x) = a * f(b * (x - h)) + k, with a and b negated by the
reflections (in the x-axis: -f; in the y-axis: f(-x)).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from . import common as c

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # = 1 / (1 + e^-x), without overflow


# name -> (function, LaTeX template with {} for the argument)
ZOO = {
    "x (linear)": (lambda x: x, "{}"),
    "x² (quadratic)": (lambda x: x * x, "({})^2"),
    "x³ (cubic)": (lambda x: x * x * x, "({})^3"),
    "eˣ (exponential)": (np.exp, "e^{{{}}}"),
    "log x (logarithm)": (np.log, "\\log({})"),
    "σ(x) (sigmoid)": (_sigmoid, "\\sigma({})"),
    "tanh x": (np.tanh, "\\tanh({})"),
    "ReLU(x)": (lambda x: np.maximum(x, 0.0), "\\mathrm{{ReLU}}({})"),
    "softplus(x)": (lambda x: np.logaddexp(0.0, x), "\\mathrm{{softplus}}({})"),
    "|x|": (np.abs, "|{}|"),
    "sin x": (np.sin, "\\sin({})"),
}
NONE = "(none)"


def evaluate(name: str, x):
    """f(x) for a zoo function; NaN or ±inf outside its domain (log of x <= 0), no warning."""
    with np.errstate(all="ignore"):
        return ZOO[name][0](np.asarray(x, dtype=float))


def transform(
    name: str,
    x,
    a: float = 1.0,
    b: float = 1.0,
    h: float = 0.0,
    k: float = 0.0,
    reflect_x: bool = False,
    reflect_y: bool = False,
):
    """y(x) = a' f(b' (x - h)) + k with a' = -a if reflect_x else a, b' = -b if reflect_y."""
    a = -a if reflect_x else a
    b = -b if reflect_y else b
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        return a * evaluate(name, b * (x - h)) + k


def compose(outer: str, inner_values):
    """outer(inner(x)) given the inner function's values."""
    return evaluate(outer, inner_values)


def _num(v: float) -> str:
    text = f"{round(float(v), 2):g}"
    return "0" if text == "-0" else text


def formula(
    name: str,
    a: float = 1.0,
    b: float = 1.0,
    h: float = 0.0,
    k: float = 0.0,
    reflect_x: bool = False,
    reflect_y: bool = False,
    arg: str = "x",
) -> str:
    """LaTeX for a' f(b'(arg - h)) + k, leaving out factors of 1 and shifts of 0."""
    a = -a if reflect_x else a
    b = -b if reflect_y else b
    inner = arg
    if round(h, 2) != 0:
        inner = f"{arg} {'-' if h > 0 else '+'} {_num(abs(h))}"
    if round(b, 2) != 1:
        coeff = "-" if round(b, 2) == -1 else _num(b)
        inner = f"{coeff}({inner})" if (round(h, 2) != 0 or arg != "x") else f"{coeff}{inner}"
    text = ZOO[name][1].format(inner)
    if round(a, 2) == -1:
        text = f"-{text}"
    elif round(a, 2) != 1:
        text = f"{_num(a)}\\,{text}"
    if round(k, 2) != 0:
        text += f" {'+' if k > 0 else '-'} {_num(abs(k))}"
    return text


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

X_RANGE = (-5.0, 5.0)
Y_RANGE = (-5.0, 5.0)
XS = np.linspace(*X_RANGE, 401)
Y_CLIP = (-50.0, 50.0)  # values beyond this are far off the figure; clipped, never dropped


def _paths(values):
    return c.pad_paths(c.finite_runs(XS, values, Y_CLIP))


def build() -> c.Lab:
    f = c.dropdown("function f", list(ZOO), "σ(x) (sigmoid)")
    h = c.slider("shift right: h", -3, 3, 0.1, 0.0, primary=True)
    k = c.slider("shift up: k", -3, 3, 0.1, 0.0)
    b = c.slider("squeeze x: b", 0.2, 3, 0.05, 1.0)
    a = c.slider("stretch y: a", 0.2, 3, 0.05, 1.0)
    rx = c.checkbox("reflect in the x-axis (−f)")
    ry = c.checkbox("reflect in the y-axis (x → −x)")
    g = c.dropdown("then compose with g", [NONE, *ZOO], NONE)
    order = widgets.ToggleButtons(
        options=["g(y(x))", "y(g(x))"],
        value="g(y(x))",
        description="order",
        style={"description_width": "120px", "button_width": "90px"},
    )

    p = c.plot(
        X_RANGE,
        Y_RANGE,
        title="y(x) = a·f(b(x − h)) + k",
        x_label="x",
        y_label="y",
        equal=True,
        main=True,
    )
    p.lines([X_RANGE[0], X_RANGE[1]], [0, 0], colors=[c.LIGHT], stroke_width=1)
    p.lines([0, 0], [Y_RANGE[0], Y_RANGE[1]], colors=[c.LIGHT], stroke_width=1)
    base = p.lines(colors=[c.GRAY], line_style="dashed", stroke_width=1.5)
    comp = p.lines(colors=[c.GREEN], stroke_width=2.5)
    curve = p.lines(colors=[c.BLUE], stroke_width=3)
    anchor = p.scatter([0], [0], colors=[c.BLUE], default_size=40)
    math = widgets.HTMLMath(layout=widgets.Layout(width="340px"))
    status = c.status_label()
    values: dict = {}

    def update():
        args = dict(
            a=a.value, b=b.value, h=h.value, k=k.value, reflect_x=rx.value, reflect_y=ry.value
        )
        y0 = evaluate(f.value, XS)
        y1 = transform(f.value, XS, **args)
        bx, by = _paths(y0)
        cx, cy = _paths(y1)
        c.set_data(base, x=bx, y=by)
        c.set_data(curve, x=cx, y=cy)
        tex = formula(f.value, **args)
        lines = [f"$f(x) = {ZOO[f.value][1].format('x')}$", f"$y(x) = {tex}$"]
        if g.value == NONE:
            c.set_data(comp, x=np.zeros(0), y=np.zeros(0))
            y2 = None
        else:
            if order.value == "g(y(x))":
                y2 = compose(g.value, y1)
                tex2 = ZOO[g.value][1].format(tex)
            else:
                y2 = transform(f.value, evaluate(g.value, XS), **args)
                tex2 = formula(f.value, **args, arg=ZOO[g.value][1].format("x"))
            gx, gy = _paths(y2)
            c.set_data(comp, x=gx, y=gy)
            lines.append(f"${order.value} = {tex2}$")
        # the point that f has at x = 0 moves to x = h: the shift made visible
        ya = transform(f.value, np.array([h.value]), **args)
        if np.isfinite(ya[0]):
            c.set_data(anchor, x=np.array([h.value]), y=np.clip(ya, *Y_CLIP))
        else:
            c.set_data(anchor, x=np.zeros(0), y=np.zeros(0))
        math.value = "<br>".join(lines)
        notes = [
            "Dashed: f. Blue: y. Green: the composition. The dot is f's point at x = 0, "
            "moved to x = h."
        ]
        n_missing = int(np.sum(~np.isfinite(y1)))
        if n_missing:
            notes.append(
                f"y is undefined on part of the window ({n_missing} of {XS.size} "
                "sample points): outside the domain of f."
            )
        status.value = "<br>".join(notes)
        values.update(x=XS, f=y0, y=y1, composition=y2, formula=tex)

    refresh = c.Refresh(update)
    controls = {
        "f": f,
        "h": h,
        "k": k,
        "b": b,
        "a": a,
        "reflect_x": rx,
        "reflect_y": ry,
        "g": g,
        "order": order,
    }
    return c.Lab(
        1,
        "Function transformer",
        controls=controls,
        layout_controls=[f, h, k, b, a, rx, ry, g, order, math],
        plots=[p],
        marks={"f": base, "y": curve, "composition": comp, "anchor": anchor},
        status=status,
        refresh=refresh,
        values=values,
    )


def show() -> c.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
