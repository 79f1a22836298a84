"""Measure what a learner waits for, on our site and on a stock JupyterLite build.

For each site, with a cold browser profile, median of 3 runs: time to UI ready (the notebook
view open), kernel ready (idle), first NumPy output (the first cell's result shown), and
bytes transferred. The stock build has the same notebook and the same Pyodide files, and
JupyterLite's default settings. Prints both and their ratio; writes build/bench.json.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

import serve  # noqa: E402
from conftest import CHROMIUM_FLAGS, LOOPBACK, chromium_path  # noqa: E402
from notebook import WAIT_FOR_KERNEL, WAIT_FOR_PANEL  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "site"
BENCH = ROOT / "build" / "bench"
NOTEBOOK = "bench/first-output.ipynb"
RUNS = 3
FIRST_CELL = "import numpy as np\nnp.arange(10).sum()"

FIRST_OUTPUT = """
async (timeoutMs) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await app.commands.execute('notebook:run-all-cells');
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    const cell = panel.content.model.cells.get(0);
    const outputs = cell.outputs.toJSON();
    if (outputs.some(o => o.output_type === 'execute_result')) return performance.now();
    await sleep(20);
  }
  return null;
}
"""


def bench_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(FIRST_CELL, id="first")]
    nb.metadata["kernelspec"] = {
        "name": "python",
        "display_name": "Python (Pyodide)",
        "language": "python",
    }
    return nb


def add_bench_notebook(site: Path) -> None:
    """The same tiny notebook in both sites, served as a file (not indexed: opened by path)."""
    folder = site / "files" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(bench_notebook(), folder / "first-output.ipynb")


def build_stock_site() -> Path:
    """Stock JupyterLite: default settings and extensions, our Pyodide files."""
    lite = BENCH / "stock-lite"
    out = BENCH / "stock-site"
    shutil.rmtree(lite, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    (lite / "files" / "bench").mkdir(parents=True)
    nbformat.write(bench_notebook(), lite / "files" / "bench" / "first-output.ipynb")
    shutil.copytree(SITE / "static" / "pyodide", lite / "static" / "pyodide")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyterlite_core",
            "build",
            "--lite-dir",
            str(lite),
            "--output-dir",
            str(out),
            "--contents",
            str(lite / "files"),
        ],
        cwd=BENCH,
        check=True,
        capture_output=True,
    )
    return out


def measure_once(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    transferred = []
    external = []

    def route(r):
        from urllib.parse import urlparse

        if (urlparse(r.request.url).hostname or "") in LOOPBACK or r.request.url.startswith(
            ("data:", "blob:")
        ):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    def finished(request):
        try:
            sizes = request.sizes()
            transferred.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])
        except Exception:
            pass

    context.route("**/*", route)
    context.on("requestfinished", finished)
    page = context.new_page()
    page.goto(f"{url}notebooks/index.html?path={NOTEBOOK}")
    assert page.evaluate(WAIT_FOR_PANEL), "the notebook view did not open"
    ui = page.evaluate("() => performance.now()")
    kernel = page.evaluate(WAIT_FOR_KERNEL, 180_000)
    first = page.evaluate(FIRST_OUTPUT, 180_000)
    page.wait_for_timeout(500)  # let late requests settle before counting bytes
    context.close()
    if kernel is None or first is None:
        raise RuntimeError(f"{url}: kernel or first output did not come")
    return {
        "ui_ready_ms": ui,
        "kernel_ready_ms": kernel,
        "first_numpy_output_ms": first,
        "bytes": sum(transferred),
        "requests": len(transferred),
        "external": external,
    }


def measure(browser, site: Path) -> dict:
    server, url = serve.start_in_thread(site)
    try:
        runs = [measure_once(browser, url) for _ in range(RUNS)]
    finally:
        server.shutdown()
    keys = ("ui_ready_ms", "kernel_ready_ms", "first_numpy_output_ms", "bytes", "requests")
    result = {k: statistics.median(r[k] for r in runs) for k in keys}
    result["runs"] = runs
    return result


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not (SITE / "index.html").exists():
        print("no site: run `make site` first", file=sys.stderr)
        return 1
    path = chromium_path()
    if path is None:
        print("no Chromium: set $CHROMIUM or install chromium", file=sys.stderr)
        return 1
    BENCH.mkdir(parents=True, exist_ok=True)
    ours = BENCH / "course-site"
    shutil.rmtree(ours, ignore_errors=True)
    shutil.copytree(SITE, ours)
    add_bench_notebook(ours)
    stock = build_stock_site()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        results = {"course": measure(browser, ours), "stock": measure(browser, stock)}
        browser.close()

    rows = [
        ("UI ready (ms)", "ui_ready_ms"),
        ("kernel ready (ms)", "kernel_ready_ms"),
        ("first NumPy output (ms)", "first_numpy_output_ms"),
        ("bytes transferred", "bytes"),
        ("requests", "requests"),
    ]
    print(f"\nmedian of {RUNS} cold runs          course        stock   course/stock")
    for label, key in rows:
        a, b = results["course"][key], results["stock"][key]
        print(f"{label:<28}{a:>12,.0f} {b:>12,.0f} {a / b:>10.2f}")
    external = [u for r in results.values() for run in r["runs"] for u in run["external"]]
    print(f"external requests: {len(external)}")
    results["ratio"] = {k: results["course"][k] / results["stock"][k] for _, k in rows}
    (ROOT / "build" / "bench.json").write_text(json.dumps(results, indent=1) + "\n")
    print(f"written: {ROOT / 'build' / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
