"""The site's Python is byte-compiled for Pyodide's 3.12 and the kernel starts in one batch
(issue 14 items 1 and 2; docs/performance.md). Reads the built site (MFML_SITE, default
build/site) and the build's cache; a few seconds."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("MFML_SITE", ROOT / "build" / "site"))
PYODIDE = SITE / "static" / "pyodide"
CACHE = ROOT / "build" / "cache"
sys.path.insert(0, str(ROOT / "scripts"))

import build_site  # noqa: E402
import bytecode  # noqa: E402
import course_wheels  # noqa: E402
import pyodide_dist  # noqa: E402

MODE = os.environ.get(bytecode.MODE_ENV, "sourceless")
# A .pyc header: magic, flags (0b01: hash-based, not checked against a source), source hash.
HEADER = bytecode.MAGIC + (1).to_bytes(4, "little")


@pytest.fixture(scope="module")
def lock() -> dict:
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built site at {SITE}: run `make site` (make test does it)")
    return json.loads((PYODIDE / "pyodide-lock.json").read_text())


@pytest.fixture(scope="module")
def official() -> tuple[dict, dict]:
    return pyodide_dist.read_npm_package(CACHE)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archives(lock: dict) -> list[Path]:
    return [PYODIDE / e["file_name"] for e in lock["packages"].values()] + [
        PYODIDE / "python_stdlib.zip"
    ]


def compiled_from(data: bytes) -> Path:
    return CACHE / "bytecode" / f"{sha256(data)}-{MODE}-{bytecode.RECIPE}.zip"


def test_every_input_was_verified_against_the_official_lock_then_compiled(lock, official):
    """Each shipped Pyodide wheel is the compiled copy of a file with the official sha256."""
    official_lock, core = official
    checked = 0
    for name, entry in lock["packages"].items():
        if name not in official_lock["packages"]:
            continue
        expected = official_lock["packages"][name]
        assert entry["file_name"] == expected["file_name"], name
        source = (CACHE / "wheels" / entry["file_name"]).read_bytes()
        assert sha256(source) == expected["sha256"], f"{name}: input is not the official file"
        cached = compiled_from(source)
        shipped = (PYODIDE / entry["file_name"]).read_bytes()
        assert cached.exists() and cached.read_bytes() == shipped, (
            f"{name}: the shipped wheel is not the compiled copy of the official one"
        )
        checked += 1
    assert checked >= 30, f"only {checked} official packages shipped"
    stdlib = (PYODIDE / "python_stdlib.zip").read_bytes()
    assert compiled_from(core["python_stdlib.zip"]).read_bytes() == stdlib
    for name in ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm"):
        assert (PYODIDE / name).read_bytes() == core[name], f"{name} differs from the npm package"


def test_the_shipped_lock_matches_the_shipped_files(lock):
    for name, entry in lock["packages"].items():
        path = PYODIDE / entry["file_name"]
        assert path.exists(), f"{name}: {entry['file_name']} is listed but not shipped"
        assert sha256(path.read_bytes()) == entry["sha256"], f"{entry['file_name']}: sha256"


def test_every_module_ships_as_python_312_bytecode(lock):
    sources_left, pyc = [], 0
    for path in archives(lock):
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            for name in names:
                if name.endswith(".pyc"):
                    head = archive.open(name).read(8)
                    assert head == HEADER, f"{path.name}/{name}: header {head.hex()}"
                    pyc += 1
                elif name.endswith(".py") and not name.split("/")[0].endswith(".data"):
                    if MODE == "sourceless" or (
                        bytecode.compiled_name(name, MODE, path.name == "python_stdlib.zip")
                        not in names
                    ):
                        sources_left.append(f"{path.name}/{name}")
    assert pyc > 2000, f"only {pyc} .pyc files shipped"
    assert not sources_left, f"{len(sources_left)} modules not compiled: {sources_left[:10]}"


def test_wheel_records_match_their_members(lock):
    """micropip and importlib.metadata read RECORD: it names the .pyc, with its hash."""
    for entry in lock["packages"].values():
        with zipfile.ZipFile(PYODIDE / entry["file_name"]) as archive:
            record = [n for n in archive.namelist() if n.endswith(".dist-info/RECORD")]
            if not record:
                continue
            for line in archive.read(record[0]).decode().splitlines():
                name, digest, size = line.rsplit(",", 2)
                if digest:
                    data = archive.read(name)
                    assert digest == bytecode.record_hash(data), f"{entry['file_name']}: {name}"
                    assert int(size) == len(data)


def test_the_kernel_wheels_are_in_the_lock(lock):
    for name, (_, imports, _) in course_wheels.KERNEL.items():
        assert name in lock["packages"], f"the kernel's {name} is not in the shipped lock"
        assert lock["packages"][name]["imports"] == imports


def kernel_settings() -> dict:
    data = json.loads((SITE / "jupyter-lite.json").read_text())["jupyter-config-data"]
    return data["litePluginSettings"][build_site.KERNEL_PLUGIN]


def test_the_kernel_start_and_mfml_are_preloaded_from_the_lock(lock):
    packages = kernel_settings()["loadPyodideOptions"]["packages"]
    assert packages == list(course_wheels.PRELOAD)
    assert {"numpy", "mfml"} <= set(packages)
    by_canonical = {re.sub(r"[-_.]+", "-", n).lower() for n in lock["packages"]}
    missing = [p for p in packages if re.sub(r"[-_.]+", "-", p).lower() not in by_canonical]
    assert not missing, f"preloaded but not in the shipped lock: {missing}"
    preloaded = pyodide_dist.closure(lock, packages)
    assert "matplotlib" not in preloaded, "matplotlib is preloaded: 18 of 28 notebooks skip it"


def worker_names() -> set[str]:
    """The package names the built kernel worker compares with loadPyodideOptions.packages."""
    folder = SITE / "extensions" / course_wheels.KERNEL_EXTENSION / "static"
    found, workers = set(), 0
    for path in folder.glob("*.js"):
        text = path.read_text(errors="replace")
        manager = re.search(r"initPackageManager\(\w+\)\{(.*?)initKernel\(\w+\)\{", text, re.S)
        kernel = re.search(r'initKernel\(\w+\)\{.{0,200}?\[((?:"[^"]*",?)+)\]', text, re.S)
        if not manager or not kernel:
            continue
        workers += 1
        manager = manager.group(1)
        found |= set(re.findall(r'\.includes\("([^"]+)"\)', manager))
        found |= set(re.findall(r'"([^"]+)"', kernel.group(1)))
    assert workers, f"no kernel worker with initPackageManager/initKernel in {folder}"
    return found


def test_a_kernel_upgrade_cannot_bring_back_the_serial_installs():
    names = worker_names()
    assert names == set(course_wheels.KERNEL_START), (
        "the kernel worker now compares other names with loadPyodideOptions.packages: "
        f"{sorted(names)}; update course_wheels.KERNEL_START (and the lock entries)"
    )
    assert set(names) <= set(kernel_settings()["loadPyodideOptions"]["packages"])
