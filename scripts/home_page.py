"""The course home page (build/site/index.html) and the curriculum page (curriculum.html),
generated from course.json and the built notebooks at build time.

Every count and list on them comes from the manifest; the one thing typed in here is each
chapter's one-line synopsis (SYNOPSES), used when the chapter's front matter has no `synopsis`.
The home page loads no asset from outside the site: its one script, home.js (progress and
activity, continue where you left off, your copies, export/import, embed snippets, the offline
download's size), is copied beside it into static/mfml/. The curriculum page is a Jinja2
template (home_templates/curriculum.html.j2) with no script at all.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import jinja2
import markupsafe

ASSETS = Path(__file__).resolve().parent / "site_assets"
SCRIPT = "static/mfml/home.js"  # where home.js lands in the site
ACTIVITY_SCRIPT = "static/mfml/activity.js"  # the activity file's rules, shared with notebook.js
DOWNLOAD = "download/mfml-course.zip"  # written there by make_zip.py, after the site
DEFAULT_STORAGE = "mfml-course-v1"
# The exercise engine's levels (src/mfml/exercises/spec.py), shortened for column heads.
LEVELS = {1: "Recall", 2: "Apply", 3: "Derive", 4: "Research"}
LEVEL_NAMES = {1: "Recall", 2: "Apply", 3: "Derive and analyse", 4: "Research thinking"}
DONE_STATUSES = ("correct", "self_assessed")
CAPSTONE = "C"  # the capstone's exercise ids are C.1, C.2, ... (site_post.CAPSTONE)
TEMPLATES = Path(__file__).resolve().parent / "home_templates"
CURRICULUM = "curriculum.html"

# One line per chapter for the home page and the curriculum page. A chapter's front matter
# may say it itself (`synopsis:`), which wins; these cover the chapters that do not.
SYNOPSES = {
    1: "Number sets, exponents and logarithms, and where floating point disagrees with them: "
    "a stable log-sum-exp.",
    2: "Sets, logic and function signatures read symbol by symbol, and run as masks, "
    "np.all, np.any and argmax.",
    3: "Sums, products and index notation, and their one-line NumPy forms up to einsum.",
    4: "How to read a paper's notation: typefaces, indices, hats and stars, turned into code.",
    5: "A model is a function: domain, image, composition, inverse and parametrized families, "
    "each tested in NumPy.",
    6: "The functions ML is built from (affine maps, exp and log, sigmoid, softmax) and their "
    "stable forms.",
    7: "Functions of many inputs: surfaces, contour maps and the loss landscape.",
    8: "Vectors as arrows and as arrays: addition, scaling, norms and distances.",
    9: "The dot product: angles, orthogonality, cosine similarity and projections.",
    10: "Matrices as tables and as machines: the product, shapes and the transpose.",
    11: "A matrix as a map of the whole space: columns, composition, determinants and inverses.",
    12: "Solving Ax = b: elimination, rank, condition numbers and least squares.",
    13: "Subspaces, eigenvectors and eigenvalues, and PCA from the covariance matrix.",
    14: "Limits and continuity: what a function approaches, and why it matters for ML.",
    15: "The derivative as a limit, its rules, and finite differences that check it.",
    16: "The chain rule on computational graphs: backpropagation by hand and in NumPy.",
    17: "Partial derivatives, gradients and Jacobians of functions of many variables.",
    18: "Gradient descent: the learning rate, convergence and what makes it slow.",
    19: "NumPy as it really is: memory, dtypes, views against copies, and broadcasting.",
    20: "From a correct equation to code you can trust: shapes, stability and checks.",
}

THREADS = [
    (
        "Linear algebra leads to architecture",
        "A neural layer is <code>Wx&nbsp;+&nbsp;b</code>; shapes, matrix products and rank are "
        "the language of every model, from embeddings to attention.",
    ),
    (
        "Calculus leads to learning",
        "Training is optimization: derivatives measure sensitivity, the chain rule is "
        "backpropagation, and gradients point the way downhill.",
    ),
    ("NumPy leads to implementation", "Every equation becomes vectorized, shape-checked code."),
]

CSS = """
:root { --ink:#1b2130; --muted:#5a6374; --accent:#2152b8; --accent-soft:#e8eefb;
        --line:#e1e5ee; --bg:#f6f7fb; --card:#fff; --ok:#1d7f4e; --warn:#8a5a00; }
* { box-sizing: border-box; }
@media (prefers-reduced-motion: no-preference) { html { scroll-behavior: smooth; } }
body { margin:0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: var(--bg); -webkit-text-size-adjust: 100%; }
header.hero { background: linear-gradient(135deg, #1c3f8f, #2f6bd8); color: #fff; }
header.hero .wrap { padding-top: 34px; padding-bottom: 26px; }
.wrap { max-width: 1040px; margin: 0 auto; padding-left: 24px; padding-right: 24px; }
h1 { font-size: 2.05rem; line-height: 1.18; margin: 0 0 10px; letter-spacing: -.01em;
     text-wrap: balance; }
.hero .lead { color: #e4ecff; max-width: 48em; margin: 0 0 16px; }
.counts { display:flex; flex-wrap:wrap; gap:10px; margin: 0 0 18px; padding:0; list-style:none; }
.counts li { background: rgba(255,255,255,.14); border:1px solid rgba(255,255,255,.28);
             border-radius: 999px; padding: 4px 14px; }
.counts b { font-size: 1.15rem; margin-right: 3px; }
.actions { display:flex; flex-wrap:wrap; gap:10px; }
.btn { display:inline-block; font: inherit; font-size: .95rem; cursor: pointer;
       border-radius: 8px; padding: 7px 14px; border: 1px solid var(--accent);
       background: var(--accent); color: #fff; text-decoration: none; line-height: 1.3; }
.btn:hover { text-decoration: none; filter: brightness(1.08); }
.btn.light { background: #fff; color: var(--accent); border-color: #fff; }
.btn.ghost { background: var(--card); color: var(--accent); }
.btn.outline { background: transparent; color: #fff; border-color: rgba(255,255,255,.75); }
.btn:focus-visible, a:focus-visible, select:focus-visible { outline: 3px solid #f5b400;
       outline-offset: 2px; }
nav.toc { background: var(--card); border-bottom: 1px solid var(--line); position: sticky;
          top: 0; z-index: 2; }
nav.toc ul { display:flex; gap: 4px 18px; margin:0 auto; padding: 9px 24px; list-style:none;
             max-width: 1040px; overflow-x: auto; white-space: nowrap; font-size: .93rem; }
main.wrap { padding-top: 8px; padding-bottom: 60px; }
section { scroll-margin-top: 52px; }
h2 { font-size: 1.35rem; margin: 38px 0 12px; }
h3 { font-size: 1.04rem; margin: 0 0 8px; }
p { margin: 0 0 12px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em;
       background: #eef1f7; border-radius: 4px; padding: 1px 4px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px;
        padding: 16px 18px; }
.grid { display:grid; gap: 14px; grid-template-columns: repeat(auto-fill, minmax(290px, 1fr)); }
.threads { grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); }
.threads p { margin: 0; color: var(--muted); }
.muted, .small { color: var(--muted); }
.small { font-size: .88rem; }
.soon { color: var(--muted); }
.tag { display:inline-block; font-size: .76rem; border-radius: 999px; padding: 1px 8px;
       background: #eef1f7; color: var(--muted); vertical-align: 1px; white-space: nowrap; }
/* progress: a bar and a percentage */
.meter { display:flex; align-items:center; gap: 8px; min-width: 118px; }
.bar { flex: 1; height: 8px; border-radius: 99px; background: #e6e9f1; overflow: hidden;
       min-width: 56px; }
.bar i { display:block; height: 100%; width: 0; background: var(--ok); border-radius: 99px;
         transition: width .3s; }
.pct { font-variant-numeric: tabular-nums; font-size: .9rem; min-width: 3.2em;
       text-align: right; }
.pct.none { color: var(--muted); }
/* the eight weeks */
ol.weeks { list-style:none; margin:0; padding:0; display:grid; gap: 10px; }
.week { display:grid; grid-template-columns: 64px 1fr 170px; gap: 6px 16px; align-items:center;
        padding: 12px 16px; }
.week .no { align-self: start; font-weight: 700; color: var(--accent); font-size: .95rem; }
.week .no span { display:block; font-size: 1.5rem; line-height: 1; }
.week .what b { display:block; }
.week .items { font-size: .93rem; }
.week .items > * + *::before { content: " · "; color: var(--muted); }
/* parts and chapters */
.parts { grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); }
ol.chapters { list-style:none; margin:0; padding:0; }
ol.chapters li { display:grid; grid-template-columns: 2.1em 1fr 132px; gap: 2px 10px;
                 padding: 7px 0; border-top: 1px solid var(--line); align-items: start; }
ol.chapters li:first-child { border-top: 0; }
.num { color: var(--muted); font-variant-numeric: tabular-nums; }
.sub { display:block; font-size: .86rem; color: var(--muted); }
.coming .sub { display:inline; margin-left: 6px; }
.coming .sub::before { content: "· "; }
.short { display: none; }
.meter.none .bar { opacity: .45; }
a.btn[aria-disabled="true"] { background: #eef1f7; color: var(--muted); border-color: #d5dae5;
       cursor: default; }
#download-line { display:flex; flex-wrap:wrap; align-items:center; gap: 6px 12px; }
details.how { margin-top: 12px; }
details.how summary { cursor: pointer; color: var(--accent); }
details.how ul { margin: 8px 0 0; padding-left: 1.2em; }
/* labs */
.labs { grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); }
.labs .card { padding: 12px 14px; }
.labs .card b { display:block; font-size: .8rem; color: var(--muted); font-weight: 600;
                text-transform: uppercase; letter-spacing: .04em; }
/* tables */
.scroll { overflow-x: auto; }
table { width:100%; border-collapse: collapse; background: var(--card); font-size: .94rem; }
th, td { text-align:left; padding: 7px 10px; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { font-size: .8rem; color: var(--muted); font-weight: 600; text-transform: uppercase;
     letter-spacing: .03em; }
#exercise-table td:first-child a { white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 600; border-bottom: 0; }
/* progress tools, download, embed */
.tools { display:flex; flex-wrap:wrap; gap: 10px; align-items: center; margin: 10px 0; }
.visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden;
                   clip: rect(0 0 0 0); white-space: nowrap; }
.notice { border-left: 4px solid var(--accent); background: var(--accent-soft);
          padding: 10px 14px; border-radius: 6px; margin: 10px 0; }
.notice.error { border-color: #b3261e; background: #fdecea; }
.notice.warn { border-color: #c88a00; background: #fff6dd; }
.notice.ok { border-color: var(--ok); background: #e6f5ec; }
.notice:empty { display: none; }
ol.steps { padding-left: 1.3em; margin: 0 0 10px; }
ol.steps li { margin: 4px 0; }
label.field { display:block; font-size: .86rem; color: var(--muted); margin: 10px 0 4px; }
select, textarea, input.url { width: 100%; font: inherit; font-size: .9rem; padding: 7px 9px;
       border: 1px solid #c9cfdc; border-radius: 8px; background: #fff; color: var(--ink); }
textarea, input.url { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
       font-size: .82rem; }
textarea { resize: vertical; min-height: 5.4em; }
.row { display:flex; gap: 8px; align-items: flex-start; }
.row > :first-child { flex: 1; min-width: 0; }
footer { color: var(--muted); font-size: .88rem; border-top: 1px solid var(--line);
         margin-top: 40px; padding-top: 14px; }
/* continue where you left off, your copies, activity marks */
.continue { margin: 16px 0 0; background: rgba(255,255,255,.14); border: 1px solid
            rgba(255,255,255,.35); border-radius: 10px; padding: 10px 14px; max-width: 48em; }
.continue[hidden] { display: none; }
.continue b { display: block; font-size: .8rem; text-transform: uppercase;
              letter-spacing: .05em; color: #e4ecff; }
.continue a { color: #fff; font-weight: 600; text-decoration: underline; }
.continue .small { color: #e4ecff; }
.synopsis { display: block; font-size: .86rem; color: var(--muted); }
.mark { display: inline-block; font-size: .72rem; border-radius: 999px; padding: 0 7px;
        margin-left: 6px; background: #e6f5ec; color: var(--ok); white-space: nowrap;
        vertical-align: 1px; }
.mark:empty { display: none; }
a.mark { text-decoration: none; }
a.mark.copy { background: var(--accent-soft); color: var(--accent); }
.activity { display: block; font-size: .84rem; color: var(--muted); }
.activity:empty { display: none; }
ul.copies { list-style: none; margin: 0; padding: 0; }
ul.copies li { padding: 6px 0; border-top: 1px solid var(--line); }
ul.copies li:first-child { border-top: 0; }
#import-progress:focus-visible + #import-label { outline: 3px solid #f5b400; outline-offset: 2px; }
@media (max-width: 760px) {
  .wrap { padding-left: 16px; padding-right: 16px; }
  nav.toc ul { padding: 8px 16px; }
  header.hero .wrap { padding-top: 24px; padding-bottom: 20px; }
  h1 { font-size: 1.55rem; }
  h2 { font-size: 1.2rem; margin-top: 30px; }
  .parts { grid-template-columns: 1fr; }
  .week { grid-template-columns: 48px 1fr; padding: 12px 14px; }
  .week .meter { grid-column: 2; }
  .week .items > * { display: block; padding: 1px 0; }
  .week .items > * + *::before { content: none; }
  .sub.title, .long { display: none; }
  .short { display: inline; }
  ol.chapters li { grid-template-columns: 2em 1fr; }
  ol.chapters li .meter { grid-column: 2; max-width: 220px; }
  .card { padding: 14px; }
  th.opt, td.opt { display: none; }
  .row { flex-direction: column; }
  .row > * { width: 100%; }
}
"""


def notebook_url(path: str) -> str:
    """The focused notebook view of a course file."""
    return f"notebooks/index.html?path={quote(path)}"


def esc(text: object) -> str:
    return html.escape(str(text))


def meter(attribute: str, key: object, label: str) -> str:
    """A progress bar and percentage that home.js fills; 0% until it has read the progress."""
    return (
        f'<span class="meter" title="{esc(label)}"><span class="bar"><i></i></span>'
        f'<span class="pct" {attribute}="{esc(key)}">0%</span></span>'
    )


def marks(path: str) -> str:
    """Where home.js puts "opened", "ran to the end" and "your copy" for a course notebook."""
    return f'<span class="marks" data-marks="{esc(path)}"></span>'


def synopsis(chapter: dict) -> str:
    return chapter.get("synopsis") or SYNOPSES.get(chapter["number"], "")


def reading_order(course: dict) -> dict[str, dict]:
    """Every course notebook: its name and what comes next, as the course bar reads the course
    (notebook.js locate()): Start here, chapters 1..20, the capstone's notebooks; labs among
    labs; an exercise set goes on to the chapter after its own."""
    items: dict[str, dict] = {}
    order = [
        {"path": g["path"], "label": g["title"], "kind": "guide"}
        for g in course["guides"]
        if g["path"].endswith("start-here.ipynb")
    ]
    chapters = sorted(course["chapters"], key=lambda c: c["number"])
    order += [
        {
            "path": c["path"],
            "label": f"Chapter {c['number']}: {c['title']}",
            "kind": "chapter",
            "week": c.get("week"),
        }
        for c in chapters
    ]
    cap = course.get("capstone")
    for nb in (cap or {}).get("notebooks", []):
        order.append(
            {
                "path": nb["path"],
                "label": f"Capstone: {nb['title']}",
                "kind": "capstone",
                "week": cap.get("week"),
            }
        )
    for i, item in enumerate(order):
        items[item["path"]] = {**item, "next": order[i + 1]["path"] if i + 1 < len(order) else None}
    labs = course["labs"]
    for i, lab in enumerate(labs):
        items[lab["path"]] = {
            "path": lab["path"],
            "label": f"Lab {lab['number']}: {lab['title']}",
            "kind": "lab",
            "week": lab.get("week"),
            "next": labs[i + 1]["path"] if i + 1 < len(labs) else None,
        }
    position = {c["number"]: i for i, c in enumerate(chapters)}
    for s in course["exercise_sets"]:
        at = position.get(s["chapter"])
        chapter = chapters[at] if at is not None else None
        after = chapters[at + 1]["path"] if at is not None and at + 1 < len(chapters) else None
        if chapter and after is None and cap:
            after = cap["path"]
        items[s["path"]] = {
            "path": s["path"],
            "label": f"Exercises for chapter {s['chapter']}",
            "kind": "exercises",
            "week": chapter.get("week") if chapter else None,
            "next": after,
        }
    if cap and cap.get("exercises_path"):
        items[cap["exercises_path"]] = {
            "path": cap["exercises_path"],
            "label": "Capstone exercises",
            "kind": "exercises",
            "week": cap.get("week"),
            "next": None,
        }
    for g in course["guides"]:
        items.setdefault(
            g["path"], {"path": g["path"], "label": g["title"], "kind": "guide", "next": None}
        )
    return items


def render(course: dict, storage_name: str = DEFAULT_STORAGE) -> str:
    counts = course["counts"]
    chapters = {c["number"]: c for c in course["chapters"]}
    labs = {lab["number"]: lab for lab in course["labs"]}
    sets = {s["chapter"]: s for s in course["exercise_sets"]}
    capstone_set = {}
    if course.get("capstone") and course["capstone"].get("exercises_path"):
        capstone_set = {
            "path": course["capstone"]["exercises_path"],
            "count": len(course["capstone"]["exercises"]),
        }
    by_chapter: dict[int, list[dict]] = {}
    for ex in course["exercises"]:
        by_chapter.setdefault(ex["chapter"], []).append(ex)
    version = course.get("version", "")
    cap = course.get("capstone")  # None until the capstone has notebooks
    cap_exercises = by_chapter.get(CAPSTONE, [])

    def chapter_title(n: int) -> str:
        c = chapters.get(n)
        return c["title"] if c else f"Chapter {n}"

    def chapter_link(n: int, label: str | None = None) -> str:
        c = chapters.get(n)
        text = label or (f"{n}. {c['title']}" if c else f"Chapter {n}")
        if not c:
            return f'<span class="soon" data-coming-chapter="{n}">{esc(text)} (coming)</span>'
        return f'<a href="{notebook_url(c["path"])}" data-chapter="{n}">{esc(text)}</a>'

    def set_link(n: int | str, label: str | None = None) -> str:
        s = sets[n] if n != CAPSTONE else capstone_set
        text = label or f"{s['count']} exercises"
        return f'<a href="{notebook_url(s["path"])}" data-set="{n}">{esc(text)}</a>'

    def lab_link(n: int, label: str | None = None) -> str:
        lab = labs.get(n)
        if not lab:
            return f'<span class="soon">Lab {n} (coming)</span>'
        text = label or f"Lab {n}: {lab['title']}"
        return f'<a href="{notebook_url(lab["path"])}" data-lab="{n}">{esc(text)}</a>'

    # ------------------------------------------------------------ the eight weeks
    weeks = []
    for w in course["weeks"]:
        items = []
        for n in w["chapters"]:
            title = f"Ch. {n} " + (chapters[n]["title"] if n in chapters else "")
            extra = f" <small>({set_link(n, 'exercises')})</small>" if n in sets else ""
            mark = marks(chapters[n]["path"]) if n in chapters else ""
            items.append(f"<span>{chapter_link(n, title.strip())}{mark}{extra}</span>")
        items += [
            f"<span>{lab_link(n)}{marks(labs[n]['path']) if n in labs else ''}</span>"
            for n in w["labs"]
        ]
        if w.get("capstone") and cap:
            extra = ""
            if cap.get("exercises_path"):
                extra = f" <small>({set_link(CAPSTONE, 'exercises')})</small>"
            link = f'<a href="{notebook_url(cap["path"])}" data-capstone>Capstone</a>'
            items.append(f"<span>{link}{extra}</span>")
        elif w.get("capstone"):
            items.append('<a href="#capstone" class="soon">Capstone (coming)</a>')
        chapters_of_week = w["chapters"] + ([CAPSTONE] if w.get("capstone") else [])
        total = sum(len(by_chapter.get(n, [])) for n in chapters_of_week)
        label = f"{total} exercises this week" if total else "no exercises yet this week"
        weeks.append(
            f'<li class="card week" data-week="{w["number"]}">'
            f'<div class="no">Week<span>{w["number"]}</span></div>'
            f'<div class="what"><b>{esc(w["title"])}</b>'
            f'<span class="items">{"".join(items)}</span>'
            f'<span class="activity" data-week-activity="{w["number"]}"></span></div>'
            f"{meter('data-week-progress', w['number'], label)}</li>"
        )

    # ------------------------------------------------------------ parts and chapters
    parts = []
    for p in course["parts"]:
        rows = []
        for n in p["chapters"]:
            sub = []
            if n in sets:
                sub.append(set_link(n))
            if n in chapters and chapters[n].get("week"):
                sub.append(f"week {chapters[n]['week']}")
            elif n not in chapters:
                week = next((w["number"] for w in course["weeks"] if n in w["chapters"]), None)
                if week:
                    sub.append(f"week {week}")
            own = len(by_chapter.get(n, []))
            coming = "" if n in chapters else ' class="coming"'
            rows.append(
                f'<li data-part-chapter="{n}"{coming}><span class="num">{n}.</span>'
                f"<span>{chapter_link(n, chapter_title(n))}"
                + (marks(chapters[n]["path"]) if n in chapters else "")
                + (
                    f'<span class="synopsis" data-synopsis="{n}">'
                    f"{esc(synopsis(chapters[n]))}</span>"
                    if n in chapters and synopsis(chapters[n])
                    else ""
                )
                + f'<span class="sub">{" · ".join(sub)}</span></span>'
                + (meter("data-chapter-progress", n, f"{own} exercises") if own else "")
                + "</li>"
            )
        parts.append(
            f'<div class="card" data-part="{p["number"]}">'
            f"<h3>Part {p['number']}. {esc(p['title'])}</h3>"
            f'<ol class="chapters">{"".join(rows)}</ol></div>'
        )

    # ------------------------------------------------------------ labs
    lab_cards = "".join(
        f'<div class="card"><b>Lab {lab["number"]}'
        + (f" · week {lab['week']}" if lab.get("week") else "")
        + f"</b>{lab_link(lab['number'], lab['title'])}{marks(lab['path'])}</div>"
        for lab in course["labs"]
    )

    # ------------------------------------------------------------ exercises
    level_heads = "".join(
        f'<th class="n" title="Level {k}: {esc(LEVEL_NAMES[k])}"><span class="long">{esc(v)}</span>'
        f'<span class="short">L{k}</span></th>'
        for k, v in LEVELS.items()
    )
    exercise_rows = []
    for s in course["exercise_sets"]:
        n = s["chapter"]
        levels = Counter(e["level"] for e in by_chapter.get(n, []))
        auto = sum(1 for e in by_chapter.get(n, []) if e.get("automatic"))
        title = chapters[n]["title"] if n in chapters else "(chapter coming)"
        cells = "".join(
            f'<td class="n" data-level-count="{n}-{k}">{levels.get(k, 0)}</td>' for k in LEVELS
        )
        exercise_rows.append(
            f'<tr data-exercise-set="{n}"><td>{set_link(n, f"Chapter {n}")}'
            f'<span class="sub title">{esc(title)}</span></td>'
            f'<td class="n" data-set-count="{n}">{s["count"]}</td>{cells}'
            f'<td class="n opt" data-auto-count="{n}">{auto}</td>'
            f'<td class="n" data-chapter-done="{n}">0</td></tr>'
        )
    if capstone_set:
        levels = Counter(e["level"] for e in cap_exercises)
        auto = sum(1 for e in cap_exercises if e.get("automatic"))
        cells = "".join(
            f'<td class="n" data-level-count="{CAPSTONE}-{k}">{levels.get(k, 0)}</td>'
            for k in LEVELS
        )
        exercise_rows.append(
            f'<tr data-capstone-set="{CAPSTONE}"><td>{set_link(CAPSTONE, "Capstone")}'
            f'<span class="sub title">{esc(cap["title"])}</span></td>'
            f'<td class="n" data-set-count="{CAPSTONE}">{capstone_set["count"]}</td>{cells}'
            f'<td class="n opt" data-auto-count="{CAPSTONE}">{auto}</td>'
            f'<td class="n" data-chapter-done="{CAPSTONE}">0</td></tr>'
        )
    level_totals = Counter(e["level"] for e in course["exercises"])
    total_cells = "".join(f'<td class="n">{level_totals.get(k, 0)}</td>' for k in LEVELS)
    level_legend = "; ".join(f"<b>{k}</b> {esc(v)}" for k, v in LEVEL_NAMES.items())

    # ------------------------------------------------------------ embedding
    embed_groups = []
    chapter_options = "".join(
        f'<option value="{esc(c["path"])}" data-title="Chapter {c["number"]}: {esc(c["title"])}">'
        f"Chapter {c['number']}: {esc(c['title'])}</option>"
        for c in course["chapters"]
    )
    embed_groups.append(f'<optgroup label="Chapters">{chapter_options}</optgroup>')
    lab_options = "".join(
        f'<option value="{esc(lab["path"])}" data-title="Lab {lab["number"]}: {esc(lab["title"])}">'
        f"Lab {lab['number']}: {esc(lab['title'])}</option>"
        for lab in course["labs"]
    )
    embed_groups.append(f'<optgroup label="Labs">{lab_options}</optgroup>')
    set_options = "".join(
        f'<option value="{esc(s["path"])}" data-title="Exercises for chapter {s["chapter"]}">'
        f"Exercises for chapter {s['chapter']}</option>"
        for s in course["exercise_sets"]
    )
    if capstone_set:
        set_options += (
            f'<option value="{esc(capstone_set["path"])}" data-title="Exercises for the capstone">'
            "Exercises for the capstone</option>"
        )
    embed_groups.append(f'<optgroup label="Exercise sets">{set_options}</optgroup>')
    if cap:
        capstone_options = "".join(
            f'<option value="{esc(nb["path"])}" data-title="Capstone: {esc(nb["title"])}">'
            f"Capstone {nb['number']}: {esc(nb['title'])}</option>"
            for nb in cap["notebooks"]
        )
        embed_groups.append(f'<optgroup label="Capstone">{capstone_options}</optgroup>')
    first = course["chapters"][0] if course["chapters"] else course["labs"][0]
    first_url = notebook_url(first["path"])

    # "Start here" is the one filled button: the first thing to do; the rest are outlined
    guides = "".join(
        f'<a class="btn {"light" if g["title"] == "Start here" else "outline"}" '
        f'href="{notebook_url(g["path"])}" data-guide>{esc(g["title"])}</a>'
        for g in sorted(course["guides"], key=lambda g: g["title"] != "Start here")
    )
    threads = "".join(f'<div class="card"><h3>{t}</h3><p>{d}</p></div>' for t, d in THREADS)
    # What home.js needs: the exercise ids per chapter, the chapters of each week.
    data = {
        "storage": storage_name,
        "version": version,
        "download": DOWNLOAD,
        "done": list(DONE_STATUSES),
        "chapters": {str(n): [e["id"] for e in items] for n, items in by_chapter.items()},
        # the capstone's exercises count towards its week, as a chapter's do
        "weeks": {
            str(w["number"]): w["chapters"] + ([CAPSTONE] if w.get("capstone") and cap else [])
            for w in course["weeks"]
        },
        # continue where you left off; activity per week (chapters opened / run, labs opened)
        "items": reading_order(course),
        "week_notebooks": {
            str(w["number"]): {
                "chapters": [chapters[n]["path"] for n in w["chapters"] if n in chapters],
                "labs": [labs[n]["path"] for n in w["labs"] if n in labs],
            }
            for w in course["weeks"]
        },
    }
    data_json = json.dumps(data, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    capstone_count, capstone_section = capstone_html(cap, cap_exercises)
    script = SCRIPT + (f"?v={quote(version)}" if version else "")
    activity_script = ACTIVITY_SCRIPT + (f"?v={quote(version)}" if version else "")

    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="An open course for software engineers: the mathematics of
machine learning, with notebooks, labs and self-checking exercises that run in the browser.">
<title>{esc(course["title"])}</title>
<link rel="icon" href="static/favicons/favicon.ico">
<style>{CSS}</style>
<script type="application/json" id="mfml-home-data">{data_json}</script>
<script src="{activity_script}" defer></script>
<script src="{script}" defer></script>
</head>
<body>
<header class="hero"><div class="wrap">
<h1>{esc(course["title"])}</h1>
<p class="lead">For experienced software engineers who want mathematical fluency: open an ML
paper, read every symbol, follow the derivation and reproduce the result in NumPy. Everything
runs in your browser: nothing to install, nothing sent anywhere.</p>
<ul class="counts" id="counts">
<li><b data-count="chapters">{counts["chapters"]}</b> chapters</li>
<li><b data-count="labs">{counts["labs"]}</b> interactive labs</li>
<li><b data-count="exercises">{counts["exercises"]}</b> exercises with solutions</li>
{capstone_count}
</ul>
<div class="actions">{guides}<a class="btn outline" href="{CURRICULUM}" id="curriculum-link">Full
curriculum</a></div>
<div class="continue" id="continue" hidden></div>
</div></header>
<nav class="toc" aria-label="On this page"><ul>
<li><a href="#plan">Plan</a></li>
<li><a href="#progress">Progress</a></li>
<li><a href="#copies">Your copies</a></li>
<li><a href="#parts">Chapters</a></li>
<li><a href="#labs">Labs</a></li>
<li><a href="#exercises">Exercises</a></li>
<li><a href="#capstone">Capstone</a></li>
<li><a href="#how">How to use</a></li>
<li><a href="#offline">Offline</a></li>
<li><a href="#embed">Embed</a></li>
<li><a href="{CURRICULUM}">Curriculum</a></li>
</ul></nav>
<main class="wrap">

<section id="plan" aria-labelledby="plan-h">
<h2 id="plan-h">The eight-week plan</h2>
<p class="muted">One week at a time: each week's chapters, their exercise sets and labs. The
percentage is your progress through that week's exercises.</p>
<ol class="weeks" id="weeks">{"".join(weeks)}</ol>
</section>

<section id="progress" aria-labelledby="progress-h">
<h2 id="progress-h">Your progress</h2>
<div class="card">
<p id="progress-summary">Your progress is kept by this browser, for this site only.</p>
<p id="activity-summary"></p>
<p class="small" id="progress-definition">How it is counted: an exercise is <b>done</b> when its
check said correct, or, for an open question, when you marked your answer against the model
answer (self-assessed). A chapter's percentage is the share of its exercises done; a week's is
the share of all the exercises of that week's chapters. Revealing a solution does not count as
done. Beside it, what you read: a chapter is <b>opened</b> when you open it (or your copy of
it) and <b>run</b> when every code cell of it ran without an error in one visit; a lab is
opened when you open it.</p>
<div class="tools">
<button type="button" class="btn" id="export-progress">Export my progress</button>
<button type="button" class="btn ghost" id="import-label"
 aria-controls="import-progress">Import progress</button>
<input type="file" id="import-progress" class="visually-hidden" tabindex="-1" aria-hidden="true"
 accept=".json,application/json">
</div>
<p class="small">Export saves one file (JSON) with your exercise results and what you read
(notebooks opened, chapters run to the end), to import in another browser or on another
computer. Import merges: for each exercise the better result is kept, for each notebook the
earliest first visit, the latest visit and the most opens; nothing is lost.</p>
<div class="notice" id="progress-message" role="status" aria-live="polite"></div>
<div class="notice warn" id="storage-note" role="status"></div>
</div>
</section>

<section id="copies" aria-labelledby="copies-h">
<h2 id="copies-h">Your copies</h2>
<div class="card">
<p class="small" id="copies-summary">A course notebook opens read-only; "Make my copy" in its
course bar keeps your own version in this browser, and it is listed here.</p>
<ul class="copies" id="copy-list"></ul>
</div>
</section>

<section id="parts" aria-labelledby="parts-h">
<h2 id="parts-h">The five parts</h2>
<div class="grid parts">{"".join(parts)}</div>
</section>

<section id="labs" aria-labelledby="labs-h">
<h2 id="labs-h">The labs</h2>
<p class="muted">Interactive notebooks: move a slider, watch the mathematics respond.</p>
<div class="grid labs" id="lab-list">{lab_cards}</div>
</section>

<section id="exercises" aria-labelledby="exercises-h">
<h2 id="exercises-h">The exercises</h2>
<p class="muted">Every exercise has hints and a worked solution; most are checked
automatically, open questions are compared with a model answer. Levels: {level_legend}.</p>
<div class="scroll"><table id="exercise-table">
<thead><tr><th>Set</th>
<th class="n"><span class="long">Exercises</span><span class="short">All</span></th>
{level_heads}<th class="n opt">Auto-checked</th>
<th class="n">Done</th></tr></thead>
<tbody>{"".join(exercise_rows)}</tbody>
<tfoot><tr><td>All</td><td class="n" data-count="exercises-total">{counts["exercises"]}</td>
{total_cells}<td class="n opt">{counts.get("automatic", "")}</td>
<td class="n" data-total-done>0</td></tr></tfoot>
</table></div>
</section>

{capstone_section}

<section id="threads" aria-labelledby="threads-h">
<h2 id="threads-h">Three threads</h2>
<div class="grid threads">{threads}</div>
</section>

<section id="how" aria-labelledby="how-h">
<h2 id="how-h">How to use the course</h2>
<div class="grid">
<div class="card"><h3>Read and run</h3>
<p>Each chapter is a notebook. Read it top to bottom and run each cell with
<b>Shift+Enter</b>. Python runs in your browser; the first cell of a notebook takes a few
seconds to start it.</p></div>
<div class="card"><h3>Practise</h3>
<p>Each chapter has an exercise set: write your answer, run its check, ask for a hint when
stuck. A solution opens only after you have tried. Your results count towards the progress
above.</p></div>
<div class="card"><h3>Keep your work</h3>
<p>Course notebooks open read-only, so a new version of the course always reaches you. To
keep your edits, make your own copy of a notebook (a course update never overwrites it), and
export your progress now and then.</p></div>
</div>
</section>

<section id="offline" aria-labelledby="offline-h">
<h2 id="offline-h">Work offline</h2>
<div class="card">
<p id="download-line"><a class="btn" id="download-link" href="{DOWNLOAD}" download>Download the
course</a> <span class="small" id="download-size">mfml-course.zip</span></p>
<ol class="steps">
<li>Unzip it anywhere.</li>
<li>In a terminal, in the unzipped folder, run <code>python3 start-course.py</code>
(Python&nbsp;3, nothing else to install).</li>
<li>Your browser opens the course; if not, open the address it prints
(<code>http://127.0.0.1:8000/</code>). It works with no network at all.</li>
</ol>
<p class="small">Progress is kept per address: to carry it over, export it here and import it
there.</p>
</div>
</section>

<section id="embed" aria-labelledby="embed-h">
<h2 id="embed-h">Embed in your learning platform</h2>
<div class="card">
<p>Each chapter, lab and exercise set has its own address, which you can put in an iframe on a
Moodle, Canvas or Open edX page. Pick one, then copy the address or the ready-made
snippet.</p>
<label class="field" for="embed-select">Notebook</label>
<select id="embed-select">{"".join(embed_groups)}</select>
<label class="field" for="embed-url">Embed address</label>
<div class="row"><input class="url" id="embed-url" readonly value="{esc(first_url)}">
<button type="button" class="btn ghost" data-copy="embed-url">Copy address</button></div>
<label class="field" for="embed-snippet">Snippet to paste into the page's HTML</label>
<div class="row"><textarea id="embed-snippet" rows="4" readonly></textarea>
<button type="button" class="btn ghost" data-copy="embed-snippet">Copy snippet</button></div>
<p class="small" id="embed-local" hidden>This address is on your own computer
(<code>127.0.0.1</code> or <code>localhost</code>): it works only here. Embed the address of
the site where the course is hosted.</p>
<p class="small" id="embed-status" role="status" aria-live="polite"></p>
<details class="how"><summary>How to add it to Moodle, Canvas or Open edX</summary>
<ul>
<li><b>Moodle</b>: add a Page (or a Text and media area), open the editor's HTML source view
and paste the snippet.</li>
<li><b>Canvas</b>: in a Page, open the Rich Content Editor's HTML view and paste the snippet;
or add a module item of type External URL with the embed address, "load in a new tab"
unticked.</li>
<li><b>Open edX</b>: add a Raw HTML component (or the iframe tool) and paste the snippet.</li>
</ul>
<p class="small">Inside an iframe, some browsers block storage for another site: the notebook
then still runs, says that work will not be kept there, and offers to open it in a new tab.
Most platforms need the course served over HTTPS.</p>
</details>
</div>
</section>

<footer>
<p>Text CC BY 4.0 · code MIT{f" · version <code>{esc(version)}</code>" if version else ""}</p>
</footer>
</main>
</body>
</html>
"""


CAPSTONE_PITCH = (
    "From the equations to an implementation: the normal equations derived, a least-squares "
    "solver as accurate as float64 allows, gradient descent on standardized features with a "
    "numerical gradient check, NIST's certified Longley coefficients reproduced digit by digit "
    "(and the count of digits explained), then a short research report exported as one HTML file."
)


def capstone_html(cap: dict | None, exercises: list[dict]) -> tuple[str, str]:
    """The hero's capstone item and the #capstone section: available (links, progress) once
    the capstone has notebooks, "coming" before."""
    if not cap:
        section = (
            '<section id="capstone" aria-labelledby="capstone-h">\n'
            '<h2 id="capstone-h">The capstone <span class="tag">coming</span></h2>\n'
            '<div class="card">\n<h3>Linear regression from scratch</h3>\n'
            f"<p>{esc(CAPSTONE_PITCH)} It is planned for week 8 and is not in this version of "
            "the course yet.</p>\n</div>\n</section>"
        )
        return "<li>a capstone (coming)</li>", section
    count = len(exercises)
    hero = f'<li><a href="#capstone" style="color:inherit">a capstone</a>, {count} tasks</li>'
    steps = "".join(
        f'<li><a href="{notebook_url(nb["path"])}" data-capstone-notebook="{nb["number"]}">'
        f"{esc(nb['title'])}</a></li>"
        for nb in cap["notebooks"]
    )
    week = f"week {cap['week']} · " if cap.get("week") else ""
    tasks = ""
    progress = ""
    if cap.get("exercises_path"):
        tasks = (
            f'<p><a class="btn ghost" href="{notebook_url(cap["exercises_path"])}" '
            f'data-set="{CAPSTONE}">The {count} capstone tasks (C.1 to C.{count})</a></p>'
        )
        bar = meter("data-chapter-progress", CAPSTONE, f"{count} capstone tasks")
        progress = f'<div style="max-width:360px">{bar}</div>'
    section = f"""<section id="capstone" aria-labelledby="capstone-h">
<h2 id="capstone-h">The capstone</h2>
<div class="card" data-capstone-card>
<h3><a href="{notebook_url(cap["path"])}" data-capstone>{esc(cap["title"])}</a></h3>
<p class="small">{week}{count} tasks with hints and solutions</p>
{progress}
<p>{esc(CAPSTONE_PITCH)}</p>
<ol class="steps">{steps}</ol>
{tasks}
</div>
</section>"""
    return hero, section


CONFIG_BLOCK = re.compile(r'<script\s+id="jupyter-config-data".*?</script>', re.S)


def storage_name(site: Path) -> str:
    """The contents storage (IndexedDB database) the notebooks use, from jupyter-lite.json."""
    try:
        settings = json.loads((site / "jupyter-lite.json").read_text())
        return settings["jupyter-config-data"]["contentsStorageName"]
    except (OSError, ValueError, KeyError):
        return DEFAULT_STORAGE


HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$", re.M)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)


def sections(notebook: Path) -> list[str]:
    """The `##` headings of a built notebook, in order (none inside a code fence)."""
    try:
        nb = json.loads(notebook.read_text())
    except (OSError, ValueError):
        return []
    found = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        found += HEADING.findall(FENCE.sub("", source))
    return found


def heading_anchor(title: str) -> str:
    """The id JupyterLab gives a rendered heading: its text, spaces as hyphens."""
    text = re.sub(r"[*_`]|\$", "", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title))
    return text.strip().replace(" ", "-")


def render_curriculum(site: Path, course: dict) -> str:
    """The curriculum page: every chapter (its sections, exercise set and its week's labs), every
    lab (with its sections), the capstone; one template, no script."""
    files = site / "files"
    chapters = {c["number"]: c for c in course["chapters"]}
    sets = {s["chapter"]: s for s in course["exercise_sets"]}
    labs_by_week: dict[int, list[dict]] = {}
    for lab in course["labs"]:
        labs_by_week.setdefault(lab.get("week"), []).append(lab)

    def section_links(path: str) -> list[dict]:
        return [
            {"title": t, "url": f"{notebook_url(path)}#{quote(heading_anchor(t))}"}
            for t in sections(files / path)
        ]

    def lab_item(lab: dict) -> dict:
        return {**lab, "url": notebook_url(lab["path"])}

    parts = []
    for part in course["parts"]:
        items = []
        for n in part["chapters"]:
            c = chapters.get(n)
            if not c:
                continue
            s = sets.get(n)
            items.append(
                {
                    **c,
                    "url": notebook_url(c["path"]),
                    "synopsis": synopsis(c),
                    "sections": section_links(c["path"]),
                    "exercises": (
                        {"url": notebook_url(s["path"]), "count": s["count"]} if s else None
                    ),
                    "labs": [lab_item(lab) for lab in labs_by_week.get(c.get("week"), [])]
                    if c.get("week")
                    else [],
                }
            )
        parts.append({**part, "chapters": items})
    week_chapters = {w["number"]: w["chapters"] for w in course["weeks"]}
    labs = []
    for lab in course["labs"]:
        numbers = [n for n in week_chapters.get(lab.get("week"), []) if n in chapters]
        named = ", ".join(f"chapter {n}" for n in numbers)
        labs.append({**lab_item(lab), "sections": section_links(lab["path"]), "chapters": named})
    cap = course.get("capstone")
    capstone = None
    if cap:
        capstone = {
            **cap,
            "notebooks": [{**nb, "url": notebook_url(nb["path"])} for nb in cap["notebooks"]],
            "exercises_url": (
                notebook_url(cap["exercises_path"]) if cap.get("exercises_path") else None
            ),
        }
    guides = [
        {"title": g["title"], "url": notebook_url(g["path"])}
        for g in sorted(course["guides"], key=lambda g: g["title"] != "Start here")
    ]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("curriculum.html.j2").render(
        title=course["title"],
        version=course.get("version", ""),
        css=markupsafe.Markup(CSS),
        parts=parts,
        chapters=course["chapters"],
        weeks=course["weeks"],
        labs=labs,
        guides=guides,
        capstone=capstone,
        exercise_count=course["counts"]["exercises"],
    )


def write(site: Path, course: dict) -> None:
    """Replace JupyterLite's root page, keeping its config block: every app reads it."""
    index = site / "index.html"
    found = CONFIG_BLOCK.search(index.read_text())
    if not found:
        raise RuntimeError(f"{index}: no jupyter-config-data block to keep")
    page = render(course, storage_name(site)).replace("</head>", found.group(0) + "\n</head>", 1)
    index.write_text(page)
    script = site / SCRIPT
    script.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ASSETS / "home.js", script)
    shutil.copyfile(ASSETS / "activity.js", site / ACTIVITY_SCRIPT)
    (site / CURRICULUM).write_text(render_curriculum(site, course))
