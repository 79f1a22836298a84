"""Every notebook of the site runs top to bottom in the real Pyodide kernel, with no error
output, nothing on stderr and no request leaving the machine."""

from __future__ import annotations

import pytest
from conftest import SITE
from notebook import open_notebook, run_all


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
def test_notebook_runs_in_the_browser(page, base_url, path):
    open_notebook(page, base_url, path)
    run = run_all(page, path)
    assert not run.problems, "\n".join(run.problems)
    assert run.cells, f"{path}: no code cell ran"
