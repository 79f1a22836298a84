"""``ex("19.4")``: the learner's handle on one exercise (check, hints, solution, variants).

Handles are cached per id, so every cell that calls ``ex("19.4")`` shares the same hint
counter, variant and buttons. Every check, hint and reveal is recorded as progress.

What the handle does *not* offer: the reference answer, the hints not yet asked for, the
solution before the gate. They live in a private record (``_Private``) kept in a module-level
table keyed by the handle, not in an attribute of it, so no documented or obvious path leads
from ``ex(id)`` to the answer. Deliberate digging (the table, closures, the bank file inside
the package) is out of scope: see "Threat model" in docs/authoring.md.
"""

from __future__ import annotations

import secrets
import weakref

from .bank import chapter_bank
from .checks import run_check
from .display import Text, code_block, in_widget_kernel
from .feedback import Feedback
from .instance import Instance
from .progress import ProgressStore
from .spec import CAPSTONE, ExerciseSpec

_MISSING = object()
_handles: dict[str, Exercise] = {}
_store: ProgressStore | None = None
PREVIOUS_VARIANTS = 3  # how many earlier variants a check recognises


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
    """The exercise with this id, e.g. ``ex("19.4")``, or ``ex("C.3")`` for the capstone."""
    key = str(exercise_id).strip()
    if key[:2].upper() == f"{CAPSTONE}.":
        key = CAPSTONE + key[1:]
    if key not in _handles:
        chapter, _, number = key.partition(".")
        if not ((chapter.isdigit() or chapter == CAPSTONE) and number.isdigit()):
            raise ValueError(f'an exercise id looks like "19.4" or "C.3", not {exercise_id!r}')
        bank = chapter_bank(CAPSTONE if chapter == CAPSTONE else int(chapter))
        try:
            spec = bank.get(key)
        except KeyError:
            last = bank.exercises[-1].id
            raise LookupError(
                f"no exercise {key}: chapter {chapter} has {chapter}.1 to {last}"
            ) from None
        _handles[key] = Exercise(spec)
    return _handles[key]


class _Private:
    """What the learner must not reach from the handle: the spec (solution, hints), the
    current variant and the earlier ones."""

    def __init__(self, spec: ExerciseSpec) -> None:
        self.spec = spec
        self.instance = Instance(spec)
        self.previous: list[Instance] = []


_private: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _secret(exercise: Exercise) -> _Private:
    return _private[exercise]


def spec_of(exercise: Exercise) -> ExerciseSpec:
    """The exercise's full specification (engine and tests only)."""
    return _private[exercise].spec


def instance_of(exercise: Exercise) -> Instance:
    """The current variant (engine and tests only)."""
    return _private[exercise].instance


class Exercise:
    """One exercise: ``check(answer)``, ``hint()``, ``solution()``, ``new_variant()``."""

    def __init__(self, spec: ExerciseSpec, store: ProgressStore | None = None) -> None:
        _private[self] = _Private(spec)
        self._store = store
        self.hints_shown = 0
        self.last_feedback: Feedback | None = None
        self._ui = None

    # ------------------------------------------------------------ facts
    @property
    def id(self) -> str:
        return _secret(self).spec.id

    @property
    def title(self) -> str:
        return _secret(self).spec.title

    @property
    def level(self) -> int:
        return _secret(self).spec.level

    @property
    def level_name(self) -> str:
        return _secret(self).spec.level_name

    @property
    def kind(self) -> str:
        """The check kind: number, array, function, choice, expression or rubric."""
        return _secret(self).spec.check.kind

    @property
    def has_variants(self) -> bool:
        return _secret(self).spec.has_variants

    @property
    def hint_count(self) -> int:
        return len(_secret(self).spec.hints)

    @property
    def rubric(self) -> list[str]:
        """The self-assessment criteria of a rubric exercise (empty otherwise)."""
        instance = _secret(self).instance
        return [instance.text(c) for c in _secret(self).spec.check.rubric]

    @property
    def seed(self) -> int:
        return _secret(self).instance.seed

    @property
    def variant_drawn(self) -> bool:
        """True once ``new_variant()`` replaced the numbers the notebook was written with."""
        return bool(_secret(self).previous)

    @property
    def params(self) -> dict:
        """This variant's numbers (a copy): use them in your answer."""
        return {
            k: (v.copy() if hasattr(v, "copy") else v)
            for k, v in _secret(self).instance.params.items()
        }

    @property
    def prompt(self) -> Text:
        return Text(_secret(self).instance.prompt)

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
        private = _secret(self)
        value = None if answer is _MISSING else answer
        feedback = run_check(private.instance, value)
        if feedback.category not in ("correct", "not_attempted", "too_slow"):
            stale = self._other_variant(value, feedback)
            feedback = feedback if stale is None else stale
        feedback = self._with_next_step(feedback)
        self._record("checked", feedback.category, self_assessed=self.kind == "rubric")
        self.last_feedback = feedback
        if feedback.printed:
            print(feedback.printed)
        self._refresh()
        return feedback

    def _other_variant(self, value, feedback: Feedback) -> Feedback | None:
        """An answer that is right for an earlier variant: say so, do not call it wrong."""
        for older in reversed(_secret(self).previous):
            if run_check(older, value).correct:
                return Feedback(
                    "other_variant",
                    "This answers the previous variant's numbers. A new variant is active: "
                    f're-run your answer cell (it reads `ex("{self.id}").params`), then check '
                    "again.",
                    self.id,
                    feedback.printed,
                    True,
                )
        return None

    def _with_next_step(self, feedback: Feedback) -> Feedback:
        """A wrong answer's feedback ends by pointing at the next hint (or the solution)."""
        if feedback.category in ("correct", "not_attempted", "other_variant"):
            return feedback
        total = self.hint_count
        if self.hints_shown < total:
            step = (
                f"Stuck? Hint {self.hints_shown + 1} of {total} is one click away "
                f'(`ex("{self.id}").hint()`).'
            )
        else:
            step = (
                f"You have seen all {total} hints; the solution is open "
                f'(`ex("{self.id}").solution()`).'
            )
        return Feedback(
            feedback.category,
            f"{feedback.message} {step}".strip(),
            feedback.exercise_id,
            feedback.printed,
            feedback.diagnosed,
        )

    def hint(self) -> Text:
        """The next hint: a nudge first, then the method, then most of the way."""
        hints = _secret(self).instance.hints
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
        if self.hints_shown >= self.hint_count:
            return True
        try:
            record = self.progress()
        except Exception:
            return False
        return record["attempts"] > 0 or record["hints_used"] >= self.hint_count

    def solution(self, confirm: bool = False) -> Text:
        """The full solution, after an attempt or all hints, and only with ``confirm=True``."""
        if not self.can_reveal():
            return Text(
                "The solution opens after your first attempt (put your answer in and run the "
                f"check) or after all {self.hint_count} hints "
                f'(`ex("{self.id}").hint()`). Struggling a little first is what makes it stick.'
            )
        if not confirm:
            return Text(
                "Sure? Try once more first: the solution is most useful after your own attempt. "
                f'To see it, run `ex("{self.id}").solution(confirm=True)`.'
            )
        self._record("revealed")
        self._refresh()
        private = _secret(self)
        return Text(
            f"**Solution to {self.id}.**\n\n{private.instance.explanation.rstrip()}\n\n"
            f"{code_block(private.spec.solution_code)}"
        )

    def new_variant(self, seed: int | None = None) -> Text:
        """Fresh numbers for the same exercise; the check follows the new variant."""
        private = _secret(self)
        if not private.spec.params:
            return Text("This exercise has no variants: its numbers are fixed.")
        private.previous = (private.previous + [private.instance])[-PREVIOUS_VARIANTS:]
        private.instance = Instance(private.spec, secrets.randbits(32) if seed is None else seed)
        self.last_feedback = None
        self._refresh(prompt=True)
        return Text(self.variant_markdown())

    def variant_markdown(self) -> str:
        return (
            f"**New variant of {self.id}** (the numbers in the notebook's text are the "
            f"original variant's; this is the question now). {_secret(self).instance.prompt}"
            f'\n\n*Re-run your answer cell: `ex("{self.id}").params` now holds the new '
            "numbers.*"
        )

    # ------------------------------------------------------------ display
    def header_markdown(self) -> str:
        return f"**{self.id} · Level {self.level} ({self.level_name}) · {self.title}**"

    def _refresh(self, prompt: bool = False) -> None:
        if self._ui is not None:
            self._ui.refresh(prompt=prompt)

    def widget(self):
        """The ipywidgets view (the prompt, buttons for hints, solution and variants)."""
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
        display(Markdown(self.prompt.markdown + "\n\n" + self._usage()))

    def _usage(self) -> str:
        return (
            f'*Check with `ex("{self.id}").check(...)`; `.hint()` gives the next hint, '
            "`.solution()` the solution after an attempt"
            + (", `.new_variant()` fresh numbers.*" if self.has_variants else ".*")
        )

    def __repr__(self) -> str:
        return f"Exercise {self.id}, level {self.level} ({self.level_name}): {self.title}"
