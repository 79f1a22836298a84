"""Each lab in the real browser: it runs, dragging its primary slider changes the
figure, nothing errors, and the update time is measured against the 200 ms budget."""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path

import pytest
from conftest import SITE
from notebook import open_notebook, run_all

ROOT = Path(__file__).resolve().parents[2]
# MFML_TIMINGS moves the timings out of the integrator's build (scratch runs on one's own site)
TIMINGS = Path(os.environ.get("MFML_TIMINGS", ROOT / "build" / "test-artifacts" / "lab-updates"))
BUDGET_MS = 200
MOVES = 5

WATCH_FIGURE = """
() => {
  const figure = document.querySelector('.mfml-lab-figure');
  if (!figure) throw new Error('no .mfml-lab-figure on the page');
  const before = figure.innerHTML;
  window.__figureChanged = new Promise(resolve => {
    const t0 = performance.now();
    const observer = new MutationObserver(() => {
      if (figure.innerHTML !== before) { observer.disconnect(); resolve(performance.now() - t0); }
    });
    const what = {subtree: true, attributes: true, childList: true, characterData: true};
    observer.observe(figure, what);
    setTimeout(() => { observer.disconnect(); resolve(null); }, 15000);
  });
}
"""


def labs() -> list[str]:
    return sorted(
        p.relative_to(SITE / "files").as_posix()
        for p in (SITE / "files" / "labs").glob("lab*.ipynb")
    )


@pytest.mark.browser
@pytest.mark.parametrize("path", labs())
def test_lab_responds_to_its_primary_control(page, base_url, path):
    open_notebook(page, base_url, path)
    run = run_all(page, path)
    assert not run.problems, "\n".join(run.problems)

    handle = page.locator(".mfml-lab-primary .noUi-handle").first
    handle.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    passes = "() => window.mfmlA11y.stats.applied"
    passes_before = page.evaluate(passes)
    times = []
    for step in range(MOVES):
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        direction = 1 if step % 2 == 0 else -1
        page.evaluate(WATCH_FIGURE)
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + direction * 12, y, steps=2)
        page.mouse.up()
        elapsed = page.evaluate("() => window.__figureChanged")
        assert elapsed is not None, f"{path}: the figure did not change when the slider moved"
        times.append(elapsed)
        page.wait_for_timeout(300)  # let the kernel settle so moves do not queue

    # a11y.js's whole-page pass (13-18 ms on lab 7's page) no longer follows every update
    # (it did about three times per move: kernel Busy/Ready, the figure, the status)
    assert page.evaluate(passes) - passes_before <= 1, f"{path}: a11y.js re-ran on lab updates"

    status = page.locator(".mfml-lab").first.inner_text()
    assert "Traceback" not in status and "Error" not in status, status
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, f"{path}: stderr after interaction: {errors.first.inner_text()}"

    TIMINGS.mkdir(parents=True, exist_ok=True)
    median = statistics.median(times)
    (TIMINGS / f"{Path(path).stem}.json").write_text(
        json.dumps({"lab": path, "update_ms": times, "median_ms": median, "budget_ms": BUDGET_MS})
        + "\n"
    )
    print(f"{path}: figure update median {median:.0f} ms over {MOVES} slider moves")
    assert median <= BUDGET_MS, f"{path}: median update {median:.0f} ms > {BUDGET_MS} ms"


PHONE = {"width": 390, "height": 844}
FIGURE_SHAPES = """
() => [...document.querySelectorAll('.mfml-lab-figures > .bqplot')].map(f => {
  const r = f.getBoundingClientRect();
  const area = f.querySelector('.plotarea_background, rect.plotarea_events');
  const a = area ? area.getBoundingClientRect() : {height: 0};
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
          height: r.height, ratio: parseFloat(f.style.width) / parseFloat(f.style.height),
          plotHeight: a.height};
})
"""


@pytest.mark.browser
def test_lab_figures_stack_and_keep_their_shape_on_a_phone(page, base_url):
    """Lab 7 at 390x844: its three figures one under another, each as wide as the output
    and as tall as its shape says (the strip was squashed to a 65 px plot, the square
    figures left a gap under them); a11y.js/css do it for every lab."""
    path = "labs/lab07-pca.ipynb"
    page.set_viewport_size(PHONE)
    open_notebook(page, base_url, path)
    run = run_all(page, path)
    assert not run.problems, "\n".join(run.problems)
    strip = page.locator(".mfml-lab-figures > .bqplot").nth(2)
    strip.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # bqplot redraws to the box it was given, once in view
    figures = page.evaluate(FIGURE_SHAPES)
    assert len(figures) == 3, figures
    for before, after in zip(figures, figures[1:], strict=False):
        assert after["top"] >= before["bottom"] - 1, figures  # stacked, not overlapping
    for f in figures:
        assert f["left"] >= 0 and f["right"] <= PHONE["width"], f
        assert f["width"] / f["height"] == pytest.approx(f["ratio"], rel=0.02), f
    assert figures[2]["plotHeight"] >= 80, figures[2]  # the strip's plot is not squashed

    # a figure or a slider that arrives inside a lab after a11y.js's pass (widgets render one
    # by one) is shaped and named too: re-add the strip without its aspect and a slider
    # without its handle's name, as a late render would
    page.evaluate(ARRIVE_LATE)
    page.wait_for_timeout(1000)  # the pass runs 150 ms after the mutation
    late = page.evaluate(LATE_STATE)
    assert late["aspect"] == "440 / 220" and late["handle"], late


ARRIVE_LATE = """
() => {
  const strip = document.querySelectorAll('.mfml-lab-figures > .bqplot')[2];
  strip.style.removeProperty('--mfml-aspect');
  strip.parentElement.insertBefore(strip, strip.nextSibling);  // out and back in
  const slider = document.querySelector('.mfml-lab .widget-slider');
  slider.querySelector('.noUi-handle').removeAttribute('aria-label');
  slider.parentElement.insertBefore(slider, slider.nextSibling);
}
"""
LATE_STATE = """
() => ({
  aspect: document.querySelectorAll('.mfml-lab-figures > .bqplot')[2]
    .style.getPropertyValue('--mfml-aspect').trim(),
  handle: document.querySelector('.mfml-lab .widget-slider .noUi-handle')
    .getAttribute('aria-label'),
})
"""
