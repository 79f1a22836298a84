"""Every notebook of the site runs top to bottom in the real Pyodide kernel, with no error
output, nothing on stderr, no request leaving the machine, and the text outputs the build
shipped (CPython's) equal to the browser's, or a documented difference (tests/outputs.py).

Each xdist worker opens one page and one kernel, and runs its share of the notebooks in it,
one after another, after `%reset -f` (notebook.run_in_open_kernel): a kernel start costs
10-20 s and would otherwise be paid 42 times. A notebook that leaves the kernel dead or busy
gets the next notebook a fresh page.
"""

from __future__ import annotations

import json
import sys

import pytest
from conftest import HOST, ROOT, SITE
from notebook import KERNEL_STDOUT, run_in_open_kernel

sys.path.insert(0, str(ROOT / "tests"))
from outputs import compare_outputs  # noqa: E402


def site_notebooks() -> list[str]:
    """Chapters, guides and exercise sets; labs run in test_labs.py, with a slider moved."""
    files = SITE / "files"
    return sorted(
        p.relative_to(files).as_posix()
        for p in files.rglob("*.ipynb")
        if p.relative_to(files).parts[0] != "labs"
    )


@pytest.mark.browser
@pytest.mark.parametrize("path", site_notebooks())
def test_notebook_runs_in_the_browser(shared_kernel, path):
    page = shared_kernel.ready_page()
    shared_kernel.network.external.clear()
    run = run_in_open_kernel(page, path)
    assert not run.problems, "\n".join(run.problems)
    assert run.cells, f"{path}: no code cell ran"
    # the outputs a learner read before running are the ones the browser gives (or a known,
    # documented difference: tests/outputs.py)
    shipped = json.loads((SITE / "files" / path).read_text(encoding="utf-8"))["cells"]
    differences = compare_outputs(shipped, run.cells, path)
    assert not differences, "\n".join(differences)
    assert not shared_kernel.network.external, (
        f"requests left the machine: {shared_kernel.network.external[:10]}"
    )


@pytest.mark.browser
def test_no_name_survives_from_the_notebook_before(shared_kernel):
    """The reset between notebooks works: a name defined before is gone after it."""
    page = shared_kernel.ready_page()
    page.evaluate(KERNEL_STDOUT, "left_over_from_before = 1")
    run = run_in_open_kernel(page, HOST)
    assert not run.problems, run.problems
    out = page.evaluate(KERNEL_STDOUT, "print('left_over_from_before' in globals())")
    assert out.strip() == "False", out
