"""mfml: the course helper package. Everything a course notebook imports lives here.

`mfml.best_time(f, *args)` times a call (seconds per call, best of 5; see mfml.timing), so the
chapters' one-line `import mfml` is all they need to measure.

Importing it first in a notebook also quiets matplotlib's one-off "building the font cache"
warning, which a fresh browser kernel would otherwise print to stderr on every page load.
"""

import logging

from mfml.timing import best_time

__all__ = ["best_time"]
__version__ = "0.1.0"


class _DropFontCacheNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "font cache" not in record.getMessage()


logging.getLogger("matplotlib.font_manager").addFilter(_DropFontCacheNotice())
