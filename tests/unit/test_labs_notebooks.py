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


# The course's chapter files, fixed in advance (chapters 8 to 20 may not be written yet when a
# lab links to them; the link must still be the right one).
PLANNED = {
    "part1": ["ch01-numbers", "ch02-sets-logic", "ch03-summation", "ch04-reading-notation"],
    "part2": ["ch05-functions-as-models", "ch06-function-zoo", "ch07-several-variables"],
    "part3": [
        "ch08-vectors",
        "ch09-dot-products",
        "ch10-matrices",
        "ch11-linear-transformations",
        "ch12-linear-systems",
        "ch13-eigenvectors-pca",
    ],
    "part4": [
        "ch14-limits",
        "ch15-derivatives",
        "ch16-chain-rule",
        "ch17-gradients-jacobians",
        "ch18-optimization",
    ],
    "part5": ["ch19-numpy-foundations", "ch20-equations-to-numpy"],
    "capstone": ["capstone"],
}

# which chapters each lab practises: it must link to each of them
PRACTISES = {
    1: ["ch05", "ch06"],
    2: ["ch08"],
    3: ["ch09"],
    4: ["ch10", "ch11"],
    5: ["ch12"],
    6: ["ch13"],
    7: ["ch13"],
    8: ["ch14", "ch15"],
    9: ["ch16", "ch17", "ch18", "capstone"],
    10: ["ch18", "ch20", "capstone"],
}

LINK = re.compile(r"\]\(\.\./chapters/([a-z0-9]+)/([a-z0-9-]+)\.ipynb\)")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_links_to_the_chapters_it_practises(path):
    n = int(path.name[3:5])
    text = path.read_text()
    links = LINK.findall(text)
    for part, name in links:
        assert name in PLANNED.get(part, []), f"{path.name}: no chapter {part}/{name}"
    linked = {name.split("-")[0] for _, name in links}
    missing = [c for c in PRACTISES[n] if c not in linked]
    assert not missing, f"{path.name}: no link to {missing}"
    # no chapter cited as plain text: "(Chapter 8, *Vectors*)" is a link or nothing
    plain = re.sub(r"\[[^\]]*\]\([^)]*\)", "", text)
    assert not re.search(r"Chapter \d+", plain), f"{path.name}: a chapter cited without a link"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_lab_says_how_to_start(path):
    """The first line after the title says which cell to run and how long Python takes to
    start the first time (the learner otherwise sees code and nothing happening)."""
    text = path.read_text()
    after_title = text.split("\n# Lab ", 1)[1].split("\n", 1)[1].lstrip("\n")
    first = after_title.split("\n\n", 1)[0]
    assert first.startswith("**To start the lab, run the first code cell below**")
    assert "Shift+Enter" in first and "20–30 s" in first
