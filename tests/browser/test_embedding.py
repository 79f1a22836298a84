"""A chapter embedded in another site's page, as an LMS does: the host page is served from
http://localhost:<port2> and iframes the course at http://127.0.0.1:<port1> (another site).
Inside the frame the kernel starts and runs a cell, with storage allowed and with storage
denied; when denied, the notebook still runs (JupyterLite falls back to memory storage) and
a banner says that work is not kept here, with "Open in a new tab" and "Download my work"."""

from __future__ import annotations

import http.server
import threading
from urllib.parse import urlparse

import pytest
from conftest import ARTIFACTS

CHAPTER = "chapters/part1/ch01-numbers.ipynb"

HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Week 1 - an LMS page</title></head>
<body style="font-family: sans-serif; margin: 16px">
<h1>Week 1: numbers and floating point</h1>
<p>Work through the chapter below.</p>
<iframe id="course" src="{src}" width="100%" height="680" style="border:1px solid #ccc"
  title="Chapter 1"></iframe>
</body></html>
"""

# Storage denied as a browser blocking third-party storage does it: IndexedDB refuses to
# open, local/session storage throw, the service worker cannot register. Only in the site's
# frame (the init script runs in every frame; it checks the origin).
DENY_STORAGE = """
(() => {
  if (location.origin !== %r) return;
  const denied = () => new DOMException('Access to storage is denied', 'SecurityError');
  Object.defineProperty(IDBFactory.prototype, 'open', {
    value: () => { throw denied(); }, configurable: true});
  for (const name of ['localStorage', 'sessionStorage']) {
    Object.defineProperty(window, name, {get: () => { throw denied(); }, configurable: true});
  }
  if (window.ServiceWorkerContainer) {
    Object.defineProperty(ServiceWorkerContainer.prototype, 'register', {
      value: () => Promise.reject(denied()), configurable: true});
  }
})();
"""

RUN_A_CELL = """
async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  let panel = null;
  for (let i = 0; i < 1200 && !panel; i++) {
    const app = window.jupyterapp;
    const widget = app && app.shell && app.shell.currentWidget;
    if (widget && widget.sessionContext && widget.context) panel = widget;
    else await sleep(100);
  }
  if (!panel) return {error: 'no notebook panel'};
  await panel.context.ready;
  await panel.sessionContext.ready;
  for (let i = 0; i < 1500; i++) {
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    if (kernel && kernel.status === 'idle') break;
    await sleep(100);
  }
  const kernel = panel.sessionContext.session.kernel;
  let out = '';
  const code = 'import numpy as np\\nprint(int(np.arange(7).sum() * 2))';
  const future = kernel.requestExecute({code});
  future.onIOPub = msg => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error') out += 'ERROR ' + msg.content.evalue;
  };
  await future.done;
  // a file saved now lands in JupyterLite's storage, or in memory when storage is denied
  const contents = window.jupyterapp.serviceManager.contents;
  await contents.save('embed-check.txt', {type: 'file', format: 'text', content: 'kept?',
                                          name: 'embed-check.txt'});
  const saved = (await contents.get('embed-check.txt', {content: true})).content;
  for (let i = 0; i < 100 && window.mfmlWork.state.storageOk === null; i++) await sleep(50);
  return {out, saved, storageOk: window.mfmlWork.state.storageOk,
          readOnly: panel.context.contentsModel.writable === false};
}
"""


class _Host(http.server.BaseHTTPRequestHandler):
    page = b""

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.page)))
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def host_url(base_url):
    """The LMS: another site (localhost, another port) whose page iframes a chapter."""
    src = f"{base_url}notebooks/index.html?path={CHAPTER}"
    handler = type("Host", (_Host,), {"page": HOST_PAGE.format(src=src).encode()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}/lms/week1.html"
    server.shutdown()


def course_frame(page, base_url: str):
    page.wait_for_selector("iframe#course")
    for _ in range(200):
        for frame in page.frames:
            if frame.url.startswith(base_url):
                return frame
        page.wait_for_timeout(50)
    raise AssertionError("the course frame did not load")


def test_embedded_chapter_runs_as_the_browser_allows(page, base_url, host_url):
    """No simulation: whatever this browser gives a cross-site frame. Chromium 156 (Debian's,
    headless) denies it IndexedDB and localStorage outright ("The user denied permission to
    access the database"), as browsers that block third-party storage do; a browser that
    partitions storage instead lets it keep work. Either way the chapter runs, saving works,
    and the banner is shown exactly when storage is denied."""
    assert urlparse(host_url).hostname != urlparse(base_url).hostname  # another site
    page.goto(host_url)
    frame = course_frame(page, base_url)
    result = frame.evaluate(RUN_A_CELL)
    assert result.get("out", "").strip() == "42", result
    assert result["readOnly"], "the course notebook must open read-only in the frame too"
    assert result["saved"] == "kept?", "nothing could be saved in the frame"
    banner = frame.locator("#mfml-storage-banner")
    assert banner.count() == (0 if result["storageOk"] else 1), result
    assert frame.locator("#mfml-make-copy").is_visible()


def test_embedded_chapter_runs_with_storage_denied(context, base_url, host_url):
    origin = base_url.rstrip("/")
    context.add_init_script(DENY_STORAGE % origin)
    page = context.new_page()
    page.goto(host_url)
    frame = course_frame(page, base_url)
    result = frame.evaluate(RUN_A_CELL)
    assert result.get("out", "").strip() == "42", result
    assert result["storageOk"] is False, "the denial was not detected"
    assert result["saved"] == "kept?", "no memory fallback: nothing could be saved"
    banner = frame.locator("#mfml-storage-banner")
    assert banner.is_visible()
    assert "will not be kept" in banner.inner_text()
    new_tab = banner.get_by_role("link", name="Open in a new tab")
    assert new_tab.get_attribute("target") == "_blank"
    assert new_tab.get_attribute("href") == frame.url
    assert banner.get_by_role("button", name="Download my work").is_visible()
    # the host page's own storage is untouched by the denial (it is another origin)
    assert page.evaluate("() => { localStorage.setItem('x', '1'); return localStorage.x; }") == "1"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "embed-storage-denied.png"))
