"""The pure-Python wheels the browser kernel loads on `import`: mfml and the widget stack.

Each gets a lock entry (scripts/pyodide_dist.wheel_entry) with the modules it provides and
the packages it needs, so `import bqplot` in a cell loads bqplot, ipywidgets and pandas.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pyodide_dist import wheel_entry

ROOT = Path(__file__).resolve().parents[1]

# name -> (modules it provides, what it needs at import time in the browser)
THIRD_PARTY = {
    "comm": (["comm"], ["traitlets"]),
    "ipywidgets": (["ipywidgets"], ["comm", "traitlets", "ipython"]),
    "traittypes": (["traittypes"], ["traitlets"]),
    "bqscales": (["bqscales"], ["ipywidgets", "traittypes", "numpy"]),
    "bqplot": (["bqplot"], ["ipywidgets", "traittypes", "bqscales", "numpy", "pandas"]),
}
# mfml's exercise widgets need ipywidgets; its labs need bqplot, which lab notebooks import
# themselves, so a chapter does not pay for pandas and bqplot it never uses.
MFML = (["mfml"], ["numpy", "ipywidgets"])

# The kernel's own wheels, shipped by jupyterlite-pyodide-kernel in its extension's pypi/
# folder: lock name -> (wheel name prefix, modules it provides, what it needs).
KERNEL = {
    "piplite": ("piplite", ["piplite"], ["micropip"]),
    "ipykernel": ("ipykernel", ["ipykernel"], ["comm"]),
    "pyodide-kernel": (
        "pyodide_kernel",
        ["pyodide_kernel"],
        ["ipykernel", "piplite", "comm", "ipython", "traitlets", "micropip"],
    ),
}
KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"
# The names pyodide-kernel 0.6.1's worker compares with `loadPyodideOptions.packages` before
# installing each missing one, one after the other (initPackageManager: micropip, piplite;
# initKernel: the rest). Listed there, they load in one parallel batch from the lock instead.
# tests/site/test_bytecode.py reads them back from the built worker, so an upgrade that
# changes them fails a test instead of bringing the serial installs back silently.
KERNEL_START = (
    "micropip",
    "piplite",
    "ssl",
    "sqlite3",
    "ipykernel",
    "comm",
    "pyodide_kernel",
    "jedi",
    "ipython",
)
# What loadPyodide loads before the kernel starts: the kernel's needs, numpy (every
# notebook), mfml (every exercise set and lab). Not matplotlib: 18 of 28 notebooks never
# import it, and it is 12 MB.
PRELOAD = (*KERNEL_START, "numpy", "mfml")


def pinned_versions() -> dict[str, str]:
    versions = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            versions[name.split("[")[0].lower().replace("_", "-")] = version
    return versions


def third_party_wheels(cache: Path) -> list[tuple[Path, dict]]:
    """Download (once) the pinned wheels and return them with their lock entries."""
    versions = pinned_versions()
    folder = cache / "course-wheels"
    result = []
    for name, (imports, depends) in THIRD_PARTY.items():
        version = versions[name]
        pattern = f"{name.replace('-', '_')}-{version}-py*-none-any.whl"
        found = sorted(folder.glob(pattern))
        if not found:
            print(f"[wheels] downloading {name}=={version}", flush=True)
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    "--quiet",
                    "--dest",
                    str(folder),
                    f"{name}=={version}",
                ],
                check=True,
            )
            found = sorted(folder.glob(pattern))
        if not found:
            raise RuntimeError(f"pip download {name}=={version} gave no pure-Python wheel")
        result.append((found[-1], wheel_entry(found[-1], name, imports, depends)))
    return result


def mfml_wheel(bank_json: Path, out: Path, epoch: int) -> tuple[Path, dict]:
    """Build the mfml wheel from a staged copy of src/ that carries the compiled bank."""
    staging = out.parent / "mfml-src"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(
        ROOT / "src",
        staging / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "bank_data"),
    )
    shutil.copy(ROOT / "pyproject.toml", staging / "pyproject.toml")
    data = staging / "src" / "mfml" / "bank_data"
    data.mkdir()
    for path in sorted(bank_json.glob("*.json")):
        shutil.copy(path, data / path.name)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("mfml-*.whl"):
        old.unlink()
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(staging),
        ],
        check=True,
        env=env,
        cwd=staging,
    )
    wheel = next(out.glob("mfml-*.whl"))
    return wheel, wheel_entry(wheel, "mfml", *MFML)


def kernel_wheels(prefix: Path = Path(sys.prefix)) -> list[tuple[Path, dict]]:
    """piplite, the ipykernel stub and pyodide_kernel, from the installed kernel extension."""
    folder = prefix / "share" / "jupyter" / "labextensions" / KERNEL_EXTENSION / "static" / "pypi"
    result = []
    for name, (stem, imports, depends) in KERNEL.items():
        found = sorted(folder.glob(f"{stem}-*-py3-none-any.whl"))
        if len(found) != 1:
            raise RuntimeError(f"{folder}: expected one {stem} wheel, found {len(found)}")
        result.append((found[0], wheel_entry(found[0], name, imports, depends)))
    return result
