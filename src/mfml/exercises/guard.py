"""Running the learner's code inside a check so that it cannot hang the check, flood the
notebook, or change the result of this or any later check.

- **Time**: every call of the learner's code has a deadline. Where the platform has
  ``signal.setitimer`` (CPython on Linux/macOS, main thread) an alarm interrupts anything,
  a C-level ``time.sleep`` included. Elsewhere (the browser's Pyodide, Python 3.12)
  ``sys.monitoring`` stops Python-level loops and recursion at the deadline, and
  ``time.sleep`` is bounded while a check runs. A C-level computation (one huge NumPy call)
  cannot be stopped that way; the kernel's Interrupt can, where the site is served
  cross-origin isolated (docs/hosting.md).
- **State**: the check runs with the NumPy, ``math`` and ``builtins`` namespaces as they were
  when the engine was imported, and puts them back after every call of the learner's code
  (a function that patches ``np.isclose`` or ``builtins.sum`` changes nothing for the
  reference or later checks); NumPy's error state, print options, the recursion limit and
  warning filters are saved and restored; the learner's own patches made *before* the check
  are put back when it ends.
- **Output**: what the learner's code prints is captured and capped (``PRINT_LIMIT``
  characters); stderr is dropped.
- **Exceptions**: everything the learner's code raises is caught and reported, including
  ``SystemExit``, ``GeneratorExit`` and custom ``BaseException`` subclasses, and an exception
  whose ``__str__`` raises. ``KeyboardInterrupt`` is the exception: it is the learner's own
  Stop button (Kernel → Interrupt), so it stops the check as it stops any cell.
"""

from __future__ import annotations

import builtins
import contextlib
import copy
import io
import math
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass

import numpy as np

DEFAULT_BUDGET = 3.0  # seconds of the learner's code per check (the browser is the slow case)
PRINT_LIMIT = 4000  # characters of the learner's printed output kept per check

_clock = time.perf_counter
_real_sleep = time.sleep


class Timeout(BaseException):
    """Raised inside the learner's code when its time is up (never reaches the learner)."""


# ---------------------------------------------------------------- the budget


_budget = [DEFAULT_BUDGET]


def budget() -> float:
    """Seconds the learner's code may use in one check."""
    return _budget[0]


@contextlib.contextmanager
def time_budget(seconds: float):
    """Use another budget inside the block (tests use a small one)."""
    previous = _budget[0]
    _budget[0] = float(seconds)
    try:
        yield
    finally:
        _budget[0] = previous


# ---------------------------------------------------------------- deadlines


def _itimer_usable() -> bool:
    return (
        hasattr(signal, "setitimer")
        and sys.platform != "emscripten"
        and threading.current_thread() is threading.main_thread()
    )


class _Monitor:
    """sys.monitoring (Python 3.12+): a callback on every backward jump and function start
    raises Timeout once the deadline has passed. Events are on only while learner code runs."""

    def __init__(self) -> None:
        self.tool = None
        self.deadline = math.inf
        monitoring = getattr(sys, "monitoring", None)
        if monitoring is None:
            return
        for tool in (4, 3, 5):
            try:
                monitoring.use_tool_id(tool, "mfml-exercises")
            except ValueError:
                continue
            self.tool = tool
            events = monitoring.events
            monitoring.register_callback(tool, events.JUMP, self._tick)
            monitoring.register_callback(tool, events.PY_START, self._tick)
            break

    def _tick(self, code, *_args):
        # Once the deadline has passed, every jump or call in the learner's code raises, but
        # not the engine's own way out (this module, contextlib): the clean-up that turns
        # the events off is Python code too, and must be allowed to run.
        if _clock() > self.deadline and code.co_filename not in _EXEMPT:
            raise Timeout

    @property
    def available(self) -> bool:
        return self.tool is not None

    def start(self, deadline: float) -> None:
        self.deadline = deadline
        events = sys.monitoring.events
        sys.monitoring.set_events(self.tool, events.JUMP | events.PY_START)

    def stop(self) -> None:
        sys.monitoring.set_events(self.tool, 0)
        self.deadline = math.inf


_EXEMPT = frozenset({__file__, contextlib.__file__})
_monitor = _Monitor()


def _bounded_sleep(seconds):
    """``time.sleep`` while a check runs without an alarm: never past the deadline."""
    remaining = _monitor.deadline - _clock()
    if seconds > remaining:
        _real_sleep(max(0.0, min(remaining, 1e6)))
        raise Timeout
    _real_sleep(seconds)


def _on_alarm(_signum, _frame):
    raise Timeout


@contextlib.contextmanager
def deadline(seconds: float):
    """Raise Timeout in the block once ``seconds`` have passed (best effort, see above)."""
    seconds = max(float(seconds), 0.001)
    if _itimer_usable():
        start = _clock()
        previous_handler = signal.signal(signal.SIGALRM, _on_alarm)
        outer = signal.getitimer(signal.ITIMER_REAL)[0]
        signal.setitimer(signal.ITIMER_REAL, min(seconds, outer) if outer > 0 else seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
            if outer > 0:  # an outer deadline keeps running, less the time spent here
                left = outer - (_clock() - start)
                signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
        return
    if not _monitor.available:  # Python 3.11 off the main thread: prediction only
        yield
        return
    outer = _monitor.deadline
    mine = min(_clock() + seconds, outer)
    time.sleep = _bounded_sleep
    _monitor.start(mine)
    try:
        yield
    finally:
        if outer == math.inf:
            _monitor.stop()
            time.sleep = _real_sleep
        else:
            _monitor.deadline = outer


# ---------------------------------------------------------------- module state

_MODULES = [builtins, math, copy, np, np.linalg, np.random]


def _snapshot() -> list[dict]:
    return [dict(vars(module)) for module in _MODULES]


def _restore(snapshot: list[dict]) -> None:
    """Put back every name a snapshot holds (names added since are left alone)."""
    for module, saved in zip(_MODULES, snapshot, strict=True):
        namespace = vars(module)
        for name, value in saved.items():
            if namespace.get(name, _ABSENT) is not value:
                namespace[name] = value


_ABSENT = object()
_PRISTINE = _snapshot()
_PRINT_OPTIONS = np.get_printoptions()


class CappedText(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int = PRINT_LIMIT) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.total = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        self.total += len(text)
        room = self.limit - self.kept
        if room > 0:
            piece = text[:room]
            self.parts.append(piece)
            self.kept += len(piece)
        return len(text)

    def text(self) -> str:
        shown = "".join(self.parts)
        if self.total > self.kept:
            shown += (
                f"\n[… {self.total - self.kept:,} more characters printed by your code "
                "during the check are not shown]"
            )
        return shown


@contextlib.contextmanager
def quiet(stdout: bool = False):
    """No warnings, no NumPy floating-point complaints, nothing on stderr (nor stdout)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        with contextlib.redirect_stderr(CappedText(0)):
            if not stdout:
                yield
                return
            with contextlib.redirect_stdout(CappedText(0)):
                yield


@contextlib.contextmanager
def contained(printed: CappedText):
    """The whole check: pristine modules, quiet, the learner's output captured and capped;
    on the way out, everything as it was before (the learner's own earlier patches too)."""
    outer = _snapshot()
    recursion = sys.getrecursionlimit()
    stdout, stderr = sys.stdout, sys.stderr
    _restore(_PRISTINE)
    try:
        with (
            warnings.catch_warnings(),
            np.errstate(all="ignore"),
            np.printoptions(**_PRINT_OPTIONS),
            contextlib.redirect_stdout(printed),
            contextlib.redirect_stderr(CappedText(0)),
        ):
            warnings.simplefilter("ignore")
            yield
    finally:
        _restore(outer)
        sys.setrecursionlimit(recursion)
        sys.stdout, sys.stderr = stdout, stderr


@contextlib.contextmanager
def trusted():
    """Bank code (reference, cases, wrong answers) inside a check: silent, with pristine
    modules and the default NumPy error state, whatever the learner's code did before."""
    _restore(_PRISTINE)
    with quiet(stdout=True):
        yield


# ---------------------------------------------------------------- calling the learner


@dataclass
class Outcome:
    """One call of the learner's code: a value, an exception, or a timeout."""

    ok: bool
    value: object = None
    error: BaseException | None = None
    seconds: float = 0.0
    timed_out: bool = False


def run_learner(function, args: tuple = (), limit: float | None = None) -> Outcome:
    """Call ``function(*args)`` under a deadline; never raises except KeyboardInterrupt.

    The caller passes private copies of the arguments. Afterwards the pristine module
    namespaces, NumPy's error state and the recursion limit are back, whatever it did."""
    limit = budget() if limit is None else limit
    recursion = sys.getrecursionlimit()
    start = _clock()
    try:
        try:
            with np.errstate(all="ignore"), deadline(limit):
                value = function(*args)
        finally:
            seconds = _clock() - start
            _restore(_PRISTINE)
            sys.setrecursionlimit(recursion)
    except Timeout:
        return Outcome(False, seconds=seconds, timed_out=True)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - the learner's code may raise anything
        return Outcome(False, error=exc, seconds=seconds)
    if seconds > limit:  # the learner's code swallowed the Timeout with a bare except
        return Outcome(False, seconds=seconds, timed_out=True)
    return Outcome(True, value=value, seconds=seconds)


def guarded(function, *args, limit: float | None = None):
    """Call engine code that may run the learner's code indirectly (``__array__``,
    ``__eq__``, ``__float__`` of a returned object): ``(True, value)`` or ``(False, outcome)``."""
    outcome = run_learner(function, args, limit)
    return (True, outcome.value) if outcome.ok else (False, outcome)


def safe_str(value, limit: int = 120) -> str:
    """``str(value)`` shortened to one line; never raises (``__str__`` may)."""
    try:
        text = str(value)
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001
        try:
            text = f"<{type(value).__name__} that cannot be printed>"
        except BaseException:  # noqa: BLE001
            text = "<an object that cannot be printed>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_deepcopy(value):
    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - e.g. a generator: pass it as it is
        return value
