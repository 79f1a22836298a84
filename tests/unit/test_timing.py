"""mfml.best_time, the one timing helper the chapters share: seconds per call, best of
`repeat`, each measurement looping until `min_seconds` have passed (the browser's clock is
coarse, so a single fast call can read as 0 s)."""

from __future__ import annotations

import math
import time

import pytest

import mfml
from mfml import timing


class FakeClock:
    """A clock that moves only when told to, and reads in whole ticks like the browser's."""

    def __init__(self, tick: float = 0.0):
        self.now, self.tick = 0.0, tick

    def __call__(self) -> float:
        return math.floor(self.now / self.tick) * self.tick if self.tick else self.now


def test_exported_from_the_package():
    assert mfml.best_time is timing.best_time
    assert "best_time" in mfml.__all__


def test_a_known_sleep_is_measured():
    t = mfml.best_time(time.sleep, 0.02, repeat=2)
    assert 0.02 <= t < 0.02 + 0.08  # never less than the sleep; generous on a busy machine


def test_a_fast_call_never_reads_zero():
    for _ in range(3):
        t = mfml.best_time(lambda: None, min_seconds=0.002)
        assert 0 < t < 1e-3


def test_a_fast_call_on_a_coarse_clock(monkeypatch):
    """On a 1 ms clock one 2-microsecond call reads as 0 s; looping for 10 ms does not."""
    clock = FakeClock(tick=1e-3)
    monkeypatch.setattr(timing, "perf_counter", clock)

    def call():
        clock.now += 2e-6

    start = clock()
    call()
    assert clock() - start == 0  # the single-call reading the helper exists to avoid
    t = mfml.best_time(call)
    assert t > 0 and math.isclose(t, 2e-6, rel_tol=0.15)


def test_repeat_is_honoured_and_the_best_is_kept(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(timing, "perf_counter", clock)
    calls = []

    def timed(durations):
        """A call that lasts durations[k] at its k-th run (each outlasts min_seconds)."""
        it = iter(durations)

        def call():
            calls.append(1)
            clock.now += next(it)

        return call

    assert math.isclose(mfml.best_time(timed([0.05, 0.03, 0.02, 0.04]), repeat=4), 0.02)
    assert len(calls) == 4  # one call per measurement, four measurements
    calls.clear()
    assert math.isclose(mfml.best_time(timed([0.05, 0.03, 0.04, 0.06, 0.01])), 0.01)
    assert len(calls) == 5  # the default repeat is 5, and the fifth was the fastest


def test_a_measurement_loops_until_min_seconds(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(timing, "perf_counter", clock)
    calls = []

    def call(step):
        calls.append(step)
        clock.now += step

    t = mfml.best_time(call, 0.001, repeat=3, min_seconds=0.01)
    assert len(calls) == 3 * 10  # 10 calls of 1 ms reach 10 ms, in each of 3 measurements
    assert math.isclose(t, 0.001)


def test_arguments_are_passed_and_checked():
    seen = []
    mfml.best_time(lambda a, b: seen.append((a, b)), 1, "two", repeat=1, min_seconds=1e-4)
    assert seen and all(s == (1, "two") for s in seen)
    with pytest.raises(ValueError, match="repeat"):
        mfml.best_time(print, repeat=0)
    with pytest.raises(ValueError, match="min_seconds"):
        mfml.best_time(print, min_seconds=0)
