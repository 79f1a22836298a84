"""Plumbing shared by the ten labs: controls, figures, arrows, polylines, contours, the Lab.

Pure helpers (numpy in, numpy out) come first; the widget helpers after them. Nothing here
knows about a particular lab.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

import bqplot as bq
import ipywidgets as widgets
import numpy as np

from .maths import clean

ROOT_CLASS = "mfml-lab"
FIGURES_CLASS = "mfml-lab-figures"
STEPS_CLASS = "mfml-lab-steps"
FIGURE_CLASS = "mfml-lab-figure"
PRIMARY_CLASS = "mfml-lab-primary"
STATUS_CLASS = "mfml-lab-status"

BLUE = "#1f77b4"
ORANGE = "#ff7f0e"
GREEN = "#2ca02c"
RED = "#d62728"
PURPLE = "#9467bd"
GRAY = "#7f7f7f"
LIGHT = "#d0d0d0"
FAINT = "#ececec"

# ---------------------------------------------------------------------------------------------
# Pure helpers: arrays in, arrays out.
# ---------------------------------------------------------------------------------------------


def arrow_paths(tails, heads, head: float = 0.3, max_fraction: float = 0.35):
    """Each arrow as a 5-point polyline tail, head, left barb, head, right barb.

    `tails` and `heads` are (k, 2) (or (2,) for one arrow). Returns (X, Y), each (k, 5). The
    barbs are `head` long in data units, shortened to `max_fraction` of a short arrow; a
    zero-length arrow collapses to a point (no NaN).
    """
    tails = np.atleast_2d(np.asarray(tails, dtype=float))
    heads = np.atleast_2d(np.asarray(heads, dtype=float))
    tails = np.broadcast_to(tails, heads.shape)
    d = heads - tails
    length = np.hypot(d[:, 0], d[:, 1])
    unit = d / np.where(length > 0, length, 1.0)[:, None]
    barb = np.minimum(head, max_fraction * length)[:, None]
    back = heads - unit * barb
    perp = np.column_stack([-unit[:, 1], unit[:, 0]]) * (0.5 * barb)
    pts = np.stack([tails, heads, back + perp, heads, back - perp], axis=1)
    return pts[..., 0], pts[..., 1]


def pad_paths(paths: Sequence[np.ndarray], min_length: int = 2):
    """Polylines of different lengths as two 2-D arrays for one Lines mark (one row each).

    Short rows are padded by repeating their last point, which draws nothing more, so the
    arrays hold no NaN. With no paths the result is empty.
    """
    paths = [np.asarray(p, dtype=float).reshape(-1, 2) for p in paths if len(p) > 0]
    if not paths:
        return np.zeros(0), np.zeros(0)
    n = max(min_length, max(len(p) for p in paths))
    out = np.empty((len(paths), n, 2))
    for row, p in zip(out, paths, strict=True):
        row[: len(p)] = p
        row[len(p) :] = p[-1]
    return out[..., 0], out[..., 1]


def finite_runs(x, y, y_limits: tuple[float, float] | None = None) -> list[np.ndarray]:
    """Split a sampled curve into runs where y is finite; clip y to `y_limits`.

    Returns a list of (m, 2) arrays. Used to draw functions with a restricted domain (log x)
    without NaN and without joining across a gap.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    idx = np.flatnonzero(np.isfinite(y))
    if idx.size == 0:
        return []
    if y_limits is not None:
        y = np.clip(y, *y_limits)
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.r_[0, breaks + 1]
    ends = np.r_[breaks + 1, idx.size]
    return [np.column_stack([x[idx[s:e]], y[idx[s:e]]]) for s, e in zip(starts, ends, strict=True)]


def clip_to_box(points, box: tuple[float, float, float, float]):
    """Clip (k, 2) points into box = (xmin, xmax, ymin, ymax)."""
    points = np.asarray(points, dtype=float)
    xmin, xmax, ymin, ymax = box
    return np.column_stack([np.clip(points[:, 0], xmin, xmax), np.clip(points[:, 1], ymin, ymax)])


def enlarge(box: tuple[float, float, float, float], factor: float = 3.0):
    """The box scaled by `factor` about its centre: clipping to it keeps values moderate while
    the clipped-off parts stay outside the figure (which hides them)."""
    xmin, xmax, ymin, ymax = box
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    hx, hy = factor * (xmax - xmin) / 2, factor * (ymax - ymin) / 2
    return (cx - hx, cx + hx, cy - hy, cy + hy)


def line_in_box(a: float, b: float, c: float, box: tuple[float, float, float, float]):
    """The part of the line a*x + b*y = c inside box = (xmin, xmax, ymin, ymax).

    Returns a (2, 2) array of end points, or None when (a, b) = (0, 0) or the line misses the
    box.
    """
    xmin, xmax, ymin, ymax = box
    nn = a * a + b * b
    if nn == 0.0:
        return None
    p0 = np.array([a, b]) * (c / nn)  # the point of the line closest to the origin
    d = np.array([-b, a]) / np.sqrt(nn)  # a unit direction along the line
    t_lo, t_hi = -np.inf, np.inf
    for p, dp, lo, hi in ((p0[0], d[0], xmin, xmax), (p0[1], d[1], ymin, ymax)):
        if abs(dp) < 1e-15:
            if p < lo or p > hi:
                return None
            continue
        t1, t2 = sorted(((lo - p) / dp, (hi - p) / dp))
        t_lo, t_hi = max(t_lo, t1), min(t_hi, t2)
    if t_lo > t_hi:
        return None
    return np.array([p0 + t_lo * d, p0 + t_hi * d])


def grid_lines(A, n: int = 4, extent: float | None = None):
    """Images under the 2x2 matrix A of the grid lines x = i and y = j, i, j in -n..n.

    Each line is a 2-point segment from -extent to extent (default n) along its length.
    Returns (X, Y), each (2 * (2n + 1), 2): the images of the vertical lines, then the
    horizontal ones. For A = [u v] these are the lines i*u + t*v and t*u + j*v.
    """
    A = np.asarray(A, dtype=float)
    e = float(n if extent is None else extent)
    k = np.arange(-n, n + 1, dtype=float)
    ends = np.array([-e, e])
    # vertical lines: points (i, t); horizontal lines: points (t, j)
    vx = np.repeat(k[:, None], 2, axis=1)
    vy = np.repeat(ends[None, :], k.size, axis=0)
    px = np.concatenate([vx, vy])
    py = np.concatenate([vy, vx])
    X = A[0, 0] * px + A[0, 1] * py
    Y = A[1, 0] * px + A[1, 1] * py
    return X, Y


# Marching squares. Corner bits of a cell: 1 bottom-left, 2 bottom-right, 4 top-right,
# 8 top-left; edges: 0 bottom, 1 right, 2 top, 3 left.
_EDGE_CORNERS = ((0, 1), (1, 2), (3, 2), (0, 3))


def contour_paths(x, y, Z, level: float) -> list[np.ndarray]:
    """The level set {Z = level} of a function sampled on a grid, as polylines.

    `Z[i, j]` is the value at (x[j], y[i]). Returns a list of (m, 2) arrays; closed curves
    end where they start. Vectorized marching squares, then the segments are chained into
    polylines through the grid edges they share.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    Z = np.asarray(Z, dtype=float)
    ny, nx = Z.shape
    above = Z >= level
    # crossing points on horizontal edges (i, j)-(i, j+1) and vertical edges (i, j)-(i+1, j)
    with np.errstate(divide="ignore", invalid="ignore"):
        th = (level - Z[:, :-1]) / (Z[:, 1:] - Z[:, :-1])
        tv = (level - Z[:-1, :]) / (Z[1:, :] - Z[:-1, :])
    hx = x[:-1][None, :] + np.nan_to_num(th) * np.diff(x)[None, :]
    hy = np.broadcast_to(y[:, None], hx.shape)
    vy = y[:-1][:, None] + np.nan_to_num(tv) * np.diff(y)[:, None]
    vx = np.broadcast_to(x[None, :], vy.shape)
    edge_x = np.concatenate([hx.ravel(), vx.ravel()])
    edge_y = np.concatenate([hy.ravel(), vy.ravel()])
    nh = ny * (nx - 1)

    # per cell (i, j): corner bits and the ids of its four edges
    c = np.stack([above[:-1, :-1], above[:-1, 1:], above[1:, 1:], above[1:, :-1]], axis=-1)
    c = c.reshape(-1, 4)
    i, j = np.divmod(np.arange((ny - 1) * (nx - 1)), nx - 1)
    edges = np.stack(
        [i * (nx - 1) + j, nh + i * nx + j + 1, (i + 1) * (nx - 1) + j, nh + i * nx + j], axis=1
    )
    cross = np.stack([c[:, a] != c[:, b] for a, b in _EDGE_CORNERS], axis=1)
    count = cross.sum(axis=1)

    pairs = []
    two = count == 2
    if two.any():
        first_two = np.argsort(~cross[two], axis=1, kind="stable")[:, :2]
        e = np.take_along_axis(edges[two], first_two, axis=1)
        pairs.append(e)
    four = np.flatnonzero(count == 4)
    if four.size:
        ii, jj = i[four], j[four]
        centre = 0.25 * (Z[ii, jj] + Z[ii, jj + 1] + Z[ii + 1, jj + 1] + Z[ii + 1, jj]) >= level
        bl_high = c[four, 0]
        # when the centre agrees with the bottom-left corner, the two low (or high) corners
        # bottom-right and top-left are cut off; otherwise bottom-left and top-right are
        cut_br_tl = centre == bl_high
        ed = edges[four]
        p1 = np.where(cut_br_tl[:, None], ed[:, [0, 1]], ed[:, [0, 3]])
        p2 = np.where(cut_br_tl[:, None], ed[:, [2, 3]], ed[:, [1, 2]])
        pairs.extend([p1, p2])
    if not pairs:
        return []
    segs = np.concatenate(pairs).tolist()

    neighbours: dict[int, list[int]] = {}
    for a, b in segs:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    seen: set[int] = set()
    paths = []
    # open curves start at an edge with one neighbour (the grid boundary); then closed loops
    starts = [e for e, nb in neighbours.items() if len(nb) == 1]
    starts += [e for e, nb in neighbours.items() if len(nb) != 1]
    for start in starts:
        if start in seen:
            continue
        chain = [start]
        seen.add(start)
        current = start
        while True:
            nxt = next((e for e in neighbours[current] if e not in seen), None)
            if nxt is None:
                break
            chain.append(nxt)
            seen.add(nxt)
            current = nxt
        if len(chain) > 2 and start in neighbours[current] and len(neighbours[start]) == 2:
            chain.append(start)  # close the loop
        idx = np.array(chain)
        paths.append(np.column_stack([edge_x[idx], edge_y[idx]]))
    return paths


def fmt(value: float | None, digits: int = 3, scale: float | None = None) -> str:
    """A number for a status line: fixed digits, scientific when tiny or huge, never 'nan'.

    With `scale` (the size of the numbers `value` was computed from), a value at or below
    DISPLAY_RTOL * scale is rounding noise and shows as 0, as the mathematics says it is.
    """
    if value is None or not np.isfinite(value):
        return "∞" if value is not None and np.isinf(value) else "undefined"
    value = float(value)
    if scale is not None:
        value = float(clean(value, scale))
    if value != 0 and (abs(value) < 10 ** (-digits) or abs(value) >= 1e6):
        return f"{value:.{max(digits - 1, 1)}e}"
    text = f"{value:.{digits}f}"
    return "0" if text.lstrip("-").strip("0.") == "" else text


def fmt_vec(v, digits: int = 2, scale: float | None = None) -> str:
    """A vector as (x, y), each entry as `fmt` shows it (with the same optional scale)."""
    return "(" + ", ".join(fmt(float(t), digits, scale) for t in np.ravel(v)) + ")"


def warn(html: str, bold: bool = False) -> str:
    """Status text in the labs' warning colour."""
    tag = "b" if bold else "span"
    return f'<{tag} style="color:{RED}">{html}</{tag}>'


class Memo:
    """Keeps one computed result until the key changes: `memo(key, compute)` returns the
    cached result when `key` equals the previous call's key, else calls `compute()`. The labs
    use it for the expensive part of an update (a new matrix, a new cloud, new data), so
    moving a cheap control redraws only what depends on it."""

    _EMPTY = object()

    def __init__(self):
        self.key = self._EMPTY
        self.value = None

    def __call__(self, key, compute: Callable[[], object]):
        if self.key is self._EMPTY or self.key != key:
            self.value = compute()
            self.key = key
        return self.value


# ---------------------------------------------------------------------------------------------
# Widgets and figures.
# ---------------------------------------------------------------------------------------------

_SLIDER_STYLE = {"description_width": "120px"}
_SLIDER_LAYOUT = {"width": "340px"}


def snap_to_step(slider: widgets.Widget, value: float) -> float:
    """The value a linear slider's handle takes in the browser for `value`: min + k·step for
    the nearest whole k, rounded to 9 decimals (noUiSlider snaps a value set from Python and
    ipywidgets sends the snapped one back)."""
    k = round((float(value) - slider.min) / slider.step)
    return round(min(max(slider.min + k * slider.step, slider.min), slider.max), 9)


def slider_values(*sliders) -> np.ndarray:
    """The values of linear sliders (steps of 0.001 or more), rounded to 9 decimals.

    The browser sends a slider's value with float noise (0.4 arrives as 0.4000000000000001);
    rounding it away keeps the exact cases exact (det = 0, parallel vectors). Not for log
    sliders, whose values can be far below 1e-9.
    """
    return np.round(np.array([s.value for s in sliders], dtype=float), 9)


SLIDER_HINT = "arrow keys move it when focused; click its number to type a value"


def _round_half_up(value: float, digits: int) -> Decimal:
    """|value| rounded to `digits` decimals as JavaScript's toFixed/toPrecision/toExponential
    round: on the float's exact binary value, a tie going to the larger digit (Python's format
    rounds a tie to even: f"{0.125:.2f}" is "0.12", (0.125).toFixed(2) is "0.13")."""
    return Decimal(abs(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _significant(value: float, p: int) -> tuple[Decimal, int]:
    """|value| rounded half up to p significant digits, as a mantissa in [1, 10) with p - 1
    decimals, and its exponent (0.0 gives 0 and 0)."""
    if value == 0:
        return Decimal(0).quantize(Decimal(1).scaleb(1 - p)), 0
    exponent = Decimal(abs(value)).adjusted()
    exact = Decimal(abs(value)).scaleb(-exponent)  # the exact mantissa, not re-rounded to float
    mantissa = exact.quantize(Decimal(1).scaleb(1 - p), rounding=ROUND_HALF_UP)
    if mantissa >= 10:  # 9.995 -> 10.0: one more digit before the point
        exponent += 1
        mantissa = exact.scaleb(-1).quantize(Decimal(1).scaleb(1 - p), rounding=ROUND_HALF_UP)
    return mantissa, exponent


def d3_format(value: float, spec: str) -> str:
    """`value` as ipywidgets' d3-format (version 3) shows a slider's readout, for the specs the
    labs use: ".Nf", "d", ".Ne" (d3 writes 1.0e-8, not 1.0e-08) and ".Ng" (JavaScript's
    toPrecision: trailing zeros kept, 0.100; exponent form below 1e-6 or at 10**N and above).
    As d3 does: a tie rounds away from zero (JavaScript's rounding), a negative value carries
    the minus sign U+2212 ("−0.50", not "-0.50"), and a value that rounds to zero carries no
    sign ("0.00" for -0.001)."""
    value = float(value)
    if not math.isfinite(value) or abs(value) >= 1e21:  # no slider reaches these; JS's own text
        if math.isnan(value):
            return "NaN"
        return {math.inf: "Infinity", -math.inf: "\u2212Infinity"}.get(value, repr(value))
    kind, digits = spec[-1], spec[1:-1] if spec.startswith(".") else ""
    if kind == "d":
        body = f"{_round_half_up(value, 0):f}"
    elif kind == "f":
        body = f"{_round_half_up(value, int(digits)):f}"
    elif kind in "eg":
        p = int(digits) + 1 if kind == "e" else max(int(digits or 6), 1)
        mantissa, exponent = _significant(value, p)
        if kind == "e" or exponent < -6 or exponent >= p:
            sign = "-" if exponent < 0 else "+"
            body = f"{mantissa:f}e{sign}{abs(exponent)}"
        else:
            body = f"{_round_half_up(value, max(p - 1 - exponent, 0)):f}"
    else:
        raise ValueError(f"readout format {spec!r} is not one the labs use")
    negative = value < 0 or math.copysign(1.0, value) < 0
    if negative and float(body.split("e")[0]) != 0:
        return "\u2212" + body
    return body


def shown_value(control: widgets.Widget, value) -> str:
    """A control's value as the learner sees it: a slider's readout (its own format), a
    dropdown's or toggle's label."""
    if isinstance(control, widgets.FloatLogSlider | widgets.FloatSlider | widgets.IntSlider):
        return d3_format(value, control.readout_format)
    return str(value)


def _styled(widget_class, primary: bool, **traits):
    """A control in the labs' common style; the primary one is what browser tests move.

    Its tooltip repeats the description and says how to use the keyboard (the site's a11y.js
    names the slider handle after the description, and keeps arrow keys in the slider).
    """
    traits.setdefault("tooltip", f"{traits.get('description', '')}: {SLIDER_HINT}")
    control = widget_class(style=_SLIDER_STYLE, layout=widgets.Layout(**_SLIDER_LAYOUT), **traits)
    if primary:
        control.add_class(PRIMARY_CLASS)
    return control


def slider(
    description: str,
    min: float,
    max: float,
    step: float,
    value: float,
    *,
    primary: bool = False,
    readout_format: str = ".2f",
    continuous: bool = True,
) -> widgets.FloatSlider:
    return _styled(
        widgets.FloatSlider,
        primary,
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        readout_format=readout_format,
        continuous_update=continuous,
    )


def log_slider(
    description: str,
    min_exp: float,
    max_exp: float,
    value: float,
    *,
    step: float = 0.05,
    primary: bool = False,
    readout_format: str = ".3g",
    continuous: bool = True,
) -> widgets.FloatLogSlider:
    return _styled(
        widgets.FloatLogSlider,
        primary,
        value=value,
        base=10,
        min=min_exp,
        max=max_exp,
        step=step,
        description=description,
        readout_format=readout_format,
        continuous_update=continuous,
    )


MATRIX_ENTRIES = ("a (row 1, col 1)", "b (row 1, col 2)", "c (row 2, col 1)", "d (row 2, col 2)")


def matrix_sliders(initial, *, primary: bool = False) -> list:
    """Four sliders for the entries a, b, c, d of a 2x2 matrix, each in [-3, 3] by 0.1;
    with primary=True, the first one is the lab's primary control."""
    values = np.ravel(np.asarray(initial, dtype=float))
    return [
        slider(name, -3, 3, 0.1, float(v), primary=primary and i == 0)
        for i, (name, v) in enumerate(zip(MATRIX_ENTRIES, values, strict=True))
    ]


def preset_buttons(presets: dict, sliders: Sequence[widgets.Widget], refresh) -> dict:
    """One button per preset; a click sets the sliders to the preset's values (a flat list, or
    a matrix read row by row), rounded as `slider_values` rounds them, and redraws once."""
    buttons = {}
    for name, entries in presets.items():
        values = [round(float(v), 9) for v in np.ravel(np.asarray(entries, dtype=float))]
        if len(values) != len(sliders):
            raise ValueError(f"preset {name!r} has {len(values)} values for {len(sliders)} sliders")

        def on_click(_button=None, values=values):
            with refresh.hold():
                for s, v in zip(sliders, values, strict=True):
                    s.value = v

        buttons[name] = button(name)
        buttons[name].on_click(on_click)
    return buttons


def int_slider(
    description: str, min: int, max: int, value: int, step: int = 1, *, primary: bool = False
) -> widgets.IntSlider:
    return _styled(
        widgets.IntSlider,
        primary,
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
    )


def dropdown(description: str, options, value=None) -> widgets.Dropdown:
    return widgets.Dropdown(
        options=options,
        value=value if value is not None else list(options)[0],
        description=description,
        tooltip=description,
        style=_SLIDER_STYLE,
        layout=widgets.Layout(**_SLIDER_LAYOUT),
    )


def checkbox(description: str, value: bool = False) -> widgets.Checkbox:
    return widgets.Checkbox(
        value=value, description=description, indent=False, layout=widgets.Layout(width="auto")
    )


def button(description: str, tooltip: str = "") -> widgets.Button:
    return widgets.Button(
        description=description, tooltip=tooltip or description, layout=widgets.Layout(width="auto")
    )


def button_row(buttons: Iterable[widgets.Widget], label: str = "") -> widgets.Widget:
    row = widgets.HBox(
        list(buttons), layout=widgets.Layout(flex_flow="row wrap", width="340px", max_width="100%")
    )
    if not label:
        return row
    return widgets.VBox([widgets.HTML(f"<b>{label}</b>"), row])


def status_label() -> widgets.HTML:
    """The lab's status: an HTML widget (class mfml-lab-status, a polite live region on the
    site) whose lines `show_status` writes."""
    s = widgets.HTML(layout=widgets.Layout(width="340px", max_width="100%"))
    s.add_class(STATUS_CLASS)
    return s


STATUS_LINE_HEIGHT = 1.45  # ipywidgets gives HTML a 28 px line height: double-spaced lines


def show_status(status: widgets.HTML, lines: Iterable[str]) -> None:
    """Write the status lines (HTML, one per entry, empty ones skipped) in one update.

    The lines are joined by <br> in a block with a normal line height, so they read as one
    paragraph per line, not double-spaced; a screen reader hears the new text once (the site
    makes the status a live region).
    """
    body = "<br>".join(line for line in lines if line)
    status.value = f'<div style="line-height:{STATUS_LINE_HEIGHT}">{body}</div>'


class Plot:
    """A bqplot figure with its x and y scales."""

    def __init__(self, figure: bq.Figure, sx: bq.Scale, sy: bq.Scale):
        self.figure = figure
        self.sx = sx
        self.sy = sy

    @property
    def scales(self) -> dict:
        return {"x": self.sx, "y": self.sy}

    def lines(self, x=(), y=(), **kwargs) -> bq.Lines:
        mark = bq.Lines(
            x=np.asarray(x, float), y=np.asarray(y, float), scales=self.scales, **kwargs
        )
        self.figure.marks = [*self.figure.marks, mark]
        return mark

    def scatter(self, x=(), y=(), **kwargs) -> bq.Scatter:
        mark = bq.Scatter(
            x=np.asarray(x, float), y=np.asarray(y, float), scales=self.scales, **kwargs
        )
        self.figure.marks = [*self.figure.marks, mark]
        return mark

    def label(self, x=(), y=(), text=(), **kwargs) -> bq.Label:
        kwargs.setdefault("default_size", 14)
        mark = bq.Label(
            x=np.asarray(x, float),
            y=np.asarray(y, float),
            text=list(text),
            scales=self.scales,
            **kwargs,
        )
        self.figure.marks = [*self.figure.marks, mark]
        return mark


class Handle:
    """A point the learner can drag (bqplot sends its position when the drag ends).

    The lab moves it with `place(x, y)`, which is not a drag; a drop calls `on_drop(x, y)`,
    which typically sets sliders, whose redraw then `place`s the handle where the sliders say
    (on their steps). Drops onto the position the lab placed are ignored, so that redraw does
    not count as a second drop.
    """

    def __init__(self, plot: Plot, on_drop: Callable[[float, float], None], **kwargs):
        kwargs.setdefault("default_size", 90)
        self.mark = plot.scatter([0.0], [0.0], enable_move=True, **kwargs)
        self.on_drop = on_drop
        self._placed = (0.0, 0.0)
        self._busy = 0
        self.mark.observe(self._moved, names=["x", "y"])

    def place(self, x: float, y: float) -> None:
        self._placed = (float(x), float(y))
        self._busy += 1
        try:
            set_data(self.mark, x=np.array([x], dtype=float), y=np.array([y], dtype=float))
        finally:
            self._busy -= 1

    def drop(self, x: float, y: float) -> None:
        """What the browser does at the end of a drag (also for tests)."""
        with self.mark.hold_trait_notifications():
            self.mark.x = np.array([x], dtype=float)
            self.mark.y = np.array([y], dtype=float)

    def _moved(self, _change=None) -> None:
        position = (float(self.mark.x[0]), float(self.mark.y[0]))
        if self._busy or position == self._placed:
            return
        self._busy += 1
        try:
            self.on_drop(*position)
        finally:
            self._busy -= 1


def plot(
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    *,
    title: str = "",
    x_label: str = "",
    y_label: str = "",
    width: int = 440,
    height: int = 440,
    equal: bool = False,
    x_log: bool = False,
    y_log: bool = False,
    main: bool = False,
    y_axis: bool = True,
) -> Plot:
    """A figure with fixed axes (no autoscaling, no animation); `main` marks the lab's figure.
    With `y_axis=False` the y axis (ticks, numbers, grid) is hidden: for a strip whose heights
    mean nothing.

    The figure's size is its shape: on a phone (the site's a11y.css/js) it is as wide as the
    output and keeps width/height, so keep the height at least about half the width."""
    sx = (bq.LogScale if x_log else bq.LinearScale)(min=float(x_range[0]), max=float(x_range[1]))
    sy = (bq.LogScale if y_log else bq.LinearScale)(min=float(y_range[0]), max=float(y_range[1]))
    ax = bq.Axis(scale=sx, label=x_label, grid_lines="dashed", grid_color=FAINT)
    ay = bq.Axis(
        scale=sy,
        label=y_label,
        side="left",
        grid_lines="dashed",
        grid_color=FAINT,
        visible=y_axis,
    )
    margin = {"top": 40, "bottom": 45, "left": 55, "right": 30}
    fig = bq.Figure(
        marks=[],
        axes=[ax, ay],
        title=title,
        fig_margin=margin,
        padding_x=0.0,
        padding_y=0.0,
        animation_duration=0,
        layout=widgets.Layout(width=f"{width}px", height=f"{height}px"),
    )
    if equal:
        ratio = (width - 85) / (height - 85)
        fig.min_aspect_ratio = ratio
        fig.max_aspect_ratio = ratio
    if main:
        fig.add_class(FIGURE_CLASS)
    return Plot(fig, sx, sy)


def set_data(mark: bq.Mark, **data) -> None:
    """Update a mark's data as one message to the browser."""
    with mark.hold_sync():
        for name, value in data.items():
            setattr(mark, name, value)


# ---------------------------------------------------------------------------------------------
# The Lab object that show() returns.
# ---------------------------------------------------------------------------------------------


class Refresh:
    """Calls `fn` on every control change, except inside `hold()`, which calls it once at the
    end (so a preset that sets four sliders redraws once).

    If `fn` raises, the error goes to `on_error` (the Lab shows it in its status line) instead
    of disappearing into the browser console while the figure silently stops following.
    """

    def __init__(self, fn: Callable[[], None]):
        self.fn = fn
        self.on_error: Callable[[Exception], None] | None = None
        self._held = 0

    def _run(self) -> None:
        if self.on_error is None:
            self.fn()
            return
        try:
            self.fn()
        except Exception as exc:  # noqa: BLE001 - shown to the learner, never swallowed
            self.on_error(exc)

    def __call__(self, change=None) -> None:
        if not self._held:
            self._run()

    @contextmanager
    def hold(self):
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        if not self._held:
            self._run()


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipywidgets
        return None
    return get_ipython()


CLICK = object()  # in a "Try this" step: press this button (a preset, "new sample", ...)


class Lab:
    """What `show()` returns: the root widget, the figures, the controls, the marks and the
    latest computed values (`lab.values`), so code (and tests) can drive the lab.

    Every value control is wired to `refresh`, except those named in `unwired` (which the lab
    handles itself). A **reset** button (`controls["reset"]`) puts every control back to the
    value it had when the lab was built, then calls `on_reset` (for state that is not a
    control, such as a lab's data points), and redraws once.

    `steps` gives each numbered "Try this" step of the lab's page the controls it names:
    `{1: {"b": 1.0, "preset shear": CLICK}, ...}`. Each becomes a button `controls["step 1"]`
    above the controls that resets the lab and then sets those values in order (pressing the
    buttons marked CLICK), redrawing once, so one click sets up the step (a keyboard or a
    coarse slider never stands between the learner and the values the step asks for). A step
    sets up the state its text describes first (what its first instruction sets, up to its
    first observation): a later "then set ..." is the learner's to do, so each observation of
    the step can be seen; never what the step asks the learner to find. A step with nothing
    to set only starts again from the first state, and its tooltip says just that.
    """

    def __init__(
        self,
        number: int,
        title: str,
        *,
        controls: dict[str, widgets.Widget],
        layout_controls: Sequence[widgets.Widget],
        plots: Sequence[Plot],
        marks: dict[str, bq.Mark],
        status: widgets.HTML,
        refresh: Refresh,
        values: dict,
        unwired: Iterable[str] = (),
        on_reset: Callable[[], None] | None = None,
        steps: dict[int, dict[str, object]] | None = None,
    ):
        self.number = number
        self.title = title
        self._initial = {
            name: w.value for name, w in controls.items() if isinstance(w, widgets.ValueWidget)
        }
        self._on_reset = on_reset
        reset = button("reset", "put every control back to its starting value")
        reset.on_click(self.reset)
        self.steps = {int(n): dict(v) for n, v in (steps or {}).items()}
        step_buttons = {}
        for n, settings in self.steps.items():
            unknown = [name for name in settings if name not in controls]
            if unknown:
                raise ValueError(f"step {n} names controls the lab does not have: {unknown}")
            step_buttons[f"step {n}"] = button(f"step {n}", self.step_text(n, controls))
            step_buttons[f"step {n}"].on_click(lambda _b=None, n=n: self.set_up(n))
        self.controls = {**controls, **step_buttons, "reset": reset}
        self.plots = list(plots)
        self.figures = [p.figure for p in self.plots]
        self.figure = self.figures[0]
        self.marks = marks
        self.status = status
        self.refresh = refresh
        self.values = values
        top = []
        if step_buttons:
            top.append(button_row(step_buttons.values(), "Try this: set up step"))
            top[0].add_class(STEPS_CLASS)
        left = widgets.VBox(
            [*top, *layout_controls, reset, status],
            layout=widgets.Layout(width="350px", max_width="100%", margin="0 12px 0 0"),
        )
        right = widgets.Box(
            self.figures,
            layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start", max_width="100%"),
        )
        right.add_class(FIGURES_CLASS)
        self.root = widgets.HBox(
            [left, right], layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start")
        )
        self.root.add_class(ROOT_CLASS)
        self._shown_in = None
        refresh.on_error = self._show_error
        for name, w in self.controls.items():
            if isinstance(w, widgets.ValueWidget) and name not in unwired:
                w.observe(refresh, names="value")
        refresh()

    FIRST_STATE = "start again from the lab's first state"

    def step_text(self, n: int, controls: dict[str, widgets.Widget]) -> str:
        """What step n's button does, in the words and numbers the learner sees: each
        control's visible label and its value as the control shows it (a slider's readout)."""
        said = []
        for name, value in self.steps[n].items():
            control = controls[name]
            label = control.description
            if value is CLICK:
                said.append(f"press “{label}”")
            elif isinstance(control, widgets.Checkbox):
                said.append(f"{'tick' if value else 'untick'} “{label}”")
            else:
                said.append(f"{label} = {shown_value(control, value)}")
        text = f"Try this, step {n}: {self.FIRST_STATE}"
        return text + (", then " + "; ".join(said) if said else " (this step sets nothing else)")

    ERROR_TEXT = "Something went wrong in this lab"

    def _show_error(self, exc: Exception) -> None:
        show_status(
            self.status,
            [
                f"{warn(self.ERROR_TEXT + ':', bold=True)} {type(exc).__name__}: {exc}. "
                "Move a control to try again; if it persists, please report it."
            ],
        )

    def reset(self, _button=None) -> None:
        """Every control back to its starting value (and the lab's own state, via on_reset)."""
        with self.refresh.hold():
            for control in self.controls.values():
                if isinstance(control, widgets.Play):
                    control.playing = False  # a running animation would undo the reset
            for name, value in self._initial.items():
                self.controls[name].value = value
            if self._on_reset is not None:
                self._on_reset()

    def set_up(self, n: int) -> None:
        """Step n of "Try this": reset, then set the values the step names (one redraw)."""
        with self.refresh.hold():
            self.reset()
            for name, value in self.steps[n].items():
                control = self.controls[name]
                if value is CLICK:
                    control.click()
                else:
                    control.value = value

    def show(self) -> Lab:
        """Display the lab in the notebook (a no-op outside IPython) and return it."""
        shell = _shell()
        if shell is not None:
            from IPython.display import display

            display(self.root)
            self._shown_in = shell.execution_count
        return self

    def _ipython_display_(self):
        # `lab04.show()` as the last line of a cell must not display the lab twice
        shell = _shell()
        if shell is not None and self._shown_in == shell.execution_count:
            return
        from IPython.display import display

        display(self.root)

    def __repr__(self) -> str:
        return f"<Lab {self.number}: {self.title}>"
