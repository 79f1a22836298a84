"""Lab 1. Function transformer: shift, scale and reflect a function of the zoo, and compose it
with a second one.

The transformed function is y(x) = a * f(b * (x - h)) + k. The two mirrors negate a or b:
-a mirrors the graph up-down about the line y = k, -b mirrors it left-right about the line
x = h (about the axes when h = k = 0).
"""

from __future__ import annotations

import re

import ipywidgets as widgets
import numpy as np

from . import common as ui
from .maths import sigmoid

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------

# name -> (function, LaTeX template with {} for the argument)
ZOO = {
    "x (linear)": (lambda x: x, "{}"),
    "x² (quadratic)": (lambda x: x * x, "({})^2"),
    "x³ (cubic)": (lambda x: x * x * x, "({})^3"),
    "eˣ (exponential)": (np.exp, "e^{{{}}}"),
    "log x (logarithm)": (np.log, "\\log({})"),
    "σ(x) (sigmoid)": (sigmoid, "\\sigma({})"),
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
    flip_a: bool = False,
    flip_b: bool = False,
):
    """y(x) = a' f(b' (x - h)) + k with a' = -a if flip_a else a, b' = -b if flip_b else b.

    -a mirrors the graph of a f(b(x - h)) + k up-down about the line y = k; -b mirrors it
    left-right about the line x = h.
    """
    a = -a if flip_a else a
    b = -b if flip_b else b
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        return a * evaluate(name, b * (x - h)) + k


def compose(outer: str, inner_values):
    """outer(inner(x)) given the inner function's values."""
    return evaluate(outer, inner_values)


def apply(name: str, arg: str) -> str:
    """LaTeX for f(arg): a power of a single symbol needs no brackets (x^2, not (x)^2)."""
    template = ZOO[name][1]
    if template.startswith("({})") and re.fullmatch(r"[a-z]", arg):
        template = template.replace("({})", "{}", 1)
    return template.format(arg)


def _num(v: float) -> str:
    text = f"{round(float(v), 2):g}"
    return "0" if text == "-0" else text


def formula(
    name: str,
    a: float = 1.0,
    b: float = 1.0,
    h: float = 0.0,
    k: float = 0.0,
    flip_a: bool = False,
    flip_b: bool = False,
    arg: str = "x",
) -> str:
    """LaTeX for a' f(b'(arg - h)) + k, leaving out factors of 1 and shifts of 0."""
    a = -a if flip_a else a
    b = -b if flip_b else b
    inner = arg
    if round(h, 2) != 0:
        inner = f"{arg} {'-' if h > 0 else '+'} {_num(abs(h))}"
    if round(b, 2) != 1:
        coeff = "-" if round(b, 2) == -1 else _num(b)
        inner = f"{coeff}({inner})" if (round(h, 2) != 0 or arg != "x") else f"{coeff}{inner}"
    text = apply(name, inner)
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
    return ui.pad_paths(ui.finite_runs(XS, values, Y_CLIP))


# What each numbered "Try this" step of the lab's page sets (its "step n" button): the state
# its text describes first (up to its first observation), never what it asks the learner to find.
TRY_THIS = {
    1: {"h": 2.0},
    2: {"b": 2.0},  # the squeeze alone; "then set a to 2" is the learner's
    3: {"f": "log x (logarithm)", "flip_b": True},
    4: {"flip_a": True, "flip_b": True, "k": 1.0},
    5: {"f": "x² (quadratic)", "h": 1.0, "g": "eˣ (exponential)"},
    6: {"f": "x (linear)", "g": "log x (logarithm)"},
}


def build() -> ui.Lab:
    f = ui.dropdown("function f", list(ZOO), "σ(x) (sigmoid)")
    h = ui.slider("shift right: h", -3, 3, 0.1, 0.0, primary=True)
    k = ui.slider("shift up: k", -3, 3, 0.1, 0.0)
    b = ui.slider("squeeze x: b", 0.2, 3, 0.05, 1.0)
    a = ui.slider("stretch y: a", 0.2, 3, 0.05, 1.0)
    flip_a = ui.checkbox("−a: mirror up–down, about the line y = k")
    flip_b = ui.checkbox("−b: mirror left–right, about the line x = h")
    g = ui.dropdown("then compose with g", [NONE, *ZOO], NONE)
    order = widgets.ToggleButtons(
        options=["g(y(x))", "y(g(x))"],
        value="g(y(x))",
        description="order",
        style={"description_width": "120px", "button_width": "90px"},
    )

    graph = ui.plot(
        X_RANGE,
        Y_RANGE,
        title="y(x) = a·f(b(x − h)) + k",
        x_label="x",
        y_label="y",
        equal=True,
        main=True,
    )
    graph.lines([X_RANGE[0], X_RANGE[1]], [0, 0], colors=[ui.LIGHT], stroke_width=1)
    graph.lines([0, 0], [Y_RANGE[0], Y_RANGE[1]], colors=[ui.LIGHT], stroke_width=1)
    base = graph.lines(colors=[ui.GRAY], line_style="dashed", stroke_width=1.5)
    comp = graph.lines(colors=[ui.GREEN], stroke_width=2.5)
    curve = graph.lines(colors=[ui.BLUE], stroke_width=3)
    anchor = graph.scatter([0], [0], colors=[ui.BLUE], default_size=40)
    math = widgets.HTMLMath(layout=widgets.Layout(width="340px"))
    status = ui.status_label()
    values: dict = {}

    def update():
        hv, kv, bv, av = ui.slider_values(h, k, b, a)
        args = dict(a=av, b=bv, h=hv, k=kv, flip_a=flip_a.value, flip_b=flip_b.value)
        y0 = evaluate(f.value, XS)
        y1 = transform(f.value, XS, **args)
        bx, by = _paths(y0)
        cx, cy = _paths(y1)
        ui.set_data(base, x=bx, y=by)
        ui.set_data(curve, x=cx, y=cy)
        tex = formula(f.value, **args)
        lines = [f"$f(x) = {apply(f.value, 'x')}$", f"$y(x) = {tex}$"]
        if g.value == NONE:
            ui.set_data(comp, x=np.zeros(0), y=np.zeros(0))
            y2 = None
        else:
            if order.value == "g(y(x))":
                y2 = compose(g.value, y1)
                tex2 = apply(g.value, tex)
            else:
                y2 = transform(f.value, evaluate(g.value, XS), **args)
                tex2 = formula(f.value, **args, arg=apply(g.value, "x"))
            gx, gy = _paths(y2)
            ui.set_data(comp, x=gx, y=gy)
            lines.append(f"${order.value} = {tex2}$")
        # the point that f has at x = 0 moves to x = h: the shift made visible
        ya = transform(f.value, np.array([hv]), **args)
        if np.isfinite(ya[0]):
            ui.set_data(anchor, x=np.array([hv]), y=np.clip(ya, *Y_CLIP))
        else:
            ui.set_data(anchor, x=np.zeros(0), y=np.zeros(0))
        math.value = "<br>".join(lines)
        notes = ["Dashed: f. Blue: y. The dot is f's point at x = 0, moved to x = h."]
        if y2 is not None:
            notes.append(f"Green: the composition {order.value}.")
        if flip_b.value:
            notes.append(f"−b mirrors the graph left–right about the line x = h = {_num(hv)}.")
        if flip_a.value:
            notes.append(f"−a mirrors the graph up–down about the line y = k = {_num(kv)}.")
        missing_y = int(np.sum(~np.isfinite(y1)))
        if missing_y:
            notes.append(
                f"y is undefined on part of the window ({missing_y} of {XS.size} "
                "sample points): outside the domain of f."
            )
        missing_comp = 0 if y2 is None else int(np.sum(~np.isfinite(y2)))
        if missing_comp > missing_y:
            notes.append(
                f"The composition is undefined on {missing_comp} of {XS.size} sample points: "
                "there a value falls outside the domain of g or of f."
            )
        ui.show_status(status, notes)
        values.update(
            x=XS,
            f=y0,
            y=y1,
            composition=y2,
            formula=tex,
            composition_formula=tex2 if y2 is not None else None,
        )

    refresh = ui.Refresh(update)
    controls = {
        "f": f,
        "h": h,
        "k": k,
        "b": b,
        "a": a,
        "flip_a": flip_a,
        "flip_b": flip_b,
        "g": g,
        "order": order,
    }
    return ui.Lab(
        1,
        "Function transformer",
        controls=controls,
        layout_controls=[f, h, k, b, a, flip_a, flip_b, g, order, math],
        plots=[graph],
        marks={"f": base, "y": curve, "composition": comp, "anchor": anchor},
        status=status,
        refresh=refresh,
        values=values,
        steps=TRY_THIS,
    )


def show() -> ui.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
