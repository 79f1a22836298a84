"""Learner work that is never lost, in the real browser: the read-only course notebook, "Make
my copy", an edit that survives a reload, "Open my copy (saved ...)" once a copy exists, a
course update that reaches the course file but never the copy, "Reset to the course version"
with its backup (a link), and "Download my work" / "Import my work" round-tripped through a
fresh browser profile. Then: Ctrl+S on a course notebook offers the copy, and copies are
written and saved without widget views, so a reopened copy never says "Loading widget...".

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
ACTIVITY = "my-work/activity.json"  # what the learner opened and ran (the course bar writes it)
OTHER = "chapters/part1/ch02-sets-logic.ipynb"

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
    missing = []  # ux review 21: the notebook page links its favicon, so no 404 for it
    page.on(
        "response",
        lambda r: missing.append(r.url) if "favicon" in r.url and r.status >= 400 else None,
    )

    # 1. the course notebook is read-only, and says so once: in the course bar (JupyterLab's
    #    own pill and trust button are hidden, ux review defect 21)
    state = open_view(page, base_url, COURSE)
    assert state["writable"] is False
    assert page.locator("#mfml-nav .mfml-tag").inner_text() == "Course notebook, read-only"
    assert not page.get_by_text("notebook is read-only").first.is_visible()
    assert page.locator(".jp-NotebookTrustedStatus").filter(visible=True).count() == 0
    assert page.locator("#mfml-storage-banner").count() == 0  # a top-level page keeps work
    page.screenshot(path=str(_artifact("learner-course-notebook.png")))
    assert not missing, missing

    # 2. make my copy: it opens, is writable, records where and what it came from
    page.click("#mfml-make-copy")
    page.wait_for_url(f"**path={COPY}", timeout=90_000)
    state = open_view(page, base_url, COPY)
    assert state["writable"] is True
    assert state["meta"]["source"] == COURSE and state["meta"]["course_version"] == version
    assert state["cells"] == sources(course_nb)
    page.wait_for_selector("#mfml-reset")

    # 3. an edit, saved, survives a reload; the course notebook now says "Open my copy (saved
    #    ...)", which opens it and never overwrites it
    page.evaluate(EDIT_AND_SAVE, MARK)
    state = open_view(page, base_url, COPY)
    assert any(MARK in cell for cell in state["cells"])
    open_view(page, base_url, COURSE)
    opener = page.locator("#mfml-open-copy")
    opener.wait_for()
    assert opener.get_attribute("aria-label").startswith("Open my copy (saved today ")
    assert page.locator("#mfml-make-copy").count() == 0
    opener.click()
    page.wait_for_url(f"**path={COPY}", timeout=90_000)
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
    backup_link = message.locator("#mfml-backup-link")  # the backup is a link that opens it
    assert "path=my-work/backups/ch01-numbers-" in backup_link.get_attribute("href")
    state = page.evaluate(STATE)
    assert state["cells"] == sources(updated)
    assert state["meta"]["course_version"] == "next-release"
    assert page.locator("#mfml-update-banner").count() == 0
    files = page.evaluate(LIST_WORK)
    backups = [f for f in files if f.startswith("my-work/backups/")]
    assert len(backups) == 1 and backups[0].endswith(".ipynb"), files
    assert backup_link.inner_text() == backups[0]
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
        # (and my-work/activity.json, once the course bar has recorded an opened notebook)
        names = sorted(n for n in archive.namelist() if n != ACTIVITY)
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
        assert [f for f in other.evaluate(LIST_WORK) if f != ACTIVITY] == []
        with other.expect_file_chooser() as chooser:
            other.click("#mfml-import")
        chooser.value.set_files(str(zip_path))
        other.locator("#mfml-message", has_text="Imported").wait_for(timeout=90_000)
        assert sorted(f for f in other.evaluate(LIST_WORK) if f != ACTIVITY) == names
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
        message.wait_for(timeout=90_000)
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
        check_activity_rules(other, tmp_path)
        other.set_viewport_size({"width": 390, "height": 844})
        # ux review 23: on a phone the bar's buttons still say what they download and import
        assert other.inner_text("#mfml-download") == "Download work"
        assert other.inner_text("#mfml-import") == "Import work"
        other.screenshot(path=str(_artifact("learner-import-phone.png")))
    finally:
        fresh.close()
    assert not network.external, f"requests left the machine: {network.external[:10]}"


SAVE_TEXT = """
async ([path, text]) => {
  await window.jupyterapp.serviceManager.contents.save(path, {type: 'file', format: 'text',
    name: path.split('/').pop(), content: text});
}
"""

# Another tab (the home page's Import) writes activity.json between the course bar's read and
# its write: the first look at the file's date (get without content) lets that write land.
RACE = """
async (landing) => {
  const c = window.jupyterapp.serviceManager.contents, get = c.get;
  let raced = false;
  c.get = async function (path, options) {
    if (!raced && path === 'my-work/activity.json' && options && options.content === false) {
      raced = true;
      await c.save(path, {type: 'file', format: 'text', name: 'activity.json', content: landing});
    }
    return get.apply(this, arguments);
  };
  try {
    const record = await window.mfmlWork.recordActivity('labs/lab01-function-transformer.ipynb',
      (r, now) => { r.first = r.first || now; r.last = now; r.opens += 1; });
    return {record, raced};
  } finally { c.get = get; }
}
"""


def check_activity_rules(page, tmp_path: Path) -> None:
    """my-work/activity.json: an imported one whose dates would win every merge for ever is
    refused; a stored one is read leniently ("notebooks": null, a "__proto__" key, 1e21 opens,
    a bad date); a write by another tab between the bar's read and write is kept."""
    # not the notebook open in this page: the bar records that one itself, at any moment
    good = {"first": "2026-01-01T00:00:00Z", "last": "2026-01-02T00:00:00Z", "opens": 2}
    page.evaluate(SAVE_TEXT, [ACTIVITY, json.dumps({"version": 1, "notebooks": {OTHER: good}})])
    bad = {"version": 1, "notebooks": {OTHER: {**good, "last": "9999"}}}
    zipped = tmp_path / "bad-activity.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr(ACTIVITY, json.dumps(bad))
    with page.expect_file_chooser() as chooser:
        page.click("#mfml-import")
    chooser.value.set_files(str(zipped))
    message = page.locator("#mfml-message", has_text="bad-activity.zip")
    message.wait_for(timeout=90_000)
    assert "not a valid activity file" in message.inner_text(), message.inner_text()
    assert json.loads(page.evaluate(READ, ACTIVITY))["notebooks"][OTHER]["last"] == good["last"]
    assert not [f for f in page.evaluate(LIST_WORK) if "activity-imported" in f]

    stored = (
        '{"version": 1, "notebooks": {"__proto__": {"opens": 1}, "elsewhere/x.ipynb": {},'
        f' "{OTHER}": {{"opens": 1e21, "first": "zzz", "last": "2026-01-02T00:00:00Z"}}}}}}'
    )
    page.evaluate(SAVE_TEXT, [ACTIVITY, stored])
    read = page.evaluate("async () => JSON.stringify(await window.mfmlWork.readActivity())")
    notebooks = json.loads(read)["notebooks"]
    assert set(notebooks) <= {OTHER, COURSE}, read  # (COURSE: if the bar recorded it meanwhile)
    assert notebooks[OTHER] == {
        "first": None,
        "last": "2026-01-02T00:00:00Z",
        "opens": 1_000_000,
        "ran_to_end": None,
    }, read
    page.evaluate(SAVE_TEXT, [ACTIVITY, '{"version": 1, "notebooks": null}'])
    read = page.evaluate("async () => JSON.stringify(await window.mfmlWork.readActivity())")
    assert set(json.loads(read)["notebooks"]) <= {COURSE}, read

    landing = json.dumps({"version": 1, "notebooks": {OTHER: good}})
    raced = page.evaluate(RACE, landing)
    assert raced["raced"] and raced["record"]["opens"] >= 1, raced
    notebooks = json.loads(page.evaluate(READ, ACTIVITY))["notebooks"]
    assert notebooks[OTHER]["opens"] >= good["opens"], notebooks  # the import was kept
    assert notebooks["labs/lab01-function-transformer.ipynb"]["opens"] >= 1, notebooks


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# What an ex("1.1") cell (an ipywidget) leaves in the notebook model once it has run: a view of
# a model that only the kernel which made it has. Added by hand: no kernel is needed to test
# what is written and saved.
ADD_WIDGET_OUTPUT = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.context.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type === 'code') {
      cell.outputs.add({output_type: 'display_data', metadata: {},
        data: {'text/plain': 'VBox(children=(HTML(value=...),))',
               'application/vnd.jupyter.widget-view+json':
                 {model_id: 'deadbeef', version_major: 2, version_minor: 0}}});
      return i;
    }
  }
  return -1;
}
"""


def widget_views(nb: dict) -> int:
    return sum(
        WIDGET_VIEW in out.get("data", {})
        for cell in nb["cells"]
        for out in cell.get("outputs", [])
    )


def test_ctrl_s_offers_the_copy_and_copies_never_say_loading_widget(page, base_url):
    page.on("dialog", lambda dialog: dialog.accept())
    open_view(page, base_url, COURSE)
    page.locator("#mfml-make-copy").wait_for()

    # Ctrl+S on the read-only course notebook: the bar offers "Make my copy", no JupyterLab
    # "read-only, use Save as" toast
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+s")
    message = page.locator("#mfml-message")
    message.wait_for()
    assert "read-only" in message.inner_text()
    offer = page.locator("#mfml-save-offer")
    assert offer.inner_text() == "Make my copy"
    assert page.get_by_text('Use "Save as').count() == 0

    # and so does every other way to save it: the toolbar's save button (enabled, its tooltip
    # no longer says 'use "Save as..."'), File > Save Notebook, Save Notebook As..., Save All,
    # Duplicate, Rename; never JupyterLab's "Save File As" dialog, a disabled item or a toast
    save_button = page.locator(".jp-NotebookPanel-toolbar [data-jp-item-name=save] jp-button")
    assert save_button.get_attribute("disabled") is None
    assert "read-only" in save_button.get_attribute("title")
    assert "Save as" not in save_button.get_attribute("title")
    offers_the_copy(page, save_button.click, "Make my copy")
    for command in ("docmanager:save", "docmanager:save-as"):
        offers_the_copy(page, lambda c=command: from_file_menu(page, c), "Make my copy")
    # the same, run directly: Save All, Duplicate and Rename (which would write outside my-work/)
    for command in ("docmanager:save-all", "application:duplicate", "application:rename"):
        offers_the_copy(page, lambda c=command: page.evaluate(EXECUTE, c), "Make my copy")
    offers_the_copy(page, lambda: page.keyboard.press("Control+Shift+s"), "Make my copy")
    offer = page.locator("#mfml-save-offer")

    # run cells (here: a widget output added by hand, the model becomes dirty), then take the
    # offer: the copy keeps the edits, without the widget view, with a line saying what to do
    assert page.evaluate(ADD_WIDGET_OUTPUT) >= 0
    offer.click()
    page.wait_for_url(f"**path={COPY}", timeout=90_000)
    open_view(page, base_url, COPY)
    stored = json.loads(page.evaluate(READ, COPY))
    assert widget_views(stored) == 0
    assert "widgets" not in stored["metadata"]
    notes = [
        out["text"]
        for cell in stored["cells"]
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream"
    ]
    assert any("run this cell to show it again" in "".join(n) for n in notes), notes

    # the copy runs a widget again and is saved with Ctrl+S (a real save here): the stored file
    # has no widget view, and the reopened copy shows no "Loading widget..."
    assert page.evaluate(ADD_WIDGET_OUTPUT) >= 0
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=20_000
    )
    assert page.locator("#mfml-save-offer").count() == 0
    assert widget_views(json.loads(page.evaluate(READ, COPY))) == 0
    # on the copy, File > Save Notebook is JupyterLab's own real save (not the offer)
    page.evaluate(EDIT_AND_SAVE.replace("await panel.context.save();", ""), "# menu save")
    from_file_menu(page, "docmanager:save")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=20_000
    )
    assert page.locator("#mfml-save-offer").count() == 0
    assert "# menu save" in page.evaluate(READ, COPY)
    open_view(page, base_url, COPY)
    page.wait_for_timeout(1500)  # widget views render asynchronously: give one the time
    assert page.get_by_text("Loading widget").count() == 0
    assert page.get_by_text("run this cell to show it again").count() >= 1

    # back on the course notebook: "Open my copy (saved today ...)"; Ctrl+S offers the copy
    open_view(page, base_url, COURSE)
    page.locator("#mfml-open-copy").wait_for()
    assert page.locator("#mfml-open-copy").inner_text().startswith("Open my copy (saved today")
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+s")
    page.locator("#mfml-save-offer").wait_for()
    assert page.locator("#mfml-save-offer").inner_text() == "Open my copy"
    offers_the_copy(page, lambda: from_file_menu(page, "docmanager:save-as"), "Open my copy")
    page.screenshot(path=str(_artifact("learner-ctrl-s-offer.png")))
    page.click("#mfml-save-offer")
    page.wait_for_url(f"**path={COPY}", timeout=90_000)

    # JupyterLab's full view (lab/index.html, notebook.js is loaded there too) has its own ids
    # for Duplicate and Rename (File menu, a tab's context menu): they are wrapped as well,
    # and the Notebook 7 ids it never registers are not waited for
    lab_view(page, base_url, COPY)
    open_in_lab(page, COURSE)
    guarded = set(page.evaluate("() => window.mfmlWork.guarded()"))
    assert guarded == {
        "docmanager:save",
        "docmanager:save-as",
        "docmanager:save-all",
        "docmanager:duplicate",
        "docmanager:rename",
    }, guarded
    for command in ("docmanager:rename", "docmanager:duplicate", "docmanager:save-as"):
        offers_the_copy(page, lambda c=command: from_file_menu(page, c), "Open my copy")
    # a course notebook's tab, right-clicked while the learner's copy is the current document
    activate_in_lab(page, COPY)
    for command in ("docmanager:rename", "docmanager:duplicate"):
        offers_the_copy(page, lambda c=command: from_tab_menu(page, COURSE, c), "Open my copy")
        assert "ch01-numbers.ipynb (another tab)" in page.inner_text("#mfml-message")
    # Save All from the copy, the course notebook open in another tab: the copy is saved, the
    # course notebook gets the offer, not JupyterLab's "read-only, use Save as" toast
    page.evaluate(EDIT_AND_SAVE.replace("await panel.context.save();", ""), "# save all")
    offers_the_copy(page, lambda: from_file_menu(page, "docmanager:save-all"), "Open my copy")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=20_000
    )
    assert "# save all" in page.evaluate(READ, COPY)
    # nothing was written beside the course file (outside my-work/)
    beside = page.evaluate(
        "async () => (await window.jupyterapp.serviceManager.contents.get('chapters/part1', "
        "{content: true})).content.map(m => m.name)"
    )
    assert [n for n in beside if n.startswith("ch01-numbers") and n != "ch01-numbers.ipynb"] == []
    page.screenshot(path=str(_artifact("learner-lab-save-all.png")))


def lab_view(page, base_url: str, path: str) -> None:
    page.goto(f"{base_url}lab/index.html?path={path}")
    assert page.evaluate(WAIT_FOR_VIEW, path), f"{path}: JupyterLab's view did not open"


def open_in_lab(page, path: str) -> None:
    """A second document in JupyterLab's full view (a tab of its own, made current)."""
    page.evaluate("(p) => window.jupyterapp.commands.execute('docmanager:open', {path: p})", path)
    assert page.evaluate(WAIT_FOR_VIEW, path), f"{path}: did not open in a tab"


def activate_in_lab(page, path: str) -> None:
    page.evaluate(
        """(p) => { const shell = window.jupyterapp.shell;
          for (const w of shell.widgets('main')) {
            if (w.context && w.context.path === p) { shell.activateById(w.id); return; } } }""",
        path,
    )
    assert page.evaluate(WAIT_FOR_VIEW, path), f"{path}: its tab did not become current"


def from_tab_menu(page, path: str, command: str) -> None:
    """Right-click the tab of `path` (not made current), then the item that runs `command`."""
    tab = page.locator(f'.lm-DockPanel-tabBar .lm-TabBar-tab[title*="Path: {path}"]')
    tab.first.click(button="right")
    item = page.locator(f'.lm-Menu-item[data-command="{command}"]').filter(visible=True)
    assert item.get_attribute("aria-disabled") != "true", f"the tab's {command} is disabled"
    item.click()


# A command as a menu item runs it (ids as in the built JupyterLab 4 bundle, jlab_core)
EXECUTE = """
(id) => { const c = window.jupyterapp.commands;
  if (!c.isEnabled(id)) throw new Error(id + ' is disabled'); c.execute(id); }
"""


def from_file_menu(page, command: str) -> None:
    """File > the item that runs `command` (enabled: a disabled item would do nothing)."""
    page.get_by_role("menuitem", name="File", exact=True).first.click()
    item = page.locator(f'.lm-Menu-item[data-command="{command}"]').filter(visible=True)
    assert item.get_attribute("aria-disabled") != "true", f"File > {command} is disabled"
    item.click()


def offers_the_copy(page, action, label: str) -> None:
    """`action` saves a course notebook: the bar offers the copy, as Ctrl+S does, and no
    JupyterLab dialog ("Save File As", "Cannot Save") or "read-only" toast appears."""
    close = page.locator("#mfml-message .mfml-close")
    if close.count():
        close.click()
    action()
    page.locator("#mfml-save-offer").wait_for(timeout=5_000)
    assert page.locator("#mfml-save-offer").inner_text() == label
    page.wait_for_timeout(150)  # a dialog or toast would be up by now
    assert page.locator(".jp-Dialog").count() == 0
    assert page.get_by_text('Use "Save as').count() == 0
    assert "read-only" in page.inner_text("#mfml-message")


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
