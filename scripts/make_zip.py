"""Pack the offline bundle: build/mfml-course.zip = the site, a launcher and a short README.

A browser will not run the site from file:// (module scripts and web workers are refused),
so the bundle carries serve.py as `start-course.py`, which serves it on 127.0.0.1.

The zip is also copied into the site as download/mfml-course.zip, which the home page links
to (it checks that the file is there, since the zip is made after the site). The site's own
download/ folder is left out of the zip.

Size (issue 14, goal 35 MB): a zip compresses each file on its own, and the byte-compiled
Pyodide wheels are zips of deflated `.pyc` already, so zipping them gains nothing (50 MB). The
big parts that change only with the toolchain (Pyodide's files and wheels; JupyterLite's
bundle and extensions) go instead into two solid xz archives under `packed/`, with every wheel
inside re-stored uncompressed so xz sees the bytecode itself: 113 MB of Pyodide compress to
25 MB there. The launcher unpacks them into site/ once, on its first start (serve.py
`unpack_bundled`, about 3 s); the shipped lock gets the sha256 of the re-stored wheels, which
Pyodide checks. The archives are cached in build/cache/offline by their inputs' hashes, since
xz takes about a minute. The course's own files (notebooks, mfml's wheel, the lock, pages)
stay ordinary zip entries: a learner can see them in the zip, and they change every build.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import sys
import tarfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_site import source_date_epoch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOP = "mfml-course"
DOWNLOAD = Path("download") / "mfml-course.zip"  # in the site; home_page.DOWNLOAD

README = """Mathematical Foundations for Machine Learning and AI: offline edition
=====================================================================

You need Python 3 (any version from 3.8) and a web browser. No network is needed.

1. Unzip this file anywhere.
2. In a terminal, go into the folder and run:

       python3 start-course.py

   (On Windows: double-click start-course.py, or run  py start-course.py)

   The first start unpacks Python for the browser (the archives in packed/)
   into site/: a few seconds, and about 150 MB of disk.

3. Your browser opens the course. If it does not, open the address the launcher
   prints, for example http://127.0.0.1:8000/ . Keep the terminal open while you
   work; press Ctrl+C there to stop.

Opening site/index.html directly does not work: browsers refuse to run the
course's Python from a file:// address, which is why the launcher exists.

Your work and progress are kept by your browser for this address
(http://127.0.0.1:PORT). Use the same browser, and the same port if you can
(the launcher takes 8000 when it is free). Export your progress from the home
page to keep a copy.

Text: CC BY 4.0. Code: MIT.
"""


PACKED = "packed"  # beside site/ in the zip; serve.py's PACKED_FOLDER
PYODIDE = Path("static") / "pyodide"
LOCK = PYODIDE / "pyodide-lock.json"
# Bump when the archives would differ for the same inputs (it is part of the cache key).
PACK_RECIPE = "3"
PACKED_MTIME = 315532800  # 1980-01-01, as the earliest zip date


def packed_groups(site: Path) -> dict[str, list[Path]]:
    """The archive name and the site files it carries (everything else stays a zip entry)."""
    pyodide = [
        p
        for p in sorted((site / PYODIDE).iterdir())
        if p.is_file() and p != site / LOCK and not p.name.startswith("mfml-")
    ]
    app = sorted(p for folder in ("build", "extensions") for p in (site / folder).rglob("*"))
    return {"python": pyodide, "app": [p for p in app if p.is_file()]}


def stored(archive: bytes) -> bytes:
    """The same zip with every member uncompressed, so the solid xz around it sees the bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target,
    ):
        for info in source.infolist():
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.external_attr = info.external_attr
            target.writestr(copy, source.read(info))
    return out.getvalue()


def pack(site: Path, name: str, files: list[Path], cache: Path) -> tuple[Path, dict[str, str]]:
    """`name`.tar.xz of the files (paths relative to site/), from the cache when it has it.

    Only Pyodide's archives are re-stored (the lock is rewritten for them); piplite's copies
    under extensions/ keep their bytes, since its index carries their sha256 too.
    Returns the archive and, for each re-stored archive (by file name), its new sha256."""
    restore = name == "python"
    key_source = [
        (p.relative_to(site).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest()) for p in files
    ]
    key = hashlib.sha256(json.dumps([PACK_RECIPE, key_source]).encode()).hexdigest()
    archive, hashes = cache / f"{name}-{key[:24]}.tar.xz", cache / f"{name}-{key[:24]}.json"
    if archive.exists() and hashes.exists():
        return archive, json.loads(hashes.read_text())
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob(f"{name}-*"):
        old.unlink()
    restored: dict[str, str] = {}
    started = time.monotonic()
    partial = archive.with_suffix(".part")
    with tarfile.open(partial, "w:xz", format=tarfile.PAX_FORMAT, preset=6) as tar:
        for path in files:
            data = path.read_bytes()
            if restore and path.suffix in (".whl", ".zip"):
                data = stored(data)
                restored[path.name] = hashlib.sha256(data).hexdigest()
            info = tarfile.TarInfo(path.relative_to(site).as_posix())
            # a fixed date, not the commit's: the archive is cached across commits, and the
            # server validates by content anyway
            info.size, info.mtime, info.mode = len(data), PACKED_MTIME, 0o644
            tar.addfile(info, io.BytesIO(data))
    partial.rename(archive)
    hashes.write_text(json.dumps(restored, indent=1, sort_keys=True))
    print(
        f"[zip] packed {name}: {len(files)} files, {archive.stat().st_size / 1e6:.1f} MB "
        f"({time.monotonic() - started:.0f} s; cached in {cache.name}/)"
    )
    return archive, restored


def offline_lock(lock: bytes, restored: dict[str, str]) -> bytes:
    """The shipped lock with the sha256 of the re-stored wheels (Pyodide checks them)."""
    data = json.loads(lock)
    for entry in data["packages"].values():
        if entry["file_name"] in restored:
            entry["sha256"] = restored[entry["file_name"]]
    return json.dumps(data, indent=1, sort_keys=True).encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    args = parser.parse_args(argv)
    site = args.build_dir.resolve() / "site"
    zip_path = args.build_dir.resolve() / "mfml-course.zip"
    if not (site / "index.html").exists():
        print("no site: run `make site` first", file=sys.stderr)
        return 1
    stamp = time.gmtime(max(source_date_epoch(), 315532800))[:6]  # zip dates start in 1980

    def add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int = 0o644) -> None:
        info = zipfile.ZipInfo(f"{TOP}/{name}", date_time=stamp)
        info.external_attr = mode << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data)

    download = site / DOWNLOAD
    zip_path.unlink(missing_ok=True)
    packed, restored = {}, {}
    for name, files in packed_groups(site).items():
        packed[name], hashes = pack(site, name, files, args.build_dir / "cache" / "offline")
        restored.update(hashes)
    in_archives = {p for files in packed_groups(site).values() for p in files}
    with zipfile.ZipFile(zip_path, "w") as archive:
        add(archive, "README.txt", README.encode())
        add(archive, "start-course.py", (ROOT / "scripts" / "serve.py").read_bytes(), 0o755)
        for name, path in packed.items():
            info = zipfile.ZipInfo(f"{TOP}/{PACKED}/{name}.tar.xz", date_time=stamp)
            info.external_attr = 0o644 << 16
            with archive.open(info, "w") as target, path.open("rb") as source:
                shutil.copyfileobj(source, target)  # stored: xz is as small as it gets
        for path in sorted(p for p in site.rglob("*") if p.is_file()):
            rel = path.relative_to(site)
            if rel.parts[0] == DOWNLOAD.parts[0] or path in in_archives:
                continue  # the zip itself, from an earlier run, is never inside the zip
            data = path.read_bytes()
            if rel == LOCK:
                data = offline_lock(data, restored)
            add(archive, f"site/{rel.as_posix()}", data)
    download.parent.mkdir(exist_ok=True)
    shutil.copyfile(zip_path, download)
    print(f"[zip] {zip_path} ({zip_path.stat().st_size / 1e6:.1f} MB), also as site/{DOWNLOAD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
