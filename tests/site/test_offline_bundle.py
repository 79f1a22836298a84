"""The offline zip's contents: small enough, and once unpacked the same site as the build.

The browser test (tests/browser/test_offline_zip.py) starts the launcher and runs a chapter;
these check, file by file, what the launcher's first start rebuilds from packed/*.tar.xz.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import serve  # noqa: E402

SITE = ROOT / "build" / "site"
ZIP = ROOT / "build" / "mfml-course.zip"
LOCK = Path("static/pyodide/pyodide-lock.json")
GOAL_BYTES = 35e6  # issue 14


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    if not ZIP.exists():
        pytest.fail("no build/mfml-course.zip: run `make zip` (make test does it)")
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(ZIP) as archive:
        archive.extractall(folder)
    bundle = folder / "mfml-course"
    started = time.monotonic()
    first = serve.unpack_bundled(bundle, bundle / "site", say=lambda _: None)
    seconds = time.monotonic() - started
    print(f"offline zip {ZIP.stat().st_size / 1e6:.1f} MB; first start unpacked in {seconds:.1f} s")
    return bundle, first


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_the_zip_meets_the_size_goal():
    assert ZIP.stat().st_size <= GOAL_BYTES, f"{ZIP.stat().st_size / 1e6:.1f} MB > 35 MB"


def test_first_start_unpacks_both_archives_and_the_second_nothing(unpacked):
    bundle, first = unpacked
    assert first == ["app.tar.xz", "python.tar.xz"]
    assert serve.unpack_bundled(bundle, bundle / "site", say=lambda _: None) == []


def test_the_unpacked_site_is_the_built_site(unpacked):
    bundle, _ = unpacked
    built = {p.relative_to(SITE) for p in SITE.rglob("*") if p.is_file()}
    built = {p for p in built if p.parts[0] != "download"}
    got = {p.relative_to(bundle / "site") for p in (bundle / "site").rglob("*") if p.is_file()}
    assert built - got == set(), "files of the build missing from the unpacked bundle"
    assert got - built == {Path(serve.UNPACKED_MARK)}
    restored = 0
    for rel in sorted(built):
        ours, theirs = (bundle / "site" / rel).read_bytes(), (SITE / rel).read_bytes()
        if ours == theirs:
            continue
        if rel == LOCK:
            continue  # below
        # only Pyodide's archives are re-stored: piplite's index has the sha256 of its copies
        assert rel.parent == LOCK.parent and rel.suffix in (".whl", ".zip"), f"{rel} differs"
        assert members(ours) == members(theirs), f"{rel}: members differ from the build's"
        restored += 1
    assert restored >= 30, "the wheels were meant to be re-stored for xz"


def test_the_shipped_lock_names_the_unpacked_files_hashes(unpacked):
    """Pyodide refuses a wheel whose sha256 is not the lock's: every entry must match."""
    bundle, _ = unpacked
    ours = json.loads((bundle / "site" / LOCK).read_text())
    theirs = json.loads((SITE / LOCK).read_text())
    assert ours["packages"].keys() == theirs["packages"].keys()
    for name, entry in ours["packages"].items():
        data = (bundle / "site" / LOCK.parent / entry["file_name"]).read_bytes()
        assert entry["sha256"] == sha256(data), f"{name}: the lock's sha256 is not the file's"
        assert {k: v for k, v in entry.items() if k != "sha256"} == {
            k: v for k, v in theirs["packages"][name].items() if k != "sha256"
        }


def test_an_archive_reaching_outside_the_site_is_refused(tmp_path):
    bundle = tmp_path / "bundle"
    (bundle / "packed").mkdir(parents=True)
    (bundle / "site").mkdir()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:xz") as tar:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    (bundle / "packed" / "evil.tar.xz").write_bytes(buffer.getvalue())
    with pytest.raises(serve.UnpackError, match="escaped.txt"):
        serve.unpack_bundled(bundle, bundle / "site", say=lambda _: None)
    assert not (bundle / "escaped.txt").exists()
    assert not (bundle / "site" / serve.UNPACKED_MARK).exists()
