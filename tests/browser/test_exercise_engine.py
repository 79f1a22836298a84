"""The exercise engine in the real browser (issue 13): a too-slow answer is stopped within the
check's budget with a message; Kernel → Interrupt stops a cell that loops for ever and the
kernel stays usable (served with the isolation headers, `serve.py --isolate`); feedback is one
box under the check cell, a fresh "Run all" stays quiet, a declared mistake gets its message,
and a new variant replaces the question in place and recognises an answer to the previous one."""

from __future__ import annotations

import re
import time

import pytest
import serve
from notebook import KERNEL_STDOUT, open_notebook, run_all

NOTEBOOK = "exercises/ch03-exercises.ipynb"

RUN_CELL = """
async ({match, source, exact}) => {
  const app = window.jupyterapp;
  const notebook = app.shell.currentWidget.content;
  const cells = notebook.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const text = cells.get(i).sharedModel.getSource();
    if (cells.get(i).type === 'code' && (exact ? text === match : text.includes(match))) {
      if (source !== null) cells.get(i).sharedModel.setSource(source);
      notebook.activeCellIndex = i;
      await notebook.scrollToItem(i, 'center');
      await app.commands.execute('notebook:run-cell');
      const sleep = ms => new Promise(r => setTimeout(r, ms));
      const kernel = app.shell.currentWidget.sessionContext.session.kernel;
      for (let k = 0; k < 600 && kernel.status !== 'idle'; k++) await sleep(50);
      const node = notebook.widgets[i].node.querySelector('.jp-OutputArea');
      return {index: i, text: node ? node.innerText : '', html: node ? node.innerHTML : ''};
    }
  }
  throw new Error('no cell contains ' + match);
}
"""

OUTPUT_OF = """
(index) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const node = notebook.widgets[index].node.querySelector('.jp-OutputArea');
  return node ? node.innerText : '';
}
"""

QUADRATIC = """
import time
from mfml.exercises import ex

def pairwise_sq_sum(x):
    return float(sum((a - b) ** 2 for a in x for b in x))

start = time.perf_counter()
feedback = ex("3.11").check(pairwise_sq_sum)
print(f"SECONDS {time.perf_counter() - start:.2f}")
print(f"CATEGORY {feedback.category}")
print(f"MESSAGE {feedback.message}")
"""


def kernel_run(page, code: str) -> str:
    out = page.evaluate(KERNEL_STDOUT, code)
    assert "ERROR" not in out, out
    return out


@pytest.mark.browser
def test_a_too_slow_answer_is_stopped_within_the_budget(shared_kernel):
    page = shared_kernel.ready_page()  # any open kernel will do; as an exercise set's
    kernel_run(page, "import os\nos.chdir('/drive/exercises')")
    budget = float(
        kernel_run(page, "from mfml.exercises.guard import budget\nprint(budget())").strip()
    )
    wall = time.perf_counter()
    out = kernel_run(page, QUADRATIC)
    wall = time.perf_counter() - wall
    seconds = float(re.search(r"SECONDS ([\d.]+)", out).group(1))
    assert "CATEGORY too_slow" in out, out
    message = re.search(r"MESSAGE (.*)", out).group(1)
    assert "too slow" in message and re.search(r"n = \d+", message), message
    assert re.search(r"grew like n\^\d\.\d", message) or "did not finish" in message, message
    # the learner's code may use the budget; preparing the reference adds little
    assert seconds < budget + 2.0, f"the check took {seconds:.1f} s (budget {budget} s)"
    assert wall < budget + 10.0, f"the cell took {wall:.1f} s"
    print(f"\n3.11 too slow, stopped after {seconds:.2f} s: {message}")


INTERRUPTIBLE = """
async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  for (let i = 0; i < 200 && !window.mfmlInterruptBuffer; i++) await sleep(50);
  return {isolated: window.crossOriginIsolated, buffer: !!window.mfmlInterruptBuffer};
}
"""

KERNEL_HAS_THE_BUFFER = "from mfml.exercises import interrupt\nprint(interrupt.ready())"

# Short calls and polling from Python: a page.evaluate that keeps awaiting while the
# kernel's worker is busy never returned in an isolated page (Chromium 156), so the test
# never waits inside the page.
START_LOOP = """
() => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  window.mfmlLoop = {error: '', done: false};
  const future = kernel.requestExecute({code: 'n = 0\\nwhile True:\\n    n += 1\\n'});
  future.onIOPub = msg => {
    if (msg.header.msg_type === 'error') window.mfmlLoop.error = msg.content.ename;
  };
  future.done.then(() => { window.mfmlLoop.done = true; });
}
"""

LOOP_STATE = """
() => ({status: window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status,
        ...window.mfmlLoop})
"""

INTERRUPT = "() => { window.jupyterapp.commands.execute('kernelmenu:interrupt'); }"


@pytest.fixture(scope="module")
def isolated_url(site):
    """The site with the cross-origin isolation headers: opt-in (docs/hosting.md says why)."""
    server, url = serve.start_in_thread(site, isolation=True)
    yield url
    server.shutdown()


SUBMIT = """
(code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const run = {out: '', done: false};
  (window.mfmlRuns = window.mfmlRuns || []).push(run);
  const future = kernel.requestExecute({code});
  future.onIOPub = msg => {
    if (msg.header.msg_type === 'stream') run.out += msg.content.text;
    if (msg.header.msg_type === 'error') run.out += 'ERROR ' + msg.content.evalue;
  };
  future.done.then(() => { run.done = true; });
  return window.mfmlRuns.length - 1;
}
"""


# Start a cell from the UI and return at once (isolated_run says why no await)
START_CELL = """
(match) => {
  const app = window.jupyterapp;
  const notebook = app.shell.currentWidget.content;
  const cells = notebook.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type === 'code' && cell.sharedModel.getSource().includes(match)) {
      notebook.activeCellIndex = i;
      app.commands.execute('notebook:run-cell');
      return i;
    }
  }
  throw new Error('no cell contains ' + match);
}
"""


def isolated_run(page, code: str, timeout_s: float = 120) -> str:
    """Run code and poll for its output with short calls: in an isolated page an evaluate
    that awaits the busy kernel can stall for good (JupyterLite 0.6.4, Chromium 156)."""
    index = page.evaluate(SUBMIT, code)
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        run = page.evaluate(f"() => window.mfmlRuns[{index}]")
        if run["done"]:
            assert "ERROR" not in run["out"], run["out"]
            return run["out"]
        time.sleep(0.2)
    raise TimeoutError(f"no reply within {timeout_s} s to: {code[:80]}")


class Stalled(Exception):
    """The isolated kernel did not answer: the upstream stall, not a failure of ours."""


def interruptible_page(page, url: str) -> None:
    """Open the exercise set isolated and wait until the kernel holds the interrupt buffer."""
    open_notebook(page, url, NOTEBOOK)
    # through the UI: the import's output is the page script that shares the buffer
    page.evaluate(START_CELL, "from mfml.exercises import ex")
    ready = page.evaluate(INTERRUPTIBLE)
    assert ready["isolated"], "the page is not cross-origin isolated (serve.py headers?)"
    if not ready["buffer"]:
        raise Stalled("the import that shares the buffer did not run within 10 s")
    for _ in range(50):
        try:
            if isolated_run(page, KERNEL_HAS_THE_BUFFER, timeout_s=60).strip() == "True":
                return
        except TimeoutError as stall:
            raise Stalled(str(stall)) from None
        time.sleep(0.1)
    raise AssertionError("the kernel never received the interrupt buffer")


@pytest.mark.browser
def test_kernel_interrupt_stops_a_cell_that_loops_for_ever(page, isolated_url):
    # an isolated JupyterLite 0.6.4 page sometimes stalls its kernel on the first cell, before
    # anything of ours runs (docs/hosting.md: why isolation is opt-in): three fresh pages; if
    # all stall, the test is reported as the known upstream failure (xfail), never as a pass
    stalls = []
    for _ in range(3):
        try:
            interruptible_page(page, isolated_url)
            break
        except Stalled as stall:
            stalls.append(str(stall).splitlines()[0])
            print(f"\nisolated page stalled before the test began: {stalls[-1]}")
    else:
        pytest.xfail(f"the isolated kernel stalled on 3 fresh pages (upstream): {stalls}")
    page.evaluate(START_LOOP)
    time.sleep(1.5)
    assert page.evaluate(LOOP_STATE)["status"] == "busy"
    start = time.perf_counter()
    page.evaluate(INTERRUPT)  # Kernel → Interrupt, as the menu does it
    while time.perf_counter() - start < 15 and not page.evaluate(LOOP_STATE)["error"]:
        time.sleep(0.1)
    seconds = time.perf_counter() - start  # until the learner sees KeyboardInterrupt
    while time.perf_counter() - start < 60 and not page.evaluate(LOOP_STATE)["done"]:
        time.sleep(0.1)  # the reply follows; on a loaded machine it can lag the error
    state = page.evaluate(LOOP_STATE)
    assert "KeyboardInterrupt" in state["error"], f"Interrupt did not stop the loop: {state}"
    assert seconds < 5, f"the interrupt took {seconds:.1f} s"
    print(f"\ninterrupt stopped the loop in {seconds * 1000:.0f} ms")
    if not state["done"]:
        # Python raised KeyboardInterrupt, but the isolated transport never delivered the
        # reply: the same upstream stall as above, reported as such, never as a pass
        pytest.xfail(f"the isolated kernel stalled after the interrupt (upstream): {state}")
    # the kernel is still the same kernel: its variables are there, and it runs code
    try:
        out = isolated_run(page, "print(n > 0, 6 * 7)", timeout_s=60)
    except TimeoutError as stall:
        pytest.xfail(f"the isolated kernel stalled after the interrupt (upstream): {stall}")
    assert out.strip() == "True 42", out


@pytest.mark.browser
def test_feedback_run_all_and_the_variant_flow(page, base_url):
    open_notebook(page, base_url, NOTEBOOK)
    run = run_all(page, NOTEBOOK)
    assert not run.problems, "\n".join(run.problems)
    # a fresh Run all: every check says "not attempted" quietly, in one grey line, no box
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('.jp-OutputArea .mfml-feedback')]"
        ".map(n => ({category: n.dataset.category, box: !!n.style.backgroundColor}))"
    )
    assert boxes and all(b["category"] == "not_attempted" and not b["box"] for b in boxes), boxes
    # the title is shown once (the heading), and the prompt once (the widget replaced it)
    first = page.evaluate(RUN_CELL, {"match": 'ex("3.1")', "source": None, "exact": True})
    assert "Reading the limits of a sum" not in first["text"], first["text"][:300]
    assert first["text"].count("Compute") == 1, first["text"][:300]
    assert "mfml-exercise" in first["html"]

    # a declared mistake (the sum stops one term early) gets its own message, in one box
    wrong = "m, n = ex('3.1').params['m'], ex('3.1').params['n']\n"
    wrong += "answer = float(sum(2 * i - 1 for i in range(m, n)))"
    page.evaluate(RUN_CELL, {"match": "answer = ...", "source": wrong})
    checked = page.evaluate(RUN_CELL, {"match": 'ex("3.1").check(answer)', "source": None})
    assert "range(m, n)" in checked["text"] and "stops before" in checked["text"], checked
    assert "Stuck? Hint 1 of" in checked["text"]
    assert checked["html"].count("mfml-feedback ") == 1, checked["html"][:500]
    assert 'data-category="incorrect"' in checked["html"]
    widget = page.locator(".mfml-exercise").first
    assert "range(m, n)" not in widget.inner_text(), "the feedback is repeated in the widget"

    # the right answer: said once
    right = wrong.replace("range(m, n)", "range(m, n + 1)")
    page.evaluate(RUN_CELL, {"match": "range(m, n)))", "source": right})
    checked = page.evaluate(RUN_CELL, {"match": 'ex("3.1").check(answer)', "source": None})
    assert checked["text"].count("Correct") == 1, checked["text"]

    # a new variant replaces the question in place; the old answer is recognised as such
    before = widget.locator(".mfml-prompt").inner_text()
    widget.locator(".mfml-variant").click()
    page.wait_for_function(
        "() => document.querySelector('.mfml-exercise .mfml-prompt').innerText"
        ".includes('New variant')"
    )
    after = widget.locator(".mfml-prompt").inner_text()
    assert after != before and after.count("Compute") == 1, after
    stale = page.evaluate(RUN_CELL, {"match": 'ex("3.1").check(answer)', "source": None})
    assert "previous variant" in stale["text"], stale["text"]
    assert 'data-category="other_variant"' in stale["html"]
    page.evaluate(RUN_CELL, {"match": "range(m, n + 1)))", "source": None})
    fresh = page.evaluate(RUN_CELL, {"match": 'ex("3.1").check(answer)', "source": None})
    assert fresh["text"].count("Correct") == 1, fresh["text"]
