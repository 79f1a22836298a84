"""Every chapter is built to COURSE.md's standard ("How every chapter is built"): the seven
sections in order, the depth, asserts in the NumPy section, mistakes shown in code, and the
link to its exercises."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = [
    "Motivation and intuition",
    "Formal definition",
    "Worked example",
    "ML use case",
    "Runnable NumPy",
    "Common mistakes",
    "Summary",
]
MIN_WORDS, MIN_CODE_CELLS, MIN_MISTAKES = 2500, 10, 3


def chapters() -> list[Path]:
    return sorted(p for p in (ROOT / "content").rglob("ch*.md") if "kind: chapter" in p.read_text())


def sections(nb) -> dict[str, list]:
    """Cells grouped under their `##` heading."""
    found: dict[str, list] = {}
    current = None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    current = line[3:].strip()
                    found[current] = []
        if current is not None:
            found[current].append(cell)
    return found


def test_there_are_chapters():
    assert chapters()


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_chapter_meets_the_course_standard(path):
    nb = jupytext.read(path, fmt="md:myst")
    meta = nb.metadata["mfml"]
    assert path.stem.startswith(f"ch{meta['number']:02d}-"), "file name and number disagree"

    parts = sections(nb)
    assert list(parts) == SECTIONS, f"sections are {list(parts)}"

    prose = " ".join(c.source for c in nb.cells if c.cell_type == "markdown")
    words = len(
        re.findall(r"[A-Za-z]+(?:'[a-z]+)?", re.sub(r"\$\$.*?\$\$", " ", prose, flags=re.S))
    )
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert words >= MIN_WORDS, f"{words} words of prose"
    assert len(code) >= MIN_CODE_CELLS, f"{len(code)} code cells"

    numpy_code = [c.source for c in parts["Runnable NumPy"] if c.cell_type == "code"]
    assert any("assert" in s and ".shape" in s for s in numpy_code), "no shape assert"
    assert sum(s.count("assert") for s in numpy_code) >= 3, "too few asserts"

    worked = [c for c in parts["Worked example"] if c.cell_type == "code"]
    assert worked, "the worked example is not checked in NumPy"

    mistakes = parts["Common mistakes"]
    named = [
        c for c in mistakes if c.cell_type == "markdown" and re.search(r"^###", c.source, re.M)
    ]
    shown = [c for c in mistakes if c.cell_type == "code"]
    assert len(named) >= MIN_MISTAKES and len(shown) >= MIN_MISTAKES, (
        f"{len(named)} named mistakes, {len(shown)} code cells"
    )

    summary = " ".join(c.source for c in parts["Summary"])
    link = f"exercises/ch{meta['number']:02d}-exercises.ipynb"
    assert link in summary, f"the summary does not link to {link}"
    bank = ROOT / "exercises" / f"ch{meta['number']:02d}.yml"
    assert bank.exists(), f"chapter {meta['number']} has no exercise bank"
