"""Serve the course site on 127.0.0.1 with the MIME types a browser needs, and open it.

Standard library only: this same file is the launcher inside the offline zip. A browser
refuses module scripts and web workers from file://, so the site is always served.

    python serve.py [--site DIR] [--port 8000] [--no-browser] [--isolate]
                    [--compressed DIR] [--throttle 20mbit,40ms]

Takes port 8000, or the next free one, and says which.

Caching (docs/hosting.md): every file is validated by its content, never by its date (446
of 610 built files carry the same fixed build time, so a date says nothing): the ETag is the
file's sha256, and ``If-None-Match`` gets ``304 Not Modified`` only when the bytes are the
same. Files whose name carries a content hash (the JupyterLite bundle's chunks) are
``immutable`` for a year; everything else, the Pyodide files and wheels included (their names
do not change when their bytes do), is ``no-cache``: the browser keeps its copy and asks, so a
changed chapter always arrives.

Compression: ``scripts/compress.py`` precompresses the site at build time into a
content-addressed store (``build/compressed/<sha256>.br`` and ``.gz``); this server answers
``Accept-Encoding: br`` or ``gzip`` with those bytes, with ``Vary: Accept-Encoding``. A file
changed after the build simply has no compressed copy under its new hash, so a stale
compressed copy can never be served. Without a store (the offline zip) files go as they are.

With ``--isolate`` every response carries the cross-origin isolation headers
(docs/hosting.md): the page may then use SharedArrayBuffer, which the Python kernel needs to be
interrupted (Kernel → Interrupt stops a cell that runs for ever). It is off by default: with
JupyterLite 0.6.4 and its Pyodide kernel 0.6.1, an isolated page's "Run all" leaves some cells
without an execution count and never finishes (measured by the browser notebook tests: 6 of 6
chapters failed isolated, all passed without). The exercise checks' own time budget keeps a
slow answer from hanging the kernel either way.

The offline zip carries its biggest, rarely changing parts as solid xz archives in
``packed/`` beside ``site/`` (scripts/make_zip.py says why): on its first start the launcher
unpacks them into the site (``unpack_bundled``), and again only when an archive changes.

``--throttle 20mbit,40ms`` (for ``make bench``) makes the server behave like a slow link:
every response waits the latency before its first byte, and all responses share the rate.
Throttling here, not in the page, also slows the kernel's web worker, which page-level
emulation misses.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import json
import os
import re
import socket
import sys
import threading
import time
import webbrowser
from http import HTTPStatus
from pathlib import Path

MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".ipynb": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
}


# What makes the page cross-origin isolated (window.crossOriginIsolated == true).
ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "cross-origin",
}

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# A JupyterLite bundle chunk or a front-end extension's chunk: name.<content hash>.js
# (build/1053.6c533be.js, extensions/bqplot/static/147.995621b367d712db6a42.js).
HASHED_NAME = re.compile(
    r"^[\w-]+\.[0-9a-f]{7,}\.(js|css|wasm|woff2?|ttf|svg|png)(\.LICENSE\.txt)?$"
)
HASHED_FOLDERS = ("build/", "extensions/")

# Content codings in the server's order of preference, with the store's file suffix.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
CHUNK = 64 * 1024


def cache_control(rel: str) -> str:
    """The Cache-Control for a site path (posix, relative to the site root)."""
    name = rel.rsplit("/", 1)[-1]
    if rel.startswith(HASHED_FOLDERS) and HASHED_NAME.match(name):
        return IMMUTABLE
    return REVALIDATE


def accepted_encodings(header: str | None) -> set[str]:
    """The content codings an Accept-Encoding header allows (q=0 excluded; no header: none)."""
    found: dict[str, float] = {}
    for part in (header or "").split(","):
        token, _, params = part.strip().partition(";")
        token = token.strip().lower()
        if not token:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        found[token] = q
    wildcard = found.get("*", 0.0)
    return {name for name, _ in ENCODINGS if found.get(name, wildcard) > 0}


def etag_matches(header: str | None, digest: str) -> bool:
    """If-None-Match against a file's content hash: any representation of the same bytes
    (identity, br or gzip: ``"<sha>"``, ``"<sha>-br"``, ``"<sha>-gzip"``) matches."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    for tag in header.split(","):
        tag = tag.strip()
        tag = (tag[2:] if tag.startswith("W/") else tag).strip('"')
        if tag.split("-", 1)[0] == digest:
            return True
    return False


class Digests:
    """sha256 of each file, recomputed only when its inode, size, mtime or ctime changes (the
    ctime cannot be set back, so an edit that keeps size and date is still seen)."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[tuple, str]] = {}
        self._lock = threading.Lock()

    def __call__(self, path: str, st: os.stat_result) -> str:
        key = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        with self._lock:
            known = self._known.get(path)
        if known and known[0] == key:
            return known[1]
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        value = digest.hexdigest()
        with self._lock:
            self._known[path] = (key, value)
        return value


class Stats:
    """What a server has sent: body bytes, responses, 304s (the bench and tests read it)."""

    def __init__(self) -> None:
        self.bytes = 0
        self.responses = 0
        self.not_modified = 0
        self._lock = threading.Lock()

    def add(self, nbytes: int, responses: int = 0, not_modified: int = 0) -> None:
        with self._lock:
            self.bytes += nbytes
            self.responses += responses
            self.not_modified += not_modified


class Throttle:
    """A shared link: ``rate`` bytes per second for all responses together (a token bucket
    with a small burst), and ``latency`` seconds before each response's first byte."""

    def __init__(self, bits_per_second: float, latency_s: float, burst: int = 16 * 1024):
        self.rate = bits_per_second / 8.0  # bytes per second
        self.latency = latency_s
        self.burst = burst
        self._lock = threading.Lock()
        self._next = 0.0  # when the link is free again (time.monotonic)

    def reserve(self, nbytes: int, now: float) -> float:
        """Book ``nbytes`` on the link; returns how long to wait before sending them."""
        with self._lock:
            start = max(self._next, now - self.burst / self.rate)
            self._next = start + nbytes / self.rate
            return max(0.0, self._next - now)

    def wait(self, nbytes: int) -> None:
        """Sleep until ``nbytes`` more may go out on the link."""
        delay = self.reserve(nbytes, time.monotonic())
        if delay > 0:
            time.sleep(delay)


def parse_throttle(text: str) -> Throttle:
    """``20mbit,40ms`` -> Throttle(20e6 bit/s, 0.040 s)."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([kmg]?)bit\s*(?:,\s*([\d.]+)\s*ms)?\s*", text.lower())
    if not match:
        raise argparse.ArgumentTypeError(f"expected e.g. 20mbit,40ms, not {text!r}")
    scale = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[match.group(2)]
    return Throttle(float(match.group(1)) * scale, float(match.group(3) or 0) / 1000)


class CourseHandler(http.server.SimpleHTTPRequestHandler):
    # HTTP/1.1: Chromium ignores an ETag on an HTTP/1.0 response (it then refetches every
    # no-cache file in full, never asking If-None-Match); keep-alive also spares a new
    # connection per file.
    protocol_version = "HTTP/1.1"
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    isolation = False
    compressed: Path | None = None  # the store written by scripts/compress.py
    throttle: Throttle | None = None
    digests = Digests()
    stats = Stats()

    def end_headers(self) -> None:
        self.stats.add(0, responses=1)
        if self.isolation:
            for name, value in ISOLATION_HEADERS.items():
                self.send_header(name, value)
        super().end_headers()

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        if self.throttle is not None and self.throttle.latency:
            time.sleep(self.throttle.latency)
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            index = os.path.join(path, "index.html")
            if not self.path.split("?", 1)[0].endswith("/") or not os.path.isfile(index):
                # the base class redirects to the slash form, or lists the folder
                f = self.send_head()
                if f:
                    with f:
                        if body:
                            self._send_body(f)
                return
            path = index
        try:
            st = os.stat(path)
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return
        if not os.path.isfile(path) or path.endswith("/"):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return
        digest = self.digests(path, st)
        rel = Path(path).resolve().relative_to(Path(self.directory).resolve()).as_posix()

        encoding, source = None, path
        accepted = accepted_encodings(self.headers.get("Accept-Encoding"))
        if self.compressed is not None:
            for name, suffix in ENCODINGS:
                candidate = self.compressed / f"{digest}{suffix}"
                if name in accepted and candidate.is_file():
                    encoding, source = name, str(candidate)
                    break
        etag = f'"{digest}-{encoding}"' if encoding else f'"{digest}"'

        if etag_matches(self.headers.get("If-None-Match"), digest):
            self.stats.add(0, not_modified=1)
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._common_headers(rel, etag)
            self.end_headers()
            return
        with open(source, "rb") as f:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", self.guess_type(path))
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(os.fstat(f.fileno()).st_size))
            self._common_headers(rel, etag)
            self.end_headers()
            if body:
                self._send_body(f)

    def _common_headers(self, rel: str, etag: str) -> None:
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", cache_control(rel))
        self.send_header("Vary", "Accept-Encoding")

    def _send_body(self, f) -> None:
        try:
            for piece in iter(lambda: f.read(CHUNK), b""):
                if self.throttle is not None:
                    self.throttle.wait(len(piece))
                self.wfile.write(piece)
                self.stats.add(len(piece))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away (a closed tab, an aborted request)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # a learner's terminal should show the URL, not every request


def free_port(start: int, host: str = "127.0.0.1", tries: int = 50) -> int:
    for port in range(start, start + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port between {start} and {start + tries - 1}")


class IsolatedHandler(CourseHandler):
    """The same, with the cross-origin isolation headers (``--isolate``)."""

    isolation = True


def default_store(site: Path) -> Path | None:
    """The compressed store scripts/compress.py writes beside the site, if there is one."""
    store = site.resolve().parent / "compressed"
    return store if store.is_dir() else None


class CourseServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A browser that closes a kept-alive connection is normal, not a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def make_server(
    site: Path,
    port: int,
    host: str = "127.0.0.1",
    isolation: bool = False,
    compressed: Path | None = None,
    throttle: Throttle | None = None,
) -> http.server.ThreadingHTTPServer:
    base = IsolatedHandler if isolation else CourseHandler
    # a class per server: two servers in one process (the bench, the tests) never share state
    attrs = {
        "compressed": compressed,
        "throttle": throttle,
        "digests": Digests(),
        "stats": Stats(),
    }
    handler_class = type(base.__name__, (base,), attrs)
    handler = functools.partial(handler_class, directory=str(site))
    server = CourseServer((host, port), handler)
    server.stats = handler_class.stats  # what it has sent, for the bench
    return server


def start_in_thread(
    site: Path,
    port: int = 0,
    isolation: bool = False,
    compressed: Path | None = None,
    throttle: Throttle | None = None,
) -> tuple[http.server.ThreadingHTTPServer, str]:
    """For tests: serve on a free port in a daemon thread; returns (server, base URL)."""
    server = make_server(site, port, isolation=isolation, compressed=compressed, throttle=throttle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


PACKED_FOLDER = "packed"  # make_zip.PACKED
UNPACKED_MARK = ".unpacked"  # in the site: the sha256 of each archive already unpacked


class UnpackError(Exception):
    """The bundle cannot be unpacked: the message says why and what to do."""


def safe_members(tar, site: Path) -> list:
    """The archive's members, all regular files inside site/; anything else is refused."""
    members = tar.getmembers()
    root = site.resolve()
    for member in members:
        target = (site / member.name).resolve()
        if not member.isfile() or member.name.startswith("/") or root not in target.parents:
            raise UnpackError(f"refusing {member.name!r}: not a plain file inside the site")
    return members


def unpack_bundled(bundle: Path, site: Path, say=print) -> list[str]:
    """Unpack bundle/packed/*.tar.xz into site/ unless already done; returns what it unpacked."""
    folder = bundle / PACKED_FOLDER
    if not folder.is_dir():
        return []
    marks = site / UNPACKED_MARK
    done = json.loads(marks.read_text()) if marks.exists() else {}
    unpacked = []
    for archive in sorted(folder.glob("*.tar.xz")):
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        if done.get(archive.name) == digest:
            continue
        try:
            import lzma  # noqa: F401  (a Python built without it cannot read .xz)
            import tarfile
        except ImportError:
            raise UnpackError(
                "This Python has no lzma module, which the first start needs to unpack the "
                "course. Use a Python from python.org (or your system's python3)."
            ) from None
        say(f"Unpacking {archive.name} into site/ (first start only, a few seconds)...")
        with tarfile.open(archive, "r:xz") as tar:
            members = safe_members(tar, site)
            for member in members:
                target = site / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as source, open(target, "wb") as out:
                    out.write(source.read())
        done[archive.name] = digest
        marks.write_text(json.dumps(done, indent=1))  # after each: an interrupted start resumes
        unpacked.append(archive.name)
    return unpacked


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    default_site = here / "site" if (here / "site").is_dir() else here.parent / "build" / "site"
    parser = argparse.ArgumentParser(description="Serve the course on this computer only.")
    parser.add_argument("--site", type=Path, default=default_site)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument(
        "--isolate",
        action="store_true",
        help="send the cross-origin isolation headers: Kernel → Interrupt works, but JupyterLite "
        "0.6's Run all can stall (see docs/hosting.md)",
    )
    parser.add_argument(
        "--compressed",
        type=Path,
        default=None,
        help="the precompressed store from scripts/compress.py (default: compressed/ beside "
        "the site, if present)",
    )
    parser.add_argument(
        "--throttle",
        type=parse_throttle,
        default=None,
        metavar="RATE,LATENCY",
        help="behave like a slow link, e.g. 20mbit,40ms (for measurements)",
    )
    args = parser.parse_args(argv)

    try:
        unpack_bundled(args.site.parent, args.site)
    except (UnpackError, OSError) as exc:
        print(f"Could not unpack the course: {exc}", file=sys.stderr)
        return 1
    if not (args.site / "index.html").exists():
        print(f"No course site at {args.site}. Build it first: make site", file=sys.stderr)
        return 1
    store = args.compressed or default_store(args.site)
    port = free_port(args.port)
    if port != args.port:
        print(f"Port {args.port} is busy; using {port} instead.")
    server = make_server(
        args.site, port, isolation=args.isolate, compressed=store, throttle=args.throttle
    )
    url = f"http://127.0.0.1:{port}/"
    print(f"The course is at {url}  (Ctrl+C to stop)", flush=True)
    if not args.no_browser:
        threading.Timer(0.5, webbrowser.open, [url]).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
