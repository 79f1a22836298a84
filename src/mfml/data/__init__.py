"""Data sets that ship with the course, as Python modules: ``from mfml.data import longley``.

A module (rather than a file beside a notebook) works the same everywhere: under CPython, in
the browser kernel, in an exported copy of a notebook, with no path to get right.
"""

from . import longley

__all__ = ["longley"]
