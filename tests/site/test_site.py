"""The built site: complete, self-hosted, verified against Pyodide's official lock, and
reproducible. Reads build/site as `make site` left it."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
PYODIDE = SITE / "static" / "pyodide"
sys.path.insert(0, str(ROOT / "scripts"))

import build_site  # noqa: E402
import pyodide_dist  # noqa: E402

CORE = set(pyodide_dist.CORE_FILES) | {"pyodide-lock.json"}


@pytest.fixture(scope="module", autouse=True)
def built():
    if not (SITE / "index.html").exists():
        pytest.fail("no built site at build/site: run `make site` (make test does it)")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lite_settings() -> dict:
    return json.loads((SITE / "jupyter-lite.json").read_text())["jupyter-config-data"]


def shipped_lock() -> dict:
    return json.loads((PYODIDE / "pyodide-lock.json").read_text())


def sources() -> list[Path]:
    return sorted((ROOT / "content").rglob("*.md")) + sorted((ROOT / "labs").glob("*.md"))


def test_every_notebook_source_is_in_the_site():
    assert sources(), "the course has no notebook source"
    for source in sources():
        path = SITE / "files" / build_site.site_path(source)
        assert path.exists(), f"{source.relative_to(ROOT)} is missing from the site ({path})"
        nb = json.loads(path.read_text())
        assert nb["metadata"]["kernelspec"]["name"] == "python"
        # shipped with CPython's outputs (docs/performance.md, "Prerendered outputs")
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert any(c.get("outputs") for c in code), f"{source.name}: shipped without outputs"


def test_every_exercise_bank_has_its_notebook():
    banks = sorted((ROOT / "exercises").glob("ch*.yml"))
    for bank in banks:
        name = f"{bank.stem}-exercises.ipynb"
        assert (SITE / "files" / "exercises" / name).exists(), f"{bank.name}: no {name} in site"


def test_course_notebooks_are_read_only_in_the_contents_index():
    listed = 0
    for index in (SITE / "api" / "contents").rglob("all.json"):
        for item in json.loads(index.read_text()).get("content") or []:
            if item["type"] == "notebook" and item["path"].split("/")[0] in (
                "chapters",
                "labs",
                "exercises",
            ):
                assert item["writable"] is False, f"{item['path']} is writable"
                listed += 1
    assert listed >= len(sources())


def test_pyodide_url_points_at_the_local_pyodide_js():
    settings = lite_settings()["litePluginSettings"][build_site.KERNEL_PLUGIN]
    assert settings["pyodideUrl"] == "./static/pyodide/pyodide.js"
    assert (SITE / "static" / "pyodide" / "pyodide.js").exists()
    assert settings["disablePyPIFallback"] is True
    # the preload list (the kernel's start, numpy, mfml): tests/site/test_bytecode.py
    assert "numpy" in settings["loadPyodideOptions"]["packages"]


def test_shipped_lock_lists_what_the_course_imports():
    packages = shipped_lock()["packages"]
    for name in ("numpy", "matplotlib", "pandas", "ipywidgets", "bqplot", "mfml"):
        assert name in packages, f"{name} is not in the shipped lock"
    assert "mfml" in packages["mfml"]["imports"]
    assert "scipy" not in packages, "the lock ships more than the course imports"


def test_every_file_the_lock_lists_is_present_with_its_sha256():
    for name, entry in shipped_lock()["packages"].items():
        path = PYODIDE / entry["file_name"]
        assert path.exists(), f"{name}: {entry['file_name']} is listed but not shipped"
        assert sha256(path) == entry["sha256"], f"{entry['file_name']}: sha256 differs"


def test_the_lock_lists_exactly_the_files_beside_it():
    listed = {e["file_name"] for e in shipped_lock()["packages"].values()}
    present = {p.name for p in PYODIDE.iterdir()}
    assert present - listed == CORE, f"unlisted files shipped: {present - listed - CORE}"
    assert not [p for p in present if p.startswith("console")]


def test_no_configuration_points_at_a_cdn_or_pypi():
    pattern = re.compile(r"https?://(?!127\.0\.0\.1|localhost)[^\s\"']+")
    offenders = []
    piplite_indexes = [p for p in SITE.rglob("all.json") if p.parent.name == "pypi"]
    assert piplite_indexes, "the kernel's piplite index is missing"
    for path in [*SITE.rglob("jupyter-lite.json"), *piplite_indexes, PYODIDE / "pyodide-lock.json"]:
        for url in pattern.findall(path.read_text()):
            offenders.append(f"{path.relative_to(SITE)}: {url}")
    assert not offenders, "\n".join(offenders[:20])


def test_no_notebook_installs_packages():
    for path in (SITE / "files").rglob("*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            text = "".join(cell["source"])
            assert "%pip" not in text and "piplite" not in text, f"{path}: installs packages"


def test_only_the_needed_front_end_extensions_ship():
    shipped = {e["name"] for e in lite_settings()["federated_extensions"]}
    assert shipped == set(build_site.FEDERATED_EXTENSIONS)


def test_course_json_counts_come_from_the_sources():
    course = json.loads((SITE / "course.json").read_text())
    chapters = [s for s in sources() if "kind: chapter" in s.read_text()]
    labs = sorted((ROOT / "labs").glob("lab*.md"))
    assert course["counts"]["chapters"] == len(chapters)
    assert course["counts"]["labs"] == len(labs)
    assert course["counts"]["exercises"] == len(course["exercises"])
    for chapter in course["chapters"]:
        assert (SITE / "files" / chapter["path"]).exists()


def test_the_course_scripts_ship_and_are_loaded():
    for page, script in [
        ("index.html", "activity.js"),
        ("index.html", "home.js"),
        ("notebooks/index.html", "activity.js"),
        ("notebooks/index.html", "notebook.js"),
    ]:
        assert (SITE / "static" / "mfml" / script).exists(), f"{script} is not in the site"
        html = (SITE / page).read_text()
        assert re.search(rf'<script[^>]+src="[^"]*static/mfml/{script}', html), (
            f"{page}: no {script}"
        )


def test_two_builds_of_the_same_commit_are_byte_identical(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_site.py"), "--build-dir", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    other = tmp_path / "site"
    # download/ holds the offline zip, which `make zip` adds after the build
    mine = {
        p.relative_to(SITE)
        for p in SITE.rglob("*")
        if p.is_file() and p.relative_to(SITE).parts[0] != "download"
    }
    theirs = {p.relative_to(other) for p in other.rglob("*") if p.is_file()}
    assert mine == theirs, f"file sets differ: {sorted(mine ^ theirs)[:10]}"
    differ = [str(p) for p in sorted(mine) if (SITE / p).read_bytes() != (other / p).read_bytes()]
    assert not differ, f"{len(differ)} files differ, e.g. {differ[:10]}"


def _curriculum_site() -> Path:
    """The built site (MFML_SITE lets a helper check their own build, as the browser tests do)."""
    import os

    return Path(os.environ.get("MFML_SITE", SITE))


def test_curriculum_page_links_every_chapter_section_set_and_lab():
    """curriculum.html (scripts/home_page.py, a Jinja2 template): every chapter with each `##`
    heading of its built notebook, its exercise set and its week's labs; every link resolves to
    a file of the site, every section link to a heading of that notebook; one click from home."""
    import html
    from html.parser import HTMLParser
    from urllib.parse import parse_qs, unquote, urlparse

    import home_page

    site = _curriculum_site()
    page = (site / "curriculum.html").read_text()
    course = json.loads((site / "course.json").read_text())

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.links, self.ids, self.chapters = [], set(), []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if "id" in a:
                self.ids.add(a["id"])
            if "data-curriculum-chapter" in a:
                self.chapters.append(int(a["data-curriculum-chapter"]))
            if tag == "a" and a.get("href"):
                self.links.append(a)

    parsed = Links()
    parsed.feed(page)
    assert parsed.chapters == [c["number"] for c in course["chapters"]]
    opened: dict[str, set[str]] = {}
    sections_of: dict[str, int] = {}
    for a in parsed.links:
        url = urlparse(a["href"])
        if not url.path and url.fragment:
            assert url.fragment in parsed.ids, f"#{url.fragment}: no such id on the page"
            continue
        if url.path == "notebooks/index.html":
            path = parse_qs(url.query)["path"][0]
            nb = site / "files" / path
            assert nb.is_file(), f"{a['href']}: the site has no {path}"
            opened.setdefault(path, set())
            if url.fragment:
                anchors = {home_page.heading_anchor(t) for t in home_page.sections(nb)}
                assert unquote(url.fragment) in anchors, f"{a['href']}: no such heading"
                sections_of[path] = sections_of.get(path, 0) + 1
            continue
        assert (site / url.path).is_file(), f"{a['href']}: not a file of the site"
    for chapter in course["chapters"]:
        headings = home_page.sections(site / "files" / chapter["path"])
        assert headings, f"{chapter['path']} has no ## heading"
        assert sections_of.get(chapter["path"]) == len(headings), chapter["path"]
        assert chapter["synopsis"] and chapter["synopsis"] in html.unescape(page)
    expected = {c["path"] for c in course["chapters"]} | {lab["path"] for lab in course["labs"]}
    expected |= {s["path"] for s in course["exercise_sets"]}
    assert expected <= set(opened), sorted(expected - set(opened))
    home = (site / "index.html").read_text()
    assert 'href="curriculum.html"' in home
