"""Measure what a learner waits for, on the course and on a stock JupyterLite build.

    python scripts/bench.py [--site build/site] [--rounds 3] [--out build/bench.json]

The stock build has the same notebooks, the OFFICIAL Pyodide 0.27.7 files (the same version
and packages as the course, before the course's own changes to them such as byte-compiling),
and JupyterLite's default settings, with the course's front-end extensions (the Pyodide
kernel, ipywidgets and bqplot, so lab 4 draws there too); it is served by the same server
without precompressed copies. Rounds are interleaved (course then stock, then stock then
course, ...) because the machine is noisy; each key is the median over rounds.

Three visits per site and round:
- ``cold``: a fresh browser profile (on disk, as a learner's);
- ``warm``: the same profile again (its HTTP cache and storage kept);
- ``throttled``: a fresh profile through a server throttled to 20 Mbit/s and 40 ms (at the
  server, so the kernel's web worker is slowed too; the page-level emulation misses it).

In each visit: open CHAPTER (navigation start is time 0) and note ``first_content_ms`` (its
first figure or output visible: a chapter shipped with its outputs shows them before Python
starts), ``kernel_ready_ms`` (kernel idle), ``first_numpy_output_ms`` (Run all pressed as the
notebook opens; the first output the kernel sends); then open LAB in the same tab, press Run
all, and note ``lab_figure_ms`` (its figure drawn, from that navigation; stock has no widget
front end, so none). ``bytes``: what the server sent in the visit (both notebooks, the kernel's
worker included), ``requests`` likewise.

Prints the table and the ratios against issue 14's goals; writes the JSON beside the site.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import chromium  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "chapters/part2/ch06-function-zoo.ipynb"
LAB = "labs/lab04-matrix-transform.ipynb"
SCENARIOS = ("cold", "warm", "throttled")
KEYS = ("first_content_ms", "kernel_ready_ms", "first_numpy_output_ms", "lab_figure_ms", "bytes")
THROTTLE = "20mbit,40ms"
TIMEOUT_MS = 180_000
# Issue 14's measurement of today's course, before this work: a lab's figure after 33-41 s.
# --baseline takes an earlier bench.json instead.
TODAY_LAB_FIGURE_MS = 33_000
ZIP_LIMIT = 35e6


# ---------------------------------------------------------------- the report (pure)


def median(values: list) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def summarize(
    rounds: list[dict],
    zip_bytes: float | None = None,
    today_lab_ms: float = TODAY_LAB_FIGURE_MS,
) -> dict:
    """rounds: [{site: {scenario: {key: value}}}] -> medians, ratios and the goals."""
    report: dict = {}
    for site in ("course", "stock"):
        report[site] = {
            scenario: {key: median([r[site][scenario].get(key) for r in rounds]) for key in KEYS}
            for scenario in SCENARIOS
        }
    report["ratios"] = {
        scenario: {
            key: ratio(report["course"][scenario][key], report["stock"][scenario][key])
            for key in KEYS
        }
        for scenario in SCENARIOS
    }
    course, stock = report["course"], report["stock"]
    goals = [
        (
            "cold first NumPy output <= 0.6 x stock",
            ratio(course["cold"]["first_numpy_output_ms"], stock["cold"]["first_numpy_output_ms"]),
            0.6,
        ),
        (
            "warm revisit first NumPy output <= 0.4 x stock's cold",
            ratio(course["warm"]["first_numpy_output_ms"], stock["cold"]["first_numpy_output_ms"]),
            0.4,
        ),
        (
            "throttled first NumPy output <= 0.6 x stock throttled",
            ratio(
                course["throttled"]["first_numpy_output_ms"],
                stock["throttled"]["first_numpy_output_ms"],
            ),
            0.6,
        ),
        (
            "first content <= 4 s after navigation, cold (s)",
            _s(course["cold"]["first_content_ms"]),
            4.0,
        ),
        (
            f"lab figure <= 0.5 x today's ({today_lab_ms / 1000:.1f} s)",
            ratio(course["cold"]["lab_figure_ms"], today_lab_ms),
            0.5,
        ),
        ("offline zip <= 35 MB (MB)", zip_bytes / 1e6 if zip_bytes else None, ZIP_LIMIT / 1e6),
    ]
    report["goals"] = [
        {"goal": name, "value": value, "limit": limit, "met": value is not None and value <= limit}
        for name, value, limit in goals
    ]
    report["rounds"] = rounds
    return report


def _s(ms: float | None) -> float | None:
    return ms / 1000 if ms is not None else None


def _fmt(value: float | None, key: str = "") -> str:
    if value is None:
        return "-"
    if key == "bytes":
        return f"{value / 1e6:.1f} MB"
    if key.endswith("_ms"):
        return f"{value / 1000:.1f} s"
    return f"{value:.2f}"


def table(report: dict) -> str:
    rounds = len(report.get("rounds", []))
    lines = [f"median of {rounds} interleaved round(s)", ""]
    lines.append(f"{'visit':<10}{'key':<24}{'course':>10}{'stock':>10}{'course/stock':>14}")
    for scenario in SCENARIOS:
        for key in KEYS:
            lines.append(
                f"{scenario:<10}{key:<24}"
                f"{_fmt(report['course'][scenario][key], key):>10}"
                f"{_fmt(report['stock'][scenario][key], key):>10}"
                f"{_fmt(report['ratios'][scenario][key]):>14}"
            )
    lines += ["", "goals (issue 14)"]
    for goal in report["goals"]:
        mark = "met" if goal["met"] else "NOT met"
        lines.append(f"  {goal['goal']:<58}{_fmt(goal['value']):>8}  {mark}")
    return "\n".join(lines)


# ---------------------------------------------------------------- the stock site


def stock_pyodide(course_pyodide: Path, dest: Path, cache: Path) -> None:
    """The course's Pyodide folder with every official file put back as Pyodide ships it.

    The kernel's own wheels leave the lock too (stock JupyterLite installs them one by one
    with piplite from the kernel extension's pypi/ folder); mfml stays, as the measured
    notebooks import it."""
    import course_wheels
    import pyodide_dist

    shutil.copytree(course_pyodide, dest)
    official, core = pyodide_dist.read_npm_package(cache)
    for name, data in core.items():
        (dest / name).write_bytes(data)
    lock_path = dest / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text())
    for name in course_wheels.KERNEL:
        entry = lock["packages"].pop(name, None)
        if entry is not None:
            (dest / entry["file_name"]).unlink(missing_ok=True)
    for name, entry in lock["packages"].items():
        original = official["packages"].get(name)
        if original is None or entry["sha256"] == original["sha256"]:
            continue  # mfml, or already the official bytes
        wheel = cache / "wheels" / original["file_name"]
        if not wheel.exists() or pyodide_dist.sha256_of(wheel.read_bytes()) != original["sha256"]:
            raise SystemExit(f"bench: no official copy of {original['file_name']} in {cache}")
        (dest / entry["file_name"]).unlink(missing_ok=True)
        shutil.copyfile(wheel, dest / original["file_name"])
        lock["packages"][name] = original
    lock_path.write_text(json.dumps(lock))


def build_stock_site(site: Path, work: Path) -> Path:
    """Stock JupyterLite: default settings and extensions, official Pyodide files."""
    from build_site import CACHE, FEDERATED_EXTENSIONS, KERNEL_PLUGIN

    lite, out = work / "stock-lite", work / "stock-site"
    shutil.rmtree(lite, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    for db in work.glob(".jupyterlite.doit.db*"):  # its cache skips changed settings
        db.unlink()
    for notebook in (CHAPTER, LAB):
        (lite / "files" / notebook).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(site / "files" / notebook, lite / "files" / notebook)
    stock_pyodide(site / "static" / "pyodide", lite / "static" / "pyodide", CACHE)
    # Two settings differ from the defaults: the same Pyodide version served here (not the
    # CDN), and window.jupyterapp, which the measurement reads.
    kernel = {"pyodideUrl": "./static/pyodide/pyodide.js"}
    config = {"exposeAppInBrowser": True, "litePluginSettings": {KERNEL_PLUGIN: kernel}}
    hook = {"jupyter-lite-schema-version": 0, "jupyter-config-data": config}
    (lite / "jupyter-lite.json").write_text(json.dumps(hook))
    command = [sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(lite)]
    command += ["--output-dir", str(out), "--contents", str(lite / "files")]
    # The course's front-end extensions (the kernel, ipywidgets, bqplot: lab 4 needs them), and
    # nothing else installed here (jupytext's, built for a newer JupyterLab, breaks the page).
    prefix = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    build_config = {
        "ignore_sys_prefix": ["federated_extensions"],
        "federated_extensions": [str(prefix / ext) for ext in FEDERATED_EXTENSIONS],
    }
    config_file = work / "stock_lite_config.json"
    config_file.write_text(json.dumps({"LiteBuildConfig": build_config}))
    command += ["--config", str(config_file)]
    subprocess.run(command, cwd=work, check=True, capture_output=True)
    return out


# ---------------------------------------------------------------- the browser

# Started at navigation: the first output or figure visible in the notebook, and the lab's
# figure drawn (an SVG with marks inside .mfml-lab-figure).
WATCH = """
(() => {
  window.__bench = {firstContent: null, labFigure: null, kernelOutput: null, kernelReady: null};
  const visible = el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const tick = () => {
    const b = window.__bench;
    if (b.firstContent === null) {
      for (const out of document.querySelectorAll('.jp-OutputArea-output')) {
        if (visible(out) && (out.querySelector('img, svg') || out.textContent.trim())) {
          b.firstContent = performance.now(); break;
        }
      }
    }
    if (b.labFigure === null) {
      const fig = document.querySelector('.mfml-lab-figure svg path, .mfml-lab-figure svg rect');
      if (fig && visible(fig)) b.labFigure = performance.now();
    }
    if (b.firstContent === null || b.labFigure === null) setTimeout(tick, 20);
  };
  tick();
})();
"""

OPEN_AND_RUN = """
async (timeoutMs) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const t0 = performance.now();
  let panel = null;
  while (performance.now() - t0 < timeoutMs) {
    const app = window.jupyterapp;
    panel = app && app.shell && app.shell.currentWidget;
    if (panel && panel.sessionContext && panel.content && panel.content.model) break;
    panel = null;
    await sleep(50);
  }
  if (!panel) return {error: 'the notebook view did not open'};
  const b = window.__bench;
  const ctx = panel.sessionContext;
  const idle = () => { if (b.kernelReady === null) b.kernelReady = performance.now(); };
  ctx.statusChanged.connect((_, status) => { if (status === 'idle') idle(); });
  ctx.iopubMessage.connect((_, msg) => {
    const t = msg.header.msg_type;
    const shown = ['execute_result', 'display_data'].includes(t)
      || (t === 'stream' && msg.content.name === 'stdout');
    if (b.kernelOutput === null && shown) b.kernelOutput = performance.now();
  });
  await panel.context.ready;
  await ctx.ready;
  if (ctx.session && ctx.session.kernel && ctx.session.kernel.status === 'idle') idle();
  const run = window.jupyterapp.commands.execute('notebook:run-all-cells');
  while (performance.now() - t0 < timeoutMs) {
    if (b.kernelOutput !== null && b.kernelReady !== null) break;
    await sleep(20);
  }
  return {kernelReady: b.kernelReady, firstOutput: b.kernelOutput, run: !!run};
}
"""

WAIT_LAB_FIGURE = """
async (timeoutMs) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const t0 = performance.now();
  let idleSince = null;
  while (performance.now() - t0 < timeoutMs) {
    if (window.__bench.labFigure !== null) return window.__bench.labFigure;
    const panel = window.jupyterapp.shell.currentWidget;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    const cells = panel.content.model.cells;
    let ran = true;
    for (let i = 0; i < cells.length; i++) {
      const c = cells.get(i);
      if (c.type === 'code' && !c.executionCount) ran = false;
    }
    // everything ran and the kernel is idle, yet no figure: none will come (stock)
    if (ran && kernel && kernel.status === 'idle') {
      idleSince = idleSince === null ? performance.now() : idleSince;
      if (performance.now() - idleSince > 5000) return null;
    } else idleSince = null;
    await sleep(50);
  }
  return null;
}
"""


def visit(context, url: str, stats) -> dict:
    """One visit: the chapter, then lab 4 in the same tab. Times from each navigation."""
    before = (stats.bytes, stats.responses)
    page = context.new_page()
    page.goto(f"{url}notebooks/index.html?path={CHAPTER}", wait_until="commit")
    result = page.evaluate(OPEN_AND_RUN, TIMEOUT_MS)
    if result.get("error"):
        raise RuntimeError(f"{url}{CHAPTER}: {result['error']}")
    content = page.evaluate("() => window.__bench.firstContent")
    if content is None:  # no output shipped and none yet: wait for the kernel's first one
        page.wait_for_function("() => window.__bench.firstContent !== null", timeout=TIMEOUT_MS)
        content = page.evaluate("() => window.__bench.firstContent")
    page.goto(f"{url}notebooks/index.html?path={LAB}", wait_until="commit")
    lab = page.evaluate(OPEN_AND_RUN, TIMEOUT_MS)
    figure = None if lab.get("error") else page.evaluate(WAIT_LAB_FIGURE, TIMEOUT_MS)
    page.wait_for_timeout(300)  # late requests (fonts, the worker's last wheel) settle
    page.close()
    return {
        "first_content_ms": content,
        "kernel_ready_ms": result["kernelReady"],
        "first_numpy_output_ms": result["firstOutput"],
        "lab_figure_ms": figure,
        "bytes": stats.bytes - before[0],
        "requests": stats.responses - before[1],
    }


def new_profile(playwright, path: str, folder: Path, external: list):
    """A fresh browser profile on disk, as a learner's: its HTTP cache is the disk cache (an
    in-memory profile's cache is small and evicts the large wheels). No request routing:
    Playwright's routing turns the HTTP cache off, which would make the warm visit cold.
    Chromium's resolver refuses every host but this machine (CHROMIUM_FLAGS), and any request
    elsewhere is recorded."""
    shutil.rmtree(folder, ignore_errors=True)
    context = playwright.chromium.launch_persistent_context(
        str(folder),
        executable_path=path,
        headless=True,
        args=CHROMIUM_FLAGS,
        viewport={"width": 1280, "height": 800},
    )
    loopback = ("http://127.0.0.1:", "http://localhost:", "data:", "blob:")
    context.on("request", lambda r: r.url.startswith(loopback) or external.append(r.url))
    context.add_init_script(WATCH)
    return context


def measure_site(playwright, path: str, servers: dict, work: Path, external: list) -> dict:
    """cold and warm in one profile; throttled in a fresh one, through the throttled server."""
    plain, throttled = servers["plain"], servers["throttled"]
    out = {}

    def safely(scenario: str, context, server) -> None:
        try:
            out[scenario] = visit(context, server[1], server[0].stats)
        except Exception as exc:  # one failed visit leaves its keys empty, not the whole run
            print(f"[bench] {scenario} visit failed: {exc}", flush=True)
            out[scenario] = {key: None for key in KEYS} | {"error": str(exc)}

    context = new_profile(playwright, path, work / "profile", external)
    try:
        safely("cold", context, plain)
        safely("warm", context, plain)
    finally:
        context.close()
    context = new_profile(playwright, path, work / "profile", external)
    try:
        safely("throttled", context, throttled)
    finally:
        context.close()
    shutil.rmtree(work / "profile", ignore_errors=True)
    return out


CHROMIUM_FLAGS = [
    *chromium.FLAGS,
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


def main(argv: list[str] | None = None) -> int:
    import serve

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_site = Path(os.environ.get("MFML_SITE", ROOT / "build" / "site"))
    parser.add_argument("--site", type=Path, default=default_site)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--out", type=Path, default=None, help="default: bench.json beside the site"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="an earlier bench.json: its course lab_figure_ms is today's",
    )
    args = parser.parse_args(argv)
    site = args.site.resolve()
    if not (site / "index.html").exists():
        print(f"no site at {site}: run `make site` first", file=sys.stderr)
        return 1
    path = chromium.path()
    if path is None:
        print("no Chromium: set $CHROMIUM or install chromium", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    work = site.parent / "bench"
    work.mkdir(parents=True, exist_ok=True)
    print("[bench] building the stock JupyterLite site", flush=True)
    stock = build_stock_site(site, work)
    store = serve.default_store(site)
    if store is None:
        print("[bench] no precompressed store: run scripts/compress.py (make bench does)")
    sites = {"course": (site, store), "stock": (stock, None)}
    servers = {
        name: {
            "plain": serve.start_in_thread(folder, compressed=compressed),
            "throttled": serve.start_in_thread(
                folder, compressed=compressed, throttle=serve.parse_throttle(THROTTLE)
            ),
        }
        for name, (folder, compressed) in sites.items()
    }
    external: list[str] = []
    rounds = []
    try:
        with sync_playwright() as p:
            for number in range(args.rounds):
                order = ("course", "stock") if number % 2 == 0 else ("stock", "course")
                this = {}
                for name in order:
                    start = time.monotonic()
                    this[name] = measure_site(p, path, servers[name], work, external)
                    took = time.monotonic() - start
                    print(f"[bench] round {number + 1}: {name} ({took:.0f} s)", flush=True)
                rounds.append(this)
    finally:
        for pair in servers.values():
            for server, _ in pair.values():
                server.shutdown()

    today = TODAY_LAB_FIGURE_MS
    if args.baseline:
        today = json.loads(args.baseline.read_text())["course"]["cold"]["lab_figure_ms"]
    zip_path = site.parent / "mfml-course.zip"
    zip_bytes = zip_path.stat().st_size if zip_path.exists() else None
    report = summarize(rounds, zip_bytes=zip_bytes, today_lab_ms=today)
    report["external_requests"] = external
    report["setup"] = {
        "chapter": CHAPTER,
        "lab": LAB,
        "throttle": THROTTLE,
        "compressed_store": str(store) if store else None,
    }
    print()
    print(table(report))
    print(f"external requests: {len(external)}")
    out = args.out or site.parent / "bench.json"
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
