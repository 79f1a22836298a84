"""Serve the course site on 127.0.0.1 with the MIME types a browser needs, and open it.

Standard library only: this same file is the launcher inside the offline zip. A browser
refuses module scripts and web workers from file://, so the site is always served.

    python serve.py [--site DIR] [--port 8000] [--no-browser] [--isolate]

Takes port 8000, or the next free one, and says which.

With ``--isolate`` every response carries the cross-origin isolation headers
(docs/hosting.md): the page may then use SharedArrayBuffer, which the Python kernel needs to be
interrupted (Kernel → Interrupt stops a cell that runs for ever). It is off by default: with
JupyterLite 0.6.4 and its Pyodide kernel 0.6.1, an isolated page's "Run all" leaves some cells
without an execution count and never finishes (measured by the browser notebook tests: 6 of 6
chapters failed isolated, all passed without). The exercise checks' own time budget keeps a
slow answer from hanging the kernel either way.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import socket
import sys
import threading
import webbrowser
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


class CourseHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    isolation = False

    def end_headers(self) -> None:
        # The course changes between versions; let the browser revalidate rather than guess.
        self.send_header("Cache-Control", "no-cache")
        if self.isolation:
            for name, value in ISOLATION_HEADERS.items():
                self.send_header(name, value)
        super().end_headers()

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


def make_server(
    site: Path, port: int, host: str = "127.0.0.1", isolation: bool = False
) -> http.server.ThreadingHTTPServer:
    handler_class = IsolatedHandler if isolation else CourseHandler
    handler = functools.partial(handler_class, directory=str(site))
    return http.server.ThreadingHTTPServer((host, port), handler)


def start_in_thread(
    site: Path, port: int = 0, isolation: bool = False
) -> tuple[http.server.ThreadingHTTPServer, str]:
    """For tests: serve on a free port in a daemon thread; returns (server, base URL)."""
    server = make_server(site, port, isolation=isolation)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


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
    args = parser.parse_args(argv)

    if not (args.site / "index.html").exists():
        print(f"No course site at {args.site}. Build it first: make site", file=sys.stderr)
        return 1
    port = free_port(args.port)
    if port != args.port:
        print(f"Port {args.port} is busy; using {port} instead.")
    server = make_server(args.site, port, isolation=args.isolate)
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
