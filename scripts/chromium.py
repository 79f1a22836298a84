"""Which Chromium to drive, and how: one place for the browser tests and the bench.

Debian's /usr/bin/chromium (or $CHROMIUM); never a Playwright download (no CDN here).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def path() -> str | None:
    """$CHROMIUM, else Debian's, else one on the PATH; None when there is none."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None
