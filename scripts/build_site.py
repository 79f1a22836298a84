"""Build the course site into build/site (DESIGN.md section 4). Run by `make site`.

Steps: notebooks from their MyST sources; exercise notebooks and the compiled bank; the mfml
wheel; the verified, pruned Pyodide with its extended lock; `jupyter lite build`; then the
post-processing that makes it a course (read-only course files, course.json, the home page).
Any bad input stops the build with the file it came from.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import course_wheels  # noqa: E402
import prerender  # noqa: E402
import pyodide_dist  # noqa: E402
import site_post  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "cache"  # downloads kept between builds, whatever the build dir
PYODIDE_URL = "./static/pyodide/pyodide.js"
STORAGE_NAME = "mfml-course-v1"  # the course and its major version: see DESIGN.md section 5
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
# The front-end extensions the site needs; anything else installed in the environment
# (jupytext's, for one) stays out of the site.
FEDERATED_EXTENSIONS = (
    "@jupyterlite/pyodide-kernel-extension",
    "@jupyter-widgets/jupyterlab-manager",
    "bqplot",
    "bqscales",
)


# Front-matter kinds: a capstone notebook (content/capstone/) is numbered in reading order.
KINDS = ("chapter", "lab", "guide", "capstone")

BUILD = LITE = FILES = SITE = Path()


def configure(build_dir: Path) -> None:
    """Where this build writes: build/ by default; tests build a second copy elsewhere."""
    global BUILD, LITE, FILES, SITE
    BUILD = build_dir.resolve()
    LITE = BUILD / "lite"  # the lite dir handed to `jupyter lite build`
    FILES = LITE / "files"  # the notebooks a learner sees
    SITE = BUILD / "site"


configure(ROOT / "build")


class BuildError(Exception):
    """Bad input: the message names the file."""


def course_version() -> str:
    """The commit the site is built from: a learner's copy records it, to tell them of updates."""
    out = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip() or "unversioned"


def source_date_epoch() -> int:
    """The last commit's time, so two builds of one commit are byte-identical."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    out = subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True
    )
    return int(out.stdout.strip() or 1700000000)


# ---------------------------------------------------------------- notebooks


def site_path(source: Path) -> Path:
    """content/** -> chapters/**, labs/* -> labs/*, as .ipynb."""
    rel = source.relative_to(ROOT)
    top = "chapters" if rel.parts[0] == "content" else rel.parts[0]
    return Path(top, *rel.parts[1:]).with_suffix(".ipynb")


def shown(path: Path) -> str:
    """A path as an author knows it: relative to the repository when inside it."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def read_source(path: Path) -> nbformat.NotebookNode:
    rel = shown(path)
    try:
        nb = jupytext.read(path, fmt="md:myst")
    except Exception as exc:  # jupytext raises many kinds; all mean a malformed source
        raise BuildError(f"{rel}: not a valid MyST notebook: {exc}") from exc
    meta = nb.metadata.get("mfml")
    if not isinstance(meta, dict) or meta.get("kind") not in KINDS:
        raise BuildError(
            f"{rel}: front matter needs `mfml: {{kind: chapter|lab|guide|capstone, ...}}`"
        )
    if not meta.get("title"):
        raise BuildError(f"{rel}: front matter `mfml` needs a title")
    if meta["kind"] != "guide" and not isinstance(meta.get("number"), int):
        raise BuildError(f"{rel}: front matter `mfml` needs an integer number")
    if any("%pip" in c.source or "!pip" in c.source for c in nb.cells if c.cell_type == "code"):
        raise BuildError(f"{rel}: no %pip: the course's packages load on import")
    return nb


def imports_of(nb: nbformat.NotebookNode) -> set[str]:
    """Top-level modules a notebook imports, as Pyodide's loadPackagesFromImports finds them."""
    found = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code = "\n".join(
            ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!"))
        )
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def collapse_if_tagged(cell: nbformat.NotebookNode) -> None:
    """A `hide-input` tag (figure styling boilerplate) collapses the code in JupyterLab, so the
    reader sees the figure; the code stays one click away."""
    if cell.cell_type == "code" and "hide-input" in cell.metadata.get("tags", []):
        cell.metadata.setdefault("jupyter", {})["source_hidden"] = True


def write_notebook(nb: nbformat.NotebookNode, dest: Path) -> None:
    nb.metadata["kernelspec"] = {
        "name": "python",
        "display_name": "Python (Pyodide)",
        "language": "python",
    }
    nb.metadata.pop("jupytext", None)
    for number, cell in enumerate(nb.cells):  # stable ids: two builds, identical bytes
        cell["id"] = f"c{number:03d}"
        collapse_if_tagged(cell)
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)


def build_notebooks() -> tuple[list[dict], set[str]]:
    """Convert every source; return what the manifest needs and what the notebooks import.

    Every notebook ships with the outputs CPython gives it (scripts/prerender.py, cached in
    build/cache/prerender); MFML_PRERENDER=0 ships them without outputs (a quick build)."""
    entries, modules = [], set()
    sources = sorted((ROOT / "content").rglob("*.md")) + sorted((ROOT / "labs").glob("*.md"))
    notebooks = {source: read_source(source) for source in sources}  # bad input fails first
    outputs = {}
    if os.environ.get("MFML_PRERENDER", "1") != "0":
        labs = [s for s, nb in notebooks.items() if nb.metadata["mfml"]["kind"] == "lab"]
        try:
            outputs = prerender.prerender(sources, labs, CACHE / "prerender")
        except prerender.PrerenderError as exc:
            raise BuildError(str(exc)) from exc
    for source, nb in notebooks.items():
        if source in outputs:
            prerender.apply(nb, outputs[source], shown(source))
        dest = site_path(source)
        write_notebook(nb, FILES / dest)
        modules |= imports_of(nb)
        entries.append(
            {
                **nb.metadata["mfml"],
                "path": dest.as_posix(),
                "source": source.relative_to(ROOT).as_posix(),
            }
        )
    return entries, modules


def build_exercises(bank: Path) -> tuple[list[dict], Path, set[str]]:
    """Exercise notebooks and the compiled bank, from exercises/chNN.yml."""
    from mfml.exercises import build as exercise_build

    bank_json = BUILD / "bank-json"
    shutil.rmtree(bank_json, ignore_errors=True)
    out = FILES / "exercises"
    try:
        entries = exercise_build.build(bank, out, bank_json)
    except exercise_build.BankError as exc:
        raise BuildError(str(exc)) from exc
    modules = set()
    for path in sorted(out.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        modules |= imports_of(nb)
        prerender.mark_run_first(nb)  # not executed: one "run this cell" line instead
        nbformat.write(nb, path)
    return entries, bank_json, modules


# ---------------------------------------------------------------- JupyterLite


def write_lite_settings() -> None:
    """jupyter-lite.json: the runtime settings, generated here and nowhere else."""
    settings = {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Mathematical Foundations for ML",
            "contentsStorageName": STORAGE_NAME,
            "settingsStorageName": f"{STORAGE_NAME}-settings",
            # IndexedDB first; where the browser denies it (a cross-site iframe, some private
            # windows) keep files in memory so the site still runs (notebook.js says so)
            "enableMemoryStorage": True,
            "contentsStorageDrivers": ["asyncStorage", "memoryStorageDriver"],
            "settingsStorageDrivers": ["asyncStorage", "memoryStorageDriver"],
            # window.jupyterapp: the course's own page scripts and the browser tests use it
            "exposeAppInBrowser": True,
            # a chapter is a book page: every cell in the page (drawn in view first, the rest
            # when idle), so the browser's find, screen readers and axe see all of it; the
            # default "full" windowing keeps only the cells in view (docs/accessibility.md)
            "settingsOverrides": {
                "@jupyterlab/notebook-extension:tracker": {"windowingMode": "defer"}
            },
            "litePluginSettings": {
                KERNEL_PLUGIN: {
                    "pyodideUrl": PYODIDE_URL,
                    "disablePyPIFallback": True,
                    # the kernel's start in one batch from the lock (course_wheels.py)
                    "loadPyodideOptions": {"packages": list(course_wheels.PRELOAD)},
                }
            },
        },
    }
    (LITE / "jupyter-lite.json").write_text(json.dumps(settings, indent=2) + "\n")


def jupyter_lite_build(epoch: int) -> None:
    prefix = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    missing = [e for e in FEDERATED_EXTENSIONS if not (prefix / e / "package.json").exists()]
    if missing:
        raise BuildError(
            f"front-end extensions not installed: {missing} (pip install -r requirements.txt)"
        )
    command = [
        sys.executable,
        "-m",
        "jupyterlite_core",
        "build",
        "--config",
        str(ROOT / "lite_config.json"),
        "--lite-dir",
        str(LITE),
        "--output-dir",
        str(SITE),
        "--contents",
        str(FILES),
        "--source-date-epoch",
        str(epoch),
    ]
    for ext in FEDERATED_EXTENSIONS:
        command += ["--LiteBuildConfig.federated_extensions", str(prefix / ext)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    result = subprocess.run(command, cwd=BUILD, env=env, capture_output=True, text=True)
    (BUILD / "jupyter-lite-build.log").write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise BuildError("jupyter lite build failed; see build/jupyter-lite-build.log")


# ---------------------------------------------------------------- main


def build(bank: Path, clean: bool = True) -> None:
    epoch = source_date_epoch()
    if clean:
        shutil.rmtree(LITE, ignore_errors=True)
        shutil.rmtree(SITE, ignore_errors=True)
        for db in BUILD.glob(".jupyterlite.doit.db*"):
            db.unlink()
    FILES.mkdir(parents=True, exist_ok=True)

    print("[build] notebooks", flush=True)
    notebooks, modules = build_notebooks()
    print("[build] exercises", flush=True)
    exercises, bank_json, exercise_modules = build_exercises(bank)
    modules |= exercise_modules

    print("[build] wheels", flush=True)
    mfml = course_wheels.mfml_wheel(bank_json, BUILD / "wheels", epoch)
    wheels = [*course_wheels.third_party_wheels(CACHE), *course_wheels.kernel_wheels(), mfml]
    pyodide_dist.stage(LITE / "static" / "pyodide", CACHE, modules, wheels)

    write_lite_settings()
    print("[build] jupyter lite build", flush=True)
    jupyter_lite_build(epoch)

    print("[build] course files", flush=True)
    course = yaml.safe_load((ROOT / "course.yml").read_text())
    site_post.finish(SITE, course, notebooks, exercises, course_version())
    print(f"[build] done: {SITE}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-clean", action="store_true", help="keep the previous lite dir")
    parser.add_argument(
        "--exercises",
        type=Path,
        default=ROOT / "exercises",
        help="the folder of exercise banks (chNN.yml)",
    )
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    args = parser.parse_args()
    configure(args.build_dir)
    try:
        build(args.exercises, clean=not args.no_clean)
    except (BuildError, pyodide_dist.PyodideError) as exc:
        print(f"\nBUILD FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
