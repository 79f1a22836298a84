"""What a check reports: a category (stable, machine-readable) and a message for the learner.

Messages explain what is wrong and where it most likely came from; they never contain the
expected value.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

CATEGORIES = (
    "not_attempted",
    "wrong_type",
    "wrong_shape",
    "not_finite",
    "close",
    "incorrect",
    "error",
    "correct",
)

TITLES = {
    "not_attempted": "Not attempted yet",
    "wrong_type": "Wrong type",
    "wrong_shape": "Wrong shape",
    "not_finite": "NaN or infinity",
    "close": "Close, but not within the tolerance",
    "incorrect": "Not correct yet",
    "error": "Your code raised an error",
    "correct": "Correct",
}

_MARKS = {"correct": "✓", "not_attempted": "…", "close": "≈"}


@dataclass(frozen=True)
class Feedback:
    """The result of one check. ``bool(feedback)`` is True only when the answer is correct."""

    category: str
    message: str
    exercise_id: str = ""

    @property
    def correct(self) -> bool:
        return self.category == "correct"

    @property
    def title(self) -> str:
        return TITLES[self.category]

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        mark = _MARKS.get(self.category, "✗")
        where = f"{self.exercise_id}: " if self.exercise_id else ""
        return f"{mark} {where}{self.title}. {self.message}".rstrip()

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return html_feedback(self)


def html_feedback(feedback: Feedback, css: bool = True) -> str:
    """HTML with class ``mfml-feedback`` (and one per category) for notebooks and tests.

    ``css=False`` leaves out the ``mfml-feedback`` class, for a container that has it."""
    mark = _MARKS.get(feedback.category, "✗")
    classes = f"mfml-feedback-{feedback.category}" + (" mfml-feedback" if css else "")
    return (
        f'<div class="{classes}" data-category="{feedback.category}">'
        f"<strong>{mark} {html.escape(feedback.title)}.</strong> "
        f"{_code_spans(html.escape(feedback.message))}</div>"
    )


def _code_spans(text: str) -> str:
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
