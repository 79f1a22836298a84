"""Turn a JupyterLite build into the course site: read-only course files, course.json, and the
course bar of the notebook view (static/mfml/notebook.js: make my copy, reset, download/import
my work, the banner when storage is denied).

course.json is the manifest that the home page and the tests read. It is made from the
sources (front matter, course.yml, the exercise bank) at every build, never edited by hand.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import home_page

COURSE_FOLDERS = ("chapters", "labs", "exercises")
ASSETS = Path(__file__).resolve().parent / "site_assets"
NOTEBOOK_PAGES = ("notebooks/index.html", "lab/index.html")  # the views that get the course bar
CAPSTONE = "C"  # the capstone's exercises: ids C.1, C.2, ... (exercises/capstone.yml)


def mark_read_only(site: Path) -> int:
    """Course notebooks ship with writable=false so an update always reaches the learner.

    The browser keeps a learner's saved copy in IndexedDB, and that copy would silently win
    over a newer course file; a read-only file is never saved, so it never goes stale.
    (A build run as root sees every file as writable, so this is set explicitly.)
    """
    count = 0
    for index in sorted((site / "api" / "contents").rglob("all.json")):
        listing = json.loads(index.read_text())
        changed = False
        for item in [listing, *(listing.get("content") or [])]:
            path = item.get("path", "")
            if path.split("/")[0] in COURSE_FOLDERS and item.get("writable", True):
                item["writable"] = False
                changed = True
                count += item.get("type") != "directory"
        if changed:
            index.write_text(json.dumps(listing, indent=2, sort_keys=True))
    return count


def ship_assets(site: Path, names: list[str], pages: list[str]) -> int:
    """Copy site_assets/<name> to static/mfml/<name> and load them, in that order, at the end
    of each page's body (a .css as a stylesheet, a .js deferred), once. Returns the pages.

    The ?_= query is the file's own hash, as JupyterLite does for its bundles, so a new
    version is fetched even where a cache ignores revalidation.
    """
    urls = {}
    for name in names:
        source = (ASSETS / name).read_bytes()
        target = site / "static" / "mfml" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source)
        urls[name] = f"static/mfml/{name}?_={hashlib.sha256(source).hexdigest()[:8]}"
    count = 0
    for name in pages:
        page = site / name
        if not page.exists():
            continue
        up = "../" * name.count("/")  # from the page's folder back to the site's root
        tags = [
            f'<link rel="stylesheet" href="{up}{url}">'
            if asset.endswith(".css")
            else f'<script src="{up}{url}" defer></script>'
            for asset, url in urls.items()
        ]
        html = page.read_text()
        if f"static/mfml/{names[-1]}?" not in html:
            html = html.replace("</body>", "  " + "\n  ".join(tags) + "\n  </body>", 1)
            page.write_text(html)
        count += 1
    return count


def add_notebook_scripts(site: Path) -> int:
    """The notebook (and lab) view's scripts: the activity file's rules, the course bar, the
    LMS bridge (it does nothing unless the page is framed), and a favicon link."""
    count = ship_assets(site, ["activity.js", "notebook.js", "lms-bridge.js"], NOTEBOOK_PAGES)
    icon = '<link rel="icon" href="../static/favicons/favicon.ico" />'
    for name in NOTEBOOK_PAGES:
        page = site / name
        if page.exists() and 'rel="icon"' not in (html := page.read_text()):
            # no browser 404 for /favicon.ico (ux review, defect 21)
            page.write_text(html.replace("</head>", f"  {icon}\n  </head>", 1))
    return count


def manifest(course: dict, notebooks: list[dict], exercises: list[dict], version: str) -> dict:
    week_of_chapter = {c: w["number"] for w in course["weeks"] for c in w["chapters"]}
    week_of_lab = {lab: w["number"] for w in course["weeks"] for lab in w["labs"]}
    part_of = {c: p["number"] for p in course["parts"] for c in p["chapters"]}
    by_chapter: dict[int, list[dict]] = {}
    for ex in exercises:
        by_chapter.setdefault(ex["chapter"], []).append(ex)
    capstone_exercises = by_chapter.pop(CAPSTONE, [])  # listed under "capstone", not a chapter

    chapters = []
    for nb in sorted((n for n in notebooks if n["kind"] == "chapter"), key=lambda n: n["number"]):
        number = nb["number"]
        own = by_chapter.get(number, [])
        chapters.append(
            {
                "number": number,
                "title": nb["title"],
                "part": part_of.get(number),
                "week": week_of_chapter.get(number),
                "path": nb["path"],
                # one line for the home and curriculum pages: the front matter's, else the
                # course's own (home_page.SYNOPSES)
                "synopsis": nb.get("synopsis") or home_page.SYNOPSES.get(number, ""),
                "exercises_path": f"exercises/ch{number:02d}-exercises.ipynb" if own else None,
                "exercises": [e["id"] for e in own],
            }
        )
    labs = [
        {
            "number": nb["number"],
            "title": nb["title"],
            "week": week_of_lab.get(nb["number"]),
            "path": nb["path"],
        }
        for nb in sorted((n for n in notebooks if n["kind"] == "lab"), key=lambda n: n["number"])
    ]
    guides = [
        {"title": nb["title"], "path": nb["path"]} for nb in notebooks if nb["kind"] == "guide"
    ]
    exercise_sets = [
        {"chapter": c, "path": f"exercises/ch{c:02d}-exercises.ipynb", "count": len(items)}
        for c, items in sorted(by_chapter.items())
    ]
    return {
        "title": course["title"],
        "version": version,
        "counts": {
            "chapters": len(chapters),
            "labs": len(labs),
            "exercises": len(exercises),
            "automatic": sum(1 for e in exercises if e.get("automatic")),
        },
        "parts": course["parts"],
        "weeks": course["weeks"],
        "chapters": chapters,
        "labs": labs,
        "guides": guides,
        "exercise_sets": exercise_sets,
        "exercises": exercises,
        "capstone": capstone(course, notebooks, capstone_exercises),
    }


def capstone(course: dict, notebooks: list[dict], exercises: list[dict]) -> dict | None:
    """The capstone's notebooks (front matter `kind: capstone`, in order), its exercise set
    and its week; None while it has no notebook."""
    pages = sorted((n for n in notebooks if n["kind"] == "capstone"), key=lambda n: n["number"])
    if not pages:
        return None
    return {
        "title": pages[0]["title"],
        "path": pages[0]["path"],
        "week": next((w["number"] for w in course["weeks"] if w.get("capstone")), None),
        "notebooks": [
            {"number": n["number"], "title": n["title"], "path": n["path"]} for n in pages
        ],
        "exercises_path": "exercises/capstone-exercises.ipynb" if exercises else None,
        "exercises": [e["id"] for e in exercises],
    }


# JupyterLite 0.6.4's ServiceWorkerManager unregisters every service worker when it finds no
# "<worker URL>-version" mark in localStorage for the worker controlling the page, and its
# first registration never writes that mark. So the second app page a learner opens
# re-registers the worker while the kernel starts, and a kernel created first gets no /drive:
# Python sees no files and no my-work/progress.json (measured: with compressed transfer the
# page is fast enough to lose that race every time). Marking the controlling worker as current
# when no mark exists removes the race; a mark from another version still unregisters, as
# upstream intends after an upgrade.
SW_MARK = """<script>
      try {
        const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
        const mark = worker && worker.scriptURL + '-version';
        if (mark && localStorage.getItem(mark) === null) localStorage.setItem(mark, %s);
      } catch (e) { /* no storage: JupyterLite then runs without its worker either way */ }
    </script>"""


def add_service_worker_mark(site: Path) -> int:
    """Put SW_MARK at the top of every JupyterLite app page, before its bundle starts."""
    version = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"][
        "appVersion"
    ]
    script = SW_MARK % json.dumps(version)
    count = 0
    for page in sorted(site.glob("*/index.html")):
        html = page.read_text()
        if 'id="jupyter-config-data"' not in html or "'-version'" in html:
            continue
        anchor = html.rindex("<script", 0, html.index('id="jupyter-config-data"'))
        page.write_text(html[:anchor] + script + "\n    " + html[anchor:])
        count += 1
    return count


def finish(
    site: Path, course: dict, notebooks: list[dict], exercises: list[dict], version: str
) -> dict:
    read_only = mark_read_only(site)
    data = manifest(course, notebooks, exercises, version)
    (site / "course.json").write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    home_page.write(site, data)
    add_notebook_scripts(site)
    add_service_worker_mark(site)
    # keyboard, names and phone layout (docs/accessibility.md); the home page's layout too
    ship_assets(site, ["a11y.css", "a11y.js"], [*NOTEBOOK_PAGES, "index.html"])
    print(f"[build] {read_only} course files read-only; course.json: {data['counts']}")
    return data
