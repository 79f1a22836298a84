"""Every notebook of the course under CPython: no error output and nothing on stderr, named by
notebook and cell.

The build executes the chapters, guides, capstone notebooks and labs with nbclient and ships
them with their outputs (scripts/prerender.py; docs/performance.md, "Prerendered outputs"),
so they are not executed a second time here: these tests read the BUILT notebooks (build/site,
or $MFML_SITE) and check what the build shipped. The exercise notebooks are not executed by
the build (their questions are drawn per learner), so they still run here, generated from the
bank exactly as the build does."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import build_site  # noqa: E402
import prerender  # noqa: E402
from execute import execute, problems_in  # noqa: E402

SITE = Path(os.environ.get("MFML_SITE", ROOT / "build" / "site")).resolve()
SOURCES = sorted((ROOT / "content").rglob("*.md")) + sorted((ROOT / "labs").glob("*.md"))
BANKS = sorted((ROOT / "exercises").glob("ch*.yml"))


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    """Progress goes to a throwaway file, never to the developer's home."""
    monkeypatch.setenv("MFML_PROGRESS", str(tmp_path / "progress.json"))


def test_the_course_has_notebooks():
    assert len(SOURCES) >= 2, "no notebook sources found"


def built(source: Path):
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built site at {SITE}: run `make site` (make test does it)")
    path = SITE / "files" / build_site.site_path(source)
    assert path.exists(), f"{source.relative_to(ROOT)}: not in the built site ({path})"
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_built_notebook_ran_cleanly_under_cpython(source):
    name = str(source.relative_to(ROOT))
    nb = built(source)
    code = prerender.code_cells(nb)
    expected = [c.source for c in prerender.code_cells(build_site.read_source(source))]
    assert [c.source for c in code] == expected, (
        f"{name}: the built notebook is not built from this source (rebuild: make site)"
    )
    assert any(c.outputs for c in code) or not code, (
        f"{name}: shipped without outputs (built with MFML_PRERENDER=0?)"
    )
    problems = [str(p) for p in problems_in(nb, name)]
    for number, cell in enumerate(code, start=1):
        if cell.execution_count is None:
            problems.append(f"{name}: cell {number}: no execution count (did not run)")
        for out in cell.outputs:
            if prerender.WIDGET in out.get("data", {}):
                problems.append(f"{name}: cell {number}: a widget output was shipped")
        # a figure that was drawn ships as a PNG, never only as its text
        if "plt.show()" in cell.source and not any(
            "image/png" in out.get("data", {}) for out in cell.outputs
        ):
            problems.append(f"{name}: cell {number}: plt.show() but no image shipped")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "source", sorted((ROOT / "labs").glob("*.md")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_a_built_lab_says_run_this_cell_above_a_picture_of_its_figure(source):
    cells = [c for c in prerender.code_cells(built(source)) if prerender.is_lab_cell(c)]
    assert len(cells) == 1, f"{source.name}: no single `lab = labNN.show()` cell"
    outputs = cells[0].outputs
    assert outputs and outputs[0].get("text") == prerender.LAB_LINE
    assert any("image/png" in o.get("data", {}) for o in outputs[1:]), (
        f"{source.name}: no picture of the lab's starting figure"
    )


def test_every_built_exercise_set_says_run_this_cell_first():
    sets = sorted((SITE / "files" / "exercises").glob("*.ipynb"))
    assert sets, f"no exercise notebooks in {SITE}"
    for path in sets:
        nb = nbformat.read(path, as_version=4)  # text as one string, however it is stored
        first = prerender.code_cells(nb)[0]
        text = "".join(o.get("text", "") for o in first.outputs)
        assert text == prerender.EXERCISE_LINE, f"{path.name}: no run-this-cell line"
        assert first["execution_count"] is None


@pytest.mark.parametrize("bank", BANKS, ids=lambda p: p.name)
def test_exercise_notebook_runs_under_cpython(bank, tmp_path):
    from mfml.exercises import build as exercise_build

    single = tmp_path / "bank"
    single.mkdir()
    (single / bank.name).write_bytes(bank.read_bytes())
    exercise_build.build(single, tmp_path / "nb", None)
    notebook = tmp_path / "nb" / f"{bank.stem}-exercises.ipynb"
    assert notebook.exists(), f"{bank.name}: no notebook generated"
    problems = execute(notebook)
    assert not problems, "\n".join(map(str, problems))
