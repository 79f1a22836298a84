"""Execute notebooks under CPython and report the first problem in each, by notebook and cell.

Usage: python scripts/execute.py SOURCE [SOURCE ...]   (MyST .md or .ipynb)

A problem is an error output or anything written to stderr (warnings included), which a
learner would see as a red box in the browser, or a figure shown as text instead of drawn.
Exit status 1 if any notebook has one.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbclient
import nbformat

KERNEL = "python3"  # the CPython kernel; sources name the browser's "python" kernel


@dataclass
class Problem:
    notebook: str
    cell: int
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.notebook}: cell {self.cell}: {self.kind}: {self.text.strip()[:2000]}"


def read(path: Path) -> nbformat.NotebookNode:
    if path.suffix == ".md":
        return jupytext.read(path, fmt="md:myst")
    return nbformat.read(path, as_version=4)


def problems_in(nb: nbformat.NotebookNode, name: str) -> list[Problem]:
    found = []
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                text = f"{out.ename}: {out.evalue}"
                found.append(Problem(name, number, "error", text))
            elif out.output_type == "stream" and out.name == "stderr":
                found.append(Problem(name, number, "stderr", out.text))
            elif out.output_type == "display_data" and set(out.data) == {"text/plain"}:
                if out.data["text/plain"].startswith("<Figure"):
                    text = "a figure was shown as text, not drawn"
                    found.append(Problem(name, number, "figure", text))
    return found


def run(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Run every cell of `nb` in place (not stopping at the first error), in folder `cwd`.

    Consecutive stream outputs are merged and no timing metadata is recorded, so the outputs
    are what a reader sees, in as few pieces as the kernel allows (the build ships them).
    Raises nbclient's CellTimeoutError when a cell runs longer than `timeout` seconds.
    """
    client = nbclient.NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=timeout,
        allow_errors=True,
        record_timing=False,
        coalesce_streams=True,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return nb


def execute(path: Path, cwd: Path | None = None, timeout: int = 300) -> list[Problem]:
    """Run every cell (not stopping at the first error) and return what went wrong."""
    nb = read(path)
    try:
        run(nb, cwd or path.parent, timeout)
    except nbclient.exceptions.CellTimeoutError as exc:
        return [Problem(str(path), 0, "timeout", str(exc))]
    return problems_in(nb, str(path))


def main(argv: list[str]) -> int:
    failed = False
    for arg in argv:
        problems = execute(Path(arg))
        for p in problems:
            print(p)
        print(f"{arg}: {'FAILED' if problems else 'ok'}")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
