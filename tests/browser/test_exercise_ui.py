"""An exercise notebook in the real browser, used as a learner uses it: hints one at a time,
the solution locked until an attempt and then behind a confirmation, kind feedback for a
wrong answer, and progress that survives a reload."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from notebook import KERNEL_STDOUT, open_notebook, run_all

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "exercises/ch19-exercises.ipynb"

SET_AND_RUN = """
async ({match, source}) => {
  const app = window.jupyterapp;
  const notebook = app.shell.currentWidget.content;
  const cells = notebook.model.cells;
  for (let i = 0; i < cells.length; i++) {
    if (cells.get(i).sharedModel.getSource().includes(match)) {
      if (source !== null) cells.get(i).sharedModel.setSource(source);
      notebook.activeCellIndex = i;
      await app.commands.execute('notebook:run-cell');
      const node = notebook.widgets[i].node.querySelector('.jp-OutputArea');
      return node ? node.innerText : '';
    }
  }
  throw new Error('no cell contains ' + match);
}
"""

SCROLL_TO = """
async (match) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const cells = notebook.model.cells;
  for (let i = 0; i < cells.length; i++) {
    if (cells.get(i).sharedModel.getSource().includes(match)) {
      notebook.activeCellIndex = i;
      await notebook.scrollToItem(i, 'start');
      return i;
    }
  }
  throw new Error('no cell contains ' + match);
}
"""


def first_exercise_without_params() -> dict:
    bank = yaml.safe_load((ROOT / "exercises" / "ch19.yml").read_text())
    for exercise in bank["exercises"]:
        if "params" not in exercise and exercise["check"]["kind"] != "rubric":
            return exercise
    raise AssertionError("ch19 has no plain automatic exercise")


@pytest.mark.browser
def test_hints_gating_feedback_and_reveal(page, base_url):
    exercise = first_exercise_without_params()
    eid, total = exercise["id"], len(exercise["hints"])
    wrong = next(w for w in exercise["wrong"] if w["feedback"] == "incorrect")
    open_notebook(page, base_url, NOTEBOOK)
    run = run_all(page, NOTEBOOK)
    assert not run.problems, "\n".join(run.problems)

    page.evaluate(SCROLL_TO, f'ex("{eid}")')
    hint = page.locator(".mfml-hint").first
    solution = page.locator(".mfml-solution").first
    hints_area = page.locator(".mfml-hints").first
    assert solution.is_disabled(), "the solution is open before any attempt"
    assert hints_area.inner_text().strip() == ""

    hint.click()
    page.wait_for_function("() => document.querySelector('.mfml-hints').innerText.trim()")
    first_hint = hints_area.inner_text()
    assert f"1/{total}" in hint.inner_text()
    if total > 1:
        assert solution.is_disabled(), "one hint of several opened the solution"
        hint.click()
        page.wait_for_function(
            f"() => document.querySelector('.mfml-hint').innerText.includes('2/{total}')"
        )
        assert hints_area.inner_text().startswith(first_hint.strip()[:20]), "hints reordered"

    feedback = page.evaluate(SET_AND_RUN, {"match": f'ex("{eid}").check', "source": None})
    assert "attempted" in feedback.lower(), f"untouched starter: {feedback!r}"
    starter_marker = exercise["starter"].splitlines()[0].split("=")[0].strip() + " = ..."
    page.evaluate(SET_AND_RUN, {"match": starter_marker, "source": wrong["code"]})
    feedback = page.evaluate(SET_AND_RUN, {"match": f'ex("{eid}").check', "source": None})
    assert feedback.strip(), "no feedback for a wrong answer"
    assert "correct!" not in feedback.lower() and "traceback" not in feedback.lower()

    page.evaluate(SCROLL_TO, f'ex("{eid}")')
    page.wait_for_function("() => !document.querySelector('.mfml-solution').disabled")
    solution.click()
    confirm = page.locator(".mfml-confirm").first
    confirm.wait_for(state="visible")
    assert page.locator(".mfml-solution-text").first.inner_text().strip() == ""
    confirm.click()
    page.wait_for_function(
        "() => document.querySelector('.mfml-solution-text').innerText.trim().length > 40"
    )
    shown = page.locator(".mfml-solution-text").first.inner_text()
    first_code_line = exercise["solution"]["code"].strip().splitlines()[0]
    assert first_code_line.split("#")[0].strip() in shown

    page.evaluate(
        SET_AND_RUN,
        {"match": wrong["code"].splitlines()[0], "source": exercise["solution"]["code"]},
    )
    feedback = page.evaluate(SET_AND_RUN, {"match": f'ex("{eid}").check', "source": None})
    assert "correct" in feedback.lower()

    # Progress lives in the learner's browser storage: a reload keeps it.
    page.reload()
    open_notebook(page, base_url, NOTEBOOK)
    out = page.evaluate(
        KERNEL_STDOUT, f'from mfml.exercises import ex\nprint(ex("{eid}").progress())'
    )
    assert "ERROR" not in out, out
    assert "'revealed'" in out or "'correct'" in out, out
    assert f"'hints_used': {min(2, total)}" in out, out
