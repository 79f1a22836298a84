"""Ship the accessibility assets (site_assets/a11y.css and a11y.js) and load them in the
notebook views, after the course bar's script. Why each rule exists: docs/accessibility.md.

Called from site_post.finish; kept in its own module so the course bar's build step and this
one change independently.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "site_assets"
HOME = "index.html"  # the home page: its phone layout rules are in a11y.css too
FILES = {"a11y.css": "static/mfml/a11y.css", "a11y.js": "static/mfml/a11y.js"}


def add(site: Path, pages) -> int:
    """Copy a11y.css/a11y.js into the site; link them from `pages` and the home page, once.

    The ?_= query is the file's own hash, as for notebook.js, so an update is always fetched.
    Returns the number of pages that load them.
    """
    digests = {}
    for name, where in FILES.items():
        source = (ASSETS / name).read_bytes()
        target = site / where
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source)
        digests[name] = hashlib.sha256(source).hexdigest()[:8]
    count = 0
    for name in [*pages, HOME]:
        page = site / name
        if not page.exists():
            continue
        up = "../" * name.count("/")  # from the page's folder back to the site's root
        css, js = (f"{up}{FILES[n]}?_={digests[n]}" for n in ("a11y.css", "a11y.js"))
        tags = [f'<link rel="stylesheet" href="{css}">', f'<script src="{js}" defer></script>']
        html = page.read_text()
        if FILES["a11y.js"] not in html:
            html = html.replace("</body>", "  " + "\n  ".join(tags) + "\n  </body>", 1)
            page.write_text(html)
        count += 1
    return count
