"""The exercise's buttons (ipywidgets). CSS classes let browser tests find every part:
``mfml-hint``, ``mfml-solution``, ``mfml-confirm``, ``mfml-variant``, ``mfml-feedback``,
``mfml-hints``, ``mfml-solution-text``, ``mfml-prompt``, ``mfml-status``."""

from __future__ import annotations

import html

import ipywidgets as w

from .feedback import html_feedback


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
        spec = exercise.spec
        badge = (
            f'<span class="mfml-badge mfml-level-{spec.level}">Level {spec.level} · '
            f"{html.escape(spec.level_name)}</span> <b>{html.escape(spec.id)} "
            f"{html.escape(spec.title)}</b>"
        )
        self.header = _classed(w.HTML(badge), "mfml-header")
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
        if spec.params:
            self.variant_button = _classed(w.Button(description="New variant"), "mfml-variant")
            self.variant_button.on_click(lambda _: exercise.new_variant())
            buttons.append(self.variant_button)
        self.status = _classed(w.HTML(), "mfml-status")
        self.hints = _classed(w.Output(), "mfml-hints")
        self.feedback = _classed(w.HTML(), "mfml-feedback")
        self.solution = _classed(w.Output(), "mfml-solution-text")
        parts = [self.header, self.prompt, w.HBox(buttons), self.status, self.hints]
        if spec.check.kind == "rubric":
            parts.append(self._rubric_box())
        parts += [self.feedback, self.solution]
        self.box = _classed(w.VBox(parts), "mfml-exercise")
        self.hint_button.on_click(self._on_hint)
        self.solution_button.on_click(self._on_solution)
        self.confirm_button.on_click(self._on_confirm)
        self.refresh()

    def _rubric_box(self):
        self.criteria = [
            w.Checkbox(description=text, indent=False, layout=w.Layout(width="auto"))
            for text in (self.exercise._instance.text(c) for c in self.exercise.spec.check.rubric)
        ]
        button = _classed(w.Button(description="Record self-assessment"), "mfml-self-assess")
        button.on_click(
            lambda _: self.exercise.check([i for i, c in enumerate(self.criteria, 1) if c.value])
        )
        return w.VBox([*self.criteria, button])

    # ------------------------------------------------------------ events
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
        total = len(exercise.spec.hints)
        self.hint_button.disabled = exercise.hints_shown >= total
        self.hint_button.description = f"Hint ({exercise.hints_shown}/{total})"
        try:
            record = exercise.progress()
            self.status.value = (
                f"<small>Attempts: {record['attempts']} · Hints seen: {record['hints_used']} "
                f"· Status: {record['status'].replace('_', ' ')}</small>"
            )
        except Exception:
            self.status.value = ""
        feedback = exercise.last_feedback
        self.feedback.value = "" if feedback is None else html_feedback(feedback, css=False)
        if prompt:
            self.prompt.outputs = (_markdown_output(exercise.variant_markdown()),)
            self.solution.outputs = ()
