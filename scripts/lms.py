"""Packages for learning platforms (LMS) that wrap the hosted course: `make lms SITE_URL=...`.

Builds, under build/lms/ (docs/embedding.md, "Reporting to your gradebook"):

- one SCORM package per week and one for the whole course, in SCORM 1.2 and SCORM 2004 4th
  edition (``scorm12/mfml-week-1.zip``, ``scorm2004/mfml-course.zip``, ...): an
  ``imsmanifest.xml``, a launch page ``index.html`` and ``wrapper.js``
  (scripts/lms_templates/), a few kilobytes each. The launch page finds the LMS's SCORM API,
  embeds the hosted course (the notebooks of that week as items) and relays progress;
- an IMS Common Cartridge 1.3, ``mfml-course.imscc``: the course by week, every chapter,
  exercise set and lab a web link to the hosted course.

The course's structure comes from the built site's course.json. The only address in the
packages is SITE_URL (XML namespace names are names, never fetched).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import io
import json
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "lms_templates"
PASS_THRESHOLD = 0.8  # the scaled score at which a unit is passed (and completed)
SCORM_VERSIONS = ("1.2", "2004")
# A fixed date in every zip entry: the same sources give byte-identical packages.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)

NEEDS_SITE_URL = (
    "make lms needs the address where the course site is served, over HTTPS, e.g.\n"
    "  make lms SITE_URL=https://courses.example.edu/mfml/\n"
    "(the packages embed that site; docs/embedding.md, 'Reporting to your gradebook')."
)


def normalize_site_url(url: str) -> str:
    """The site's address with a trailing slash; http(s) only, no query or fragment."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"SITE_URL must be an http(s) address, not {url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"SITE_URL must have no query or fragment: {url!r}")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# ---------------------------------------------------------------- the course's units


def units(course: dict) -> list[dict]:
    """One unit per week and one for the whole course: title, items (notebooks to open),
    exercises (every exercise id, in course order) and automatic (the auto-checked ones)."""
    chapters = {c["number"]: c for c in course["chapters"]}
    labs = {lab["number"]: lab for lab in course["labs"]}
    automatic = {e["id"] for e in course["exercises"] if e.get("automatic")}
    out = []
    for week in course["weeks"]:
        items, exercises = [], []
        for n in week["chapters"]:
            chapter = chapters.get(n)
            if not chapter:
                continue
            items.append({"title": f"Chapter {n}: {chapter['title']}", "path": chapter["path"]})
            if chapter.get("exercises_path"):
                items.append(
                    {"title": f"Exercises, chapter {n}", "path": chapter["exercises_path"]}
                )
            exercises.extend(chapter.get("exercises", []))
        for n in week["labs"]:
            if n in labs:
                items.append({"title": f"Lab {n}: {labs[n]['title']}", "path": labs[n]["path"]})
        capstone = course.get("capstone") or {}
        if capstone.get("week") == week["number"]:
            for page in capstone.get("notebooks", []):
                items.append({"title": f"Capstone: {page['title']}", "path": page["path"]})
            if capstone.get("exercises_path"):
                items.append({"title": "Capstone exercises", "path": capstone["exercises_path"]})
            exercises.extend(capstone.get("exercises", []))
        out.append(
            {
                "slug": f"week-{week['number']}",
                "title": f"Week {week['number']}: {week['title']}",
                "items": items,
                "exercises": exercises,
                "automatic": [e for e in exercises if e in automatic],
            }
        )
    all_items = [item for unit in out for item in unit["items"]]
    all_exercises = [e for unit in out for e in unit["exercises"]]
    out.append(
        {
            "slug": "course",
            "title": course["title"],
            "items": all_items,
            "exercises": all_exercises,
            "automatic": [e for e in all_exercises if e in automatic],
        }
    )
    return out


# ---------------------------------------------------------------- SCORM

# xsi:schemaLocation: namespace and file name pairs (the files are not shipped in the package;
# tests/lms_schemas/ has them, and LMSs do not read them)
SCHEMAS_12 = (
    "http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd "
    "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
    "http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd"
)
SCHEMAS_2004 = (
    "http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd "
    "http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd "
    "http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd "
    "http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd "
    "http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd"
)


def launch_page(unit: dict, site_url: str, scorm: str) -> str:
    config = {
        "scorm": scorm,
        "site": site_url,
        "origin": origin_of(site_url),
        "title": unit["title"],
        "items": unit["items"],
        "exercises": unit["exercises"],
        "automatic": unit["automatic"],
        "threshold": PASS_THRESHOLD,
    }
    text = json.dumps(config, separators=(",", ":"), ensure_ascii=True).replace("</", "<\\/")
    template = (TEMPLATES / "launch.html").read_text(encoding="utf-8")
    return template.format(title=html.escape(unit["title"]), config=text)


def manifest_12(unit: dict, identifier: str) -> str:
    title = escape(unit["title"])
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier={quoteattr(identifier)} version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="{SCHEMAS_12}">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="ORG-1">
    <organization identifier="ORG-1">
      <title>{title}</title>
      <item identifier="ITEM-1" identifierref="SCO-1" isvisible="true">
        <title>{title}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="SCO-1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
      <file href="wrapper.js"/>
    </resource>
  </resources>
</manifest>
"""


def manifest_2004(unit: dict, identifier: str) -> str:
    title = escape(unit["title"])
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier={quoteattr(identifier)} version="1.0"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="{SCHEMAS_2004}">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="ORG-1">
    <organization identifier="ORG-1">
      <title>{title}</title>
      <item identifier="ITEM-1" identifierref="SCO-1">
        <title>{title}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="SCO-1" type="webcontent" adlcp:scormType="sco" href="index.html">
      <file href="index.html"/>
      <file href="wrapper.js"/>
    </resource>
  </resources>
</manifest>
"""


def zip_bytes(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buffer.getvalue()


def scorm_files(unit: dict, site_url: str, scorm: str) -> dict[str, str]:
    identifier = f"mfml-{unit['slug']}-scorm{scorm.replace('.', '')}"
    make = manifest_12 if scorm == "1.2" else manifest_2004
    return {
        "imsmanifest.xml": make(unit, identifier),
        "index.html": launch_page(unit, site_url, scorm),
        "wrapper.js": (TEMPLATES / "wrapper.js").read_text(encoding="utf-8"),
    }


# ---------------------------------------------------------------- IMS Common Cartridge 1.3

CC_NS = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
WL_NS = "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3"


def weblink(title: str, url: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<webLink xmlns="{WL_NS}">
  <title>{escape(title)}</title>
  <url href={quoteattr(url)} target="_iframe"/>
</webLink>
"""


def cartridge_files(course: dict, site_url: str) -> dict[str, str]:
    files: dict[str, str] = {}
    items_xml, resources_xml = [], []
    home = {"title": "Course home", "url": site_url + "index.html"}
    n = 0

    def link(title: str, url: str, indent: str) -> str:
        nonlocal n
        n += 1
        ident = f"L{n:03d}"
        files[f"links/{ident}.xml"] = weblink(title, url)
        resources_xml.append(
            f'    <resource identifier="R{ident}" type="imswl_xmlv1p3">\n'
            f'      <file href="links/{ident}.xml"/>\n    </resource>'
        )
        return (
            f'{indent}<item identifier="I{ident}" identifierref="R{ident}">'
            f"<title>{escape(title)}</title></item>"
        )

    items_xml.append(link(home["title"], home["url"], "        "))
    for unit in units(course)[:-1]:
        inner = [
            link(item["title"], site_url + "notebooks/index.html?path=" + item["path"], " " * 10)
            for item in unit["items"]
        ]
        items_xml.append(
            f'        <item identifier="W-{unit["slug"]}"><title>{escape(unit["title"])}</title>\n'
            + "\n".join(inner)
            + "\n        </item>"
        )
    title = escape(course["title"])
    files["imsmanifest.xml"] = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="mfml-course-cc" xmlns="{CC_NS}"
  xmlns:lomimscc="http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest">
  <metadata>
    <schema>IMS Common Cartridge</schema>
    <schemaversion>1.3.0</schemaversion>
    <lomimscc:lom>
      <lomimscc:general>
        <lomimscc:title><lomimscc:string language="en">{title}</lomimscc:string></lomimscc:title>
      </lomimscc:general>
    </lomimscc:lom>
  </metadata>
  <organizations>
    <organization identifier="ORG-1" structure="rooted-hierarchy">
      <item identifier="ROOT">
{chr(10).join(items_xml)}
      </item>
    </organization>
  </organizations>
  <resources>
{chr(10).join(resources_xml)}
  </resources>
</manifest>
"""
    return dict(sorted(files.items(), key=lambda kv: kv[0] != "imsmanifest.xml"))


# ---------------------------------------------------------------- the test LMS runtime

# scorm-again, a real LMS-side SCORM runtime, for the browser tests (tests/browser/test_lms.py):
# the npm package, checked against the registry's published integrity, kept in build/cache.
SCORM_AGAIN_VERSION = "3.4.3"
SCORM_AGAIN_TARBALL = (
    f"https://registry.npmjs.org/scorm-again/-/scorm-again-{SCORM_AGAIN_VERSION}.tgz"
)
SCORM_AGAIN_INTEGRITY = (
    "sha512-Zbe+7ArMUbT1lVnqYxsbGRfI9JD9JVqEPzZLQdk0nfNmcDYJ404rMO9nbkQ0Hzwux5uACF9zKsvc29Q/"
    "ZzMOdg=="
)


def scorm_again(cache: Path = ROOT / "build" / "cache") -> dict[str, bytes]:
    """scorm-again's browser bundles (dist/scorm12.min.js, dist/scorm2004.min.js)."""
    path = cache / f"scorm-again-{SCORM_AGAIN_VERSION}.tgz"
    expected = SCORM_AGAIN_INTEGRITY.removeprefix("sha512-")

    def integrity(data: bytes) -> str:
        return base64.b64encode(hashlib.sha512(data).digest()).decode()

    data = path.read_bytes() if path.exists() else b""
    if integrity(data) != expected:
        with urllib.request.urlopen(SCORM_AGAIN_TARBALL, timeout=120) as response:
            data = response.read()
        if integrity(data) != expected:
            raise RuntimeError(f"{SCORM_AGAIN_TARBALL}: sha512 does not match the registry's")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    wanted = ("scorm12.min.js", "scorm2004.min.js")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {name: tar.extractfile(f"package/dist/{name}").read() for name in wanted}


# ---------------------------------------------------------------- the build


def build(course: dict, site_url: str, out: Path) -> list[Path]:
    site_url = normalize_site_url(site_url)
    written = []
    for scorm in SCORM_VERSIONS:
        folder = out / f"scorm{scorm.replace('.', '')}"
        folder.mkdir(parents=True, exist_ok=True)
        for unit in units(course):
            path = folder / f"mfml-{unit['slug']}.zip"
            path.write_bytes(zip_bytes(scorm_files(unit, site_url, scorm)))
            written.append(path)
    path = out / "mfml-course.imscc"
    path.write_bytes(zip_bytes(cartridge_files(course, site_url)))
    written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-url", default="", help="where the course site is served")
    parser.add_argument(
        "--course",
        type=Path,
        default=ROOT / "build" / "site" / "course.json",
        help="the built site's course.json",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "lms")
    args = parser.parse_args(argv)
    if not args.site_url:
        print(NEEDS_SITE_URL, file=sys.stderr)
        return 2
    try:
        site_url = normalize_site_url(args.site_url)
    except ValueError as exc:
        print(f"{exc}\n\n{NEEDS_SITE_URL}", file=sys.stderr)
        return 2
    if not args.course.exists():
        print(f"no {args.course}: build the site first (make site)", file=sys.stderr)
        return 2
    course = json.loads(args.course.read_text(encoding="utf-8"))
    written = build(course, site_url, args.out)
    total = sum(p.stat().st_size for p in written)
    print(f"[lms] {len(written)} packages in {args.out} ({total / 1000:.0f} kB) for {site_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
