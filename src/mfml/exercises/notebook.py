"""The exercise notebook of one chapter, generated from its bank.

Per exercise: a heading; the ``ex(id)`` cell, whose stored output is the prompt at the
default seed (the live widget replaces it when the cell runs); the answer cell, marked
"✎ Your answer", holding the starter; the check cell. Never hints or solutions: those are
loaded from the bank at run time, behind buttons.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .instance import Instance
from .spec import CAPSTONE, Bank, ExerciseSpec, bank_stem

KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}

HOW_TO = """\
How this works: each exercise has a prompt (the output of its `ex("…")` cell), a cell
marked **✎ Your answer** where you replace the `...`, and a check cell under it. Run your
answer cell, then the check: the feedback says what is wrong, never what the answer is.

- **Hint** gives one hint at a time: a nudge, then the method, then most of the way.
- **Show solution** opens after your first attempt (or all hints) and asks you to confirm.
- **New variant** (where offered) draws fresh numbers and shows the new question in place
  of the old one; re-run your answer cell, then the check.

Without buttons, the same works in code: `ex("{first}").hint()`, `ex("{first}").solution()`,
`ex("{first}").new_variant()`. Levels: 1 recall, 2 apply, 3 derive and analyse, 4 research
thinking. Your checks, hints and reveals are saved as progress (on this computer only: it is
a record for you, not a grade). The checks stop a too-slow answer by themselves; if one of
your own cells runs for ever, use Kernel → Restart, then run the notebook from the top."""

ANSWER_MARK = "# ✎ Your answer: replace the `...`, run this cell, then the check below."


def _cell_id(spec: ExerciseSpec, part: str) -> str:
    return f"ex{spec.chapter}-{spec.number}-{part}"


def _prompt_output(instance: Instance) -> dict:
    """The prompt, stored as the output of the ``ex(id)`` cell: readable before Python
    starts, and replaced in place by the live widget (with the current variant's numbers)
    once the cell runs, so the notebook never shows two versions of the question."""
    markdown = instance.prompt
    return nbformat.v4.new_output(
        "display_data", data={"text/markdown": markdown, "text/plain": markdown}
    )


def exercise_cells(spec: ExerciseSpec) -> list:
    instance = Instance(spec)
    heading = f"## {spec.id} · Level {spec.level} ({spec.level_name}) · {spec.title}"
    call = f'ex("{spec.id}")'
    buttons = new_code_cell(call, id=_cell_id(spec, "buttons"))
    buttons.outputs = [_prompt_output(instance)]
    return [
        new_markdown_cell(heading, id=_cell_id(spec, "prompt")),
        buttons,
        new_code_cell(f"{ANSWER_MARK}\n{spec.starter.rstrip()}", id=_cell_id(spec, "starter")),
        new_code_cell(f"{call}.check({spec.check.answer})", id=_cell_id(spec, "check")),
    ]


def chapter_notebook(bank: Bank) -> nbformat.NotebookNode:
    what = "the capstone" if bank.chapter == CAPSTONE else f"chapter {bank.chapter}"
    title = f"Exercises for {what}" + (f": {bank.title}" if bank.title else "")
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


def notebook_name(chapter: int | str) -> str:
    return f"{bank_stem(chapter)}-exercises.ipynb"
