"""Running code the engine does not trust (the learner's) and code it does (the bank's),
so that neither can disturb a check: warnings and NumPy floating-point state are contained,
stderr is silenced, and anything raised is caught (KeyboardInterrupt excepted: it is the
learner's own Stop button and must stop the check too)."""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np


@contextlib.contextmanager
def quiet(stdout: bool = False):
    """No warnings, no NumPy floating-point complaints, nothing on stderr (nor stdout)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        with contextlib.redirect_stderr(io.StringIO()):
            if not stdout:
                yield
                return
            with contextlib.redirect_stdout(io.StringIO()):
                yield
