"""Measure what a learner waits for, on our site and on a stock JupyterLite build.

For each site, with a cold browser profile, median of 3 runs: time to UI ready (the notebook
view open), kernel ready (idle), first NumPy output (the first result shown), and
bytes transferred. The stock build has the same notebook ("Start here", the first a learner
opens), the same Pyodide files, and JupyterLite's default settings.
Prints both and their ratio; writes build/bench.json.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

import serve  # noqa: E402
from build_site import KERNEL_PLUGIN  # noqa: E402
from conftest import CHROMIUM_FLAGS, LOOPBACK, chromium_path  # noqa: E402
from notebook import WAIT_FOR_KERNEL, WAIT_FOR_PANEL  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "site"
BENCH = ROOT / "build" / "bench"
NOTEBOOK = "chapters/start-here.ipynb"  # the first notebook a learner opens
RUNS = 3

FIRST_OUTPUT = """
async (timeoutMs) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  app.commands.execute('notebook:run-all-cells');
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const start = performance.now();
  const cells = panel.content.model.cells;
  while (performance.now() - start < timeoutMs) {
    for (let i = 0; i < cells.length; i++) {
      const cell = cells.get(i);
      const outputs = cell.type === 'code' ? cell.outputs.toJSON() : [];
      if (outputs.some(o => o.output_type === 'execute_result')) return performance.now();
    }
    await sleep(20);
  }
  return null;
}
"""


def build_stock_site() -> Path:
    """Stock JupyterLite: default settings and extensions, our Pyodide files."""
    lite = BENCH / "stock-lite"
    out = BENCH / "stock-site"
    shutil.rmtree(lite, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    notebook = lite / "files" / NOTEBOOK
    notebook.parent.mkdir(parents=True)
    shutil.copy(SITE / "files" / NOTEBOOK, notebook)
    shutil.copytree(SITE / "static" / "pyodide", lite / "static" / "pyodide")
    # Two settings differ from the defaults: the same Pyodide files (not the CDN), and
    # window.jupyterapp, which the measurement reads.
    kernel = {"pyodideUrl": "./static/pyodide/pyodide.js"}
    config = {"exposeAppInBrowser": True, "litePluginSettings": {KERNEL_PLUGIN: kernel}}
    hook = {"jupyter-lite-schema-version": 0, "jupyter-config-data": config}
    (lite / "jupyter-lite.json").write_text(json.dumps(hook))
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
    kernel = page.evaluate(WAIT_FOR_KERNEL, 90_000)
    first = page.evaluate(FIRST_OUTPUT, 90_000)
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


def lab_updates() -> dict:
    """The labs' figure-update times, as the last browser test run measured them."""
    folder = ROOT / "build" / "test-artifacts" / "lab-updates"
    found = {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("lab*.json"))}
    if not found:
        print("\nlab updates: not measured yet (run make test: tests/browser/test_labs.py)")
        return {}
    print("\nlab figure update after a slider move (median of 5, budget 200 ms)")
    for name, data in found.items():
        runs = [round(t) for t in data["update_ms"]]
        print(f"  {name:<32}{data['median_ms']:>6.0f} ms   runs: {runs}")
    return {name: data["median_ms"] for name, data in found.items()}


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
    stock = build_stock_site()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        results = {"course": measure(browser, SITE), "stock": measure(browser, stock)}
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
    results["lab_updates"] = lab_updates()
    (ROOT / "build" / "bench.json").write_text(json.dumps(results, indent=1) + "\n")
    print(f"written: {ROOT / 'build' / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
