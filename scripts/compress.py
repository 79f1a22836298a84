"""Precompress the built site: brotli and gzip copies in a content-addressed store.

    python scripts/compress.py [--site build/site] [--store build/compressed] [--beside DIR]

For every file of the site that is worth it, the store gets ``<sha256>.br`` and
``<sha256>.gz``, named by the sha256 of the ORIGINAL bytes. ``scripts/serve.py`` looks a
file's hash up there (the same hash is its ETag), so a file changed after compression simply
has no compressed copy and goes out as it is: a stale compressed copy can never be served.
The store is also the cache: a file already compressed (pyodide.asm.wasm, the wheels) costs
nothing on the next build; entries no file of the site uses any more are removed.

A file is compressed only if it is at least MIN_SIZE bytes and each copy saves at least
MIN_SAVING of it (zips and wheels are deflated already and mostly stay as they are); a file
that does not qualify is remembered with a ``<sha256>.skip`` marker.

Why build time and not in the server (measured here, 2 shared cores, docs/hosting.md): brotli
quality 9 takes 22 s for pyodide.asm.wasm alone, far too long for the first request of a
visit; quality 11 saves another 0.35 MB on it (2.27 against 2.62 MB; 0.14 s at 20 Mbit/s) but
takes 150 s, so 9 it is. The offline zip's launcher has only the standard library (no brotli)
and serves on loopback, where transfer costs nothing, so the zip carries no compressed copies.

``--beside DIR`` writes ``X.br`` and ``X.gz`` next to every qualifying file of DIR (a copy of
the site made for a static host: nginx's ``gzip_static``/``brotli_static``, S3 uploads with
``Content-Encoding``), from the store.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parents[1]
MIN_SIZE = 1024  # below this the headers cost more than the bytes saved
MIN_SAVING = 0.05  # a copy must be at least 5 % smaller than the original
BROTLI_QUALITY = 9
GZIP_LEVEL = 9
SKIP_FOLDERS = ("download",)  # the offline zip: a zip already, and not part of a visit


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def site_files(site: Path) -> list[Path]:
    return sorted(
        p
        for p in site.rglob("*")
        if p.is_file() and p.relative_to(site).parts[0] not in SKIP_FOLDERS
    )


def worth_it(original: int, compressed: int) -> bool:
    return original >= MIN_SIZE and compressed <= original * (1 - MIN_SAVING)


def compress_one(data: bytes) -> dict[str, bytes]:
    """The copies worth storing for these bytes: {".br": ..., ".gz": ...}, or fewer."""
    if len(data) < MIN_SIZE:
        return {}
    copies = {
        ".br": brotli.compress(data, quality=BROTLI_QUALITY),
        ".gz": gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0),
    }
    return {suffix: c for suffix, c in copies.items() if worth_it(len(data), len(c))}


def fill_store(site: Path, store: Path, workers: int = 2) -> dict[str, str]:
    """Compress what the store lacks; returns {site path: sha256} for every site file."""
    store.mkdir(parents=True, exist_ok=True)
    hashes = {p.relative_to(site).as_posix(): sha256_file(p) for p in site_files(site)}
    todo = {}
    for rel, digest in hashes.items():
        known = [store / f"{digest}{s}" for s in (".br", ".gz", ".skip")]
        if not any(p.exists() for p in known):
            todo[digest] = site / rel

    def work(item: tuple[str, Path]) -> tuple[str, int, int]:
        digest, path = item
        data = path.read_bytes()
        copies = compress_one(data)
        for suffix, blob in copies.items():
            tmp = store / f"{digest}{suffix}.tmp"
            tmp.write_bytes(blob)
            tmp.replace(store / f"{digest}{suffix}")
        if not copies:
            (store / f"{digest}.skip").touch()
        return digest, len(data), len(copies.get(".br", data))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = list(pool.map(work, sorted(todo.items(), key=lambda kv: -kv[1].stat().st_size)))
    used = set(hashes.values())
    stale = [p for p in store.iterdir() if p.name.split(".", 1)[0] not in used]
    for path in stale:
        path.unlink()
    before = sum(n for _, n, _ in done)
    after = sum(b for _, _, b in done)
    print(
        f"[compress] {len(hashes)} files, {len(done)} new ({before / 1e6:.1f} MB -> "
        f"{after / 1e6:.1f} MB brotli), {len(stale)} stale entries removed: {store}",
        flush=True,
    )
    return hashes


def totals(site: Path, store: Path) -> dict[str, int]:
    """Bytes of the site as it is, and as a browser accepting br (or gzip) downloads it."""
    sums = {"identity": 0, "br": 0, "gzip": 0}
    for path in site_files(site):
        digest, size = sha256_file(path), path.stat().st_size
        sums["identity"] += size
        for name, suffix in (("br", ".br"), ("gzip", ".gz")):
            copy = store / f"{digest}{suffix}"
            sums[name] += copy.stat().st_size if copy.exists() else size
    return sums


def write_beside(folder: Path, store: Path) -> int:
    """X.br and X.gz next to each file of ``folder`` that has copies in the store."""
    count = 0
    for path in site_files(folder):
        if path.suffix in (".br", ".gz"):
            continue
        digest = sha256_file(path)
        for suffix in (".br", ".gz"):
            copy = store / f"{digest}{suffix}"
            if copy.exists():
                shutil.copyfile(copy, path.with_name(path.name + suffix))
                count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "site")
    parser.add_argument(
        "--store", type=Path, default=None, help="default: compressed/ beside the site"
    )
    parser.add_argument(
        "--beside", type=Path, default=None, help="also write X.br/X.gz into this site copy"
    )
    args = parser.parse_args(argv)
    site = args.site.resolve()
    if not (site / "index.html").exists():
        print(f"no site at {site}: run `make site` first", file=sys.stderr)
        return 1
    store = (args.store or site.parent / "compressed").resolve()
    fill_store(site, store)
    sums = totals(site, store)
    print(
        f"[compress] the site: {sums['identity'] / 1e6:.1f} MB as is, "
        f"{sums['br'] / 1e6:.1f} MB with brotli, {sums['gzip'] / 1e6:.1f} MB with gzip"
    )
    if args.beside:  # a copy of the site: its files have the site's hashes
        print(f"[compress] {write_beside(args.beside.resolve(), store)} copies beside the files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
