"""The capstone in the real browser kernel (Pyodide: no SciPy, 32-bit default int, another
LAPACK): the notebooks run (test_notebooks.py runs them all); NIST's Longley coefficients
are reproduced to 9 or more digits (the notebook asserts it; the counts are written to
build/test-artifacts/ for the record); the research report exports to one HTML file in the
learner's storage, with its figure and table once saved, and the notebook's Download link
delivers that file; a capstone task checked in the kernel shows as capstone progress on the
home page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ARTIFACTS
from notebook import KERNEL_STDOUT, open_notebook, run_all, run_in_open_kernel

CAPSTONE = "chapters/capstone"
REPORT = f"{CAPSTONE}/c5-report.ipynb"
SECTIONS = ["question", "method", "results", "figure", "limitations"]

READ = """
async (path) => {
  const m = await window.jupyterapp.serviceManager.contents.get(path, {content: true});
  return {type: m.type, format: m.format,
          text: m.format === 'base64' ? new TextDecoder().decode(
                  Uint8Array.from(atob(m.content), c => c.charCodeAt(0))) : String(m.content)};
}
"""

SAVE_OPEN_NOTEBOOK = """
async (path) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  const c = app.serviceManager.contents;
  const parts = path.split('/');
  let dir = '';
  for (const part of parts.slice(0, -1)) {          // make the folders, as notebook.js does
    const next = dir ? dir + '/' + part : part;
    try { await c.get(next, {content: false}); }
    catch (e) { const made = await c.newUntitled({path: dir, type: 'directory'});
                await c.rename(made.path, next); }
    dir = next;
  }
  await c.save(path, {type: 'notebook', format: 'json', content: panel.content.model.toJSON()});
  return true;
}
"""


def kernel(page, code: str) -> str:
    out = page.evaluate(KERNEL_STDOUT, code)
    assert "ERROR" not in out, out
    return out


def headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="([^"]+)"', html)


@pytest.mark.browser
def test_longley_is_reproduced_to_nine_digits_in_the_browser(shared_kernel):
    path = f"{CAPSTONE}/c4-longley.ipynb"
    page = shared_kernel.ready_page()
    run = run_in_open_kernel(page, path, timeout_s=400)
    assert not run.problems, "\n".join(run.problems)  # the notebook asserts >= 9 digits
    out = kernel(
        page,
        "import json, sys\n"
        "print(json.dumps({'platform': sys.platform, 'numpy': np.__version__,\n"
        "    'default_int_bytes': np.dtype(int).itemsize,\n"
        "    'kappa_raw': float(kappa_raw), 'kappa_scaled': float(kappa_scaled),\n"
        "    'kappa_centred': float(kappa_centred),\n"
        "    'digits': {k: [round(float(v), 2) for v in d] for k, d in digits.items()},\n"
        "    'sd_digits': [round(float(v), 2) for v in digits_sd],\n"
        "    'r2_digits': round(float(digits_r2), 2),\n"
        "    'sigma_digits': round(float(digits_sigma), 2)}))",
    )
    result = json.loads(out.strip().splitlines()[-1])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "capstone-browser-longley.json").write_text(json.dumps(result, indent=1))
    assert result["platform"] == "emscripten" and result["default_int_bytes"] == 4
    assert min(result["digits"]["yours (QR)"]) >= 9 and min(result["digits"]["lstsq (SVD)"]) >= 9
    assert min(result["digits"]["inv(XtX) Xty"]) < 9
    assert min(result["sd_digits"]) >= 9 and result["r2_digits"] >= 9


@pytest.mark.browser
def test_the_report_exports_to_html_in_the_browser(page, base_url, tmp_path):
    open_notebook(page, base_url, REPORT)
    run = run_all(page, REPORT, timeout_s=300)
    assert not run.problems, "\n".join(run.problems)

    # the export cell wrote the file next to the notebook, in the learner's storage
    stored = page.evaluate(READ, f"{CAPSTONE}/capstone-report.html")
    assert stored["type"] == "file"
    assert headings(stored["text"]) == SECTIONS
    assert not re.search(r'(?:src|href)="https?:', stored["text"]), "the report loads a URL"

    # and offered it for download: the link delivers the same file
    link = page.locator('a[download="capstone-report.html"]')
    assert link.count() == 1
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "capstone-report.html"
    downloaded = Path(download.value.path()).read_text(encoding="utf-8")
    assert downloaded == stored["text"]

    # a learner's saved copy, with its outputs, exports its figure and table too
    copy = "my-work/report-check/c5-report.ipynb"
    assert page.evaluate(SAVE_OPEN_NOTEBOOK, copy)
    kernel(
        page,
        "from mfml.report import export_html\n"
        f"export_html('/drive/{copy}', '/drive/my-work/report-check/report.html',\n"
        "            show_link=False)\n"
        "print('exported')",
    )
    full = page.evaluate(READ, "my-work/report-check/report.html")["text"]
    assert headings(full) == SECTIONS
    assert full.count("data:image/png;base64,") == 1 and "<table>" in full
    assert "How to use this template" not in full
    (tmp_path / "report.html").write_text(full, encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "capstone-browser-report.html").write_text(full, encoding="utf-8")


@pytest.mark.browser
def test_a_capstone_task_counts_on_the_home_page(shared_kernel, base_url, site):
    data = json.loads((site / "course.json").read_text())
    cap = data["capstone"]
    assert cap and cap["exercises_path"] == "exercises/capstone-exercises.ipynb"
    out = kernel(
        shared_kernel.ready_page(),
        "import os\nos.chdir('/drive/exercises')\n"
        "import mfml\nimport numpy as np\nfrom mfml.exercises import ex\n"
        "def least_squares(X, y):\n    return np.linalg.lstsq(X, y, rcond=None)[0]\n"
        'ex("C.3").check(least_squares)\nprint(ex("C.3").progress()["status"])',
    )
    assert out.strip().endswith("correct"), out

    page = shared_kernel.context.new_page()  # the same browser profile, so the same storage
    page.goto(base_url)
    page.wait_for_function("() => document.body.dataset.progress === 'ready'")
    pct = page.locator('[data-chapter-progress="C"]').first.inner_text().strip()
    assert pct == f"{round(100 / len(cap['exercises']))}%"
    assert page.locator('[data-chapter-done="C"]').first.inner_text().strip() == "1"
    week = page.locator(f'[data-week-progress="{cap["week"]}"]').first.inner_text().strip()
    assert week != "0%"
    section = page.locator("#capstone").inner_text()
    assert "coming" not in section and cap["title"] in section
    hrefs = page.eval_on_selector_all("#capstone a[href]", "ns => ns.map(n => n.href)")
    paths = {re.sub(r".*\?path=", "", h).replace("%2F", "/") for h in hrefs if "?path=" in h}
    assert {nb["path"] for nb in cap["notebooks"]} | {cap["exercises_path"]} <= paths
    missing = [p for p in paths if not (site / "files" / p).is_file()]
    assert not missing, missing
    page.close()
