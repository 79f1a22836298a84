"""What a check reports: a category (stable, machine-readable) and a message for the learner.

Messages explain what is wrong and where it most likely came from; they never contain the
expected value. The HTML form is one box per check, coloured and led by an icon (colour is
never the only signal: the icon and the title say it too), announced by screen readers.
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
    "too_slow",
    "other_variant",
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
    "too_slow": "Too slow",
    "other_variant": "This answers another variant",
    "correct": "Correct",
}

MARKS = {
    "correct": "✓",
    "not_attempted": "…",
    "close": "≈",
    "too_slow": "⏱",
    "other_variant": "↺",
}

# (background, accent, text): green for correct, amber for near misses and stale variants,
# grey for "not attempted", red for the rest. Text contrast on each background is >= 7:1.
_COLOURS = {
    "correct": ("#e8f5e9", "#2e7d32", "#1b3d1f"),
    "close": ("#fff8e1", "#b26a00", "#3e2700"),
    "too_slow": ("#fff8e1", "#b26a00", "#3e2700"),
    "other_variant": ("#fff8e1", "#b26a00", "#3e2700"),
    "not_attempted": ("#f4f5f7", "#8a94a6", "#3b4250"),
}
_WRONG_COLOURS = ("#fdecea", "#c62828", "#4a1212")


def mark(category: str) -> str:
    return MARKS.get(category, "✗")


@dataclass(frozen=True)
class Feedback:
    """The result of one check. ``bool(feedback)`` is True only when the answer is correct.

    ``printed`` holds what the learner's own code printed during the check (capped), and
    ``diagnosed`` is True when the message names a specific mistake (a declared wrong answer
    or a generic diagnosis such as a flipped sign)."""

    category: str
    message: str
    exercise_id: str = ""
    printed: str = ""
    diagnosed: bool = False

    @property
    def correct(self) -> bool:
        return self.category == "correct"

    @property
    def title(self) -> str:
        return TITLES[self.category]

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        where = f"{self.exercise_id}: " if self.exercise_id else ""
        return f"{mark(self.category)} {where}{self.title}. {self.message}".rstrip()

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return html_feedback(self)


def html_feedback(feedback: Feedback, live: bool = False) -> str:
    """One feedback box: HTML with class ``mfml-feedback mfml-feedback-<category>``.

    Inline styles only (a notebook's HTML sanitizer keeps them, and drops ``<style>``);
    ``<output>`` is a status live region for screen readers; ``live=True`` (in a widget,
    where nothing is sanitized) also sets ``role`` and ``aria-live`` explicitly. A check
    that was not attempted is one quiet grey line, not a box, so "Run all" on a fresh
    notebook stays calm."""
    category = feedback.category
    title = html.escape(feedback.title)
    message = _code_spans(html.escape(feedback.message))
    aria = ' role="status" aria-live="polite"' if live else ""
    classes = f"mfml-feedback mfml-feedback-{category}"
    if category == "not_attempted":
        return (
            f'<output class="{classes}" data-category="{category}"{aria} '
            'style="display:block;color:#5a6374;font-size:0.9em;margin:2px 0">'
            f"{mark(category)} {title}. {message}</output>"
        )
    background, accent, text = _COLOURS.get(category, _WRONG_COLOURS)
    style = (
        f"display:block;background-color:{background};color:{text};"
        f"border-left:5px solid {accent};border-radius:4px;padding:8px 12px;margin:4px 0;"
        "line-height:1.45"
    )
    return (
        f'<output class="{classes}" data-category="{category}"{aria} style="{style}">'
        f'<span style="font-weight:bold;color:{accent}" aria-hidden="true">'
        f"{mark(category)}</span> <strong>{title}.</strong> {message}</output>"
    )


def _code_spans(text: str) -> str:
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
