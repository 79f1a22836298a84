"""Packages for learning platforms (LMS) that wrap the hosted course: `make lms SITE_URL=...`.

Builds, under build/lms/ (docs/embedding.md, "Reporting to your gradebook"):

- one SCORM package per week, one for the capstone and one for the whole course, in SCORM
  1.2 and SCORM 2004 4th edition (``scorm12/mfml-week-1.zip``, ``scorm2004/mfml-capstone.zip``,
  ``scorm2004/mfml-course.zip``, ...): an ``imsmanifest.xml``, a launch page ``index.html``
  and ``wrapper.js`` (scripts/lms_templates/), a few kilobytes each. The launch page finds the
  LMS's SCORM API, embeds the hosted course (the notebooks of the unit as items) and relays
  progress. The capstone is in its week's package too, and in the course's;
- an IMS Common Cartridge 1.3, ``mfml-course.imscc``: the course by week, every chapter,
  exercise set, lab and capstone notebook a web link to the hosted course.

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
    """The units a package is built for, in this order: one per week, one for the capstone
    (when the course has one) and one for the whole course. Each has kind ("week",
    "capstone", "course"), slug, title, items (the notebooks to open: title, path, and for
    the capstone's notebooks within their week, group: the capstone's title), exercises
    (every exercise id, in course order) and automatic (the auto-checked ones). The
    capstone is also part of its week (course.json's capstone.week, from course.yml), so
    its exercises count in that week's score, as a chapter's do."""
    chapters = {c["number"]: c for c in course["chapters"]}
    labs = {lab["number"]: lab for lab in course["labs"]}
    automatic = {e["id"] for e in course["exercises"] if e.get("automatic")}

    def unit(kind: str, slug: str, title: str, items: list, exercises: list) -> dict:
        return {
            "kind": kind,
            "slug": slug,
            "title": title,
            "items": items,
            "exercises": exercises,
            "automatic": [e for e in exercises if e in automatic],
        }

    capstone = course.get("capstone") or {}
    capstone_title = f"Capstone: {capstone.get('title', 'the course project')}"
    capstone_items = [
        {"title": f"Capstone: {page['title']}", "path": page["path"]}
        for page in capstone.get("notebooks", [])
    ]
    if capstone.get("exercises_path"):
        capstone_items.append({"title": "Capstone exercises", "path": capstone["exercises_path"]})
    capstone_exercises = list(capstone.get("exercises", []))

    weeks = []
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
        if capstone.get("week") == week["number"]:
            items.extend(dict(item, group=capstone_title) for item in capstone_items)
            exercises.extend(capstone_exercises)
        title = f"Week {week['number']}: {week['title']}"
        weeks.append(unit("week", f"week-{week['number']}", title, items, exercises))

    all_items = [item for w in weeks for item in w["items"]]
    all_exercises = [e for w in weeks for e in w["exercises"]]
    out = list(weeks)
    if capstone_items or capstone_exercises:
        if capstone.get("week") not in [w["number"] for w in course["weeks"]]:
            all_items += [dict(item, group=capstone_title) for item in capstone_items]
            all_exercises += capstone_exercises
        out.append(unit("capstone", "capstone", capstone_title, capstone_items, capstone_exercises))
    out.append(unit("course", "course", course["title"], all_items, all_exercises))
    return out


# ---------------------------------------------------------------- SCORM

# What differs between the SCORM versions' manifests (the rest is one template,
# lms_templates/scorm-manifest.xml): the namespaces, as (prefix, namespace, schema file), the
# manifest's own first (xsi:schemaLocation names the files; they are not in the package, LMSs
# do not read them, tests/lms_schemas/ has them), the schema version, and the spelling of
# ADL's scormtype attribute.
SCORM = {
    "1.2": {
        "namespaces": (
            ("", "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"),
            ("adlcp", "http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd"),
        ),
        "schemaversion": "1.2",
        "scormtype": "scormtype",
    },
    "2004": {
        "namespaces": (
            ("", "http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"),
            ("adlcp", "http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"),
            ("adlseq", "http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd"),
            ("adlnav", "http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd"),
            ("imsss", "http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd"),
        ),
        "schemaversion": "2004 4th Edition",
        "scormtype": "scormType",
    },
}
SCORM_VERSIONS = tuple(SCORM)


def template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def launch_page(unit: dict, site_url: str, scorm: str) -> str:
    config = {
        "scorm": scorm,
        "site": site_url,
        "origin": origin_of(site_url),
        "title": unit["title"],
        "items": [{"title": i["title"], "path": i["path"]} for i in unit["items"]],
        "exercises": unit["exercises"],
        "automatic": unit["automatic"],
        "threshold": PASS_THRESHOLD,
    }
    text = json.dumps(config, separators=(",", ":"), ensure_ascii=True).replace("</", "<\\/")
    return template("launch.html").format(title=html.escape(unit["title"]), config=text)


def scorm_manifest(unit: dict, scorm: str) -> str:
    """imsmanifest.xml of a unit's package: one SCO, the launch page, in either version."""
    version = SCORM[scorm]
    (_, own, _), *others = version["namespaces"]
    return template("scorm-manifest.xml").format(
        identifier=quoteattr(f"mfml-{unit['slug']}-scorm{scorm.replace('.', '')}"),
        cp=own,
        namespaces="".join(f'  xmlns:{prefix}="{ns}"\n' for prefix, ns, _ in others),
        schema_location=" ".join(f"{ns} {file}" for _, ns, file in version["namespaces"]),
        schemaversion=version["schemaversion"],
        scormtype=version["scormtype"],
        title=escape(unit["title"]),
    )


def zip_bytes(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buffer.getvalue()


def scorm_files(unit: dict, site_url: str, scorm: str) -> dict[str, str]:
    return {
        "imsmanifest.xml": scorm_manifest(unit, scorm),
        "index.html": launch_page(unit, site_url, scorm),
        "wrapper.js": template("wrapper.js"),
    }


# ---------------------------------------------------------------- IMS Common Cartridge 1.3

CC_NS = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
WL_NS = "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3"


def cartridge_files(course: dict, site_url: str) -> dict[str, str]:
    """The cartridge: a course home link, then a folder per week with every notebook of the
    week a web link (the capstone's in a folder of their own within their week)."""
    files: dict[str, str] = {}
    resources: list[str] = []

    def link(title: str, url: str, indent: str) -> str:
        ident = f"L{len(resources) + 1:03d}"
        files[f"links/{ident}.xml"] = template("cc-weblink.xml").format(
            wl=WL_NS, title=escape(title), url=quoteattr(url)
        )
        resources.append(
            f'    <resource identifier="R{ident}" type="imswl_xmlv1p3">\n'
            f'      <file href="links/{ident}.xml"/>\n    </resource>'
        )
        return (
            f'{indent}<item identifier="I{ident}" identifierref="R{ident}">'
            f"<title>{escape(title)}</title></item>"
        )

    def folder(identifier: str, title: str, inner: list[str], indent: str) -> str:
        return (
            f'{indent}<item identifier="{identifier}"><title>{escape(title)}</title>\n'
            + "\n".join(inner)
            + f"\n{indent}</item>"
        )

    items = [link("Course home", site_url + "index.html", " " * 8)]
    for unit in units(course):
        if unit["kind"] != "week":
            continue
        # the week's links in order; a group's links (the capstone's) in one folder, where
        # the group's first link is (entries holds the group's name there)
        entries: list[str] = []
        groups: dict[str, list[str]] = {}
        for item in unit["items"]:
            url = site_url + "notebooks/index.html?path=" + item["path"]
            if "group" not in item:
                entries.append(link(item["title"], url, " " * 10))
                continue
            if item["group"] not in groups:
                groups[item["group"]] = []
                entries.append(item["group"])
            groups[item["group"]].append(link(item["title"], url, " " * 12))
        inner = [
            folder(f"G-{unit['slug']}-{n}", entry, groups[entry], " " * 10)
            if entry in groups
            else entry
            for n, entry in enumerate(entries, 1)
        ]
        items.append(folder(f"W-{unit['slug']}", unit["title"], inner, " " * 8))
    files["imsmanifest.xml"] = template("cc-manifest.xml").format(
        cc=CC_NS,
        title=escape(course["title"]),
        items="\n".join(items),
        resources="\n".join(resources),
    )
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
