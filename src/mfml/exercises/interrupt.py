"""Kernel → Interrupt in the browser: stop a cell that runs for ever without losing the kernel.

JupyterLite 0.6 accepts the Interrupt command but does nothing with it (its kernel service's
``interrupt`` is empty: jupyterlite/jupyterlite#459), and Pyodide can only be interrupted
through a SharedArrayBuffer that the page and the kernel's worker share, which a page may
create only when it is cross-origin isolated (the headers in docs/hosting.md, which
``scripts/serve.py --isolate`` sends; off by default, because JupyterLite 0.6's "Run all"
stalls in an isolated page). So, when the page is isolated:

1. here, in the kernel's worker, a message listener waits for that buffer;
2. a small script, shown as an (invisible) JavaScript output of the cell that imports
   ``mfml.exercises``, runs in the page: it creates the buffer, posts it to the kernel's
   worker (found through JupyterLite's in-page kernel service), and wraps the kernel
   connection's ``interrupt()`` so that every way of interrupting (toolbar button, Kernel
   menu, ``I, I``) first writes 2 (SIGINT) into it;
3. the listener hands the buffer to ``pyodide.setInterruptBuffer``: from then on Python checks
   it while it runs and raises KeyboardInterrupt, and the kernel goes back to idle with every
   variable kept.

A nonce ties the page's script to its own kernel. The worker is reached through private
attributes of JupyterLite 0.6.4 (``tests/browser/test_exercise_engine.py`` catches a change);
without isolation, or if they change, nothing happens and the checks' own time budget still
keeps a check from hanging.
"""

from __future__ import annotations

import secrets
import sys

PAGE_SCRIPT = """
(() => {
  const nonce = %(nonce)r;
  const app = window.jupyterapp;
  const panel = app && app.shell && app.shell.currentWidget;
  const session = panel && panel.sessionContext && panel.sessionContext.session;
  const kernel = session && session.kernel;
  if (!kernel || !window.crossOriginIsolated) return;
  let worker = null;
  try {
    const kernels = app.serviceManager.kernels._kernelAPIClient._kernels;
    const entry = kernels._map ? kernels._map.get(kernel.id) : kernels.get(kernel.id);
    worker = entry && entry._worker;
  } catch (error) {
    worker = null;
  }
  if (!(worker instanceof Worker)) return;
  const buffer = new Int32Array(new SharedArrayBuffer(4));
  worker.postMessage({mfml_interrupt: nonce, buffer: buffer.buffer});
  window.mfmlInterruptBuffer = buffer;
  const proto = Object.getPrototypeOf(kernel);
  if (proto.mfmlInterruptWrapped) return;
  const original = proto.interrupt;
  proto.interrupt = function (...args) {
    const shared = window.mfmlInterruptBuffer;
    if (shared) Atomics.store(shared, 0, 2);
    return original.apply(this, args);
  };
  proto.mfmlInterruptWrapped = true;
})();
"""

_state: dict = {}


def enable() -> bool:
    """Make Kernel → Interrupt work in this browser kernel; True if it is being set up."""
    if sys.platform != "emscripten" or _state:
        return bool(_state)
    try:
        import js
        import pyodide_js
        from pyodide.ffi import create_proxy

        if not getattr(js, "crossOriginIsolated", False):
            return False
        nonce = secrets.token_hex(8)

        def receive(event) -> None:
            try:
                data = event.data
                if str(getattr(data, "mfml_interrupt", "")) != nonce:
                    return
                pyodide_js.setInterruptBuffer(js.Int32Array.new(data.buffer))
                _state["ready"] = True
            except Exception:  # noqa: BLE001 - another message, not ours
                return

        handler = create_proxy(receive)
        js.addEventListener("message", handler)
        _state.update(handler=handler, nonce=nonce, ready=False)
        from IPython.display import Javascript, display

        display(Javascript(PAGE_SCRIPT % {"nonce": nonce}))
        return True
    except Exception:  # noqa: BLE001 - an interrupt that cannot be set up must not break imports
        return False


def ready() -> bool:
    """True once the page's buffer arrived: Kernel → Interrupt now stops running code."""
    return bool(_state.get("ready"))
