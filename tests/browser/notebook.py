"""Drive a notebook in the site's focused notebook view: open, run all, read the outputs.

The notebook app exposes `window.jupyterapp`; the tests use its commands and its notebook
model, the same objects the UI uses, rather than scraping pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

# stderr lines a learner may see that are not errors, each with why it is tolerated.
STDERR_ALLOWLIST: dict[str, str] = {}

WAIT_FOR_PANEL = """
async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  for (let i = 0; i < 1200; i++) {
    const app = window.jupyterapp;
    const panel = app && app.shell && app.shell.currentWidget;
    if (panel && panel.sessionContext && panel.content && panel.content.model) {
      await panel.context.ready;
      await panel.sessionContext.ready;
      return true;
    }
    await sleep(100);
  }
  return false;
}
"""

WAIT_FOR_KERNEL = """
async (timeoutMs) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const panel = window.jupyterapp.shell.currentWidget;
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    if (kernel && kernel.status === 'idle') return performance.now();
    await sleep(50);
  }
  return null;
}
"""

RUN_ALL = """
async (timeoutMs) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  // the build ships outputs and execution counts: clear them, so a cell that does not run
  // is seen as not run
  await app.commands.execute('notebook:clear-all-cell-outputs');
  const shipped = panel.content.model.cells;
  for (let i = 0; i < shipped.length; i++) {
    const cell = shipped.get(i);
    if (cell.type === 'code' && cell.executionCount !== null) {
      return {how: 'not cleared', ms: 0, cells: []};
    }
  }
  const started = performance.now();
  const done = app.commands.execute('notebook:run-all-cells');
  const timeout = sleep(timeoutMs).then(() => 'timeout');
  const how = await Promise.race([done.then(() => 'done'), timeout]);
  // the command resolves when every cell has run; wait for the kernel to settle too
  while (how === 'done' && performance.now() - started < timeoutMs) {
    const kernel = panel.sessionContext.session.kernel;
    if (kernel.status === 'idle') break;
    await sleep(50);
  }
  const cells = [];
  const list = panel.content.model.cells;
  for (let i = 0; i < list.length; i++) {
    const cell = list.get(i);
    if (cell.type !== 'code') continue;
    cells.push({count: cell.executionCount, outputs: cell.outputs.toJSON()});
  }
  return {how, ms: performance.now() - started, cells};
}
"""

# Run code in the notebook's kernel (not in a cell) and return what it printed.
KERNEL_STDOUT = """
async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  let out = '';
  const future = kernel.requestExecute({code});
  future.onIOPub = msg => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error') out += 'ERROR ' + msg.content.evalue;
  };
  // a kernel that never answers must fail the test, not hold CI: 300 s at most
  const timeout = new Promise(r => setTimeout(() => r('timeout'), 300000));
  if (await Promise.race([future.done, timeout]) === 'timeout') out += 'ERROR no reply in 300 s';
  return out;
}
"""

KERNEL_IDLE = """
() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}
"""

# Execute a notebook's code cells through the open kernel; outputs as nbformat JSON.
RUN_IN_KERNEL = """
async ([path, timeoutMs]) => {
  const app = window.jupyterapp;
  const kernel = app.shell.currentWidget.sessionContext.session.kernel;
  const model = await app.serviceManager.contents.get(path, {content: true});
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const started = performance.now();
  let count = 0;
  async function run(code) {
    const outputs = [];
    const future = kernel.requestExecute({code, stop_on_error: false});
    future.onIOPub = msg => {
      const t = msg.header.msg_type, c = msg.content;
      if (t === 'stream') outputs.push({output_type: t, name: c.name, text: c.text});
      else if (t === 'execute_result' || t === 'display_data')
        outputs.push({output_type: t, data: c.data, metadata: c.metadata || {}});
      else if (t === 'error')
        outputs.push({output_type: t, ename: c.ename, evalue: c.evalue, traceback: c.traceback});
    };
    const left = timeoutMs - (performance.now() - started);
    const timeout = new Promise(r => setTimeout(() => r(null), Math.max(left, 0)));
    const reply = await Promise.race([future.done, timeout]);
    return {reply, outputs};
  }
  const reset = await run([
    '%reset -f',
    'import os as _os, sys as _sys',
    `_os.chdir('/drive/${dir}')`,
    "if 'matplotlib.pyplot' in _sys.modules: _sys.modules['matplotlib.pyplot'].close('all')",
    'del _os, _sys',
  ].join('\\n'));
  const resetStatus = reset.reply ? reset.reply.content.status : 'timeout';
  const cells = [];
  let how = 'done';
  for (const cell of model.content.cells) {
    if (cell.cell_type !== 'code') continue;
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    if (how !== 'done') { cells.push({count: null, outputs: []}); continue; }
    const r = await run(source);
    if (!r.reply) how = 'timeout';
    cells.push({count: r.reply ? ++count : null, outputs: r.outputs});
  }
  return {how, ms: performance.now() - started, reset: resetStatus, cells};
}
"""


@dataclass
class Run:
    path: str
    how: str
    ms: float
    cells: list[dict]
    problems: list[str] = field(default_factory=list)


def open_notebook(page, base_url: str, path: str, timeout_s: float = 120) -> float:
    """Open a notebook in the notebook app and wait for its kernel; returns ms to kernel idle."""
    page.goto(f"{base_url}notebooks/index.html?path={quote(path)}")
    if not page.evaluate(WAIT_FOR_PANEL):
        raise AssertionError(f"{path}: the notebook view did not open")
    idle = page.evaluate(WAIT_FOR_KERNEL, timeout_s * 1000)
    if idle is None:
        raise AssertionError(f"{path}: the kernel was not ready within {timeout_s} s")
    return idle


def run_all(page, path: str, timeout_s: float = 240) -> Run:
    """Run all cells through the notebook UI (the learner's Run all) and collect problems."""
    result = page.evaluate(RUN_ALL, timeout_s * 1000)
    run = Run(path, result["how"], result["ms"], result["cells"])
    if run.how != "done":
        run.problems.append(f"{path}: did not finish within {timeout_s} s")
    run.problems += problems_in(path, run.cells)
    return run


def run_in_open_kernel(page, path: str, timeout_s: float = 240) -> Run:
    """Run another notebook's code cells, in order, in the kernel of the notebook already open.

    Starting Pyodide costs 10-20 s per page; the notebook test pays it once per worker and
    runs each notebook after `%reset -f` in its own directory, so no name survives from the
    notebook before. The UI's own Run all is exercised by the tests that need the UI.
    """
    result = page.evaluate(RUN_IN_KERNEL, [path, timeout_s * 1000])
    run = Run(path, result["how"], result["ms"], result["cells"])
    if run.how != "done":
        run.problems.append(f"{path}: did not finish within {timeout_s} s")
    if result["reset"] != "ok":
        run.problems.append(f"{path}: the namespace reset failed: {result['reset']}")
    run.problems += problems_in(path, run.cells)
    return run


def kernel_is_idle(page) -> bool:
    try:
        return page.evaluate(KERNEL_IDLE)
    except Exception:
        return False


def problems_in(path: str, cells: list[dict]) -> list[str]:
    """Error outputs, stderr, and cells that never ran: what a learner would see go wrong."""
    problems = []
    for number, cell in enumerate(cells, start=1):
        if cell["count"] is None:
            problems.append(f"{path}: cell {number} did not run")
        for out in cell["outputs"]:
            if out["output_type"] == "error":
                problems.append(f"{path}: cell {number}: {out['ename']}: {out['evalue']}")
            elif out["output_type"] == "stream" and out["name"] == "stderr":
                text = "".join(out["text"]) if isinstance(out["text"], list) else out["text"]
                if not any(allowed in text for allowed in STDERR_ALLOWLIST):
                    problems.append(f"{path}: cell {number}: stderr: {text.strip()[:500]}")
    return problems
