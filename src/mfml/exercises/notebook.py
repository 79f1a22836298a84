"""The exercise notebook of one chapter, generated from its bank.

It holds prompts (at the default seed) and starters, never hints or solutions: those are
loaded from the bank at run time, behind buttons.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .instance import Instance
from .spec import Bank, ExerciseSpec

KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}

HOW_TO = """\
How this works: write your answer in the cell under each exercise (replace the `...`), then
run the check cell below it. The feedback says what is wrong, never what the answer is.

- **Hint** gives one hint at a time: a nudge, then the method, then most of the way.
- **Show solution** opens after your first attempt (or all hints) and asks you to confirm.
- **New variant** (where offered) draws fresh numbers; the check follows them.

Without buttons, the same works in code: `ex("{first}").hint()`, `ex("{first}").solution()`,
`ex("{first}").new_variant()`. Levels: 1 recall, 2 apply, 3 derive and analyse, 4 research
thinking. Your checks, hints and reveals are saved as progress."""


def _cell_id(spec: ExerciseSpec, part: str) -> str:
    return f"ex{spec.chapter}-{spec.number}-{part}"


def exercise_cells(spec: ExerciseSpec) -> list:
    instance = Instance(spec)
    heading = f"### {spec.id} · Level {spec.level} ({spec.level_name}) · {spec.title}"
    call = f'ex("{spec.id}")'
    return [
        new_markdown_cell(f"{heading}\n\n{instance.prompt}", id=_cell_id(spec, "prompt")),
        new_code_cell(call, id=_cell_id(spec, "buttons")),
        new_code_cell(spec.starter.rstrip(), id=_cell_id(spec, "starter")),
        new_code_cell(f"{call}.check({spec.check.answer})", id=_cell_id(spec, "check")),
    ]


def chapter_notebook(bank: Bank) -> nbformat.NotebookNode:
    title = f"Exercises for chapter {bank.chapter}" + (f": {bank.title}" if bank.title else "")
    first = bank.exercises[0].id
    cells = [
        new_markdown_cell(f"# {title}\n\n{HOW_TO.format(first=first)}", id="title"),
        new_code_cell("import mfml\nimport numpy as np\nfrom mfml.exercises import ex", id="setup"),
    ]
    for spec in bank.exercises:
        cells += exercise_cells(spec)
    notebook = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": dict(KERNELSPEC),
            "language_info": {"name": "python"},
            "mfml": {"kind": "exercises", "chapter": bank.chapter, "title": title},
        },
    )
    nbformat.validate(notebook)
    return notebook


def notebook_name(chapter: int) -> str:
    return f"ch{chapter:02d}-exercises.ipynb"
