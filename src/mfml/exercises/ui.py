"""The exercise's widget (ipywidgets): the prompt of the current variant and the buttons.

CSS classes let browser tests find every part: ``mfml-exercise``, ``mfml-prompt``,
``mfml-hint``, ``mfml-solution``, ``mfml-confirm``, ``mfml-variant``, ``mfml-status``,
``mfml-hints``, ``mfml-feedback``, ``mfml-solution-text``.

The title is not repeated (the notebook's heading has it). The feedback of a check typed in
a cell appears once, under that cell (``Feedback``'s own display); the widget shows only the
status line, and a feedback box for the checks made with its own buttons (a rubric's
self-assessment).
"""

from __future__ import annotations

import ipywidgets as w

from .feedback import html_feedback, mark


def _markdown_output(markdown: str) -> dict:
    return {
        "output_type": "display_data",
        "data": {"text/markdown": markdown, "text/plain": markdown},
        "metadata": {},
    }


def _classed(widget, *classes):
    for css in classes:
        widget.add_class(css)
    return widget


class ExerciseUI:
    def __init__(self, exercise) -> None:
        self.exercise = exercise
        self.own_check = False
        self.prompt = _classed(w.Output(), "mfml-prompt")
        self.hint_button = _classed(w.Button(description="Hint", icon="lightbulb-o"), "mfml-hint")
        self.solution_button = _classed(w.Button(description="Show solution"), "mfml-solution")
        self.confirm_button = _classed(
            w.Button(
                description="Yes, show the solution",
                button_style="warning",
                layout=w.Layout(display="none", width="auto"),
            ),
            "mfml-confirm",
        )
        buttons = [self.hint_button, self.solution_button, self.confirm_button]
        if exercise.has_variants:
            self.variant_button = _classed(
                w.Button(description="New variant", tooltip="Draw fresh numbers"), "mfml-variant"
            )
            self.variant_button.on_click(lambda _: exercise.new_variant())
            buttons.append(self.variant_button)
        self.status = _classed(w.HTML(), "mfml-status")
        self.hints = _classed(w.Output(), "mfml-hints")
        self.feedback = _classed(w.HTML(), "mfml-feedback-area")
        self.solution = _classed(w.Output(), "mfml-solution-text")
        parts = [self.prompt, w.HBox(buttons), self.status, self.hints]
        if exercise.kind == "rubric":
            parts.append(self._rubric_box())
        parts += [self.feedback, self.solution]
        self.box = _classed(w.VBox(parts), "mfml-exercise")
        self.hint_button.on_click(self._on_hint)
        self.solution_button.on_click(self._on_solution)
        self.confirm_button.on_click(self._on_confirm)
        self.prompt.outputs = (_markdown_output(exercise.prompt.markdown),)
        self.refresh()

    def _rubric_box(self):
        self.criteria = [
            w.Checkbox(description=text, indent=False, layout=w.Layout(width="auto"))
            for text in self.exercise.rubric
        ]
        button = _classed(w.Button(description="Record self-assessment"), "mfml-self-assess")
        button.on_click(self._on_self_assess)
        return w.VBox([*self.criteria, button])

    # ------------------------------------------------------------ events
    def _on_self_assess(self, _button) -> None:
        self.own_check = True
        self.exercise.check([i for i, c in enumerate(self.criteria, 1) if c.value])

    def _on_hint(self, _button) -> None:
        text = self.exercise.hint()
        self.hints.outputs += (_markdown_output(text.markdown),)

    def _on_solution(self, _button) -> None:
        if self.exercise.can_reveal():
            # an explicit value: the front end ignores None and would keep it hidden
            self.confirm_button.layout.display = "inline-block"

    def _on_confirm(self, _button) -> None:
        text = self.exercise.solution(confirm=True)
        self.confirm_button.layout.display = "none"
        self.solution.outputs = (_markdown_output(text.markdown),)

    # ------------------------------------------------------------ state
    def refresh(self, prompt: bool = False) -> None:
        exercise = self.exercise
        allowed = exercise.can_reveal()
        self.solution_button.disabled = not allowed
        self.solution_button.tooltip = (
            "Shows the solution after a confirmation"
            if allowed
            else "Opens after your first attempt, or after all hints"
        )
        total = exercise.hint_count
        self.hint_button.disabled = exercise.hints_shown >= total
        self.hint_button.description = f"Hint ({exercise.hints_shown}/{total})"
        feedback = exercise.last_feedback
        last = ""
        if feedback is not None and feedback.category != "not_attempted":
            last = f" · Last check: {mark(feedback.category)} {feedback.title}"
        try:
            record = exercise.progress()
            self.status.value = (
                f"<small>Attempts: {record['attempts']} · Hints seen: {record['hints_used']} "
                f"· Status: {record['status'].replace('_', ' ')}{last}</small>"
            )
        except Exception:
            self.status.value = ""
        if feedback is not None and self.own_check:
            self.feedback.value = html_feedback(feedback, live=True)
        else:
            self.feedback.value = ""
        self.own_check = False
        if prompt:
            self.prompt.outputs = (_markdown_output(exercise.variant_markdown()),)
            self.solution.outputs = ()
