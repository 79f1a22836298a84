"""Every notebook of the site runs top to bottom in the real Pyodide kernel, with no error
output, nothing on stderr and no request leaving the machine.

Each xdist worker opens one page and one kernel, and runs its share of the notebooks in it,
one after another, after `%reset -f` (notebook.run_in_open_kernel): a kernel start costs
10-20 s and would otherwise be paid 42 times. A notebook that leaves the kernel dead or busy
gets the next notebook a fresh page.
"""

from __future__ import annotations

import pytest
from conftest import SITE, Network
from notebook import kernel_is_idle, open_notebook, run_in_open_kernel

HOST = "chapters/start-here.ipynb"  # opened once per worker; its kernel runs the others


def site_notebooks() -> list[str]:
    """Chapters, guides and exercise sets; labs run in test_labs.py, with a slider moved."""
    files = SITE / "files"
    return sorted(
        p.relative_to(files).as_posix()
        for p in files.rglob("*.ipynb")
        if p.relative_to(files).parts[0] != "labs"
    )


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


@pytest.fixture(scope="module")
def shared_kernel(browser, base_url):
    kernel = SharedKernel(browser, base_url)
    yield kernel
    kernel.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", site_notebooks())
def test_notebook_runs_in_the_browser(shared_kernel, path):
    page = shared_kernel.ready_page()
    shared_kernel.network.external.clear()
    run = run_in_open_kernel(page, path)
    assert not run.problems, "\n".join(run.problems)
    assert run.cells, f"{path}: no code cell ran"
    assert not shared_kernel.network.external, (
        f"requests left the machine: {shared_kernel.network.external[:10]}"
    )


@pytest.mark.browser
def test_no_name_survives_from_the_notebook_before(shared_kernel):
    """The reset between notebooks works: a name defined before is gone after it."""
    page = shared_kernel.ready_page()
    from notebook import KERNEL_STDOUT

    page.evaluate(KERNEL_STDOUT, "left_over_from_before = 1")
    run = run_in_open_kernel(page, HOST)
    assert not run.problems, run.problems
    out = page.evaluate(KERNEL_STDOUT, "print('left_over_from_before' in globals())")
    assert out.strip() == "False", out
