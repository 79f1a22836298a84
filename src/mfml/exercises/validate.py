"""Run everything a bank file contains and prove it works, or fail with file:line.

For each exercise, at the default seed and (with ``params``) a few other seeds: the params
code runs; every text fills; the solution runs and passes its own check; every declared
wrong answer runs and gets exactly its declared feedback; the starter runs, defines the
answer name and gets ``not_attempted`` (so the generated notebook runs clean).
"""

from __future__ import annotations

import sys
import traceback

from .checks import run_check
from .errors import BankError
from .guard import quiet
from .instance import Instance
from .spec import Bank, ExerciseSpec

EXTRA_SEEDS = (1, 2, 3)


def _code_line(exc: BaseException, label: str, first_line: int) -> int:
    """The file line of the innermost frame of ``<label>`` code in exc's traceback."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == f"<{label}>" and frame.lineno:
            line = frame.lineno
    if isinstance(exc, SyntaxError) and exc.filename == f"<{label}>" and exc.lineno:
        line = exc.lineno
    return first_line + (line - 1 if line else 0)


def _fail(spec: ExerciseSpec, field: str, label: str, exc: BaseException, what: str):
    line = _code_line(exc, label, spec.line_of(field))
    return spec.error(field, f"{what} raised {type(exc).__name__}: {exc}", line=line)


class _StubExercise:
    """What ``ex(id)`` offers a starter during validation: the parameters."""

    def __init__(self, instance: Instance) -> None:
        self.params = dict(instance.params)


def _stub_ex(instance: Instance):
    def ex(exercise_id: str):
        if exercise_id != instance.spec.id:
            raise LookupError(f"the starter of {instance.spec.id} asks for ex({exercise_id!r})")
        return _StubExercise(instance)

    return ex


def validate_exercise(spec: ExerciseSpec) -> None:
    seeds = [None, *EXTRA_SEEDS] if spec.params else [None]
    for seed in seeds:
        _validate_at(spec, seed)
    _validate_starter(spec)


def _validate_at(spec: ExerciseSpec, seed: int | None) -> None:
    at = "" if seed is None else f" (variant seed {seed})"
    try:
        instance = Instance(spec, seed)
    except Exception as exc:
        raise _fail(spec, "params", "params", exc, f"params code{at}") from None
    for field, template in [("prompt", spec.prompt), ("solution.explanation", spec.explanation)]:
        _fill(spec, instance, field, template)
    for hint in spec.hints:
        _fill(spec, instance, "hints", hint)
    for option in spec.check.options + spec.check.rubric:
        _fill(spec, instance, "check", option)
    for wrong in spec.wrong:
        if wrong.message is not None:
            _fill(spec, instance, "wrong", wrong.message, line=wrong.message_line)
    try:
        with quiet(stdout=True):
            namespace = instance.run(spec.solution_code, "solution")
    except Exception as exc:
        raise _fail(spec, "solution.code", "solution", exc, f"solution code{at}") from None
    if not spec.automatic:
        return
    if spec.check.answer not in namespace:
        raise spec.error("solution.code", f"solution code does not define `{spec.check.answer}`")
    if spec.check.kind == "function":
        try:
            _ = instance.cases
        except Exception as exc:
            raise _fail(spec, "check.cases", "cases", exc, f"cases code{at}") from None
    feedback = run_check(instance, namespace[spec.check.answer])
    if not feedback.correct:
        raise spec.error(
            "solution.code", f"the reference solution fails its own check{at}: {feedback}"
        )
    for number, wrong in enumerate(spec.wrong, 1):
        _validate_wrong(spec, instance, number, wrong, at)


def _fill(
    spec: ExerciseSpec, instance: Instance, field: str, template: str, line: int | None = None
) -> None:
    try:
        instance.text(template)
    except (KeyError, IndexError) as exc:
        raise spec.error(
            field, f"text uses {{{exc.args[0]}}}, which params does not define", line=line
        ) from None
    except (ValueError, TypeError, AttributeError) as exc:
        raise spec.error(
            field,
            f"text is not a valid format string ({type(exc).__name__}: {exc}); double "
            "literal braces: {{ }}",
            line=line,
        ) from None


def _validate_wrong(spec: ExerciseSpec, instance: Instance, number: int, wrong, at: str) -> None:
    label = f"wrong answer {number}"
    try:
        with quiet(stdout=True):
            namespace = instance.run(wrong.code, "wrong")
    except Exception as exc:
        line = _code_line(exc, "wrong", wrong.code_line)
        raise spec.error("wrong", f"{label}{at} raised {type(exc).__name__}: {exc}", line) from None
    if spec.check.answer not in namespace:
        raise spec.error("wrong", f"{label} does not define `{spec.check.answer}`", wrong.line)
    feedback = run_check(instance, namespace[spec.check.answer])
    if feedback.category != wrong.feedback:
        advice = ""
        if wrong.feedback == "wrong_type" and feedback.category == "correct":
            advice = (
                " Checks accept a float array of integers for an integer answer; if the prompt"
                " demands an integer dtype, set `strict_dtype: true` in the check."
            )
        raise spec.error(
            "wrong",
            f"{label}{at} should get `{wrong.feedback}` but gets `{feedback.category}` "
            f"({feedback.message}){advice}",
            wrong.line,
        )
    if wrong.message is not None:
        declared = {message.strip() for message, _ in instance.diagnosed_wrong}
        if feedback.message.strip() not in declared:
            raise spec.error(
                "wrong",
                f"{label}{at}: the check does not recognise it, so the learner would not see "
                f"its `message` (the check says: {feedback.message})",
                wrong.line,
            )


def _validate_starter(spec: ExerciseSpec) -> None:
    instance = Instance(spec)
    namespace = instance.namespace() | {"ex": _stub_ex(instance)}
    for name in instance.params:  # the learner gets parameters through ex(id).params
        namespace.pop(name, None)
    try:
        with quiet(stdout=True):
            exec(compile(spec.starter, "<starter>", "exec"), namespace)
    except Exception as exc:
        raise _fail(spec, "starter", "starter", exc, "starter code") from None
    if spec.check.answer not in namespace:
        raise spec.error("starter", f"starter does not define `{spec.check.answer}`")
    feedback = run_check(instance, namespace[spec.check.answer])
    if feedback.category != "not_attempted":
        raise spec.error(
            "starter",
            f"the starter's answer gets `{feedback.category}`; leave `...` where the learner "
            "writes, so an untouched notebook reports not_attempted",
        )


def validate_bank(bank: Bank) -> None:
    """Raise BankError at the first exercise that does not hold up."""
    for spec in bank.exercises:
        validate_exercise(spec)


def main(argv: list[str]) -> int:  # python -m mfml.exercises.validate exercises/ch19.yml
    from .bank import load_yaml_bank

    status = 0
    for path in argv:
        try:
            validate_bank(load_yaml_bank(path))
            print(f"{path}: ok")
        except BankError as exc:
            print(exc)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
