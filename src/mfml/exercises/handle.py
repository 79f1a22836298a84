"""``ex("19.4")``: the learner's handle on one exercise (check, hints, solution, variants).

Handles are cached per id, so every cell that calls ``ex("19.4")`` shares the same hint
counter, variant and buttons. Every check, hint and reveal is recorded as progress.
"""

from __future__ import annotations

import secrets

from .bank import chapter_bank
from .checks import run_check
from .display import Text, code_block, in_widget_kernel
from .feedback import Feedback
from .instance import Instance
from .progress import ProgressStore
from .spec import ExerciseSpec

_MISSING = object()
_handles: dict[str, Exercise] = {}
_store: ProgressStore | None = None


def progress_store() -> ProgressStore:
    global _store
    if _store is None:
        _store = ProgressStore()
    return _store


def reset_session(store: ProgressStore | None = None) -> None:
    """Forget cached handles (and optionally use another progress store): for tests."""
    global _store
    _handles.clear()
    _store = store


def ex(exercise_id: str) -> Exercise:
    """The exercise with this id, e.g. ``ex("19.4")``."""
    key = str(exercise_id).strip()
    if key not in _handles:
        chapter, _, number = key.partition(".")
        if not (chapter.isdigit() and number.isdigit()):
            raise ValueError(f'an exercise id looks like "19.4", not {exercise_id!r}')
        bank = chapter_bank(int(chapter))
        try:
            spec = bank.get(key)
        except KeyError:
            last = bank.exercises[-1].id
            raise LookupError(
                f"no exercise {key}: chapter {chapter} has {chapter}.1 to {last}"
            ) from None
        _handles[key] = Exercise(spec)
    return _handles[key]


class Exercise:
    """One exercise: ``check(answer)``, ``hint()``, ``solution()``, ``new_variant()``."""

    def __init__(self, spec: ExerciseSpec, store: ProgressStore | None = None) -> None:
        self.spec = spec
        self._store = store
        self._instance = Instance(spec)
        self.hints_shown = 0
        self.last_feedback: Feedback | None = None
        self._ui = None

    # ------------------------------------------------------------ facts
    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def level(self) -> int:
        return self.spec.level

    @property
    def seed(self) -> int:
        return self._instance.seed

    @property
    def params(self) -> dict:
        """This variant's numbers (a copy): use them in your answer."""
        return {
            k: (v.copy() if hasattr(v, "copy") else v) for k, v in self._instance.params.items()
        }

    @property
    def prompt(self) -> Text:
        return Text(self._instance.prompt)

    @property
    def store(self) -> ProgressStore:
        return self._store or progress_store()

    def progress(self) -> dict:
        return self.store.record(self.id)

    def _record(self, method: str, *args, **kwargs) -> None:
        try:
            getattr(self.store, method)(self.id, *args, **kwargs)
        except Exception:  # progress must never break the exercise itself
            pass

    # ------------------------------------------------------------ actions
    def check(self, answer=_MISSING) -> Feedback:
        """Check your answer; the feedback says what is wrong, never what is right."""
        feedback = run_check(self._instance, None if answer is _MISSING else answer)
        self._record("checked", feedback.category, self_assessed=self.spec.check.kind == "rubric")
        self.last_feedback = feedback
        self._refresh()
        return feedback

    def hint(self) -> Text:
        """The next hint: a nudge first, then the method, then most of the way."""
        hints = self._instance.hints
        if self.hints_shown >= len(hints):
            return Text(
                f"No more hints: you have seen all {len(hints)}. Try the check, or, if you "
                f'are stuck, `ex("{self.id}").solution()`.'
            )
        self.hints_shown += 1
        self._record("hinted", self.hints_shown)
        self._refresh()
        return Text(f"**Hint {self.hints_shown} of {len(hints)}.** {hints[self.hints_shown - 1]}")

    def can_reveal(self) -> bool:
        """The solution opens after one attempt, or once every hint has been seen."""
        if self.hints_shown >= len(self.spec.hints):
            return True
        try:
            record = self.progress()
        except Exception:
            return False
        return record["attempts"] > 0 or record["hints_used"] >= len(self.spec.hints)

    def solution(self, confirm: bool = False) -> Text:
        """The full solution, after an attempt or all hints, and only with ``confirm=True``."""
        if not self.can_reveal():
            return Text(
                "The solution opens after your first attempt (put your answer in and run the "
                f"check) or after all {len(self.spec.hints)} hints "
                f'(`ex("{self.id}").hint()`). Struggling a little first is what makes it stick.'
            )
        if not confirm:
            return Text(
                "Sure? Try once more first: the solution is most useful after your own attempt. "
                f'To see it, run `ex("{self.id}").solution(confirm=True)`.'
            )
        self._record("revealed")
        self._refresh()
        return Text(self.solution_markdown())

    def solution_markdown(self) -> str:
        return (
            f"**Solution to {self.id}.**\n\n{self._instance.explanation.rstrip()}\n\n"
            f"{code_block(self.spec.solution_code)}"
        )

    def new_variant(self, seed: int | None = None) -> Text:
        """Fresh numbers for the same exercise; the check follows the new variant."""
        if not self.spec.params:
            return Text("This exercise has no variants: its numbers are fixed.")
        self._instance = Instance(self.spec, secrets.randbits(32) if seed is None else seed)
        self.last_feedback = None
        self._refresh(prompt=True)
        return Text(self.variant_markdown())

    def variant_markdown(self) -> str:
        return (
            f"**New variant of {self.id}.** {self._instance.prompt}\n\n"
            f'*Re-run your cells: `ex("{self.id}").params` now holds the new numbers.*'
        )

    # ------------------------------------------------------------ display
    def header_markdown(self) -> str:
        return f"**{self.id} · Level {self.level} ({self.spec.level_name}) · {self.title}**"

    def _refresh(self, prompt: bool = False) -> None:
        if self._ui is not None:
            self._ui.refresh(prompt=prompt)

    def widget(self):
        """The ipywidgets view (buttons for hints, solution and variants)."""
        if self._ui is None:
            from .ui import ExerciseUI

            self._ui = ExerciseUI(self)
        return self._ui.box

    def _ipython_display_(self) -> None:
        from IPython.display import Markdown, display

        if in_widget_kernel():
            try:
                display(self.widget())
                return
            except ImportError:
                pass
        display(Markdown(self.header_markdown() + "\n\n" + self._usage()))

    def _usage(self) -> str:
        return (
            f'Check with `ex("{self.id}").check(...)`; `.hint()` gives the next hint, '
            "`.solution()` the solution after an attempt"
            + (", `.new_variant()` fresh numbers." if self.spec.params else ".")
        )

    def __repr__(self) -> str:
        return f"Exercise {self.id}, level {self.level} ({self.spec.level_name}): {self.title}"
