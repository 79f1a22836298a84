"""mfml: the course helper package. Everything a course notebook imports lives here.

Importing it first in a notebook also quiets matplotlib's one-off "building the font cache"
warning, which a fresh browser kernel would otherwise print to stderr on every page load.
"""

import logging

__version__ = "0.1.0"


class _DropFontCacheNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "font cache" not in record.getMessage()


logging.getLogger("matplotlib.font_manager").addFilter(_DropFontCacheNotice())
