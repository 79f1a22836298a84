"""The build's handling of bad input and faults: corrupt or missing Pyodide files, no source
of wheels, malformed notebook sources, a busy port."""

from __future__ import annotations

import hashlib
import re
import socket
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import build_site  # noqa: E402
import pyodide_dist  # noqa: E402


def entry(name: str, data: bytes) -> dict:
    return {"file_name": name, "sha256": hashlib.sha256(data).hexdigest()}


def cache_with(tmp_path: Path, files: dict[str, bytes]) -> Path:
    (tmp_path / "wheels").mkdir(parents=True)
    for name, data in files.items():
        (tmp_path / "wheels" / name).write_bytes(data)
    return tmp_path


def test_a_verified_cached_file_is_used(tmp_path):
    cache = cache_with(tmp_path, {"good-1.0-py3-none-any.whl": b"good bytes"})
    got = pyodide_dist.fetch_verified(
        [entry("good-1.0-py3-none-any.whl", b"good bytes")],
        pyodide_dist.Sources(cache=cache, names=("cache",)),
    )
    assert got == {"good-1.0-py3-none-any.whl": b"good bytes"}


def test_a_corrupt_file_fails_naming_the_file_and_both_hashes(tmp_path):
    name = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
    cache = cache_with(tmp_path, {name: b"corrupted"})
    expected = entry(name, b"the official bytes")
    with pytest.raises(pyodide_dist.PyodideError) as failure:
        pyodide_dist.fetch_verified([expected], pyodide_dist.Sources(cache, ("cache",)))
    message = str(failure.value)
    assert name in message
    assert expected["sha256"] in message
    assert hashlib.sha256(b"corrupted").hexdigest() in message
    assert not (cache / "wheels" / name).exists(), "a corrupt cached file must be discarded"


def test_no_source_says_what_was_tried_and_how_to_provide_the_files(tmp_path):
    cache = cache_with(tmp_path, {})
    with pytest.raises(pyodide_dist.PyodideError) as failure:
        pyodide_dist.fetch_verified(
            [entry("missing-1.0-py3-none-any.whl", b"x")], pyodide_dist.Sources(cache, ("cache",))
        )
    message = str(failure.value)
    assert "missing-1.0-py3-none-any.whl" in message
    assert "Sources tried, in order: cache" in message
    assert "To provide them by hand" in message and str(cache / "wheels") in message


def test_an_unknown_source_name_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(pyodide_dist.SOURCES_ENV, "cache,ftp")
    with pytest.raises(pyodide_dist.PyodideError, match="unknown source"):
        pyodide_dist.configured_sources(tmp_path)


def test_the_closure_follows_the_official_depends():
    lock = {
        "packages": {
            "a": {"name": "a", "depends": ["b"]},
            "b": {"name": "b", "depends": ["c_d"]},
            "c-d": {"name": "c-d", "depends": []},
            "unused": {"name": "unused", "depends": []},
        }
    }
    assert pyodide_dist.closure(lock, ["a"]) == ["a", "b", "c-d"]
    with pytest.raises(pyodide_dist.PyodideError, match="not in Pyodide"):
        pyodide_dist.closure(lock, ["nowhere"])


def write_source(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    path = folder / "bad.md"
    path.write_text(textwrap.dedent(text))
    return path


def test_a_source_without_course_front_matter_fails_with_its_path(tmp_path):
    path = write_source(tmp_path, "# A notebook\n\nNo front matter.\n")
    with pytest.raises(build_site.BuildError, match="bad.md.*front matter"):
        build_site.read_source(path)


def test_a_source_with_pip_fails_with_its_path(tmp_path):
    path = write_source(
        tmp_path,
        """\
        ---
        mfml: {kind: guide, title: Bad}
        ---
        ```{code-cell} ipython3
        %pip install numpy
        ```
        """,
    )
    with pytest.raises(build_site.BuildError, match="bad.md.*%pip"):
        build_site.read_source(path)


def test_a_malformed_source_stops_the_build_with_its_path(tmp_path):
    path = write_source(tmp_path, "---\nmfml: [unclosed\n---\n")
    with pytest.raises(build_site.BuildError, match="bad.md"):
        build_site.read_source(path)


def test_imports_are_found_as_pyodide_finds_them():
    nb = build_site.jupytext.reads(
        "```{code-cell} ipython3\n%matplotlib inline\nimport numpy as np\n"
        "from mfml.labs import lab04\nimport os.path\n```\n",
        fmt="md:myst",
    )
    assert build_site.imports_of(nb) == {"numpy", "mfml", "os"}


def test_a_busy_port_is_skipped_and_said(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>course</p>")
    (site / "x.wasm").write_bytes(b"\0asm")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "scripts" / "serve.py"),
                "--site",
                str(site),
                "--port",
                str(busy),
                "--no-browser",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            first = proc.stdout.readline()
            second = proc.stdout.readline()
            assert f"Port {busy} is busy" in first
            url = re.search(r"http://\S+", second).group(0)
            assert url.startswith("http://127.0.0.1:") and str(busy) not in url.split(":")[-1]
            with urllib.request.urlopen(url + "x.wasm") as response:
                assert response.headers["Content-Type"] == "application/wasm"
        finally:
            proc.terminate()
            proc.wait(5)


def test_a_hide_input_tag_collapses_the_code_but_not_other_cells(tmp_path):
    path = write_source(
        tmp_path,
        """\
        ---
        mfml: {kind: guide, title: Figures}
        ---
        ```{code-cell} ipython3
        :tags: [hide-input]
        import matplotlib.pyplot as plt
        ```
        ```{code-cell} ipython3
        x = 1
        ```
        """,
    )
    dest = tmp_path / "out.ipynb"
    build_site.write_notebook(build_site.read_source(path), dest)
    import nbformat

    cells = nbformat.read(dest, as_version=4).cells
    assert cells[0].metadata["jupyter"]["source_hidden"] is True
    assert "jupyter" not in cells[1].metadata


# ---------------------------------------------------------------- prerendered outputs

import prerender  # noqa: E402


def test_widgets_and_report_links_are_not_shipped():
    widget = {"output_type": "display_data", "data": {prerender.WIDGET: {}, "text/plain": "HBox"}}
    link = {"output_type": "display_data", "data": {"text/html": "<a>"}, "metadata": {}}
    link["metadata"][prerender.REPORT_LINK] = True
    text = {"output_type": "stream", "name": "stdout", "text": "x = 1\n"}
    figure = {"output_type": "display_data", "data": {"image/png": "iVBOR", "text/plain": "<F>"}}
    assert [prerender.shipped(o) for o in (widget, link, text, figure)] == [
        False,
        False,
        True,
        True,
    ]


def test_an_exercise_set_gets_one_run_this_cell_line_and_no_count():
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Exercises"),
        nbformat.v4.new_code_cell("import mfml"),
        nbformat.v4.new_code_cell('ex("8.1")'),
    ]
    prerender.mark_run_first(nb)
    first, second = nb.cells[1], nb.cells[2]
    assert [o.text for o in first.outputs] == [prerender.EXERCISE_LINE]
    assert first.execution_count is None and second.outputs == []
    assert "Run this cell" in prerender.EXERCISE_LINE


def test_outputs_for_another_version_of_a_source_are_refused(tmp_path):
    path = write_source(tmp_path, "---\nmfml: {kind: guide, title: T}\n---\n")
    nb = build_site.read_source(path)
    with pytest.raises(prerender.PrerenderError, match="bad.md: 0 code cells, 1 prerendered"):
        prerender.apply(nb, [{"execution_count": 1, "outputs": []}], "bad.md")


def test_the_cache_key_follows_the_source_its_data_and_the_code(tmp_path):
    path = write_source(tmp_path, "---\nmfml: {kind: guide, title: T}\n---\n")
    key = prerender.cache_key(path, "code 1")
    assert prerender.cache_key(path, "code 1") == key
    assert prerender.cache_key(path, "code 2") != key  # src/mfml or a library changed
    (path.parent / "data.csv").write_text("1,2\n")
    with_data = prerender.cache_key(path, "code 1")
    assert with_data != key
    path.write_text(path.read_text() + "\nMore prose.\n")
    assert prerender.cache_key(path, "code 1") != with_data
    fingerprint = prerender.code_fingerprint()
    assert fingerprint == prerender.code_fingerprint() and len(fingerprint) == 64


def test_the_build_run_fails_by_notebook_and_cell_and_caches_only_success(tmp_path, monkeypatch):
    """One kernel per notebook under CPython (about 10 s here): an error fails the run naming
    the notebook and cell; the clean notebook is cached, and a second run executes nothing."""
    good = write_source(
        tmp_path,
        "---\nmfml: {kind: guide, title: T}\n---\n```{code-cell} ipython3\nprint('hello')\n```\n",
    )
    bad = good.with_name("broken.md")
    bad.write_text(
        "---\nmfml: {kind: guide, title: T}\n---\n"
        "```{code-cell} ipython3\nx = 1\n```\n```{code-cell} ipython3\n1 / 0\n```\n"
    )
    cache, said = tmp_path / "cache", []
    with pytest.raises(prerender.PrerenderError) as failure:
        prerender.prerender([good, bad], cache=cache, workers=2, log=said.append)
    assert "broken.md: cell 2: error: ZeroDivisionError" in str(failure.value)
    assert len(list(cache.glob("*.json"))) == 1, "only the clean notebook is cached"
    said.clear()
    cells = prerender.prerender([good], cache=cache, workers=1, log=said.append)
    assert said[0].startswith("[prerender] 1 cached, 0 to execute")
    (cell,) = cells[good]
    assert cell["execution_count"] == 1
    assert cell["outputs"] == [{"name": "stdout", "output_type": "stream", "text": "hello\n"}]
