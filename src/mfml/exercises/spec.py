"""The exercise bank's data model, and the structural rules of docs/authoring.md.

``parse_bank`` turns the data of one ``chNN.yml`` (read with line marks) or of its compiled
JSON into a ``Bank``; every rule it enforces fails with ``BankError("path:line: …")``.
Running the code in the bank (solutions, wrong answers) is ``validate.py``'s job.
"""

from __future__ import annotations

import difflib
import keyword
import math
import re
from dataclasses import dataclass, field

from .errors import BankError
from .feedback import CATEGORIES

LEVELS = {1: "Recall", 2: "Apply", 3: "Derive and analyse", 4: "Research thinking"}
KINDS = ("number", "array", "function", "choice", "expression", "rubric")
AUTOMATIC_KINDS = frozenset(KINDS) - {"rubric"}
DEFAULT_RTOL = 1e-7
DEFAULT_ATOL = None  # not declared: rtol times the reference's scale (see compare.py)
LETTERS = "abcdefghijklmnopqrstuvwxyz"
CAPSTONE = "C"  # the capstone's bank: `chapter: C` in exercises/capstone.yml, ids "C.1", ...


def bank_stem(chapter: int | str) -> str:
    """The file stem of a chapter's bank: ``ch09`` for chapter 9, ``capstone`` for C."""
    return "capstone" if chapter == CAPSTONE else f"ch{chapter:02d}"


EXERCISE_REQUIRED = ("id", "level", "title", "prompt", "starter", "hints", "solution", "check")
EXERCISE_OPTIONAL = ("params", "wrong")
CHECK_FIELDS = {  # kind -> (required, optional)
    "number": ((), ("answer", "rtol", "atol")),
    "array": ((), ("answer", "rtol", "atol", "strict_dtype")),
    "function": (("answer", "cases"), ("rtol", "atol", "strict_dtype")),
    "choice": (("options", "correct"), ("answer",)),
    "expression": (("answer", "variables", "domain"), ("rtol", "atol", "vectorized")),
    "rubric": (("rubric",), ("answer",)),
}
DEFAULT_ANSWER = {"number": "answer", "array": "answer", "choice": "answer", "rubric": "met"}


@dataclass
class Wrong:
    """A plausible wrong answer: code, the feedback category the check must give it, and an
    optional learner-facing ``message`` shown when a learner's answer matches it."""

    code: str
    feedback: str
    line: int = 0
    code_line: int = 0
    message: str | None = None
    message_line: int = 0

    def to_json(self) -> dict:
        out = {"code": self.code, "feedback": self.feedback}
        if self.message is not None:
            out["message"] = self.message
        return out


@dataclass
class Check:
    kind: str
    answer: str
    rtol: float = DEFAULT_RTOL
    atol: float | None = DEFAULT_ATOL
    cases: str = ""
    options: list[str] = field(default_factory=list)
    correct: list[str] = field(default_factory=list)
    multiple: bool = False
    variables: list[str] = field(default_factory=list)
    domain: dict[str, tuple[float, float]] = field(default_factory=dict)
    vectorized: bool = False
    strict_dtype: bool = False
    rubric: list[str] = field(default_factory=list)
    line: int = 0
    lines: dict = field(default_factory=dict)

    @property
    def automatic(self) -> bool:
        return self.kind in AUTOMATIC_KINDS

    def to_json(self) -> dict:
        out: dict = {"kind": self.kind, "answer": self.answer}
        if self.kind in ("number", "array", "function", "expression"):
            out["rtol"] = self.rtol
            if self.atol is not None:
                out["atol"] = self.atol
        if self.kind == "function":
            out["cases"] = self.cases
        if self.strict_dtype:
            out["strict_dtype"] = True
        if self.kind == "choice":
            out["options"] = list(self.options)
            out["correct"] = list(self.correct) if self.multiple else self.correct[0]
        if self.kind == "expression":
            out["variables"] = list(self.variables)
            out["domain"] = {k: list(v) for k, v in self.domain.items()}
            out["vectorized"] = self.vectorized
        if self.kind == "rubric":
            out["rubric"] = list(self.rubric)
        return out


@dataclass
class ExerciseSpec:
    id: str
    chapter: int | str  # a chapter number, or CAPSTONE
    number: int
    level: int
    title: str
    prompt: str
    starter: str
    hints: list[str]
    explanation: str
    solution_code: str
    check: Check
    params: str | None = None
    wrong: list[Wrong] = field(default_factory=list)
    path: str = ""
    line: int = 0
    lines: dict = field(default_factory=dict)  # field name -> line of its value

    @property
    def level_name(self) -> str:
        return LEVELS[self.level]

    @property
    def automatic(self) -> bool:
        return self.check.automatic

    @property
    def has_variants(self) -> bool:
        return bool(self.params)

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)

    def error(self, name: str, message: str, line: int | None = None) -> BankError:
        where = self.line_of(name) if line is None else line
        return BankError(self.path, where, f"exercise {self.id}: {message}")

    def to_json(self) -> dict:
        """What the browser needs at run time: wrong answers only where they carry a
        learner-facing message (the check recognises them); the rest are for the build."""
        out = {
            "id": self.id,
            "level": self.level,
            "title": self.title,
            "params": self.params,
            "prompt": self.prompt,
            "starter": self.starter,
            "hints": list(self.hints),
            "solution": {"explanation": self.explanation, "code": self.solution_code},
            "check": self.check.to_json(),
        }
        diagnosed = [wrong.to_json() for wrong in self.wrong if wrong.message is not None]
        if diagnosed:
            out["wrong"] = diagnosed
        return out


@dataclass
class Bank:
    chapter: int | str  # a chapter number, or CAPSTONE
    title: str
    exercises: list[ExerciseSpec]
    path: str = ""

    def get(self, exercise_id: str) -> ExerciseSpec:
        for spec in self.exercises:
            if spec.id == exercise_id:
                return spec
        raise KeyError(exercise_id)

    def to_json(self) -> dict:
        return {
            "format": 1,
            "chapter": self.chapter,
            "title": self.title,
            "exercises": [spec.to_json() for spec in self.exercises],
        }


# ---------------------------------------------------------------- parsing


def line_of(container, key=None) -> int:
    """The line of ``container[key]`` (or of the container); 0 when unknown (e.g. JSON).

    Containers read by ``yamlmarks`` carry their lines; plain dicts from JSON do not."""
    if key is not None and hasattr(container, "line_of"):
        return container.line_of(key)
    return getattr(container, "line", 0)


def parse_bank(data, path: str, require_wrong: bool = True) -> Bank:
    """Check the structure of one bank file's data and build the Bank."""
    if not isinstance(data, dict):
        raise BankError(
            path, line_of(data), "the file must be a mapping with `chapter` and `exercises`"
        )
    _no_unknown(data, ("chapter", "exercises"), ("title", "format"), path, "the file")
    chapter = data["chapter"]
    if chapter != CAPSTONE and (
        not isinstance(chapter, int) or isinstance(chapter, bool) or chapter < 1
    ):
        raise BankError(
            path,
            line_of(data, "chapter"),
            f"`chapter` must be a positive integer (or {CAPSTONE} for the capstone)",
        )
    name = re.search(r"(?:ch(\d+)|(capstone))\.(yml|yaml|json)$", str(path))
    if name:
        named = CAPSTONE if name.group(2) else int(name.group(1))
        if named != chapter:
            raise BankError(
                path,
                line_of(data, "chapter"),
                f"`chapter: {chapter}` but the file is named for chapter {named}",
            )
    title = data.get("title", "")
    if not isinstance(title, str):
        raise BankError(path, line_of(data, "title"), "`title` must be text")
    items = data["exercises"]
    if not isinstance(items, list) or not items:
        raise BankError(path, line_of(data, "exercises"), "`exercises` must be a non-empty list")
    exercises = []
    for index, item in enumerate(items):
        where = line_of(items, index)
        exercises.append(_parse_exercise(item, chapter, index + 1, where, path, require_wrong))
    return Bank(chapter=chapter, title=title, exercises=exercises, path=str(path))


def _no_unknown(data: dict, required, optional, path: str, what: str) -> None:
    known = tuple(required) + tuple(optional)
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            maybe = f" (did you mean `{close[0]}`?)" if close else ""
            raise BankError(path, line_of(data, key), f"{what}: unknown field `{key}`{maybe}")
    for key in required:
        if key not in data:
            raise BankError(path, line_of(data), f"{what}: missing field `{key}`")


def _text(data: dict, key: str, path: str, what: str, allow_empty: bool = False) -> str:
    value = data[key]
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise BankError(path, line_of(data, key), f"{what}: `{key}` must be non-empty text")
    return value


def _parse_exercise(item, chapter: int, number: int, where: int, path: str, require_wrong: bool):
    if not isinstance(item, dict):
        raise BankError(path, where, f"exercise {number}: must be a mapping of fields")
    raw_id = item.get("id")
    what = f"exercise {raw_id if isinstance(raw_id, str) else number}"
    _no_unknown(item, EXERCISE_REQUIRED, EXERCISE_OPTIONAL, path, what)
    expected_id = f"{chapter}.{number}"
    if not isinstance(raw_id, str):
        raise BankError(
            path, line_of(item, "id"), f'{what}: `id` must be a quoted string like "{expected_id}"'
        )
    if raw_id != expected_id:
        raise BankError(
            path,
            line_of(item, "id"),
            f'{what}: id should be "{expected_id}" (chapter.number, numbered from 1 without gaps)',
        )
    level = item["level"]
    if level not in LEVELS or isinstance(level, bool):
        raise BankError(
            path, line_of(item, "level"), f"{what}: unknown level {level!r} (use 1, 2, 3 or 4)"
        )
    hints = item["hints"]
    if not isinstance(hints, list) or not all(isinstance(h, str) and h.strip() for h in hints):
        raise BankError(path, line_of(item, "hints"), f"{what}: `hints` must be a list of texts")
    needed = 3 if level >= 3 else 2
    if len(hints) < needed:
        raise BankError(
            path,
            line_of(item, "hints"),
            f"{what}: too few hints: {len(hints)}, level {level} needs {needed} or more",
        )
    solution = item["solution"]
    if not isinstance(solution, dict):
        raise BankError(path, line_of(item, "solution"), f"{what}: `solution` must be a mapping")
    _no_unknown(solution, ("explanation", "code"), (), path, f"{what} solution")
    params = item.get("params")
    if params is not None and (not isinstance(params, str) or not params.strip()):
        raise BankError(path, line_of(item, "params"), f"{what}: `params` must be Python code")
    check = _parse_check(item["check"], line_of(item, "check"), path, what)
    wrong = _parse_wrong(item, check, path, what, require_wrong)
    lines = {key: line_of(item, key) for key in item}
    lines["solution.code"] = line_of(solution, "code")
    lines["solution.explanation"] = line_of(solution, "explanation")
    lines.update({f"check.{k}": v for k, v in check.lines.items()})
    return ExerciseSpec(
        id=raw_id,
        chapter=chapter,
        number=number,
        level=level,
        title=_text(item, "title", path, what),
        prompt=_text(item, "prompt", path, what),
        starter=_text(item, "starter", path, what),
        hints=list(hints),
        explanation=_text(solution, "explanation", path, what),
        solution_code=_text(solution, "code", path, what),
        check=check,
        params=params,
        wrong=wrong,
        path=str(path),
        line=where,
        lines=lines,
    )


def _identifier(value) -> bool:
    return isinstance(value, str) and value.isidentifier() and not keyword.iskeyword(value)


def _tolerance(data: dict, key: str, default, path: str, what: str):
    if key not in data and default is None:
        return None
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise BankError(path, line_of(data, key), f"{what}: `{key}` must be a number >= 0")
    if not math.isfinite(value):
        raise BankError(path, line_of(data, key), f"{what}: `{key}` must be finite")
    return float(value)


def _parse_check(data, where: int, path: str, what: str) -> Check:
    if not isinstance(data, dict):
        raise BankError(path, where, f"{what}: `check` must be a mapping with a `kind`")
    kind = data.get("kind")
    if kind not in CHECK_FIELDS:
        raise BankError(
            path,
            line_of(data, "kind") if "kind" in data else where,
            f"{what}: unknown check kind {kind!r} (use one of {', '.join(KINDS)})",
        )
    required, optional = CHECK_FIELDS[kind]
    _no_unknown(data, ("kind",) + required, optional, path, f"{what} check")
    answer = data.get("answer", DEFAULT_ANSWER.get(kind))
    if not _identifier(answer):
        raise BankError(
            path, line_of(data, "answer"), f"{what}: check `answer` must be a Python name"
        )
    check = Check(kind=kind, answer=answer, line=where, lines={k: line_of(data, k) for k in data})
    check.rtol = _tolerance(data, "rtol", DEFAULT_RTOL, path, what)
    check.atol = _tolerance(data, "atol", DEFAULT_ATOL, path, what)
    strict = data.get("strict_dtype", False)
    if not isinstance(strict, bool):
        raise BankError(
            path, line_of(data, "strict_dtype"), f"{what}: `strict_dtype` must be true or false"
        )
    check.strict_dtype = strict
    if kind == "function":
        check.cases = _text(data, "cases", path, f"{what} check")
    elif kind == "choice":
        _parse_choice(data, check, path, what)
    elif kind == "expression":
        _parse_expression(data, check, path, what)
    elif kind == "rubric":
        items = data["rubric"]
        if (
            not isinstance(items, list)
            or not items
            or not all(isinstance(s, str) and s.strip() for s in items)
        ):
            raise BankError(
                path, line_of(data, "rubric"), f"{what}: `rubric` must be a list of criteria"
            )
        check.rubric = list(items)
    return check


def _parse_choice(data: dict, check: Check, path: str, what: str) -> None:
    options = data["options"]
    if (
        not isinstance(options, list)
        or len(options) < 2
        or not all(isinstance(o, str) for o in options)
    ):
        raise BankError(
            path, line_of(data, "options"), f"{what}: `options` must list 2 or more texts"
        )
    if len(options) > len(LETTERS):
        raise BankError(path, line_of(data, "options"), f"{what}: too many options")
    correct = data["correct"]
    check.multiple = isinstance(correct, list)
    letters = correct if check.multiple else [correct]
    valid = LETTERS[: len(options)]
    if not letters or not all(isinstance(x, str) and len(x) == 1 and x in valid for x in letters):
        raise BankError(
            path,
            line_of(data, "correct"),
            f"{what}: `correct` must be a letter from a to {valid[-1]}, or a list of them",
        )
    if len(set(letters)) != len(letters):
        raise BankError(path, line_of(data, "correct"), f"{what}: `correct` repeats a letter")
    check.options = list(options)
    check.correct = sorted(letters)


def _parse_expression(data: dict, check: Check, path: str, what: str) -> None:
    variables = data["variables"]
    if (
        not isinstance(variables, list)
        or not variables
        or not all(_identifier(v) for v in variables)
    ):
        raise BankError(
            path, line_of(data, "variables"), f"{what}: `variables` must list Python names"
        )
    domain = data["domain"]
    if not isinstance(domain, dict):
        raise BankError(
            path, line_of(data, "domain"), f"{what}: `domain` must map each variable to [lo, hi]"
        )
    check.variables = list(variables)
    for name in variables:
        bounds = domain.get(name)
        ok = (
            isinstance(bounds, list)
            and len(bounds) == 2
            and all(
                isinstance(b, int | float) and not isinstance(b, bool) and math.isfinite(b)
                for b in bounds
            )
            and bounds[0] < bounds[1]
        )
        if not ok:
            raise BankError(
                path,
                line_of(domain, name) if name in domain else line_of(data, "domain"),
                f"{what}: domain of `{name}` must be [lo, hi] with finite lo < hi",
            )
        check.domain[name] = (float(bounds[0]), float(bounds[1]))
    extra = set(domain) - set(variables)
    if extra:
        raise BankError(
            path, line_of(data, "domain"), f"{what}: domain names unknown variables {sorted(extra)}"
        )
    vectorized = data.get("vectorized", False)
    if not isinstance(vectorized, bool):
        raise BankError(
            path, line_of(data, "vectorized"), f"{what}: `vectorized` must be true or false"
        )
    check.vectorized = vectorized


def _parse_wrong(
    item: dict, check: Check, path: str, what: str, require_wrong: bool
) -> list[Wrong]:
    items = item.get("wrong")
    if items is None:
        if check.automatic and require_wrong:
            raise BankError(
                path,
                line_of(item, "check"),
                f"{what}: an automatic check needs `wrong`: plausible wrong answers "
                "and their feedback",
            )
        return []
    if not isinstance(items, list) or (check.automatic and not items):
        raise BankError(
            path, line_of(item, "wrong"), f"{what}: `wrong` must be a list of {{code, feedback}}"
        )
    out = []
    for index, entry in enumerate(items):
        where = line_of(items, index)
        if not isinstance(entry, dict):
            raise BankError(path, where, f"{what}: each wrong answer needs `code` and `feedback`")
        _no_unknown(
            entry, ("code", "feedback"), ("message",), path, f"{what} wrong answer {index + 1}"
        )
        if not isinstance(entry["code"], str) or not entry["code"].strip():
            raise BankError(
                path,
                line_of(entry, "code"),
                f"{what}: wrong answer {index + 1}: `code` must be text",
            )
        category = entry["feedback"]
        if category not in CATEGORIES or category in ("correct", "not_attempted"):
            allowed = ", ".join(c for c in CATEGORIES if c not in ("correct", "not_attempted"))
            raise BankError(
                path,
                line_of(entry, "feedback"),
                f"{what}: wrong answer {index + 1}: unknown feedback {category!r} "
                f"(use one of {allowed})",
            )
        message = entry.get("message")
        if message is not None and (not isinstance(message, str) or not message.strip()):
            raise BankError(
                path,
                line_of(entry, "message"),
                f"{what}: wrong answer {index + 1}: `message` must be non-empty text "
                "(what the learner reads when their answer matches this one)",
            )
        out.append(
            Wrong(
                entry["code"],
                category,
                where,
                line_of(entry, "code"),
                message=message,
                message_line=line_of(entry, "message"),
            )
        )
    return out
