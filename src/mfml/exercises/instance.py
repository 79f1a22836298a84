"""One exercise at one seed: its parameters, its texts, and its reference answer.

The default seed is fixed per exercise, so the prompt printed in the notebook matches what
``ex(id)`` computes; a new variant is the same exercise at another seed.
"""

from __future__ import annotations

import builtins
import copy
import string
import time
import types
import zlib
from functools import cached_property

import numpy as np

from .guard import trusted
from .spec import LETTERS, ExerciseSpec

EXPRESSION_POINTS = 24


def default_seed(exercise_id: str) -> int:
    """A fixed, platform-independent seed per exercise id."""
    return zlib.crc32(f"mfml-exercise-{exercise_id}".encode())


def base_namespace() -> dict:
    """What every piece of bank code sees besides the parameters."""
    return {"np": np, "__builtins__": builtins}


def run_params(code: str | None, seed: int) -> dict:
    """Run an exercise's ``params`` code with ``rng`` and return the names it defines."""
    if not code:
        return {}
    namespace = base_namespace() | {"rng": np.random.default_rng(seed)}
    exec(compile(code, "<params>", "exec"), namespace)
    return {
        name: value
        for name, value in namespace.items()
        if not name.startswith("_")
        and name not in ("np", "rng")
        and not isinstance(value, types.ModuleType)
    }


class _Formatted:
    """Formats NumPy arrays as compact lists (``[1, -3, 2]``) inside prompts."""

    def __init__(self, value) -> None:
        self.value = value

    def __getitem__(self, key):  # {X[0]} and {p[1]} in a text
        return _Formatted(self.value[key])

    def __getattr__(self, name: str):  # {X.shape}
        if name.startswith("_"):
            raise AttributeError(name)
        return _Formatted(getattr(self.value, name))

    def __format__(self, spec: str) -> str:
        value = self.value
        if isinstance(value, np.ndarray):
            formatter = {"all": lambda x: format(x, spec)} if spec else None
            return np.array2string(value, separator=", ", formatter=formatter)
        return format(value, spec)


def fill(text: str, params: dict) -> str:
    """Fill ``{name}`` fields from the parameters; without parameters, text is literal."""
    if not params:
        return text
    mapping = {name: _Formatted(value) for name, value in params.items()}
    return string.Formatter().vformat(text, (), mapping)


class Instance:
    """An exercise at one seed. Texts are filled, the reference is computed on demand."""

    def __init__(self, spec: ExerciseSpec, seed: int | None = None) -> None:
        self.spec = spec
        self.seed = default_seed(spec.id) if seed is None else int(seed)
        self.params = run_params(spec.params, self.seed)

    # ------------------------------------------------------------ texts
    def text(self, template: str) -> str:
        return fill(template, self.params)

    @property
    def prompt(self) -> str:
        """The prompt in Markdown, with the options of a choice or the rubric of a rubric."""
        body = self.text(self.spec.prompt).rstrip()
        check = self.spec.check
        if check.kind == "choice":
            how = "one or more letters" if check.multiple else "one letter"
            options = "\n".join(
                f"- **({LETTERS[i]})** {self.text(option)}"
                for i, option in enumerate(check.options)
            )
            body += f'\n\n{options}\n\n*Answer with {how}, e.g. `{check.answer} = "a"`.*'
        elif check.kind == "rubric":
            criteria = "\n".join(f"{i}. {self.text(c)}" for i, c in enumerate(check.rubric, 1))
            body += (
                f"\n\n**Self-check: a complete answer**\n\n{criteria}\n\n"
                f"*List the numbers of the criteria your answer meets in `{check.answer}`.*"
            )
        return body

    @property
    def hints(self) -> list[str]:
        return [self.text(hint) for hint in self.spec.hints]

    @property
    def explanation(self) -> str:
        return self.text(self.spec.explanation)

    # ------------------------------------------------------------ code
    def namespace(self) -> dict:
        """A fresh namespace holding ``np`` and a private copy of the parameters."""
        return base_namespace() | copy.deepcopy(self.params)

    def run(self, code: str, label: str) -> dict:
        namespace = self.namespace()
        exec(compile(code, f"<{label}>", "exec"), namespace)
        return namespace

    @cached_property
    def reference(self):
        """The value (or function) the solution's code binds to the check's answer name."""
        with trusted():
            namespace = self.run(self.spec.solution_code, "solution")
        return namespace[self.spec.check.answer]

    @cached_property
    def diagnosed_wrong(self) -> list[tuple[str, object]]:
        """``(message, value)`` for each declared wrong answer that carries a message: the
        message filled with this variant's parameters, the value its code binds to the
        check's answer name at this seed. An entry whose code fails here is left out."""
        out = []
        for wrong in self.spec.wrong:
            if wrong.message is None:
                continue
            try:
                message = self.text(wrong.message)
                with trusted():
                    namespace = self.run(wrong.code, "wrong")
                out.append((message, namespace[self.spec.check.answer]))
            except KeyboardInterrupt:
                raise
            except BaseException:  # noqa: BLE001 - a broken entry must not break the check
                continue
        return out

    @cached_property
    def cases(self) -> list[tuple]:
        """Hidden argument tuples of a function check (a bare value is one argument)."""
        namespace = self.namespace() | {"rng": np.random.default_rng([self.seed, 1])}
        with trusted():
            exec(compile(self.spec.check.cases, "<cases>", "exec"), namespace)
        return [case if isinstance(case, tuple) else (case,) for case in namespace["cases"]]

    @cached_property
    def expected(self) -> list[tuple[bool, object, float]]:
        """The reference's result on every case: ``(ok, value or exception, seconds)``.

        Computed before any learner code runs, on private copies, with pristine modules."""
        reference, out = self.reference, []
        for args in self.cases:
            start = time.perf_counter()
            try:
                with trusted():
                    value = reference(*copy.deepcopy(args))
                out.append((True, value, time.perf_counter() - start))
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # noqa: BLE001 - the learner's function must raise too
                out.append((False, exc, time.perf_counter() - start))
        return out

    @cached_property
    def points(self) -> dict[str, np.ndarray]:
        """Where an expression check compares: both ends, the middle, then random points."""
        rng = np.random.default_rng([self.seed, 2])
        points = {}
        for name in self.spec.check.variables:
            lo, hi = self.spec.check.domain[name]
            fixed = np.array([lo, hi, (lo + hi) / 2])
            points[name] = np.concatenate([fixed, rng.uniform(lo, hi, EXPRESSION_POINTS - 3)])
        return points

    @cached_property
    def expected_values(self) -> np.ndarray:
        """The reference expression at the points (NaN where it fails)."""
        check, points = self.spec.check, self.points
        reference = self.reference
        n = EXPRESSION_POINTS
        with trusted():
            if check.vectorized:
                try:
                    values = reference(*(points[v].copy() for v in check.variables))
                    return np.broadcast_to(np.asarray(values, dtype=float), (n,)).copy()
                except Exception:  # noqa: BLE001
                    return np.full(n, np.nan)
            out = np.full(n, np.nan)
            for i in range(n):
                try:
                    out[i] = float(reference(*(float(points[v][i]) for v in check.variables)))
                except Exception:  # noqa: BLE001 - skipped like a non-finite value
                    pass
            return out

    def prepare(self) -> None:
        """Compute everything the check compares with, before the learner's code runs."""
        kind = self.spec.check.kind
        if kind == "function":
            _ = self.expected
        elif kind == "expression":
            _ = self.expected_values
        elif kind in ("number", "array"):
            _ = self.reference
