"""Class tests for defects that independent reviews found by hand (issue 12, item 2).

They run over EVERY notebook source (``content/**/*.md``, ``labs/*.md``) and EVERY exercise
bank (``exercises/*.yml``), so chapters written later are guarded too. Each failure names the
file and line.

(a) A tolerance check that cannot fail. ``np.isclose``/``np.allclose`` default to
    ``atol=1e-8``, so on values near or below 1e-8 they pass whatever the value
    (``np.isclose(np.log1p(1e-15), 1e-15, rtol=1e-15)`` is also true for 0). Rule: a call
    of ``isclose``/``allclose``/``assert_allclose`` whose compared values contain a number of
    magnitude below 1e-6 (a literal such as ``0.0`` or ``1e-10``, a list or array of them, or a
    name assigned such a constant earlier in the notebook or exercise) must pass ``atol``
    explicitly (``atol=0`` for a relative check, or an absolute tolerance that suits the scale).
(b) A "common mistake" demonstration that does not demonstrate. Every code cell under
    ``## Common mistakes`` asserts something, never shows the failure only conditionally
    (``if bug: print(...)`` prints nothing once the bug stops reproducing), and a ``try`` that
    swallows the expected error also asserts that it was raised (an ``else: raise ...`` or a
    flag set in the handler and asserted).
(c) Prompts with parameters render correctly at every seed: at seeds 0..19 no learner-facing
    text of a bank exercise with ``params`` contains a doubled sign (``x - -2``, ``+ -3``,
    ``--2``) or a brace outside maths and code (a format field left unfilled, ``{{`` not
    halved).
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SMALL = 1e-6
TOLERANCE_CALLS = {"isclose", "allclose", "assert_allclose"}
CONVERTERS = {"array", "asarray", "float", "float16", "float32", "float64", "list", "tuple"}
ZERO_MAKERS = {"zeros", "zeros_like"}
SEEDS = range(20)


def notebook_sources() -> list[Path]:
    found = sorted((ROOT / "content").rglob("*.md")) + sorted((ROOT / "labs").glob("*.md"))
    return [p for p in found if "code-cell" in p.read_text(encoding="utf-8")]


def bank_sources() -> list[Path]:
    return sorted((ROOT / "exercises").glob("ch*.yml"))


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# ------------------------------------------------------------------ reading sources


@dataclass
class Code:
    """A piece of Python with where it came from: ``line`` is the file line of its line 1."""

    source: str
    line: int
    section: str = ""  # the `##` section of a notebook cell
    scope: str = ""  # one exercise of a bank
    kind: str = ""  # params, solution, wrong, cases


def code_cells(path: Path) -> list[Code]:
    """The code cells of a MyST notebook, with their file line and `##` section."""
    lines = path.read_text(encoding="utf-8").splitlines()
    cells, section, i = [], "", 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```{code-cell}"):
            i += 1
            if i < len(lines) and lines[i].strip() == "---":  # a YAML metadata block
                i += 1
                while i < len(lines) and lines[i].strip() != "---":
                    i += 1
                i += 1
            while i < len(lines) and lines[i].startswith(":") and not lines[i].startswith("::"):
                i += 1  # `:tags: [...]` options
            start, body = i, []
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            cells.append(Code("\n".join(body), start + 1, section, rel(path)))
        elif line.startswith("## "):
            section = line[3:].strip()
        i += 1
    return cells


def _node_text_line(node: yaml.Node) -> int:
    """1-based file line of the first line of a scalar's text."""
    return node.start_mark.line + (2 if node.style in ("|", ">") else 1)


def _mapping(node) -> dict:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def bank_code(path: Path) -> list[Code]:
    """Every piece of Python a bank runs: params, solution, wrong answers, hidden cases."""
    root = yaml.compose(path.read_text(encoding="utf-8"))
    found = []
    exercises = _mapping(root).get("exercises")
    for item in exercises.value if isinstance(exercises, yaml.SequenceNode) else []:
        fields = _mapping(item)
        ident = fields["id"].value if "id" in fields else "?"
        scope = f"{rel(path)}:{ident}"
        nodes = [("params", fields.get("params"))]
        nodes.append(("solution", _mapping(fields.get("solution")).get("code")))
        wrong = fields.get("wrong")
        for entry in wrong.value if isinstance(wrong, yaml.SequenceNode) else []:
            nodes.append(("wrong", _mapping(entry).get("code")))
        nodes.append(("cases", _mapping(fields.get("check")).get("cases")))
        for kind, node in nodes:
            if isinstance(node, yaml.ScalarNode):
                found.append(Code(node.value, _node_text_line(node), "", scope, kind))
    return found


# ------------------------------------------------------------------ (a) tolerances


class Constants:
    """Names bound to numeric constants, in the order the code binds them."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def fold(self, node: ast.AST):
        """The value of a constant expression (numbers, lists, + - * / **), else None."""
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return None if isinstance(node.value, bool) else node.value
        if isinstance(node, ast.Name):
            return self.values.get(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            value = self.fold(node.operand)
            if isinstance(value, int | float):
                return -value if isinstance(node.op, ast.USub) else value
            return None
        if isinstance(node, ast.List | ast.Tuple):
            items = [self.fold(e) for e in node.elts]
            return None if any(v is None for v in items) else items
        if isinstance(node, ast.BinOp):
            left, right = self.fold(node.left), self.fold(node.right)
            if not (isinstance(left, int | float) and isinstance(right, int | float)):
                return None
            ops = {
                ast.Add: lambda a, b: a + b,
                ast.Sub: lambda a, b: a - b,
                ast.Mult: lambda a, b: a * b,
                ast.Div: lambda a, b: a / b,
                ast.Pow: lambda a, b: a**b,
            }
            try:
                return ops[type(node.op)](left, right) if type(node.op) in ops else None
            except (ArithmeticError, ValueError):
                return None
        return None

    def bind(self, statement: ast.stmt) -> None:
        if not isinstance(statement, ast.Assign):
            return
        for target in statement.targets:
            if isinstance(target, ast.Name):
                self._set(target.id, self.fold(statement.value))
            elif isinstance(target, ast.Tuple) and isinstance(statement.value, ast.Tuple):
                if len(target.elts) == len(statement.value.elts):
                    for name, value in zip(target.elts, statement.value.elts, strict=True):
                        if isinstance(name, ast.Name):
                            self._set(name.id, self.fold(value))
            elif isinstance(target, ast.Tuple):
                for name in target.elts:
                    if isinstance(name, ast.Name):
                        self.values.pop(name.id, None)

    def _set(self, name: str, value) -> None:
        if value is None:
            self.values.pop(name, None)
        else:
            self.values[name] = value


def _is_small(value) -> bool:
    if isinstance(value, list):
        return any(_is_small(v) for v in value)
    return isinstance(value, int | float) and math.isfinite(value) and abs(value) < SMALL


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def small_value(node: ast.AST, constants: Constants) -> bool:
    """Does this compared argument hold a number below 1e-6 in magnitude?"""
    if _is_small(constants.fold(node)):
        return True
    if isinstance(node, ast.List | ast.Tuple):
        return any(small_value(e, constants) for e in node.elts)
    if isinstance(node, ast.UnaryOp):
        return small_value(node.operand, constants)
    if isinstance(node, ast.Call):
        name = _call_name(node)
        if name in ZERO_MAKERS:
            return True
        if name == "full" and len(node.args) >= 2:
            return small_value(node.args[1], constants)
        if name in CONVERTERS and node.args:
            return small_value(node.args[0], constants)
    return False


def tolerance_problems(code: Code, constants: Constants, label: str) -> list[str]:
    try:
        tree = ast.parse(code.source)
    except SyntaxError as exc:
        return [f"{label}:{code.line + (exc.lineno or 1) - 1}: does not parse: {exc.msg}"]
    problems = []
    statements = sorted(
        (n for n in ast.walk(tree) if isinstance(n, ast.stmt)), key=lambda n: n.lineno
    )
    calls = sorted(
        (n for n in ast.walk(tree) if isinstance(n, ast.Call)),
        key=lambda n: (n.lineno, n.col_offset),
    )
    # bind constants statement by statement, checking the calls that come before each binding
    pending = list(calls)
    for statement in [*statements, None]:
        limit = statement.lineno if statement is not None else math.inf
        while pending and pending[0].lineno <= limit:
            call = pending.pop(0)
            if statement is not None and call.lineno == limit and _inside(call, statement):
                pending.insert(0, call)
                break
            problems += _check_call(call, code, constants, label)
        if statement is not None:
            constants.bind(statement)
    for call in pending:
        problems += _check_call(call, code, constants, label)
    return problems


def _inside(call: ast.Call, statement: ast.stmt) -> bool:
    """Is the call part of this statement's value (so it runs before the binding)?"""
    return any(node is call for node in ast.walk(statement)) and not isinstance(
        statement, ast.Assign
    )


def _check_call(call: ast.Call, code: Code, constants: Constants, label: str) -> list[str]:
    name = _call_name(call)
    if name not in TOLERANCE_CALLS:
        return []
    if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
        if call.func.value.id == "math":  # math.isclose has abs_tol=0 by default
            return []
    keywords = {k.arg for k in call.keywords}
    if "atol" in keywords or None in keywords or len(call.args) >= 4:
        return []
    compared = call.args[:2]
    if not any(small_value(arg, constants) for arg in compared):
        return []
    line = code.line + call.lineno - 1
    shown = ast.unparse(call)
    if len(shown) > 110:
        shown = shown[:107] + "..."
    return [
        f"{label}:{line}: `{shown}` compares a value below 1e-6 without an explicit atol "
        "(the default atol=1e-8 lets it pass whatever the value): pass atol=0 for a "
        "relative check, or an atol that suits the scale"
    ]


# ------------------------------------------------------------------ (b) common mistakes


def _only_prints(body: list[ast.stmt]) -> bool:
    return all(
        isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and _call_name(s.value) == "print"
        for s in body
    )


def _raises_or_asserts(body: list[ast.stmt]) -> bool:
    return any(isinstance(n, ast.Raise | ast.Assert) for s in body for n in ast.walk(s))


def mistake_problems(code: Code, label: str) -> list[str]:
    try:
        tree = ast.parse(code.source)
    except SyntaxError as exc:
        return [f"{label}:{code.line + (exc.lineno or 1) - 1}: does not parse: {exc.msg}"]
    at = lambda node: code.line + node.lineno - 1  # noqa: E731
    problems = []
    asserts = [n for n in ast.walk(tree) if isinstance(n, ast.Assert)]
    if not asserts:
        problems.append(
            f"{label}:{code.line}: a common-mistake cell without an assert: assert that the "
            "mistake really goes wrong (e.g. `assert not np.allclose(wrong, right)`), then the fix"
        )
    asserted_names = {n.id for a in asserts for n in ast.walk(a) if isinstance(n, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and not node.orelse and _only_prints(node.body):
            problems.append(
                f"{label}:{at(node)}: `if {ast.unparse(node.test)}: print(...)` shows the "
                "failure only if it happens, and silently shows nothing once it stops: "
                "assert the condition, then print"
            )
        if isinstance(node, ast.Try) and node.handlers:
            swallowing = [h for h in node.handlers if not _raises_or_asserts(h.body)]
            if not swallowing:
                continue
            flagged = {
                t.id
                for h in swallowing
                for s in h.body
                for n in ast.walk(s)
                if isinstance(n, ast.Assign | ast.AugAssign)
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                if isinstance(t, ast.Name)
            }
            if _raises_or_asserts(node.orelse) or flagged & asserted_names:
                continue
            problems.append(
                f"{label}:{at(node)}: `try/except` catches the expected error but never "
                "asserts that it was raised: add `else: raise AssertionError(...)`, or set a "
                "flag in the handler and assert it"
            )
    return problems


# ------------------------------------------------------------------ (c) rendering

DOUBLE_SIGN = re.compile(r"[+\-\u2212]\s*[\-\u2212]\s*(?=\d)")
MATH = re.compile(r"\$\$.*?\$\$|(?<!\\)\$.*?(?<!\\)\$", re.S)
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def rendering_problems(text: str) -> list[str]:
    problems = []
    for match in DOUBLE_SIGN.finditer(text):
        context = text[max(0, match.start() - 15) : match.end() + 5].replace("\n", " ")
        problems.append(f"a doubled sign in `...{context}...`")
    prose = MATH.sub(" ", CODE.sub(" ", text))
    for match in re.finditer(r"[{}]", prose):
        context = prose[max(0, match.start() - 25) : match.end() + 25].replace("\n", " ")
        problems.append(f"a brace outside maths and code (an unfilled field?): `...{context}...`")
    return problems


def learner_texts(spec) -> list[tuple[str, str, int]]:
    """(field, template, line) of every learner-facing text of an exercise."""
    lines = spec.lines
    texts = [("prompt", spec.prompt, lines.get("prompt", spec.line))]
    texts += [(f"hint {i}", h, lines.get("hints", spec.line)) for i, h in enumerate(spec.hints, 1)]
    texts.append(("explanation", spec.explanation, lines.get("solution.explanation", spec.line)))
    check = spec.check
    texts += [
        (f"option {i}", o, lines.get("check.options", spec.line))
        for i, o in enumerate(check.options, 1)
    ]
    texts += [
        (f"criterion {i}", c, lines.get("check.rubric", spec.line))
        for i, c in enumerate(check.rubric, 1)
    ]
    for wrong in spec.wrong:
        message = getattr(wrong, "message", None)
        if message:
            texts.append(("wrong message", message, wrong.line or spec.line))
    return texts


# ------------------------------------------------------------------ the tests


@pytest.mark.parametrize("path", notebook_sources(), ids=rel)
def test_notebook_tolerances_can_fail(path):
    constants = Constants()  # cells share one kernel, so constants carry over
    problems = []
    for cell in code_cells(path):
        problems += tolerance_problems(cell, constants, rel(path))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", bank_sources(), ids=rel)
def test_bank_tolerances_can_fail(path):
    problems, params = [], {}  # an exercise's params are seen by all its other code
    for code in bank_code(path):
        shared = params.setdefault(code.scope, Constants())
        if code.kind == "params":
            constants = shared
        else:
            constants = Constants()
            constants.values = dict(shared.values)
        problems += tolerance_problems(code, constants, rel(path))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", notebook_sources(), ids=rel)
def test_common_mistakes_assert_the_mistake(path):
    cells = [c for c in code_cells(path) if c.section == "Common mistakes"]
    problems = []
    for cell in cells:
        problems += mistake_problems(cell, rel(path))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", bank_sources(), ids=rel)
def test_parametrised_texts_render_at_every_seed(path):
    from mfml.exercises.bank import load_yaml_bank
    from mfml.exercises.instance import Instance

    bank = load_yaml_bank(path)
    problems = []
    for spec in bank.exercises:
        if not spec.params:
            continue
        seen = set()
        for seed in SEEDS:
            instance = Instance(spec, seed=seed)
            for field, template, line in learner_texts(spec):
                try:
                    text = instance.text(template)
                except (KeyError, IndexError, ValueError) as exc:
                    text, found = "", [f"does not fill: {type(exc).__name__}: {exc}"]
                else:
                    found = rendering_problems(text)
                for problem in found:
                    key = (field, problem.split("`")[0])
                    if key in seen:
                        continue
                    seen.add(key)
                    where = f"{rel(path)}:{line}: {spec.id} {field}, seed {seed}"
                    problems.append(f"{where}: {problem}")
    assert not problems, "\n".join(problems)


def test_the_lint_finds_what_it_should():
    """The rules themselves: each flags the reviewed defect and passes its fix."""
    cell = lambda src: Code(src, 1, "Common mistakes", "t")  # noqa: E731
    flag = lambda src: tolerance_problems(cell(src), Constants(), "t")  # noqa: E731
    assert flag("x = 1e-15\nassert np.isclose(np.log1p(x), x, rtol=1e-15)")
    assert not flag("x = 1e-15\nassert np.isclose(np.log1p(x), x, rtol=1e-15, atol=0)")
    assert flag("assert np.isclose(float(s), 5.96e-8, rtol=1e-3)")
    assert flag("assert np.allclose(v, [0.0, 1.0])")
    assert flag("assert np.allclose(v, np.zeros(3))")
    assert not flag("assert np.isclose(0.1 + 0.2, 0.3)")
    assert not flag("assert math.isclose(x, 0.0)")
    assert not flag("assert np.allclose(A[0, 0], 1.0) and np.allclose(X.sum(axis=0), S)")
    assert not flag("x = 1e-15\nx = 2.0\nassert np.isclose(y, x)")

    mistakes = lambda src: mistake_problems(cell(src), "t")  # noqa: E731
    assert mistakes("w = f()\nif w != 1:\n    print(w)\nassert g() == 1")
    assert mistakes("try:\n    f()\nexcept ValueError as e:\n    print(e)\nassert g()")
    assert mistakes("print(f())")
    ok = "try:\n    f()\nexcept ValueError as e:\n    print(e)\nelse:\n    raise AssertionError\n"
    assert not mistakes(ok + "assert g()")
    flagged = "raised = False\ntry:\n    f()\nexcept ValueError:\n    raised = True\n"
    assert not mistakes(flagged + "assert raised")

    assert rendering_problems("Compute $x - -2$.")
    assert rendering_problems("add + -3")
    assert rendering_problems("value --2")
    assert rendering_problems("Compute {value} now")
    assert not rendering_problems(r"$\mathbf{u} = [1, -3]$ and `f'{x}'` and 1e-10 and -3")
