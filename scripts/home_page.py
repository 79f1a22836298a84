"""The course home page (build/site/index.html), generated from course.json at build time.

Every count and list on it comes from the manifest; nothing is typed in. It loads no asset
from outside the site.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote

THREADS = [
    (
        "Linear algebra leads to architecture",
        "A neural layer is <code>Wx + b</code>; shapes, matrix products and rank are the language "
        "of every model, from embeddings to attention.",
    ),
    (
        "Calculus leads to learning",
        "Training is optimization: derivatives measure sensitivity, the chain rule is "
        "backpropagation, and gradients point the way downhill.",
    ),
    ("NumPy leads to implementation", "Every equation becomes vectorized, shape-checked code."),
]

CSS = """
:root { --ink:#1d2330; --muted:#5b6475; --accent:#2457c5; --line:#e3e6ee; --bg:#fafbfd; }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: var(--bg); }
main { max-width: 980px; margin: 0 auto; padding: 28px 20px 60px; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 6px; }
h2 { font-size: 1.25rem; margin: 36px 0 10px; border-bottom: 1px solid var(--line);
     padding-bottom: 6px; }
h3 { font-size: 1.02rem; margin: 18px 0 6px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.lead { color: var(--muted); margin: 0 0 14px; }
.counts { display:flex; flex-wrap:wrap; gap:10px; margin: 14px 0 4px; padding:0; list-style:none; }
.counts li { background:#fff; border:1px solid var(--line); border-radius:8px; padding:8px 14px; }
.counts b { font-size:1.3rem; margin-right:4px; }
.threads { display:grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap:12px; }
.card { background:#fff; border:1px solid var(--line); border-radius:10px; padding:12px 16px; }
.card h3 { margin-top: 0; }
table { width:100%; border-collapse: collapse; background:#fff; }
th, td { text-align:left; padding:7px 10px; border-bottom:1px solid var(--line);
         vertical-align: top; }
th { font-size:.85rem; color: var(--muted); font-weight:600; }
.progress { font-variant-numeric: tabular-nums; white-space: nowrap; }
ol.chapters { margin: 4px 0 0; padding-left: 0; list-style: none; }
ol.chapters li { padding: 3px 0; }
.num { display:inline-block; min-width: 2.2em; color: var(--muted);
       font-variant-numeric: tabular-nums; }
.soon { color: var(--muted); }
.small { font-size: .88rem; color: var(--muted); }
@media (max-width: 600px) {
  main { padding: 18px 14px 40px; }
  h1 { font-size: 1.45rem; }
  th:nth-child(3), td:nth-child(3) { display:none; }
}
"""


def notebook_url(path: str) -> str:
    """The focused notebook view of a course file."""
    return f"notebooks/index.html?path={quote(path)}"


def link(path: str | None, text: str) -> str:
    if not path:
        return f'<span class="soon">{html.escape(text)} (coming)</span>'
    return f'<a href="{notebook_url(path)}">{html.escape(text)}</a>'


def render(course: dict) -> str:
    counts = course["counts"]
    chapters = {c["number"]: c for c in course["chapters"]}
    labs = {lab["number"]: lab for lab in course["labs"]}
    sets = {s["chapter"]: s for s in course["exercise_sets"]}

    def chapter_link(n: int) -> str:
        c = chapters.get(n)
        return link(c["path"] if c else None, f"{n}. {c['title']}" if c else f"Chapter {n}")

    def lab_link(n: int) -> str:
        lab = labs.get(n)
        return link(lab["path"] if lab else None, f"Lab {n}: {lab['title']}" if lab else f"Lab {n}")

    week_rows = []
    for w in course["weeks"]:
        items = [chapter_link(n) for n in w["chapters"]] + [lab_link(n) for n in w["labs"]]
        if w.get("capstone"):
            items.append('<span class="soon">Capstone: linear regression from scratch</span>')
        week_rows.append(
            f'<tr data-week="{w["number"]}"><td>{w["number"]}</td>'
            f"<td><b>{html.escape(w['title'])}</b><br>{' · '.join(items)}</td>"
            f'<td class="progress" data-week-progress="{w["number"]}">0%</td></tr>'
        )

    parts = []
    for p in course["parts"]:
        rows = "".join(
            f'<li><span class="num">{n}.</span>{chapter_link(n).replace(f"{n}. ", "", 1)}'
            + (
                f' · <a href="{notebook_url(sets[n]["path"])}">{sets[n]["count"]} exercises</a>'
                if n in sets
                else ""
            )
            + "</li>"
            for n in p["chapters"]
        )
        parts.append(
            f"<h3>Part {p['number']}. {html.escape(p['title'])}</h3>"
            f'<ol class="chapters">{rows}</ol>'
        )

    lab_items = "".join(f"<li>{lab_link(n)}</li>" for n in range(1, 11))
    guides = " · ".join(link(g["path"], g["title"]) for g in course["guides"])
    threads = "".join(f'<div class="card"><h3>{t}</h3><p>{d}</p></div>' for t, d in THREADS)

    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(course["title"])}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<h1>{html.escape(course["title"])}</h1>
<p class="lead">For experienced software engineers who want mathematical fluency: open an ML
paper, read every symbol, follow the derivation and reproduce the result in NumPy. Everything
runs in your browser: nothing to install, nothing sent anywhere.</p>
<ul class="counts" id="counts">
<li><b data-count="chapters">{counts["chapters"]}</b> chapters</li>
<li><b data-count="labs">{counts["labs"]}</b> interactive labs</li>
<li><b data-count="exercises">{counts["exercises"]}</b> exercises with solutions</li>
<li>a capstone</li>
</ul>
<p>Start with {guides}.</p>

<h2>Three threads</h2>
<div class="threads">{threads}</div>

<h2>The eight-week plan</h2>
<table id="weeks"><thead><tr><th>Week</th><th>Chapters and labs</th><th>Progress</th></tr></thead>
<tbody>{"".join(week_rows)}</tbody></table>

<h2>The five parts</h2>
<div id="parts">{"".join(parts)}</div>

<h2>The labs</h2>
<ol class="chapters" id="labs">{lab_items}</ol>

<h2>How to use the course</h2>
<p>Each chapter is a notebook: read it top to bottom and run each cell with Shift+Enter.
Each chapter has an exercise notebook: write your answer, run the check, ask for a hint when
stuck; solutions open only after you have tried. Course notebooks are read-only, so a new
version of the course always reaches you.</p>
<p class="small">Text CC BY 4.0 · code MIT.</p>
</main>
</body>
</html>
"""


CONFIG_BLOCK = re.compile(r'<script\s+id="jupyter-config-data".*?</script>', re.S)


def write(site: Path, course: dict) -> None:
    """Replace JupyterLite's root page, keeping its config block: every app reads it."""
    index = site / "index.html"
    found = CONFIG_BLOCK.search(index.read_text())
    if not found:
        raise RuntimeError(f"{index}: no jupyter-config-data block to keep")
    page = render(course).replace("</head>", found.group(0) + "\n</head>", 1)
    index.write_text(page)
