"""Execute the course notebooks at build time under CPython, so they ship with their outputs.

docs/performance.md, "Prerendered outputs", says why and what. In short: every chapter, guide,
capstone notebook and lab is run here with nbclient (the CPython kernel, as the tests run them)
and ships with its text and figure outputs, so a learner reads it like a book page before
Python has started in the browser; running a cell replaces its outputs. Widget outputs are
stripped (nothing could draw them before the kernel runs); a lab's first code cell gets a
"run this cell" line and a picture of the lab's starting figure instead.

- Cached in build/cache/prerender, keyed by the source's bytes, src/mfml, this script,
  scripts/execute.py and the versions of Python and the libraries: a rebuild with nothing
  changed executes nothing.
- Two notebooks at a time (the machine has two cores).
- Any error output or stderr (what scripts/execute.py reports) fails the build, named by
  notebook and cell. A failed execution is never cached.

Only the standard library is imported at the top: the kernel imports this module to draw a
lab's picture (`snapshot`).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = Path(__file__).resolve().parent
FORMAT = "1"  # bump to throw away every cached execution
WORKERS = 2
KEEP_DAYS = 14  # a cache entry no build used for this long is deleted
TIMEOUT = 300  # seconds per cell, as the tests allow
WIDGET = "application/vnd.jupyter.widget-view+json"
REPORT_LINK = "mfml_report_link"  # mfml.report marks the link to a file it wrote
LIBRARIES = ("numpy", "matplotlib", "pandas", "ipykernel", "ipython", "bqplot", "ipywidgets")

LAB_LINE = (
    "▶ Run this cell (Shift+Enter) to start the lab. The first start of Python takes "
    "20 to 30 s; then the live figure and its controls replace this picture of the "
    "lab's starting figure.\n"
)
EXERCISE_LINE = (
    "▶ Run this cell (Shift+Enter) first, then each ex(…) cell to show its exercise "
    "(or Run → Run All Cells to show them all). The first start of Python takes 20 to 30 s.\n"
)
SNAPSHOT_CELL = (
    "import sys as _mfml_sys\n"
    f"_mfml_sys.path.insert(0, {str(SCRIPTS)!r})\n"
    "import prerender as _mfml_prerender\n"
    "_mfml_prerender.snapshot(lab)\n"
)


class PrerenderError(Exception):
    """A notebook's execution failed: the message names each notebook and cell."""


# ---------------------------------------------------------------- the cache key


def _hash_files(digest, files: Iterable[Path], base: Path) -> None:
    for path in sorted(files):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def code_fingerprint() -> str:
    """What every notebook's outputs depend on besides its own source."""
    digest = hashlib.sha256(f"prerender {FORMAT}\n{sys.version}\n".encode())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing\n".encode())
    mfml = ROOT / "src" / "mfml"
    _hash_files(
        digest,
        (p for p in mfml.rglob("*") if p.is_file() and "__pycache__" not in p.parts),
        ROOT,
    )
    _hash_files(digest, [SCRIPTS / "prerender.py", SCRIPTS / "execute.py"], ROOT)
    return digest.hexdigest()


def cache_key(source: Path, code: str) -> str:
    """The source's bytes (and its folder's data files), on top of `code_fingerprint()`."""
    digest = hashlib.sha256(code.encode())
    text = source.read_bytes()
    digest.update(shown(source).encode() + b"\0" + text)
    folder = source.parent
    data = [p for p in folder.rglob("*") if p.is_file()]
    _hash_files(digest, (p for p in data if p.suffix not in (".md", ".ipynb", ".html")), folder)
    if b"mfml.exercises" in text:  # a notebook that runs the bank depends on it too
        _hash_files(digest, (ROOT / "exercises").glob("*.yml"), ROOT)
    return digest.hexdigest()


def cache_file(cache: Path, source: Path, key: str) -> Path:
    slug = Path(shown(source)).with_suffix("").as_posix().strip("/").replace("/", "--")
    return cache / f"{slug}--{key[:20]}.json"


# ---------------------------------------------------------------- shipping outputs


def shipped(output: dict) -> bool:
    """Widgets cannot be drawn before the kernel runs; a report link points at a file that
    the build wrote, not the learner."""
    if WIDGET in output.get("data", {}):
        return False
    return not output.get("metadata", {}).get(REPORT_LINK)


def code_cells(nb) -> list:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def is_lab_cell(cell) -> bool:
    return ".show()" in cell["source"] and "lab" in cell["source"]


def _execute(source: str, name: str, lab: bool) -> dict:
    """In a worker process: run one source; its code cells' outputs, counts and problems."""
    sys.path.insert(0, str(SCRIPTS))
    import execute
    import nbclient
    import nbformat

    path = Path(source)
    nb = execute.read(path)
    snapshot_index = None
    if lab:
        nb.cells.append(nbformat.v4.new_code_cell(SNAPSHOT_CELL))
        snapshot_index = len(code_cells(nb)) - 1
    with tempfile.TemporaryDirectory(prefix="mfml-prerender-") as tmp:
        # a copy of the source's folder: a notebook that writes a file (the capstone report)
        # writes it here, never into the repository
        cwd = Path(tmp) / "nb"
        shutil.copytree(path.parent, cwd, ignore=shutil.ignore_patterns("*.ipynb", "*.html"))
        os.environ["MFML_PROGRESS"] = str(Path(tmp) / "progress.json")
        # the kernel inherits this worker's stderr and writes its start-up chatter there (a
        # warning about TCP on loopback); a cell's stderr reaches nbclient as an output
        # instead, and a worker's own exception is sent back to the build
        with open(os.devnull, "w") as quiet:
            os.dup2(quiet.fileno(), 2)
        started = time.perf_counter()
        try:
            execute.run(nb, cwd, TIMEOUT)
        except nbclient.exceptions.CellTimeoutError as exc:
            return {"problems": [f"{name}: timeout: {exc}"], "cells": [], "notes": []}
        seconds = time.perf_counter() - started
    cells = code_cells(nb)
    notes = []
    picture = []
    if snapshot_index is not None:
        drawn = cells.pop(snapshot_index)
        picture = [o for o in drawn.outputs if "image/png" in o.get("data", {})]
        if not picture:
            errors = [o for o in drawn.outputs if o.output_type == "error"]
            why = f"{errors[0].ename}: {errors[0].evalue}" if errors else "nothing drawn"
            notes.append(f"{name}: no picture of the lab's figure ({why})")
        nb.cells = [c for c in nb.cells if c is not drawn]
    problems = [str(p) for p in execute.problems_in(nb, name)]
    result = []
    for cell in cells:
        outputs = [dict(o) for o in cell.outputs if shipped(o)]
        if lab and is_lab_cell(cell):
            outputs = [
                {"output_type": "stream", "name": "stdout", "text": LAB_LINE},
                *[dict(o) for o in picture],
            ]
        result.append({"execution_count": cell.execution_count, "outputs": outputs})
    return {
        "problems": problems,
        "cells": json.loads(json.dumps(result)),
        "notes": notes,
        "seconds": round(seconds, 1),
    }


def prerender(
    sources: list[Path],
    labs: Iterable[Path] = (),
    cache: Path | None = None,
    workers: int = WORKERS,
    log: Callable[[str], None] = print,
) -> dict[Path, list[dict]]:
    """Each source's code cells as shipped ({"execution_count", "outputs"}), executing only
    what the cache does not hold. Raises PrerenderError naming every notebook and cell that
    produced an error or stderr."""
    cache = cache or ROOT / "build" / "cache" / "prerender"
    cache.mkdir(parents=True, exist_ok=True)
    labs = {Path(p).resolve() for p in labs}
    code = code_fingerprint()
    found: dict[Path, list[dict]] = {}
    todo: dict[Path, Path] = {}
    for source in sources:
        target = cache_file(cache, source, cache_key(source, code))
        if target.exists():
            found[source] = json.loads(target.read_text())["cells"]
            os.utime(target)  # used: see prune
        else:
            todo[source] = target
    log(f"[prerender] {len(found)} cached, {len(todo)} to execute ({workers} at a time)")
    problems, started = [], time.perf_counter()
    if todo:
        context = multiprocessing.get_context("spawn")  # a fresh interpreter per worker
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            jobs = {
                source: pool.submit(_execute, str(source), shown(source), source.resolve() in labs)
                for source in todo
            }
            for source, job in jobs.items():
                result = job.result()
                for note in result["notes"]:
                    log(f"[prerender] note: {note}")
                if result["problems"]:
                    problems += result["problems"]
                    continue
                log(f"[prerender] {shown(source)}: {result['seconds']} s")
                found[source] = result["cells"]
                store(todo[source], source, result["cells"])
        log(f"[prerender] executed {len(todo)} in {time.perf_counter() - started:.0f} s")
    prune(cache)
    if problems:
        raise PrerenderError(
            "a notebook failed under CPython (error output or stderr):\n" + "\n".join(problems)
        )
    return found


def store(target: Path, source: Path, cells: list[dict]) -> None:
    """Write one cache entry atomically (two builds may run at once, see prune)."""
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    partial.write_text(json.dumps({"source": shown(source), "cells": cells}, sort_keys=True))
    partial.replace(target)


def prune(cache: Path, days: float = KEEP_DAYS) -> None:
    """Drop entries no build has used for `days`. Never by notebook: builds of different
    working trees (helpers side by side, a clean clone) share the cache and must not delete
    each other's entries."""
    limit = time.time() - days * 86400
    for old in cache.glob("*.json"):
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)


def shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def apply(nb, cells: list[dict], name: str) -> None:
    """Put the prerendered outputs and counts into the notebook read from the same source."""
    code = code_cells(nb)
    if len(code) != len(cells):
        raise PrerenderError(f"{name}: {len(code)} code cells, {len(cells)} prerendered")
    import nbformat

    for cell, done in zip(code, cells, strict=True):
        cell["execution_count"] = done["execution_count"]
        cell["outputs"] = [nbformat.from_dict(o) for o in done["outputs"]]


def mark_run_first(nb, text: str = EXERCISE_LINE) -> None:
    """An exercise set before it runs: one "run this cell" line under its first code cell
    (a stream output with no execution count: nothing has run yet)."""
    import nbformat

    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
            cell.execution_count = None
            return


# ---------------------------------------------------------------- a lab's picture


LINE_STYLES = {"solid": "-", "dashed": "--", "dotted": ":", "dash_dotted": "-."}
MARKERS = {
    "circle": "o",
    "square": "s",
    "cross": "P",
    "diamond": "D",
    "triangle-up": "^",
    "triangle-down": "v",
    "rectangle": "s",
    "ellipse": "o",
    "plus": "+",
}
CATEGORY10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]


def _pick(values, index: int, default):
    values = list(values or [])
    return values[index % len(values)] if values else default


def _rows(x, y):
    """bqplot's Lines data as a list of (x, y) polylines: x and y 1-D or 2-D (one row each)."""
    import numpy as np

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if y.size == 0 or x.size == 0:
        return []
    if y.ndim == 1 and x.ndim == 1:
        return [(x, y)]
    ys = np.atleast_2d(y)
    xs = np.atleast_2d(x)
    if len(xs) == 1:
        xs = np.repeat(xs, len(ys), axis=0)
    return list(zip(xs, ys, strict=False))


def _draw_plot(ax, plot) -> None:
    import textwrap

    import bqplot as bq

    figure = plot.figure
    if isinstance(plot.sx, bq.LogScale):
        ax.set_xscale("log")
    if isinstance(plot.sy, bq.LogScale):
        ax.set_yscale("log")
    for axis in figure.axes:
        if axis.scale is plot.sx:
            ax.set_xlabel(axis.label or "")
        elif axis.scale is plot.sy:
            ax.set_ylabel(axis.label or "")
    if figure.title:
        ax.set_title("\n".join(textwrap.wrap(figure.title, 42)), fontsize=9)
    if figure.min_aspect_ratio == figure.max_aspect_ratio and figure.min_aspect_ratio > 0:
        ax.set_box_aspect(1 / figure.min_aspect_ratio)
    ax.grid(True, linestyle="--", color="#ececec")
    for mark in figure.marks:
        if not mark.visible:
            continue
        if isinstance(mark, bq.Lines):
            style = LINE_STYLES.get(mark.line_style, "-")
            for i, (x, y) in enumerate(_rows(mark.x, mark.y)):
                color = _pick(mark.colors, i, CATEGORY10[0])
                alpha = _pick(mark.opacities, i, 1.0)
                if mark.fill == "inside":
                    fill = _pick(mark.fill_colors, i, color)
                    opacity = _pick(mark.fill_opacities, i, 0.3)
                    ax.fill(x, y, color=fill, alpha=opacity, linewidth=0)
                ax.plot(x, y, style, color=color, alpha=alpha, lw=mark.stroke_width * 0.75)
        elif isinstance(mark, bq.Scatter):
            import numpy as np

            x, y = np.asarray(mark.x, dtype=float), np.asarray(mark.y, dtype=float)
            if x.size == 0:
                continue
            colors = [_pick(mark.colors, i, "steelblue") for i in range(len(x))]
            ax.scatter(
                x,
                y,
                s=mark.default_size * 0.5,
                c=colors,
                marker=MARKERS.get(mark.marker, "o"),
                alpha=_pick(mark.default_opacities, 0, 1.0),
                zorder=3,
            )
        elif isinstance(mark, bq.Label):
            align = {"start": "left", "middle": "center", "end": "right"}
            for i, (x, y, text) in enumerate(zip(mark.x, mark.y, mark.text, strict=False)):
                ax.text(
                    x,
                    y,
                    text,
                    color=_pick(mark.colors, i, "black"),
                    fontsize=mark.default_size * 0.6,
                    ha=align.get(mark.align, "left"),
                    va="center",
                    clip_on=True,
                )

    # after the marks: a scale with min and max fixes the axis (marks beyond it are clipped,
    # as in bqplot); a scale without them follows the data (bqplot autoscales it)
    if plot.sx.min is not None or plot.sx.max is not None:
        ax.set_xlim(plot.sx.min, plot.sx.max)
    if plot.sy.min is not None or plot.sy.max is not None:
        ax.set_ylim(plot.sy.min, plot.sy.max)


def snapshot(lab) -> None:
    """Draw a lab's figures as they start (the kernel runs this at build time, matplotlib
    inline): the picture shipped in the lab's first cell, replaced when the lab runs. Two
    figures a row, as the lab lays them out on a laptop screen."""
    import matplotlib.pyplot as plt

    plots = list(lab.plots)
    columns = min(2, len(plots))
    rows = -(-len(plots) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.5 * columns, 3.4 * rows), squeeze=False)
    for ax, plot in zip(axes.flat, plots, strict=False):
        _draw_plot(ax, plot)
    for ax in list(axes.flat)[len(plots) :]:
        ax.set_visible(False)
    fig.tight_layout()
    plt.show()
