"""Timing a call so that the number means something, in CPython and in the browser kernel.

    import mfml
    t_loop, t_vec = mfml.best_time(loop), mfml.best_time(np.exp, x)

Why not time one call with two readings of ``time.perf_counter()``? Two reasons.

* The browser coarsens its clock on purpose (to 0.1 ms, 1 ms, or worse under some privacy
  settings, against Spectre-style timing attacks), and Pyodide's ``perf_counter`` is that
  clock. A call that takes 20 microseconds then measures as 0 s, or as one whole tick, and a
  ratio of two such times is noise or a ``ZeroDivisionError``. So each measurement repeats
  the call until at least ``min_seconds`` have passed and divides by the number of calls: the
  error of one tick is spread over all of them.
* One measurement is noisy: another process, the garbage collector or a cold cache slows it.
  Noise only ever adds time, so the fastest of ``repeat`` measurements is the best estimate of
  the call's own cost (the reasoning of Python's ``timeit``, whose documentation recommends
  the minimum).

Chapter 19 builds a version of this function step by step, as a lesson in measuring; the
other chapters use this one.
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import Any

__all__ = ["best_time"]


def best_time(
    f: Callable[..., Any], *args: Any, repeat: int = 5, min_seconds: float = 0.01
) -> float:
    """Seconds per call of ``f(*args)``: the fastest of ``repeat`` measurements.

    Each measurement calls ``f(*args)`` again and again until at least ``min_seconds`` have
    passed, then divides the time by the number of calls, so a fast call is never measured as
    0 s on a coarse clock (the browser's ticks by 0.1 ms or more). The result is always > 0.
    A slow call runs once per measurement: at least ``repeat`` calls in all, so pass
    ``repeat=1`` for a call that takes seconds. The return value of ``f`` is discarded;
    compute the result once more outside the timing when you need it.
    """
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, got {repeat}")
    if not min_seconds > 0:
        raise ValueError(f"min_seconds must be > 0, got {min_seconds}")
    best = float("inf")
    for _ in range(repeat):
        calls, start = 0, perf_counter()
        while True:
            f(*args)
            calls += 1
            elapsed = perf_counter() - start
            if elapsed >= min_seconds:
                break
        best = min(best, elapsed / calls)
    return best
