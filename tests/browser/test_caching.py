"""An updated chapter reaches a returning learner: visit a chapter, change its file on disk (a
rebuild, a newer offline bundle unzipped over the old one), keeping the build's fixed file
date, revisit in the same browser profile: the new text shows (no stale 304), while unchanged
files are revalidated (304) and the bundle's hashed chunks come from the cache.

Runs on a hard-linked copy of the built site (the built site itself is never changed), served
by scripts/serve.py with the precompressed store when the build has one. No kernel is started:
about 10 s."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import serve  # noqa: E402

CHAPTER = "chapters/part3/ch08-vectors.ipynb"
MARKER = "UPDATED-CHAPTER-TEXT"

FIRST_CELL = """
async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  for (let i = 0; i < 600; i++) {
    const app = window.jupyterapp;
    const panel = app && app.shell && app.shell.currentWidget;
    if (panel && panel.content && panel.content.model && panel.content.model.cells.length) {
      await panel.context.ready;
      return panel.content.model.cells.get(0).sharedModel.getSource();
    }
    await sleep(100);
  }
  return null;
}
"""


def link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def open_chapter(context, url: str) -> tuple[str | None, dict[str, int], list]:
    """The chapter's first cell as shown, the status of each response by path (a response
    revalidated with a 304 shows as the cached 200) and their Cache-Control headers."""
    page = context.new_page()
    statuses: dict[str, int] = {}
    cache_controls = []

    def seen(response):
        path = response.url.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]
        statuses[path] = response.status
        cache_controls.append((path, response.headers.get("cache-control")))

    page.on("response", seen)
    page.goto(f"{url}notebooks/index.html?path={CHAPTER}")
    text = page.evaluate(FIRST_CELL)
    page.close()
    return text, statuses, cache_controls


@pytest.mark.browser
def test_a_changed_chapter_arrives_on_a_revisit(site, browser, tmp_path):
    # Not the `context` fixture: Playwright's request routing (which it uses to block the
    # network) turns the browser's HTTP cache off, and the cache is what is tested here.
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    copy = tmp_path / "site"
    shutil.copytree(
        site, copy, copy_function=link_or_copy, ignore=shutil.ignore_patterns("download")
    )
    server, url = serve.start_in_thread(copy, compressed=serve.default_store(site))
    try:
        before, first, controls = open_chapter(context, url)
        assert before is not None, "the chapter did not open"
        assert MARKER not in before
        immutable = [p for p, c in controls if c == serve.IMMUTABLE]
        assert immutable, "no hashed bundle file was served immutable"

        path = copy / "files" / CHAPTER
        stat = path.stat()
        nb = json.loads(path.read_text())
        cell = nb["cells"][0]
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cell["source"] = source.replace("\n", f" {MARKER}\n", 1)
        path.unlink()  # a new file: the hard link to the built site stays untouched
        path.write_text(json.dumps(nb))
        os.utime(path, (stat.st_atime, stat.st_mtime))  # the same fixed build date

        sent, revalidated = server.stats.bytes, server.stats.not_modified
        after, second, _ = open_chapter(context, url)
        assert after is not None and MARKER in after, "the revisit showed the old chapter"
        # the browser used its cache: unchanged files were revalidated (304, no body) and the
        # hashed chunks not even asked for, so the revisit moved far fewer bytes
        assert server.stats.not_modified - revalidated >= 10
        assert server.stats.bytes - sent < sent / 2, (sent, server.stats.bytes - sent)
    finally:
        context.close()
        server.shutdown()
    external = [u for u in requests if not u.startswith((url, "data:", "blob:"))]
    assert not external, f"requests left the machine: {external[:10]}"


def test_the_shared_server_sends_compressed_files(page, base_url, site):
    """The shared server (conftest `base_url`) serves the store: the page's own fetch of the
    wasm comes back brotli-encoded."""
    if serve.default_store(site) is None:
        pytest.fail("no build/compressed store: make test runs scripts/compress.py first")
    page.goto(base_url + "index.html")
    encoding = page.evaluate(
        "async () => (await fetch('static/pyodide/pyodide.asm.wasm')).headers"
        ".get('content-encoding')"
    )
    assert encoding == "br"


def test_the_second_app_page_keeps_the_service_worker(page, base_url):
    """JupyterLite 0.6.4 unregisters its worker on a learner's second page unless the page
    script marks it current (site_post.SW_MARK); a kernel that starts meanwhile has no /drive,
    so Python cannot see my-work/progress.json. test_home's progress round trip is the kernel
    side of this; here the worker's own log says whether it was unregistered (no kernel: 5 s)."""
    logs: list[str] = []
    page.on("console", lambda message: logs.append(message.text))
    page.goto(base_url + "tree/index.html")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.goto(base_url + "tree/index.html")
    assert page.evaluate("() => !!navigator.serviceWorker.controller")
    for _ in range(300):
        if any("already registered" in line for line in logs):
            break
        page.wait_for_timeout(100)
    assert any("already registered" in line for line in logs), logs
    assert not any("unregistering" in line for line in logs), logs
