"""The offline bundle as a learner gets it: unzip it, start its launcher, run a chapter with
no network (every non-loopback request is blocked by the fixture)."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from notebook import open_notebook, run_all

ROOT = Path(__file__).resolve().parents[2]
ZIP = ROOT / "build" / "mfml-course.zip"


@pytest.fixture
def launched(tmp_path):
    if not ZIP.exists():
        pytest.fail("no build/mfml-course.zip: run `make zip` (make test does it)")
    with zipfile.ZipFile(ZIP) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / "mfml-course"
    assert (folder / "README.txt").exists() and (folder / "start-course.py").exists()
    process = subprocess.Popen(
        [sys.executable, "start-course.py", "--no-browser", "--port", "8765"],
        cwd=folder,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = ""
        while "http://" not in line:
            line = process.stdout.readline()
            assert line, "the launcher exited without serving"
        yield folder, re.search(r"http://\S+", line).group(0)
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.browser
def test_unzipped_bundle_runs_a_chapter_offline(page, launched):
    folder, url = launched
    assert url.startswith("http://127.0.0.1:")
    chapters = sorted((folder / "site" / "files" / "chapters").rglob("ch*.ipynb"))
    assert chapters, "the bundle has no chapter"
    path = chapters[0].relative_to(folder / "site" / "files").as_posix()
    page.goto(url)
    assert "Mathematical Foundations" in page.title()
    open_notebook(page, url, path)
    run = run_all(page, path)
    assert not run.problems, "\n".join(run.problems)
    print(f"zip: {ZIP.stat().st_size / 1e6:.1f} MB; ran {path} from the unzipped bundle")
