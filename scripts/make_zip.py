"""Pack the offline bundle: build/mfml-course.zip = the site, a launcher and a short README.

A browser will not run the site from file:// (module scripts and web workers are refused),
so the bundle carries serve.py as `start-course.py`, which serves it on 127.0.0.1.

The zip is also copied into the site as download/mfml-course.zip, which the home page links
to (it checks that the file is there, since the zip is made after the site). The site's own
download/ folder is left out of the zip.
"""

from __future__ import annotations

import argparse
import shutil
import sys
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
    with zipfile.ZipFile(zip_path, "w") as archive:
        add(archive, "README.txt", README.encode())
        add(archive, "start-course.py", (ROOT / "scripts" / "serve.py").read_bytes(), 0o755)
        for path in sorted(p for p in site.rglob("*") if p.is_file()):
            rel = path.relative_to(site)
            if rel.parts[0] == DOWNLOAD.parts[0]:
                continue  # the zip itself, from an earlier run: never inside the zip
            add(archive, f"site/{rel.as_posix()}", path.read_bytes())
    download.parent.mkdir(exist_ok=True)
    shutil.copyfile(zip_path, download)
    print(f"[zip] {zip_path} ({zip_path.stat().st_size / 1e6:.1f} MB), also as site/{DOWNLOAD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
