"""Every notebook of the course, executed under CPython with nbclient: no error output and
nothing on stderr, named by notebook and cell. The exercise notebooks are generated from the
bank exactly as the build does."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from execute import execute  # noqa: E402

SOURCES = sorted((ROOT / "content").rglob("*.md")) + sorted((ROOT / "labs").glob("*.md"))
BANKS = sorted((ROOT / "exercises").glob("ch*.yml"))


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    """Progress goes to a throwaway file, never to the developer's home."""
    monkeypatch.setenv("MFML_PROGRESS", str(tmp_path / "progress.json"))


def test_the_course_has_notebooks():
    assert len(SOURCES) >= 2, "no notebook sources found"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_runs_under_cpython(source):
    problems = execute(source)
    assert not problems, "\n".join(map(str, problems))


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
