"""The lab notebook sources follow the authoring contract (docs/authoring.md) and the labs'
shape: goal, figure in the first code cell, "Try this", two or three questions."""

import re
from pathlib import Path

import jupytext
import pytest

from mfml import labs

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "labs").glob("lab*.md"))


def test_ten_labs_named_by_the_contract():
    names = [p.name for p in SOURCES]
    assert len(names) == 10
    for n, name in enumerate(names, start=1):
        assert re.fullmatch(rf"lab{n:02d}-[a-z0-9]+(-[a-z0-9]+)*\.md", name), name
        slug = name[6:-3].replace("-", "_")
        assert labs.MODULES[f"lab{n:02d}"] == f"lab{n:02d}_{slug}", name


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_lab_notebook_shape(path):
    n = int(path.name[3:5])
    nb = jupytext.read(path, fmt="md:myst")
    meta = nb.metadata["mfml"]
    assert meta["kind"] == "lab" and meta["number"] == n
    assert nb.metadata["kernelspec"]["name"] == "python"
    module = getattr(labs, f"lab{n:02d}")
    assert meta["title"] == module.build().title

    text = path.read_text()
    assert f"# Lab {n}. {meta['title']}\n" in text
    assert "**Goal.**" in text
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    first = code[0].splitlines()
    assert first[0] == "import mfml"
    assert f"from mfml.labs import lab{n:02d}" in first
    assert f"lab = lab{n:02d}.show()" in first
    assert "%pip" not in text and "http" not in "".join(code)

    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == ["Try this", "Questions"]
    try_this = text.split("## Try this", 1)[1].split("## Questions", 1)[0]
    assert len(re.findall(r"^\d+\. ", try_this, flags=re.M)) >= 3
    questions = text.split("## Questions", 1)[1]
    assert len(re.findall(r"^\d+\. ", questions, flags=re.M)) in (2, 3)
    assert "Chapter" in questions


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_chapter_links_point_at_existing_chapters(path):
    for part, chapter in re.findall(
        r"\]\(\.\./chapters/(part\d)/(ch\d\d-[a-z0-9-]+)\.ipynb\)", path.read_text()
    ):
        assert (ROOT / "content" / part / f"{chapter}.md").exists(), f"{path.name}: {chapter}"
