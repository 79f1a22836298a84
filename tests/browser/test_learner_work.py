"""Learner work that is never lost, in the real browser: the read-only course notebook, "Make
my copy", an edit that survives a reload, a course update that reaches the course file but
never the copy, "Reset to the course version" with its backup, and "Download my work" /
"Import my work" round-tripped through a fresh browser profile.

No kernel is needed: all of this is the contents (JupyterLite's storage) and the course bar
(scripts/site_assets/notebook.js), so the notebook view is only waited for, not run."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from conftest import ARTIFACTS, Network

COURSE = "chapters/part1/ch01-numbers.ipynb"
COPY = "my-work/" + COURSE
MARK = "# my own note: 0.1 + 0.2 != 0.3"
UPDATE = "# updated by the course team"

WAIT_FOR_VIEW = """
async (path) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  for (let i = 0; i < 1200; i++) {
    const app = window.jupyterapp;
    const panel = app && app.shell && app.shell.currentWidget;
    if (panel && panel.context && panel.context.path === path && window.mfmlWork) {
      await panel.context.ready;
      return true;
    }
    await sleep(50);
  }
  return false;
}
"""

STATE = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const model = panel.context.model;
  const cells = [];
  for (let i = 0; i < model.cells.length; i++) {
    cells.push(model.cells.get(i).sharedModel.getSource());
  }
  return {path: panel.context.path, writable: panel.context.contentsModel.writable,
          meta: model.getMetadata('mfml_copy') || null, cells};
}
"""

EDIT_AND_SAVE = """
async (mark) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.context.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type === 'code') {
      cell.sharedModel.setSource(mark + '\\n' + cell.sharedModel.getSource());
      break;
    }
  }
  await panel.context.save();
}
"""

# what the exercise engine writes from the kernel (base64, as the Pyodide drive does)
PROGRESS = {
    "version": 1,
    "exercises": {
        "1.1": {
            "status": "correct",
            "attempts": 2,
            "hints_used": 1,
            "revealed": False,
            "first": "2026-01-05T10:00:00+00:00",
            "last": "2026-01-05T10:20:00+00:00",
        }
    },
}
SAVE_PROGRESS = """
async (text) => {
  const c = window.jupyterapp.serviceManager.contents;
  await c.save('my-work/progress.json', {type: 'file', format: 'base64', name: 'progress.json',
    content: btoa(text)});
}
"""

LIST_WORK = "async () => await window.mfmlWork.listFiles('my-work')"
READ = """
async (path) => {
  const m = await window.jupyterapp.serviceManager.contents.get(path, {content: true});
  return m.type === 'notebook' ? JSON.stringify(m.content)
       : m.format === 'base64' ? atob(m.content) : String(m.content);
}
"""


def open_view(page, base_url: str, path: str) -> dict:
    page.goto(f"{base_url}notebooks/index.html?path={path}")
    assert page.evaluate(WAIT_FOR_VIEW, path), f"{path}: the notebook view did not open"
    return page.evaluate(STATE)


def sources(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"]]  # a str or a list of str


def test_copy_update_reset_download_import(page, context, browser, base_url, site, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())  # "Replace your copy...?" and the like
    version = json.loads((site / "course.json").read_text())["version"]
    course_nb = json.loads((site / "files" / COURSE).read_text())

    # 1. the course notebook is read-only, and says so
    state = open_view(page, base_url, COURSE)
    assert state["writable"] is False
    assert page.get_by_text("notebook is read-only").first.is_visible()
    assert page.locator("#mfml-storage-banner").count() == 0  # a top-level page keeps work
    page.screenshot(path=str(_artifact("learner-course-notebook.png")))

    # 2. make my copy: it opens, is writable, records where and what it came from
    page.click("#mfml-make-copy")
    page.wait_for_url(f"**path={COPY}")
    state = open_view(page, base_url, COPY)
    assert state["writable"] is True
    assert state["meta"]["source"] == COURSE and state["meta"]["course_version"] == version
    assert state["cells"] == sources(course_nb)
    page.wait_for_selector("#mfml-reset")

    # 3. an edit, saved, survives a reload; "Make my copy" again opens it, never overwrites
    page.evaluate(EDIT_AND_SAVE, MARK)
    state = open_view(page, base_url, COPY)
    assert any(MARK in cell for cell in state["cells"])
    open_view(page, base_url, COURSE)
    page.click("#mfml-make-copy")
    page.wait_for_url(f"**path={COPY}")
    state = open_view(page, base_url, COPY)
    assert any(MARK in cell for cell in state["cells"]), "the copy was overwritten"

    # 4. a course update (a new build: new version, the chapter's text changed) reaches the
    #    course notebook but not the copy, and the copy says it is from an older version
    updated = json.loads(json.dumps(course_nb))
    first_code = next(c for c in updated["cells"] if c["cell_type"] == "code")
    first_code["source"] = UPDATE + "\n" + "".join(first_code["source"])
    new_course = {**json.loads((site / "course.json").read_text()), "version": "next-release"}
    context.route(
        f"{base_url}files/{COURSE}*",
        lambda route: route.fulfill(content_type="application/json", body=json.dumps(updated)),
    )
    context.route(
        f"{base_url}course.json*",
        lambda route: route.fulfill(content_type="application/json", body=json.dumps(new_course)),
    )
    state = open_view(page, base_url, COPY)
    assert any(MARK in cell for cell in state["cells"]) and not any(
        UPDATE in cell for cell in state["cells"]
    ), "a course update changed the learner's copy"
    banner = page.locator("#mfml-update-banner")
    banner.wait_for()
    assert "made from an older version of the course" in banner.inner_text()
    beside = banner.get_by_role("link", name="Open the new version beside it")
    assert beside.get_attribute("target") == "_blank" and COURSE in beside.get_attribute("href")
    page.screenshot(path=str(_artifact("learner-copy-update.png")))

    # 5. reset: a backup with the learner's edit first, then the copy is the course version
    banner.get_by_role("button", name="Reset to the course version").click()
    message = page.locator("#mfml-message")
    message.wait_for()
    assert "my-work/backups/ch01-numbers-" in message.inner_text()
    state = page.evaluate(STATE)
    assert state["cells"] == sources(updated)
    assert state["meta"]["course_version"] == "next-release"
    assert page.locator("#mfml-update-banner").count() == 0
    files = page.evaluate(LIST_WORK)
    backups = [f for f in files if f.startswith("my-work/backups/")]
    assert len(backups) == 1 and backups[0].endswith(".ipynb"), files
    assert MARK in page.evaluate(READ, backups[0])
    state = open_view(page, base_url, COPY)  # and it stays reset after a reload
    assert state["cells"] == sources(updated)

    # 6. download my work: one zip of everything under my-work/, progress included
    page.evaluate(SAVE_PROGRESS, json.dumps(PROGRESS))
    with page.expect_download() as download:
        page.click("#mfml-download")
    zip_path = tmp_path / download.value.suggested_filename
    download.value.save_as(zip_path)
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.testzip() is None
        names = sorted(archive.namelist())
        assert names == sorted([COPY, backups[0], "my-work/progress.json"]), names
        assert sources(json.loads(archive.read(COPY))) == sources(updated)
        assert MARK in archive.read(backups[0]).decode()
        assert json.loads(archive.read("my-work/progress.json")) == PROGRESS
        entries = {name: archive.read(name) for name in names}

    # 7. import it into a fresh browser profile: the files are there, then never overwritten
    network = Network()
    fresh = browser.new_context(viewport={"width": 1280, "height": 800})
    fresh.route("**/*", network.route)
    try:
        other = fresh.new_page()
        open_view(other, base_url, COURSE)
        assert other.evaluate(LIST_WORK) == []
        with other.expect_file_chooser() as chooser:
            other.click("#mfml-import")
        chooser.value.set_files(str(zip_path))
        other.locator("#mfml-message", has_text="Imported").wait_for()
        assert sorted(other.evaluate(LIST_WORK)) == names
        assert sources(json.loads(other.evaluate(READ, COPY))) == sources(updated)
        assert json.loads(other.evaluate(READ, "my-work/progress.json")) == PROGRESS

        # the same work again, compressed (DEFLATE), with the copy changed elsewhere and more
        # progress: the learner's copy is kept, the import lands beside it, progress merges
        elsewhere = json.loads(entries[COPY])
        elsewhere["cells"][0]["source"] = "# edited on another computer\n"
        more = json.loads(json.dumps(PROGRESS))
        more["exercises"]["1.2"] = {**PROGRESS["exercises"]["1.1"], "status": "attempted"}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(COPY, json.dumps(elsewhere))
            archive.writestr(backups[0], entries[backups[0]])
            archive.writestr("my-work/progress.json", json.dumps(more))
        second = tmp_path / "from-another-computer.zip"
        second.write_bytes(buffer.getvalue())
        with other.expect_file_chooser() as chooser:
            other.click("#mfml-import")
        chooser.value.set_files(str(second))
        message = other.locator("#mfml-message", has_text="from-another-computer.zip")
        message.wait_for()
        text = message.inner_text()
        beside = COPY.replace(".ipynb", "-imported.ipynb")
        assert beside in text and "progress merged" in text, text
        assert sources(json.loads(other.evaluate(READ, COPY))) == sources(updated)
        assert json.loads(other.evaluate(READ, beside))["cells"][0]["source"].startswith(
            "# edited on another computer"
        )
        progress = json.loads(other.evaluate(READ, "my-work/progress.json"))
        assert set(progress["exercises"]) == {"1.1", "1.2"}
        assert progress["exercises"]["1.1"]["status"] == "correct"
        other.set_viewport_size({"width": 390, "height": 844})
        other.screenshot(path=str(_artifact("learner-import-phone.png")))
    finally:
        fresh.close()
    assert not network.external, f"requests left the machine: {network.external[:10]}"


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
