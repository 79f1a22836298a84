"""Compare a notebook's shipped (build-time, CPython) text outputs with the browser kernel's.

The build ships every chapter with the outputs CPython gave it (docs/performance.md,
"Prerendered outputs"); a learner who runs the chapter in the browser sees Pyodide's outputs
replace them. `compare_outputs` says, per code cell, where the two differ, so the browser
notebook test can fail on a real difference (a learner would read one number on the page and
another after running it) and pass on the known ones.

What is compared, per code cell (cells numbered from 1 among the code cells, as
scripts/execute.py numbers them): the concatenated `stdout` stream text, then the
`text/plain` of each `execute_result`, in order. Figures, HTML, widgets and stderr are not
compared here (the browser test checks errors and stderr itself).

Tolerated everywhere, without an allowlist entry (each is noise, never a wrong number):
- memory addresses (`0x7f3a...`): they differ between any two runs;
- a number followed by a time unit (`3.2 ms`, `0.41 s`, `12 µs`): a measurement;
- float formatting noise at the last digit: two decimal numbers printed with the same number
  of significant digits that differ by at most one unit in the last one (two libms round
  `sin` differently), when they show at least 4 significant digits, or two numbers within
  1e-15 relative of each other (`0.30000000000000004` against `0.3`). Integers must be
  equal: an integer that differs is an overflow or a wrong count, never noise.

Known differences of a particular cell are listed in `KNOWN_DIFFERENCES` as
(path, cell, reason): the path is matched as a suffix of the notebook path given, `cell` is
the code-cell number (or None for every cell of that notebook), and the reason says why the
browser differs (int32 default, a timing ratio, ...). A listed cell is not compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

# Why a cell's output differs in the browser (measured: every chapter, guide and capstone
# notebook of the build run in Pyodide 0.27.7 in Chromium against its shipped CPython outputs;
# docs/performance.md, "Prerendered outputs").
INT32 = (
    "the browser's default integer is int32 (int64 under CPython here): dtype names, and sums "
    "of int32 arrays, which accumulate in the default integer"
)
NO_FP_FLAGS = (
    "WebAssembly has no floating-point exception flags: errstate cannot raise and solve "
    "returns NaN for a singular matrix, so the cell prints its browser branch"
)
TIMING = "a measured time or a ratio of two times (the browser's differs, as every run's does)"
ROUNDING = (
    "a rounding-level quantity (an error, residual or singular value near machine precision, "
    "the digits of an ill-conditioned solve, an iteration count that depends on them): "
    "Pyodide's NumPy has another BLAS/LAPACK and libm; the cell asserts what holds on both"
)
PYTHON_VERSION = "the Python version: CPython here is 3.11, Pyodide's is 3.12"

# (notebook path suffix, code cell number or None for all, why the browser's output differs)
KNOWN_DIFFERENCES: list[tuple[str, int | None, str]] = [
    ("chapters/capstone/c2-normal-equations.ipynb", 4, ROUNDING),
    ("chapters/capstone/c2-normal-equations.ipynb", 8, ROUNDING),
    ("chapters/capstone/c2-normal-equations.ipynb", 12, ROUNDING),
    ("chapters/capstone/c3-gradient-descent.ipynb", 4, ROUNDING),
    ("chapters/capstone/c3-gradient-descent.ipynb", 6, ROUNDING),
    ("chapters/capstone/c3-gradient-descent.ipynb", 8, ROUNDING),
    ("chapters/capstone/c3-gradient-descent.ipynb", 9, ROUNDING),
    ("chapters/capstone/c3-gradient-descent.ipynb", 10, ROUNDING),
    ("chapters/capstone/c3-gradient-descent.ipynb", 14, ROUNDING),
    ("chapters/capstone/c4-longley.ipynb", 7, ROUNDING),
    ("chapters/capstone/c4-longley.ipynb", 9, ROUNDING),
    ("chapters/capstone/c4-longley.ipynb", 10, ROUNDING),
    ("chapters/capstone/c4-longley.ipynb", 11, ROUNDING),
    ("chapters/capstone/c4-longley.ipynb", 12, ROUNDING),
    ("chapters/capstone/c4-longley.ipynb", 13, ROUNDING),
    ("chapters/capstone/c4-longley.ipynb", 15, ROUNDING),
    ("chapters/capstone/c4-longley.ipynb", 17, ROUNDING),
    ("chapters/capstone/c4-longley.ipynb", 18, ROUNDING),
    ("chapters/capstone/capstone.ipynb", 2, ROUNDING),
    ("chapters/part1/ch01-numbers.ipynb", 14, NO_FP_FLAGS),
    ("chapters/part1/ch03-summation.ipynb", 2, INT32),
    ("chapters/part1/ch03-summation.ipynb", 20, INT32),
    ("chapters/part2/ch07-several-variables.ipynb", 4, ROUNDING),
    ("chapters/part2/ch07-several-variables.ipynb", 7, TIMING),
    ("chapters/part2/ch07-several-variables.ipynb", 9, ROUNDING),
    ("chapters/part3/ch08-vectors.ipynb", 29, INT32),
    ("chapters/part3/ch09-dot-products.ipynb", 23, ROUNDING),
    ("chapters/part3/ch10-matrices.ipynb", 16, TIMING),
    ("chapters/part3/ch11-linear-transformations.ipynb", 13, NO_FP_FLAGS),
    ("chapters/part3/ch11-linear-transformations.ipynb", 26, ROUNDING),
    ("chapters/part3/ch12-linear-systems.ipynb", 6, ROUNDING),
    ("chapters/part3/ch12-linear-systems.ipynb", 10, ROUNDING),
    ("chapters/part3/ch12-linear-systems.ipynb", 18, TIMING),
    ("chapters/part3/ch12-linear-systems.ipynb", 22, ROUNDING),
    ("chapters/part3/ch12-linear-systems.ipynb", 23, ROUNDING),
    ("chapters/part3/ch13-eigenvectors-pca.ipynb", 4, ROUNDING),
    ("chapters/part3/ch13-eigenvectors-pca.ipynb", 7, ROUNDING),
    ("chapters/part4/ch15-derivatives.ipynb", 13, ROUNDING),
    ("chapters/part4/ch15-derivatives.ipynb", 14, ROUNDING),
    ("chapters/part4/ch15-derivatives.ipynb", 15, ROUNDING),
    ("chapters/part4/ch15-derivatives.ipynb", 18, ROUNDING),
    ("chapters/part4/ch15-derivatives.ipynb", 19, ROUNDING),
    ("chapters/part4/ch16-chain-rule.ipynb", 17, ROUNDING),
    ("chapters/part4/ch16-chain-rule.ipynb", 18, ROUNDING),
    ("chapters/part4/ch16-chain-rule.ipynb", 19, TIMING),
    ("chapters/part4/ch17-gradients-jacobians.ipynb", 19, ROUNDING),
    ("chapters/part4/ch18-optimization.ipynb", 7, ROUNDING),
    ("chapters/part4/ch18-optimization.ipynb", 21, ROUNDING),
    ("chapters/part4/ch18-optimization.ipynb", 26, ROUNDING),
    ("chapters/part5/ch19-numpy-foundations.ipynb", 5, INT32),
    ("chapters/part5/ch19-numpy-foundations.ipynb", 11, NO_FP_FLAGS),
    ("chapters/part5/ch19-numpy-foundations.ipynb", 13, TIMING),
    ("chapters/part5/ch19-numpy-foundations.ipynb", 32, INT32),
    ("chapters/part5/ch20-equations-to-numpy.ipynb", 9, ROUNDING),
    ("chapters/part5/ch20-equations-to-numpy.ipynb", 11, ROUNDING),
    ("chapters/start-here.ipynb", 1, PYTHON_VERSION),
    ("labs/lab03-dot-product-projection.ipynb", 2, ROUNDING),
    ("labs/lab10-linear-regression.ipynb", 2, ROUNDING),
]

RUN_THIS_CELL = "▶ Run this cell"  # scripts/prerender.py: LAB_LINE, EXERCISE_LINE
ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
TIME_UNIT = r"(?:ns|µs|us|ms|s|sec|seconds?|min)\b"
MEASURED_TIME = re.compile(
    r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?\s?" + TIME_UNIT,
)
RELATIVE = Decimal("1e-15")  # a few units in the last place of a double
MIN_DIGITS = 4  # "0.1" against "0.2" is one unit in the last digit too, and not noise
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def text_of(value: object) -> str:
    """nbformat stores text as a string or a list of lines."""
    if isinstance(value, list):
        return "".join(value)
    return "" if value is None else str(value)


def texts(outputs: Iterable[Mapping]) -> list[str]:
    """What a reader compares in one cell's outputs: stdout (joined), then each result.

    The build's "▶ Run this cell ..." line (a lab's first cell, an exercise set's first cell)
    stands where the live output will be, and is never compared."""
    stdout, results = [], []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream" and out.get("name") == "stdout":
            text = text_of(out.get("text"))
            if not text.startswith(RUN_THIS_CELL):
                stdout.append(text)
        elif kind == "execute_result":
            data = out.get("data") or {}
            if "text/plain" in data:
                results.append(text_of(data["text/plain"]))
    joined = "".join(stdout)
    return ([joined] if joined else []) + results


def normalise(text: str) -> str:
    text = ADDRESS.sub("0x…", text)
    text = MEASURED_TIME.sub("<time>", text)
    return text.replace("\r\n", "\n").rstrip()


def _significant(token: str) -> int:
    mantissa = re.split(r"[eE]", token)[0].lstrip("+-").replace(".", "").lstrip("0")
    return len(mantissa)


def numbers_agree(a: str, b: str) -> bool:
    """Two numeric tokens as printed: equal, or float noise at the last digit."""
    if a == b:
        return True
    is_float = any(c in a + b for c in ".eE")
    if not is_float:
        return False  # integers: exact
    try:
        x, y = Decimal(a), Decimal(b)
    except InvalidOperation:
        return False
    if x == y:
        return True  # 0.50 and 0.5, 1e-05 and 1.0e-05
    scale = max(abs(x), abs(y))
    if abs(x - y) <= scale * RELATIVE:
        return True
    digits = _significant(a)
    if digits == _significant(b) and digits >= MIN_DIGITS and "." in a and "." in b:
        # one unit in the last printed digit of the coarser of the two
        ulp = max(
            Decimal(1).scaleb(x.as_tuple().exponent), Decimal(1).scaleb(y.as_tuple().exponent)
        )
        return abs(x - y) <= ulp
    return False


def texts_agree(shipped: str, browser: str) -> bool:
    a, b = normalise(shipped), normalise(browser)
    if a == b:
        return True
    if NUMBER.sub("#", a) != NUMBER.sub("#", b):
        return False
    return all(
        numbers_agree(x, y) for x, y in zip(NUMBER.findall(a), NUMBER.findall(b), strict=True)
    )


def known(path: str, cell: int, allow: Sequence[tuple[str, int | None, str]]) -> str | None:
    for suffix, number, reason in allow:
        if path.endswith(suffix) and number in (None, cell):
            return reason
    return None


def _short(text: str, limit: int = 300) -> str:
    text = text.rstrip()
    return repr(text if len(text) <= limit else text[:limit] + "…")


def compare_outputs(
    shipped_cells: Sequence[Mapping],
    browser_cells: Sequence[Mapping],
    path: str,
    allow: Sequence[tuple[str, int | None, str]] | None = None,
) -> list[str]:
    """Differences between the shipped text outputs and the browser kernel's, one per line.

    `shipped_cells`: the shipped notebook's cells (nbformat dicts; Markdown cells are skipped)
    or its code cells only. `browser_cells`: one {"count", "outputs"} per code cell, in order,
    as the browser test reads them from the notebook model (outputs as nbformat JSON).
    `path`: the notebook's path, to name it and to match `allow` (default KNOWN_DIFFERENCES).
    A shipped cell whose execution count is None was not run by the build (the exercise sets
    are not) and is not compared.
    An empty list means every compared cell agrees.
    """
    allow = KNOWN_DIFFERENCES if allow is None else allow
    code = [c for c in shipped_cells if c.get("cell_type", "code") == "code"]
    found = []
    if len(code) != len(browser_cells):
        found.append(
            f"{path}: {len(code)} code cells shipped, {len(browser_cells)} read in the browser"
        )
    for number, (ship, run) in enumerate(zip(code, browser_cells, strict=False), start=1):
        if known(path, number, allow):
            continue
        if ship.get("execution_count", 0) is None:
            continue  # the build did not run it (an exercise set): nothing shipped to compare
        if run.get("count") is None:
            found.append(f"{path}: cell {number}: did not run in the browser (no count)")
            continue
        a, b = texts(ship.get("outputs", [])), texts(run.get("outputs", []))
        if len(a) != len(b):
            found.append(
                f"{path}: cell {number}: {len(a)} text outputs shipped, {len(b)} in the "
                f"browser: shipped {_short(chr(10).join(a))}, browser {_short(chr(10).join(b))}"
            )
            continue
        for x, y in zip(a, b, strict=True):
            if not texts_agree(x, y):
                found.append(f"{path}: cell {number}: shipped {_short(x)}, browser {_short(y)}")
                break
    return found
