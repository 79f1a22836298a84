"""The exercise engine: ``from mfml.exercises import ex``, then ``ex("19.4").check(answer)``.

Modules, one job each: ``spec`` (the bank's format and structural rules), ``yamlmarks``
(YAML with line numbers), ``bank`` (finding and loading banks), ``instance`` (an exercise at
a seed), ``compare`` and ``checks`` (feedback), ``validate`` (running a bank's code),
``progress`` (the learner's record), ``handle`` and ``ui`` (the notebook API and buttons),
``notebook`` and ``build`` (generation); ``guard`` (running the learner's code safely),
``diagnose`` (naming common mistakes), ``interrupt`` (Kernel → Interrupt in the browser).
"""

from __future__ import annotations

from pathlib import Path

from .errors import BankError
from .feedback import CATEGORIES, Feedback
from .handle import Exercise, ex, progress_store
from .interrupt import enable as _enable_interrupt

_enable_interrupt()  # in the browser: Kernel → Interrupt stops a busy cell (see interrupt.py)


def export_progress(path: str | Path = "progress.json") -> Path:
    """Save your progress to a JSON file (download it to keep it, or move machines).

    Progress is self-reported: it records what this notebook's checks said, on this
    computer, and anyone can edit the file. It is a record for you, not a grade."""
    return progress_store().export(path)


def import_progress(path: str | Path) -> int:
    """Merge a saved progress file into this one (keeps the better status, max counts)."""
    return progress_store().import_(path)


def load_progress() -> dict:
    """Every exercise's record (see ``mfml.exercises.progress`` for the schema)."""
    return progress_store().data()


__all__ = [
    "CATEGORIES",
    "BankError",
    "Exercise",
    "Feedback",
    "ex",
    "export_progress",
    "import_progress",
    "load_progress",
]
