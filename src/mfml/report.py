"""Export a notebook to one standalone HTML file, offline, in the browser kernel and in CPython.

    from mfml.report import export_html
    export_html("c5-report.ipynb", "capstone-report.html")

The file holds everything: the Markdown cells rendered, the code (folded away under "Code"),
text, tables and figures (PNG and SVG embedded as ``data:`` URIs). It loads nothing from
anywhere, so it opens offline, can be mailed, and stays readable in ten years. LaTeX is kept
as its source text between ``\\( \\)`` and ``\\[ \\]``: a renderer such as MathJax would have
to be fetched from the network or embedded (megabytes), and the source is readable as it is.

In a notebook, the call also shows a **Download** link (a ``data:`` URI, so it works in the
browser with no server) and says where the file was written: next to the notebook, in the
learner's storage in the browser (the file browser shows it; right-click, Download).

Why not nbconvert? The course's stack names it, and under CPython ``jupyter nbconvert --to
html`` works. In the browser it does not run within reason: Pyodide 0.27.7 ships neither
nbconvert nor nine of the packages it imports (nbformat, mistune, pandocfilters, tinycss2,
defusedxml, jupyter_core, jupyterlab_pygments, fastjsonschema and nbconvert's own templates,
which it finds through jupyter_core's data paths), so the site would have to ship and lock a
dozen more wheels; and its default HTML template loads MathJax and require.js from
cdnjs.cloudflare.com, so the result is not an offline, standalone file anyway. This module
needs only the standard library (Pygments colours the code when it is there, as it is in the
browser kernel, which uses it for IPython).

What the export reads is the notebook **file**: save the notebook (Ctrl+S) after running it,
so that the file holds your latest text and outputs, then export.

Cell tags honoured: ``remove-cell`` (left out), ``remove-input`` (outputs only),
``remove-output`` (code only), ``hide-input`` (code folded, as by default). Markdown cells
are rendered by a small CommonMark subset (headings, paragraphs, emphasis, code, lists,
block quotes, pipe tables, links, images from cell attachments, rules); raw HTML in Markdown
is shown as text. ``text/html`` outputs (a pandas table, for one) are kept, without scripts.
"""

from __future__ import annotations

import base64
import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["export_html", "markdown_to_html", "notebook_to_html"]

REPORT_LINK_KEY = "mfml_report_link"  # metadata of the link output: never exported again
MAX_LINK_BYTES = 20_000_000  # above this, no data: link (the file browser still has the file)

CSS = """
body { margin: 0; background: #f6f7fb; color: #1b2130;
       font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 880px; margin: 0 auto; padding: 24px 28px 60px; background: #fff;
       min-height: 100vh; box-shadow: 0 0 0 1px #e1e5ee; }
.meta { color: #5a6374; font-size: .85rem; border-bottom: 1px solid #e1e5ee;
        padding-bottom: 10px; margin-bottom: 18px; }
h1, h2, h3, h4 { line-height: 1.25; margin: 1.4em 0 .5em; }
h1 { font-size: 1.9rem; margin-top: .4em; }
h2 { font-size: 1.4rem; border-bottom: 1px solid #e1e5ee; padding-bottom: .2em; }
p, ul, ol, blockquote, table, pre { margin: 0 0 1em; }
a { color: #2152b8; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
            font-size: .88em; }
code { background: #eef1f7; border-radius: 4px; padding: 1px 4px; }
pre { background: #f3f5f9; border: 1px solid #e1e5ee; border-radius: 6px; padding: 10px 12px;
      overflow-x: auto; line-height: 1.45; }
pre code { background: none; padding: 0; }
blockquote { border-left: 4px solid #c9d3ea; margin-left: 0; padding: 2px 14px;
             color: #3c4558; }
table { border-collapse: collapse; font-size: .94rem; display: block; overflow-x: auto; }
th, td { border: 1px solid #d5dae5; padding: 5px 10px; }
th { background: #f3f5f9; }
img { max-width: 100%; height: auto; }
.math { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: .9em; color: #2b3a67; }
div.math { margin: 0 0 1em; padding: 4px 0 4px 16px; overflow-x: auto; }
details.code { margin: 4px 0 8px; }
details.code > summary { cursor: pointer; color: #5a6374; font-size: .85rem; }
.output { margin: 0 0 1em; }
.output pre { background: #fff; }
.output pre.stderr { background: #fdf0ef; border-color: #f1c6c2; }
.output pre.error { background: #fdecea; border-color: #e6a39d; }
"""


# ---------------------------------------------------------------- reading a notebook


def _text(value) -> str:
    """A notebook field that is a string or a list of strings (nbformat allows both)."""
    if value is None:
        return ""
    return "".join(value) if isinstance(value, list) else str(value)


def read_notebook(path: str | Path) -> dict:
    """The notebook's JSON as a dict (nbformat 4); raises ValueError for anything else."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ValueError(f"{path}: not a Jupyter notebook (no list of cells)")
    if data.get("nbformat", 4) != 4:
        raise ValueError(f"{path}: nbformat {data.get('nbformat')} (this exporter reads 4)")
    return data


def _read_myst(path: Path) -> dict:
    """A MyST Markdown notebook (the course's sources) as notebook JSON, without outputs.

    Only in the repository, under CPython, where jupytext is installed: the site ships
    .ipynb files, and the browser never needs this."""
    import jupytext

    return json.loads(jupytext.writes(jupytext.read(path, fmt="md:myst"), fmt="ipynb"))


# ---------------------------------------------------------------- Markdown: inline


_ESCAPABLE = "\\`*_{}[]()#+-.!|$<>"
_INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]*?\S)\$(?![$\w])")
_DISPLAY_MATH_INLINE = re.compile(r"\$\$(.+?)\$\$")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*([^)\s]+)(?:\s+\"([^\"]*)\")?\s*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(\s*([^)\s]+)(?:\s+\"([^\"]*)\")?\s*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.S)  # may span a paragraph's lines
_EM_STAR = re.compile(r"(?<![*\w])\*(?=\S)(.+?)(?<=\S)\*(?![*\w])", re.S)
_EM_UNDERSCORE = re.compile(r"(?<![_\w])_(?=\S)(.+?)(?<=\S)_(?![_\w])", re.S)
_SAFE_SCHEMES = ("http:", "https:", "mailto:", "data:image/", "#")


def _safe_url(url: str) -> str:
    """Relative URLs and the safe schemes pass; anything else (javascript:, ...) becomes #."""
    lowered = url.strip().lower()
    has_scheme = re.match(r"^[a-z][a-z0-9+.-]*:", lowered) is not None
    if not has_scheme or lowered.startswith(_SAFE_SCHEMES):
        return url
    return "#"


class _Inline:
    """Renders one block's inline Markdown. Code spans, math and escapes are replaced by
    placeholders first, so that nothing inside them is read as emphasis or links."""

    def __init__(self, attachments: dict | None = None) -> None:
        self.attachments = attachments or {}
        self.saved: list[str] = []

    def _keep(self, rendered: str) -> str:
        self.saved.append(rendered)
        return f"\x00{len(self.saved) - 1}\x00"

    def _image_src(self, src: str) -> str:
        if src.startswith("attachment:"):
            bundle = self.attachments.get(src[len("attachment:") :], {})
            for mime, data in bundle.items():
                if mime.startswith("image/"):
                    return f"data:{mime};base64,{_text(data).strip()}"
        return _safe_url(src)

    def render(self, text: str) -> str:
        text = _CODE_SPAN.sub(
            lambda m: self._keep(f"<code>{html.escape(m.group(2).strip())}</code>"), text
        )
        text = _DISPLAY_MATH_INLINE.sub(
            lambda m: self._keep(f'<span class="math">\\[{html.escape(m.group(1))}\\]</span>'),
            text,
        )
        text = _INLINE_MATH.sub(
            lambda m: self._keep(f'<span class="math">\\({html.escape(m.group(1))}\\)</span>'),
            text,
        )
        text = re.sub(
            r"\\([" + re.escape(_ESCAPABLE) + r"])",
            lambda m: self._keep(html.escape(m.group(1))),
            text,
        )
        text = html.escape(text, quote=False)

        def image(m: re.Match) -> str:
            alt = m.group(1)
            src = self._image_src(html.unescape(m.group(2)))
            title = f' title="{html.escape(m.group(3))}"' if m.group(3) else ""
            return self._keep(f'<img src="{html.escape(src)}" alt="{alt}"{title}>')

        def link(m: re.Match) -> str:
            href = _safe_url(html.unescape(m.group(2)))
            title = f' title="{html.escape(m.group(3))}"' if m.group(3) else ""
            return f'<a href="{html.escape(href)}"{title}>{m.group(1)}</a>'

        text = _IMAGE.sub(image, text)
        text = _LINK.sub(link, text)
        text = _STRONG.sub(r"<strong>\2</strong>", text)
        text = _EM_STAR.sub(r"<em>\1</em>", text)
        text = _EM_UNDERSCORE.sub(r"<em>\1</em>", text)
        text = re.sub(r" {2,}\n|\\\n", "<br>\n", text)
        while "\x00" in text:
            text = re.sub(r"\x00(\d+)\x00", lambda m: self.saved[int(m.group(1))], text)
        return text


# ---------------------------------------------------------------- Markdown: blocks


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)")
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^ {0,3}([-*_])(\s*\1){2,}\s*$")
_LIST_ITEM = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])(\s+|$)")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def _slug(text: str) -> str:
    plain = re.sub(r"<[^>]+>", "", text)
    plain = html.unescape(plain).lower()
    plain = re.sub(r"[^\w\s-]", "", plain)
    return re.sub(r"[\s_]+", "-", plain).strip("-") or "section"


def _split_row(line: str) -> list[str]:
    """The cells of a pipe-table row; pipes inside code spans or escaped do not split."""
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    cells, current, in_code, i = [], "", False, 0
    while i < len(line):
        char = line[i]
        if char == "\\" and i + 1 < len(line) and line[i + 1] == "|":
            current += "\\|"
            i += 2
            continue
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append(current.strip())
            current = ""
        else:
            current += char
        i += 1
    cells.append(current.strip())
    return cells


def _keep_break(line: str) -> str:
    """A paragraph line without its indentation; two trailing spaces (a hard break) stay."""
    return line.strip() + ("  " if line.endswith("  ") else "")


def _starts_block(lines: list[str], i: int) -> bool:
    line = lines[i]
    return bool(
        _FENCE.match(line)
        or _HEADING.match(line)
        or _RULE.match(line)
        or line.lstrip().startswith((">", "$$"))
        or _LIST_ITEM.match(line)
        or ("|" in line and i + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[i + 1]))
    )


class _Blocks:
    def __init__(self, attachments: dict | None = None) -> None:
        self.attachments = attachments or {}
        self.ids: dict[str, int] = {}

    def inline(self, text: str) -> str:
        return _Inline(self.attachments).render(text)

    def heading_id(self, rendered: str) -> str:
        base = _slug(rendered)
        count = self.ids.get(base, 0)
        self.ids[base] = count + 1
        return base if count == 0 else f"{base}-{count}"

    def render(self, text: str) -> str:
        lines = text.replace("\r\n", "\n").replace("\t", "    ").split("\n")
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                i += 1
                continue
            fence = _FENCE.match(line)
            if fence:
                marker, language = fence.group(1), fence.group(2)
                body = []
                i += 1
                while i < len(lines) and not lines[i].strip().startswith(marker):
                    body.append(lines[i])
                    i += 1
                i += 1
                klass = f' class="language-{html.escape(language)}"' if language else ""
                out.append(f"<pre><code{klass}>{html.escape(chr(10).join(body))}</code></pre>")
                continue
            if line.lstrip().startswith("$$"):
                body = [line.lstrip()[2:]]
                closed = body[0].rstrip().endswith("$$")
                if closed:
                    body[0] = body[0].rstrip()[:-2]
                i += 1
                while not closed and i < len(lines):
                    current = lines[i].rstrip()
                    if current.endswith("$$"):
                        body.append(current[:-2])
                        closed = True
                    else:
                        body.append(current)
                    i += 1
                tex = "\n".join(part for part in body).strip()
                out.append(f'<div class="math">\\[{html.escape(tex)}\\]</div>')
                continue
            heading = _HEADING.match(line)
            if heading:
                level = len(heading.group(1))
                content = self.inline(heading.group(2))
                out.append(f'<h{level} id="{self.heading_id(content)}">{content}</h{level}>')
                i += 1
                continue
            if _RULE.match(line):
                out.append("<hr>")
                i += 1
                continue
            if line.lstrip().startswith(">"):
                quoted = []
                while i < len(lines) and lines[i].lstrip().startswith(">"):
                    stripped = lines[i].lstrip()[1:]
                    quoted.append(stripped[1:] if stripped.startswith(" ") else stripped)
                    i += 1
                out.append(f"<blockquote>{self.render(chr(10).join(quoted))}</blockquote>")
                continue
            if "|" in line and i + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[i + 1]):
                i = self._table(lines, i, out)
                continue
            if _LIST_ITEM.match(line):
                i = self._list(lines, i, out)
                continue
            paragraph = [_keep_break(line)]
            i += 1
            while i < len(lines) and lines[i].strip() and not _starts_block(lines, i):
                paragraph.append(_keep_break(lines[i]))
                i += 1
            out.append(f"<p>{self.inline(chr(10).join(paragraph))}</p>")
        return "\n".join(out)

    def _table(self, lines: list[str], i: int, out: list[str]) -> int:
        head = _split_row(lines[i])
        aligns = []
        for cell in _split_row(lines[i + 1]):
            left, right = cell.startswith(":"), cell.endswith(":")
            aligns.append("center" if left and right else "right" if right else "left")
        i += 2
        rows = []
        while i < len(lines) and lines[i].strip() and "|" in lines[i]:
            rows.append(_split_row(lines[i]))
            i += 1

        def cells(values: list[str], tag: str) -> str:
            values = (values + [""] * len(aligns))[: max(len(aligns), 1)]
            return "".join(
                f'<{tag} style="text-align:{aligns[k] if k < len(aligns) else "left"}">'
                f"{self.inline(v)}</{tag}>"
                for k, v in enumerate(values)
            )

        body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows)
        out.append(
            f"<table><thead><tr>{cells(head, 'th')}</tr></thead><tbody>{body}</tbody></table>"
        )
        return i

    def _list(self, lines: list[str], i: int, out: list[str]) -> int:
        first = _LIST_ITEM.match(lines[i])
        ordered = first.group(2)[0].isdigit()
        start = int(first.group(2)[:-1]) if ordered else 1
        items: list[list[str]] = []
        loose = False
        while i < len(lines):
            match = _LIST_ITEM.match(lines[i])
            if not match or match.group(2)[0].isdigit() != ordered:
                break
            indent = len(match.group(0)) if match.group(3).strip() == "" else len(match.group(0))
            body = [lines[i][indent:]]
            i += 1
            while i < len(lines):
                current = lines[i]
                if not current.strip():
                    # a blank line: the item goes on if the next line is indented under it
                    nxt = lines[i + 1] if i + 1 < len(lines) else ""
                    if nxt.strip() and len(nxt) - len(nxt.lstrip()) >= min(indent, 2):
                        body.append("")
                        loose = loose or not _LIST_ITEM.match(nxt.lstrip())
                        i += 1
                        continue
                    break
                leading = len(current) - len(current.lstrip())
                if _LIST_ITEM.match(current) and leading < min(indent, 2):
                    break  # the next item of this list
                if leading == 0 and _starts_block(lines, i):
                    break
                body.append(current[min(leading, indent) :])
                i += 1
            items.append(body)
            if i < len(lines) and not lines[i].strip():
                nxt = lines[i + 1] if i + 1 < len(lines) else ""
                if _LIST_ITEM.match(nxt) and _LIST_ITEM.match(nxt).group(2)[0].isdigit() == ordered:
                    loose = True
                    i += 1
        rendered = []
        for body in items:
            inner = self.render("\n".join(body))
            if not loose and inner.startswith("<p>") and inner.count("<p>") == 1:
                inner = inner[3:].replace("</p>", "", 1)
            rendered.append(f"<li>{inner}</li>")
        tag = "ol" if ordered else "ul"
        attribute = f' start="{start}"' if ordered and start != 1 else ""
        out.append(f"<{tag}{attribute}>{''.join(rendered)}</{tag}>")
        return i


def markdown_to_html(text: str, attachments: dict | None = None) -> str:
    """Render Markdown (the subset in the module docstring) to HTML; maths stays LaTeX text."""
    return _Blocks(attachments).render(text)


# ---------------------------------------------------------------- outputs


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.S | re.I)


def _pre(text: str, klass: str = "") -> str:
    attribute = f' class="{klass}"' if klass else ""
    return f"<pre{attribute}>{html.escape(_ANSI.sub('', text))}</pre>"


def _rich_output(data: dict, blocks: _Blocks) -> str:
    if "image/png" in data or "image/jpeg" in data:
        mime = "image/png" if "image/png" in data else "image/jpeg"
        payload = "".join(_text(data[mime]).split())
        alt = html.escape(_text(data.get("text/plain", "figure")).strip()[:120])
        return f'<img src="data:{mime};base64,{payload}" alt="{alt}">'
    if "image/svg+xml" in data:
        svg = _text(data["image/svg+xml"]).encode("utf-8")
        encoded = base64.b64encode(svg).decode("ascii")
        return f'<img src="data:image/svg+xml;base64,{encoded}" alt="figure">'
    if "text/html" in data:
        return _SCRIPT.sub("", _text(data["text/html"]))
    if "text/markdown" in data:
        return blocks.render(_text(data["text/markdown"]))
    if "text/latex" in data:
        return f'<div class="math">{html.escape(_text(data["text/latex"]))}</div>'
    if "text/plain" in data:
        return _pre(_text(data["text/plain"]))
    return ""


def _output(out: dict, blocks: _Blocks) -> str:
    kind = out.get("output_type")
    if (out.get("metadata") or {}).get(REPORT_LINK_KEY):
        return ""  # the export's own download link: never nested into the next export
    if kind == "stream":
        name = out.get("name", "stdout")
        return _pre(_text(out.get("text")), "stderr" if name == "stderr" else "")
    if kind in ("display_data", "execute_result"):
        return _rich_output(out.get("data") or {}, blocks)
    if kind == "error":
        trace = "\n".join(_text(line) for line in out.get("traceback") or [])
        text = trace or f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"
        return _pre(text, "error")
    return ""


def _code_html(source: str) -> str:
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        return f"<pre><code>{html.escape(source)}</code></pre>"
    body = highlight(source, PythonLexer(), HtmlFormatter(nowrap=True, noclasses=True))
    return f"<pre><code>{body.rstrip()}</code></pre>"


# ---------------------------------------------------------------- the document


def _title_of(cells: list[dict], fallback: str) -> str:
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            for line in _text(cell.get("source")).splitlines():
                heading = _HEADING.match(line)
                if heading and len(heading.group(1)) == 1:
                    plain = re.sub(r"[*_`$\\]", "", heading.group(2)).strip()
                    return plain or fallback
    return fallback


def notebook_to_html(notebook: dict, name: str = "notebook.ipynb", code: str = "fold") -> str:
    """One standalone HTML page for a notebook's JSON (as ``read_notebook`` gives it).

    ``code``: "fold" (each code cell's source under a "Code" toggle, the default), "show",
    or "hide" (outputs only)."""
    if code not in ("fold", "show", "hide"):
        raise ValueError('code must be "fold", "show" or "hide"')
    cells = notebook.get("cells", [])
    blocks = _Blocks()
    parts = []
    for cell in cells:
        tags = set((cell.get("metadata") or {}).get("tags") or [])
        if "remove-cell" in tags:
            continue
        source = _text(cell.get("source"))
        kind = cell.get("cell_type")
        if kind == "markdown":
            blocks.attachments = cell.get("attachments") or {}
            parts.append(f'<section class="cell markdown">{blocks.render(source)}</section>')
            blocks.attachments = {}
        elif kind == "code":
            pieces = []
            if source.strip() and code != "hide" and "remove-input" not in tags:
                if code == "show" and "hide-input" not in tags:
                    pieces.append(_code_html(source))
                else:
                    pieces.append(
                        f'<details class="code"><summary>Code</summary>{_code_html(source)}'
                        "</details>"
                    )
            if "remove-output" not in tags:
                outputs = [_output(out, blocks) for out in cell.get("outputs") or []]
                pieces += [f'<div class="output">{o}</div>' for o in outputs if o]
            if pieces:
                parts.append(f'<section class="cell code">{"".join(pieces)}</section>')
        elif kind == "raw":
            continue
    title = _title_of(cells, Path(name).stem)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    meta = (
        f"Exported from <code>{html.escape(Path(name).name)}</code> on {stamp} with "
        "<code>mfml.report</code>: a standalone file that needs no network. Mathematics is "
        "shown as its LaTeX source between \\( \\) and \\[ \\]."
    )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="mfml.report">\n<title>{html.escape(title)}</title>\n'
        f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f'<p class="meta">{meta}</p>\n' + "\n".join(parts) + "\n</main>\n</body>\n</html>\n"
    )


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _show_link(target: Path, text: str) -> None:
    from IPython.display import HTML, display

    size = len(text.encode("utf-8"))
    where = (
        "in your browser storage, next to this notebook (the file browser lists it: "
        "right-click it, then Download)"
        if str(target.resolve()).startswith("/drive/")
        else "next to this notebook"
    )
    link = ""
    if size <= MAX_LINK_BYTES:
        payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
        link = (
            f' <a download="{html.escape(target.name)}" '
            f'href="data:text/html;charset=utf-8;base64,{payload}">Download '
            f"{html.escape(target.name)}</a>"
        )
    message = (
        f"<p>Wrote <code>{html.escape(target.name)}</code> ({size / 1000:.0f} kB) {where}."
        f"{link}</p>"
    )
    display(HTML(message), metadata={REPORT_LINK_KEY: True})


def export_html(
    notebook: str | Path,
    html_path: str | Path | None = None,
    code: str = "fold",
    show_link: bool | None = None,
) -> Path:
    """Write ``notebook`` (an .ipynb file, as last saved) as one standalone HTML file.

    ``html_path`` defaults to the notebook's name with ``.html``. In a notebook a Download
    link is shown under the cell (``show_link=False`` to skip it). Returns the path written.
    """
    source = Path(notebook)
    myst = source.with_suffix(".md")
    if not source.is_file() and source.suffix == ".ipynb" and myst.is_file():
        data = _read_myst(myst)  # the course repository runs its MyST sources directly
    elif source.is_file():
        data = read_notebook(source)
    else:
        raise FileNotFoundError(
            f"{source}: no such notebook file here (the working folder is {Path.cwd()}). "
            "Give the name of the .ipynb as the file browser shows it."
        )
    target = Path(html_path) if html_path is not None else source.with_suffix(".html")
    text = notebook_to_html(data, source.name, code=code)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    if show_link is None:
        show_link = _in_notebook()
    if show_link:
        _show_link(target, text)
    return target
