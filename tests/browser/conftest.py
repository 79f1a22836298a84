"""The real browser: the built site served on 127.0.0.1, Debian's Chromium driven by Playwright.

Every request to anything but the loopback address is blocked and recorded; a test that
caused one fails. A failing test leaves a screenshot under build/test-artifacts/.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
# MFML_SITE lets several people test their own builds side by side (build_site.py --build-dir)
SITE = Path(os.environ.get("MFML_SITE", ROOT / "build" / "site")).resolve()
ARTIFACTS = ROOT / "build" / "test-artifacts"
sys.path.insert(0, str(ROOT / "scripts"))

import chromium  # noqa: E402
import serve  # noqa: E402
from notebook import kernel_is_idle, open_notebook  # noqa: E402

HOST = "chapters/start-here.ipynb"  # the notebook whose kernel runs other notebooks
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
CHROMIUM_FLAGS = chromium.FLAGS


def chromium_path() -> str | None:
    return chromium.path()


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        pytest.fail("no built site at build/site: run `make site` (make test does it)")
    return SITE


@pytest.fixture(scope="session")
def base_url(site: Path):
    """The site as `make serve` serves it: with the brotli/gzip store when the build has one
    (make test makes it), so the browser tests run on compressed transfer (issue 14)."""
    store = serve.default_store(site)
    if store is None and os.environ.get("CI"):
        pytest.fail("no build/compressed store: make test runs scripts/compress.py first")
    server, url = serve.start_in_thread(site, compressed=store)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as p:
        if path is None:
            try:
                path = p.chromium.executable_path
                if not Path(path).exists():
                    path = None
            except Exception:
                path = None
        if path is None:
            reason = (
                "NO CHROMIUM FOUND: set $CHROMIUM or install Debian's chromium "
                "(apt-get install chromium); the browser tests did not run"
            )
            if os.environ.get("CI") == "true":
                pytest.fail(reason)
            pytest.skip(reason)
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Network:
    """Blocks and records every request that leaves the machine."""

    def __init__(self) -> None:
        self.external: list[str] = []

    def route(self, route) -> None:
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOOPBACK:
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def context(browser, request):
    """A fresh profile (cold cache, empty storage) whose network stops at the machine."""
    network = Network()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", network.route)
    context.network = network
    yield context
    failed = getattr(request.node, "rep_call", None) and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        for i, page in enumerate(context.pages):
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}-{i}.png"), full_page=True)
            except Exception:
                pass
    context.close()
    assert not network.external, f"requests left the machine: {network.external[:10]}"


@pytest.fixture
def page(context):
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    return page


class SharedKernel:
    """One browser page with a notebook open; reopened when its kernel is not idle."""

    def __init__(self, browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.context = self.page = None
        self.network = Network()

    def ready_page(self):
        if self.page is None or not kernel_is_idle(self.page):
            self.close()
            self.context = self.browser.new_context(viewport={"width": 1280, "height": 800})
            self.context.route("**/*", self.network.route)
            self.page = self.context.new_page()
            open_notebook(self.page, self.base_url, HOST)
        return self.page

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
        self.context = self.page = None


@pytest.fixture(scope="session")
def shared_kernel(browser, base_url):
    kernel = SharedKernel(browser, base_url)
    yield kernel
    kernel.close()
