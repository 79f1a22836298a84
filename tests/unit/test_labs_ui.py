"""The labs' user interfaces under CPython: build each with show(), move its controls
programmatically, and check that the figure follows with finite data and no warnings."""

import warnings

import bqplot as bq
import ipywidgets as widgets
import numpy as np
import pytest

from mfml import labs
from mfml.labs import common as ui

LABS = sorted(labs.MODULES)


def mark_data(mark):
    """The arrays a mark draws (x, y and, for labels, the text)."""
    return {name: np.array(getattr(mark, name), copy=True) for name in ("x", "y")}


def assert_finite(lab):
    for figure in lab.figures:
        for mark in figure.marks:
            for name, data in mark_data(mark).items():
                assert data.dtype.kind in "fiu", (mark, name, data.dtype)
                assert np.all(np.isfinite(data)), (lab, mark, name)
    assert lab.status.value.strip()
    assert ui.Lab.ERROR_TEXT not in lab.status.value, lab.status.value
    assert "nan" not in lab.status.value.lower().replace("nanosecond", "")


def primary(lab):
    """The lab's main control, which the browser test drags (CSS class mfml-lab-primary)."""
    (control,) = [w for w in lab.controls.values() if ui.PRIMARY_CLASS in w._dom_classes]
    return control


def snapshot(lab):
    return [mark_data(m) for m in lab.figure.marks]


def changed(before, after):
    return [
        i
        for i, (b, a) in enumerate(zip(before, after, strict=True))
        if any(b[k].shape != a[k].shape or not np.array_equal(b[k], a[k]) for k in b)
    ]


def other_value(slider):
    """A value of the slider's range well away from its current one."""
    if isinstance(slider, widgets.FloatLogSlider):
        lo, hi = slider.base**slider.min, slider.base**slider.max
        mid = slider.base ** ((slider.min + slider.max) / 2)
        return lo if slider.value > mid else hi
    span = slider.max - slider.min
    v = slider.value + 0.37 * span
    return v if v <= slider.max else slider.value - 0.37 * span


@pytest.fixture(autouse=True)
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("name", LABS)
def test_show_builds_the_lab(name, capsys):
    lab = getattr(labs, name).show()  # outside IPython: builds, displays nothing
    assert isinstance(lab, ui.Lab)
    assert capsys.readouterr().out == ""
    assert lab.number == int(name[3:])
    assert ui.ROOT_CLASS in lab.root._dom_classes
    assert isinstance(lab.figure, bq.Figure)
    assert ui.FIGURE_CLASS in lab.figure._dom_classes
    assert sum(ui.FIGURE_CLASS in f._dom_classes for f in lab.figures) == 1
    assert isinstance(
        primary(lab), widgets.widgets.widget_int._Int | widgets.FloatSlider | widgets.FloatLogSlider
    )
    assert isinstance(lab.controls["reset"], widgets.Button)
    assert_finite(lab)
    assert repr(lab).startswith(f"<Lab {int(name[3:])}:")


@pytest.mark.parametrize("name", LABS)
def test_primary_control_changes_the_main_figure(name):
    lab = getattr(labs, name).build()
    before = snapshot(lab)
    primary(lab).value = other_value(primary(lab))
    assert changed(before, snapshot(lab)), f"{name}: moving the primary control changed nothing"
    assert_finite(lab)


@pytest.mark.parametrize("name", LABS)
def test_every_control_at_every_extreme_is_safe(name):
    lab = getattr(labs, name).build()
    for key, w in lab.controls.items():
        if isinstance(w, widgets.Button):
            w.click()
        elif isinstance(w, widgets.FloatLogSlider):
            for e in (w.min, w.max, (w.min + w.max) / 2):
                w.value = w.base**e
                assert_finite(lab)
        elif isinstance(w, widgets.FloatSlider | widgets.IntSlider):
            for v in (w.min, w.max, 0 if w.min <= 0 <= w.max else w.min, w.value):
                w.value = v
                assert_finite(lab)
        elif isinstance(w, widgets.Dropdown | widgets.ToggleButtons):
            for option in w.options:
                w.value = option
                assert_finite(lab)
        elif isinstance(w, widgets.Checkbox):
            w.value = not w.value
        elif isinstance(w, widgets.Play):
            continue
        else:  # pragma: no cover - a new kind of control needs a case here
            raise AssertionError(f"{name}: untested control {key}: {type(w)}")
        assert_finite(lab)


@pytest.mark.parametrize("name", LABS)
def test_all_sliders_at_zero_together(name):
    """Zero vectors, zero matrices, zero rates: the degenerate corner of every lab."""
    lab = getattr(labs, name).build()
    with lab.refresh.hold():
        for w in lab.controls.values():
            if isinstance(w, widgets.FloatSlider | widgets.IntSlider):
                w.value = min(max(0, w.min), w.max)
    assert_finite(lab)


def test_an_error_in_an_update_is_shown_not_lost():
    lab = labs.lab04.build()

    def broken():
        raise ValueError("boom")

    lab.refresh.fn = broken
    primary(lab).value = 2.0
    assert ui.Lab.ERROR_TEXT in lab.status.value and "boom" in lab.status.value


def test_lazy_aliases():
    from mfml.labs import lab04

    assert lab04.__name__ == "mfml.labs.lab04_matrix_transform"
    assert set(labs.MODULES) == {f"lab{n:02d}" for n in range(1, 11)}
    with pytest.raises(AttributeError):
        labs.lab11  # noqa: B018


def test_ipython_display_shows_once_per_cell(monkeypatch):
    from mfml.labs import lab04

    shown = []

    class Shell:
        execution_count = 7

    monkeypatch.setattr(ui, "_shell", lambda: Shell)
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    lab = lab04.show()
    assert shown == [lab.root]
    lab._ipython_display_()  # `lab04.show()` as the last line of the same cell
    assert shown == [lab.root]
    Shell.execution_count = 8
    lab._ipython_display_()  # `lab` in a later cell shows it again
    assert shown == [lab.root, lab.root]


# --- what each lab must show ------------------------------------------------------------------


def test_lab01_log_domain_and_composition():
    lab = labs.lab01.build()
    lab.controls["f"].value = "log x (logarithm)"
    assert "undefined on part of the window" in lab.status.value
    assert np.all(lab.marks["y"].x > 0)
    lab.controls["g"].value = "eˣ (exponential)"
    assert lab.marks["composition"].x.size > 0
    x, comp = lab.values["x"], lab.values["composition"]
    ok = x > 0
    assert np.allclose(comp[ok], x[ok])  # exp(log x) = x where log is defined
    lab.controls["g"].value = labs.lab01.NONE
    assert lab.marks["composition"].x.size == 0
    assert lab.values["composition"] is None


def test_lab02_parallel_vectors_span_a_line():
    lab = labs.lab02.build()
    assert not lab.marks["span"].visible
    lab.controls["v1"].value = 0.4
    lab.controls["v2"].value = 0.1
    assert lab.values["span"] == "line"
    assert lab.marks["span"].visible
    assert "span only the dashed line" in lab.status.value
    for key in ("u1", "u2", "v1", "v2"):
        lab.controls[key].value = 0.0
    assert lab.values["span"] == "point"


def test_lab03_orthogonal_and_zero():
    lab = labs.lab03.build()
    lab.controls["angle_u"].value = lab.controls["angle_v"].value + 90
    assert abs(lab.values["dot"]) < 1e-9
    assert "orthogonal" in lab.status.value
    lab.controls["length_v"].value = 0
    assert "undefined" in lab.status.value and "no direction" in lab.status.value
    assert not lab.marks["right angle"].visible


def test_lab04_singular_collapses_the_square():
    lab = labs.lab04.build()
    lab.controls["preset singular"].click()
    assert lab.values["det"] == 0.0
    sq = lab.values["square"]
    assert labs.lab04.polygon_area(sq) == pytest.approx(0.0)
    assert "no inverse" in lab.status.value
    lab.controls["preset reflect"].click()
    assert lab.values["det"] == -1.0 and "orientation flips" in lab.status.value
    lab.controls["preset shear"].click()
    assert lab.values["det"] == 1.0
    assert lab.marks["square"].fill_colors == [ui.BLUE]


def test_lab05_presets_classify():
    lab = labs.lab05.build()
    expected = {
        "one solution": "one",
        "no solution": "none",
        "infinitely many": "infinitely many",
        "ill-conditioned": "one",
    }
    for preset, kind in expected.items():
        lab.controls[f"preset {preset}"].click()
        assert lab.values["kind"] == kind
    assert lab.values["condition"] == pytest.approx(42.08, abs=0.01)
    lab.controls["preset no solution"].click()
    lab.controls["b2"].value = 1.0
    assert lab.values["kind"] == "infinitely many"


def test_lab06_rotation_has_no_eigen_directions():
    lab = labs.lab06.build()
    lab.controls["t"].value = 45
    assert "Lined up" in lab.status.value
    lab.controls["preset rotation"].click()
    assert lab.values["kind"] == "none"
    assert not lab.marks["eigen lines"].visible and not lab.marks["zeros"].visible
    lab.controls["preset projection"].click()
    lab.controls["t"].value = 90
    assert "null space" in lab.status.value


def test_a_step_button_stops_a_running_animation():
    """Lab 6's Play turns v every 250 ms; a step (or reset) left it running, and it carried
    step 4's angle of 90 degrees away before the learner could read "null space"."""
    lab = labs.lab06.build()
    play = lab.controls["play"]
    play.playing = True
    lab.set_up(4)
    assert play.playing is False
    assert lab.controls["t"].value == 90 and "null space" in lab.status.value


def test_lab07_first_axis_maximises_variance():
    lab = labs.lab07.build()
    lab.controls["to_pc1"].click()
    assert lab.values["variance"] == pytest.approx(lab.values["eigenvalues"][0])
    assert lab.values["error"] == pytest.approx(lab.values["eigenvalues"][1])
    before = np.array(lab.marks["points"].x, copy=True)
    lab.controls["new_sample"].click()
    assert not np.array_equal(before, lab.marks["points"].x)
    lab.controls["rho"].value = 0
    lab.controls["sy"].value = lab.controls["sx"].value
    assert "round" in lab.status.value


def test_lab08_round_off_is_reported():
    lab = labs.lab08.build()
    lab.controls["h"].value = 1e-16
    assert lab.values["regime"] == "cancelled"
    assert "cancellation" in lab.status.value
    assert lab.values["forward"] == 0.0
    lab.controls["h"].value = 1e-12
    assert lab.values["regime"] == "round-off"
    lab.controls["h"].value = 1e-2
    assert lab.values["regime"] == "truncation"


def test_lab09_divergence_is_clipped_and_reported():
    lab = labs.lab09.build()
    assert not lab.values["diverged"]
    lab.controls["lr"].value = 0.21
    assert lab.values["diverged"]
    assert "Diverged" in lab.status.value
    path = lab.marks["path"]
    assert np.all(np.abs(path.x) <= labs.lab09.EXTENT) and np.all(np.abs(path.y) <= 2.5)
    lab.controls["lr"].value = 10**0.5
    assert lab.values["diverged"] and "Diverged" in lab.status.value
    assert_finite(lab)
    lab.controls["loss"].value = "Rosenbrock"
    assert lab.controls["lr"].value == pytest.approx(labs.lab09.LOSSES["Rosenbrock"].lr)
    assert (lab.controls["start_x"].value, lab.controls["start_y"].value) == (-1.5, 2.0)
    assert not lab.values["diverged"]


def test_lab10_dragging_points_moves_the_minimum():
    lab = labs.lab10.build()
    contours = np.array(lab.marks["contours"].x, copy=True)
    best = lab.values["best"]
    y = np.array(lab.marks["points"].y, copy=True)
    y[-1] -= 4.0  # drag the last point down
    lab.marks["points"].y = y
    assert lab.values["best"] != best
    assert not np.array_equal(contours, lab.marks["contours"].x)
    lab.controls["fit"].click()  # onto the sliders' 0.001 grid, as the browser snaps them
    landed = np.array([lab.values["w"], lab.values["b"]])
    assert np.array_equal(landed, np.round(lab.values["best"], 3))
    offset = landed - lab.values["best"]
    assert np.allclose(lab.values["gradient"], lab.values["hessian"] @ offset, rtol=1e-6, atol=0)
    assert np.allclose(lab.values["best_gradient"], 0, rtol=0, atol=1e-12)
    assert_finite(lab)
    lab.marks["points"].x = np.full(y.size, 2.0)  # all x equal: no unique minimum
    assert "All x are equal" in lab.status.value
    assert_finite(lab)


# --- dragged points ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, handle, target, expected",
    [
        ("lab02", "head of u", (1.23, -0.77), {"u1": 1.2, "u2": -0.8}),
        ("lab02", "head of v", (-5.0, 0.44), {"v1": -3.0, "v2": 0.4}),
        ("lab03", "head of u", (0.0, -2.04), {"angle_u": -90.0, "length_u": 2.0}),
        ("lab03", "head of v", (1.0, 1.0), {"angle_v": 45.0, "length_v": 1.4}),
        ("lab06", "head of v", (-0.1, -2.0), {"t": 267}),
        ("lab09", "start", (0.52, -1.96), {"start_x": 0.5, "start_y": -2.0}),
    ],
)
def test_dropping_a_handle_sets_the_sliders_and_snaps_it(name, handle, target, expected):
    lab = getattr(labs, name).build()
    mark = lab.marks[handle]
    with mark.hold_trait_notifications():  # what the browser sends at the end of a drag
        mark.x, mark.y = np.array(target[:1]), np.array(target[1:])
    for key, value in expected.items():
        assert lab.controls[key].value == pytest.approx(value), key
    assert not np.allclose([mark.x[0], mark.y[0]], target)  # snapped onto the sliders' grid
    assert_finite(lab)


def test_dropping_w_on_a_line_span_changes_nothing():
    lab = labs.lab02.build()
    lab.controls["v1"].value, lab.controls["v2"].value = 0.4, 0.1  # v parallel to u
    a, b, w = lab.controls["a"].value, lab.controls["b"].value, lab.values["w"].copy()
    mark = lab.marks["head of w"]
    with mark.hold_trait_notifications():
        mark.x, mark.y = np.array([0.0]), np.array([3.0])  # off the line: unreachable
    assert (lab.controls["a"].value, lab.controls["b"].value) == (a, b)
    assert np.array_equal([mark.x[0], mark.y[0]], w)  # back where a·u + b·v is


# --- lab 4's labels ---------------------------------------------------------------------------


def _text_box(text: str, size: float = 14.0) -> tuple[float, float]:
    """Width and height in pixels of `text` at `size` px in DejaVu Sans (the browser's
    sans-serif on Debian), from matplotlib's text layout."""
    with warnings.catch_warnings():  # matplotlib's own pyparsing deprecations, not the labs'
        warnings.simplefilter("ignore")
        from matplotlib.textpath import TextPath

        path = TextPath((0, 0), text, size=size, prop={"family": "DejaVu Sans"})
    extents = path.get_extents()
    return float(extents.width), float(extents.height)


def _label_boxes(heads, offsets, scale, box):
    """Pixel boxes (x0, x1, y0, y1), y down, of the two labels centred at head + offset."""
    w, h = box
    centres = np.column_stack([heads[:, 0] * scale, -heads[:, 1] * scale]) + offsets
    return [(cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2) for cx, cy in centres]


def _inside(points_px, b):
    x, y = points_px[:, 0], points_px[:, 1]
    return np.any((x > b[0]) & (x < b[1]) & (y > b[2]) & (y < b[3]))


def _sampled(path, per=60):
    """Points along a polyline (data units), dense enough to find a crossing of a box."""
    path = np.asarray(path, dtype=float)
    t = np.linspace(0, 1, per)[:, None]
    return np.concatenate([a + t * (b - a) for a, b in zip(path[:-1], path[1:], strict=True)])


SCALES = {"desktop": 355 / 8, "phone": 263 / 8}  # pixels per unit: the plot's 8 units


def _label_box_size():
    """The measured box of "Ae₁"/"Ae₂" at 14 px: the wider text and the 14 px line box."""
    measured = [_text_box(t) for t in ("Ae₁", "Ae₂")]
    return max(w for w, _ in measured), 14.0 * 1.1


def _lab04_overlaps(M, box, scale, *, other_marks=True):
    """What the labels of the drawn matrix M cover at `scale` px per unit: "labels" when the
    two boxes meet, "Ae1 on arrow 2" and so on for an arrow, the F or the square."""
    lab4 = labs.lab04
    M = np.asarray(M, dtype=float)
    heads = M.T
    b1, b2 = _label_boxes(heads, lab4.label_offsets(heads), scale, box)
    found = []
    if not (b1[1] <= b2[0] or b2[1] <= b1[0] or b1[3] <= b2[2] or b2[3] <= b1[2]):
        found.append("labels")
    if not other_marks:
        return found
    ax, ay = ui.arrow_paths(np.zeros((2, 2)), heads, head=0.25)
    things = {f"arrow {i + 1}": np.column_stack([ax[i], ay[i]]) for i in range(2)}
    things["F"] = lab4.transform(M, lab4.F_SHAPE)
    things["square"] = lab4.transform(M, lab4.UNIT_SQUARE)
    for name, thing in things.items():
        pts = _sampled(thing) * [scale, -scale]
        found += [f"Ae{j + 1} on {name}" for j, b in enumerate((b1, b2)) if _inside(pts, b)]
    return found


def test_lab04_labels_overlap_nothing_in_any_step_state_or_preset():
    """ "Ae₂" sat on the F (default), on Ae₁ (singular: both heads at (1, 1)) and on the
    arrows (reflect, rotate). At desktop (355 px for 8 units) and phone (263 px) size, each
    label's box (measured text size) stays clear of the other label, of both arrows, of the
    F and of the square."""
    lab4 = labs.lab04
    box = _label_box_size()
    assert box[0] <= lab4.LABEL_SIZE[0] and box[1] <= lab4.LABEL_SIZE[1]
    lab = lab4.build()
    states = {"default": lab.values["A"].copy()}
    for n in lab.steps:
        lab.controls[f"step {n}"].click()
        states[f"step {n}"] = lab.values["A"].copy()
    for name, A in lab4.PRESETS.items():
        states[f"preset {name}"] = np.array(A)
    for where, A in states.items():
        for size, scale in SCALES.items():
            assert _lab04_overlaps(A, box, scale) == [], (where, size)
    lab.controls["preset singular"].click()  # what the figure draws follows label_offsets
    assert lab.marks["label Ae1"].x_offset == lab.values["labels"][0, 0]
    assert lab.marks["label Ae2"].y_offset == lab.values["labels"][1, 1]


def _slider_matrices(rng, n, near_parallel):
    """n matrices of slider values (entries in [-3, 3] by 0.1); with near_parallel, the second
    column is the first one turned by at most 0.2 rad (either way) and scaled by 0.2 to 1.5,
    so half of them have det < 0 and most fall in label_offsets' (nearly) parallel branch."""
    if not near_parallel:
        return np.round(rng.uniform(-3, 3, (n, 2, 2)), 1)
    out = []
    while len(out) < n:
        u = rng.uniform(-3, 3, 2)
        angle, length = rng.uniform(-0.2, 0.2), rng.uniform(0.2, 1.5)
        turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        v = length * turn @ u
        if np.all(np.abs(v) <= 3):
            out.append(np.round(np.column_stack([u, v]), 1))
    return np.array(out)


@pytest.mark.parametrize("near_parallel", [False, True], ids=["random", "near-parallel"])
def test_lab04_labels_overlap_nothing_for_any_matrix_at_any_t(near_parallel):
    """Review finding 1: for nearly parallel columns with det < 0, Ae₁ went to the right of
    its arrow and Ae₂ to the left, i.e. towards each other (label on label, label on the
    other arrow, the F, the square). Sweep matrices of slider values, drawn at t = 1, 0.5 and
    0 (M = (1 − t)I + tA, what the figure shows), at desktop and phone scale; the review's
    two examples included."""
    box = _label_box_size()
    rng = np.random.default_rng(15)
    matrices = list(_slider_matrices(rng, 250, near_parallel))
    if near_parallel:
        matrices += [np.array([[2.2, 2.5], [-0.1, -0.6]]), np.array([[-2.8, -2.3], [1.0, 0.9]])]
        dets = np.linalg.det(np.array(matrices))
        assert (dets < 0).sum() > 80 and (dets > 0).sum() > 80  # both orientations swept
    for A in matrices:
        for t in (1.0, 0.5, 0.0):
            M = labs.lab04.morph(A, t)
            for size, scale in SCALES.items():
                assert _lab04_overlaps(M, box, scale) == [], (A.tolist(), t, size)
