"""The course reads like a book, in the real browser: the course bar says where the learner is
(week, part, chapter; a lab; an exercise set), the tab is named after the chapter, Previous /
Next / Exercises / Lab links and Markdown links between course notebooks open in the SAME tab,
and the bar says in words what Python is doing ("Starting Python...", "Ready", "Busy") beside a
"Run all" button (scripts/site_assets/notebook.js, reading build/site/course.json)."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest
from conftest import ARTIFACTS

CH08 = "chapters/part3/ch08-vectors.ipynb"
CH09 = "chapters/part3/ch09-dot-products.ipynb"
LAB02 = "labs/lab02-vector-playground.ipynb"
EX08 = "exercises/ch08-exercises.ipynb"
START = "chapters/start-here.ipynb"

WAIT_FOR_VIEW = """
async (path) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  for (let i = 0; i < 1200; i++) {
    const app = window.jupyterapp;
    const panel = app && app.shell && app.shell.currentWidget;
    if (panel && panel.context && panel.context.path === path && window.mfmlBook) {
      await panel.context.ready;
      return true;
    }
    await sleep(50);
  }
  return false;
}
"""

# Bring the (windowed, so perhaps not yet rendered) Markdown cell holding a link into view.
SHOW_LINK = """
async (target) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const cells = notebook.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type === 'markdown' && cell.sharedModel.getSource().includes(target)) {
      notebook.activeCellIndex = i;
      await notebook.scrollToItem(i, 'center');
      for (let k = 0; k < 100; k++) {
        const widget = notebook.widgets[i];
        if (widget && widget.rendered !== false && widget.node.querySelector('a[href]')) {
          return i;
        }
        await sleep(50);
      }
      return -1;
    }
  }
  return -2;
}
"""

# Every state the kernel line shows from now on, in order (a MutationObserver, so none is missed).
RECORD_STATES = """
() => {
  const node = document.getElementById('mfml-kernel');
  window.__kernelStates = [node.getAttribute('data-state')];
  new MutationObserver(() => {
    const s = node.getAttribute('data-state'), seen = window.__kernelStates;
    if (seen[seen.length - 1] !== s) seen.push(s);
  }).observe(node, {attributes: true, childList: true, characterData: true, subtree: true});
}
"""

# Elements of the course bar that leave the viewport, the bar's bottom and the shell's top.
BAR_BOXES = """
() => {
  const width = document.documentElement.clientWidth, outside = [];
  document.querySelectorAll('#mfml-bar *').forEach(node => {
    const r = node.getBoundingClientRect();
    const out = r.left < -0.5 || r.right > width + 0.5;
    if (r.width && out) outside.push(node.id || node.className);
  });
  return {outside, bar: document.getElementById('mfml-bar').getBoundingClientRect().bottom,
          main: document.getElementById('main').getBoundingClientRect().top};
}
"""

CODE_COUNTS = """
() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  const counts = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type === 'code') counts.push(cell.executionCount);
  }
  return counts;
}
"""


def open_view(page, base_url: str, path: str) -> None:
    page.goto(f"{base_url}notebooks/index.html?path={path}")
    assert page.evaluate(WAIT_FOR_VIEW, path), f"{path}: the notebook view did not open"


def path_of(page) -> str:
    return unquote(page.url.split("path=", 1)[1].split("#")[0])


def wait_ready(page, timeout_s: float = 240) -> None:
    status = page.locator("#mfml-kernel")
    status.and_(page.locator("[data-state=ready]")).wait_for(timeout=timeout_s * 1000)
    assert status.inner_text() == "Ready"


def artifact(name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / name)


@pytest.fixture(scope="module")
def course(site) -> dict:
    return json.loads((site / "course.json").read_text())


def test_chapter_says_where_and_next_opens_in_the_same_tab(page, context, base_url, course):
    open_view(page, base_url, CH08)
    status = page.locator("#mfml-kernel")
    assert status.get_attribute("role") == "status"
    # before Python is ready the learner is told what is happening and how long it takes
    assert status.get_attribute("data-state") in ("starting", "ready")
    where = page.locator("#mfml-location")
    where.get_by_text("Week 3 · Part 3 · Chapter 8 of 20").wait_for()
    assert "Vectors" in where.inner_text()
    assert "Vectors" in page.title() and "Chapter 8" in page.title()
    assert "Chapter 9" in page.locator("#mfml-next").get_attribute("aria-label")
    assert "Chapter 7" in page.locator("#mfml-prev").get_attribute("aria-label")
    assert page.locator("#mfml-exercises").get_attribute("href").endswith(f"path={EX08}")
    labs = page.locator("#mfml-book a[data-kind=lab]")
    assert labs.all_inner_texts() == ["Lab 2", "Lab 3"]
    wait_ready(page)
    page.screenshot(path=artifact("navigation-ch08-desktop.png"))
    # on a phone the bar wraps: nothing in it leaves the screen, and the notebook starts below it
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(500)
    boxes = page.evaluate(BAR_BOXES)
    assert not boxes["outside"], boxes
    assert boxes["main"] >= boxes["bar"] - 1, boxes
    page.screenshot(path=artifact("navigation-ch08-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 800})

    page.click("#mfml-next")
    page.wait_for_url(f"**path={CH09}")
    assert len(context.pages) == 1, "Next opened another tab"
    assert page.evaluate(WAIT_FOR_VIEW, CH09)
    page.locator("#mfml-location").get_by_text("Chapter 9 of 20").wait_for()
    assert "Dot products" in page.title() or "Chapter 9" in page.title()
    page.click("#mfml-prev")
    page.wait_for_url(f"**path={CH08}")
    assert len(context.pages) == 1


def test_markdown_link_to_a_lab_opens_in_the_same_tab(page, context, base_url):
    open_view(page, base_url, CH08)
    index = page.evaluate(SHOW_LINK, "lab02-vector-playground.ipynb")
    assert index >= 0, f"the chapter's link to lab 2 was not rendered ({index})"
    link = page.locator(".jp-RenderedMarkdown a[href*='lab02-vector-playground']").first
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_url("**path=labs/lab02-vector-playground.ipynb*")
    assert len(context.pages) == 1, "the Markdown link opened another tab"
    assert page.evaluate(WAIT_FOR_VIEW, LAB02)
    where = page.locator("#mfml-location")
    where.get_by_text("Lab 2 of").wait_for()
    assert "Vector playground" in where.inner_text()
    assert "Lab 2" in page.title()
    chapters = page.locator("#mfml-book a[data-kind=chapter]")
    assert chapters.all_inner_texts() == ["Chapter 8", "Chapter 9"]
    chapters.first.click()
    page.wait_for_url(f"**path={CH08}")
    assert len(context.pages) == 1


def test_a_copys_link_opens_the_course_notebook_it_has_no_copy_of(page, context, base_url):
    open_view(page, base_url, CH08)
    page.click("#mfml-make-copy")
    page.wait_for_url(f"**path=my-work/{CH08}")
    assert page.evaluate(WAIT_FOR_VIEW, f"my-work/{CH08}")
    page.locator("#mfml-location").get_by_text("Chapter 8 of 20").wait_for()
    assert "my copy" in page.title()
    assert page.evaluate(SHOW_LINK, "lab02-vector-playground.ipynb") >= 0
    page.locator(".jp-RenderedMarkdown a[href*='lab02-vector-playground']").first.click()
    page.wait_for_url(f"**path={LAB02}*")  # the course lab, not a missing my-work/labs/...
    assert len(context.pages) == 1


def test_exercise_set_links_back_to_its_chapter(page, base_url):
    open_view(page, base_url, EX08)
    where = page.locator("#mfml-location")
    where.get_by_text("Exercises for chapter 8").wait_for()
    assert "Chapter 8" in page.title() or "chapter 8" in page.title()
    back = page.locator("#mfml-book a[data-kind=chapter]")
    assert back.get_attribute("href").endswith(f"path={CH08}")
    assert page.locator("#mfml-next").get_attribute("href").endswith(f"path={CH09}")


def test_reading_order(page, base_url, course):
    """Start here -> chapter 1 -> ... -> chapter 20 -> the capstone; a copy sits where its
    course notebook does."""
    open_view(page, base_url, START)
    page.evaluate("async () => { await window.mfmlBook.courseData(); }")
    locate = "path => window.mfmlBook.locate(path)"
    start = page.evaluate(locate, START)
    assert start["next"]["path"] == course["chapters"][0]["path"]
    first = page.evaluate(locate, course["chapters"][0]["path"])
    assert first["prev"]["path"] == START
    last = page.evaluate(locate, course["chapters"][-1]["path"])
    if course.get("capstone"):
        assert last["next"]["path"] == course["capstone"]["notebooks"][0]["path"]
    else:
        assert last["next"] is None
    for before, after in zip(course["chapters"], course["chapters"][1:], strict=False):
        assert page.evaluate(locate, before["path"])["next"]["path"] == after["path"]
    copy = page.evaluate(locate, "my-work/" + CH08)
    assert copy["label"] == "Vectors" and copy["title"].endswith("(my copy)")
    lab = page.evaluate(locate, course["labs"][-1]["path"])
    assert lab["next"] is None and lab["prev"]["path"] == course["labs"][-2]["path"]


def test_kernel_state_in_words_and_run_all(page, base_url):
    open_view(page, base_url, START)
    page.evaluate(RECORD_STATES)
    wait_ready(page)
    # the build ships outputs; cleared, the counts show whether Run all ran every cell
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    counts = page.evaluate(CODE_COUNTS)
    assert counts and all(c is None for c in counts)
    page.click("#mfml-run-all")
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.model.cells.length > 0 && "
        "[...Array(window.jupyterapp.shell.currentWidget.content.model.cells.length).keys()]"
        ".map(i => window.jupyterapp.shell.currentWidget.content.model.cells.get(i))"
        ".filter(c => c.type === 'code').every(c => c.executionCount !== null)",
        timeout=240_000,
    )
    wait_ready(page)
    states = page.evaluate("() => window.__kernelStates")
    assert "busy" in states and states[-1] == "ready", states
    counts = page.evaluate(CODE_COUNTS)
    assert counts == sorted(counts) and None not in counts
    # "Next" on Start here is chapter 1, and a notebook that has run still leaves at once
    assert "Chapter 1" in page.locator("#mfml-next").get_attribute("aria-label")
    page.click("#mfml-next")
    page.wait_for_url("**path=chapters/part1/ch01-*")


def test_stopped_python_says_so_and_restarts(page, base_url):
    open_view(page, base_url, START)
    wait_ready(page)
    page.evaluate(
        "async () => { await window.jupyterapp.shell.currentWidget.sessionContext"
        ".session.kernel.shutdown(); }"
    )
    status = page.locator("#mfml-kernel")
    status.and_(page.locator("[data-state=stopped]")).wait_for(timeout=30_000)
    assert status.inner_text() == "Python stopped: restart"
    page.click("#mfml-restart")
    wait_ready(page)
    assert page.locator("#mfml-restart").is_hidden()
