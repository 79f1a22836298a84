"""Shared fixtures for the exercise-engine tests: a small bank of every check kind."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mfml.exercises import bank, handle
from mfml.exercises.bank import load_yaml_bank
from mfml.exercises.progress import ProgressStore

REPO = Path(__file__).resolve().parents[2]
BANK_DIR = REPO / "exercises"

SAMPLE = textwrap.dedent(
    """\
    chapter: 99
    title: Test chapter
    exercises:
      - id: "99.1"
        level: 1
        title: A product
        params: |
          a = int(rng.integers(2, 1000))
          b = int(rng.integers(2, 1000))
        prompt: |
          Compute ${a} \\times {b}$.
        starter: |
          answer = ...
        hints:
          - Multiply the two numbers.
          - "In Python: `a * b`."
        solution:
          explanation: |
            The product is SOLUTION-MARK-1.
          code: |
            answer = a * b
        check:
          kind: number
        wrong:
          - code: answer = a + b
            feedback: incorrect
            message: "You added {a} and {b}: the task multiplies them."
      - id: "99.2"
        level: 2
        title: An array
        prompt: Build the array.
        starter: answer = ...
        hints: [One., Two.]
        solution:
          explanation: SOLUTION-MARK-2
          code: answer = np.arange(6.0).reshape(2, 3) * 1.5 + 0.25
        check:
          kind: array
        wrong:
          - code: answer = np.arange(6.0).reshape(3, 2) * 1.5 + 0.25
            feedback: wrong_shape
      - id: "99.3"
        level: 2
        title: A function
        prompt: Write square(x).
        starter: |
          def square(x):
              ...
        hints: [One., Two.]
        solution:
          explanation: SOLUTION-MARK-3
          code: |
            def square(x):
                return np.asarray(x) ** 2
        check:
          kind: function
          answer: square
          cases: |
            cases = [(np.arange(3.0),), (2.0,), (np.zeros((0,)),), (np.ones((2, 2)),)]
        wrong:
          - code: |
              def square(x):
                  return x * 2
            feedback: incorrect
            message: Doubling is not squaring.
      - id: "99.4"
        level: 1
        title: One choice
        prompt: Pick.
        starter: answer = ...
        hints: [One., Two.]
        solution:
          explanation: SOLUTION-MARK-4
          code: answer = "b"
        check:
          kind: choice
          options: [x, y, z]
          correct: b
        wrong:
          - code: answer = "a"
            feedback: incorrect
            message: Option (a) describes something else.
      - id: "99.5"
        level: 1
        title: Several choices
        prompt: Pick all.
        starter: answer = ...
        hints: [One., Two.]
        solution:
          explanation: SOLUTION-MARK-5
          code: answer = ["a", "c"]
        check:
          kind: choice
          options: [x, y, z, w]
          correct: [a, c]
        wrong:
          - code: answer = ["a"]
            feedback: incorrect
      - id: "99.6"
        level: 3
        title: An expression
        prompt: Write f(x, y).
        starter: |
          def f(x, y):
              ...
        hints: [One., Two., Three.]
        solution:
          explanation: SOLUTION-MARK-6
          code: |
            def f(x, y):
                return x * y + 1
        check:
          kind: expression
          answer: f
          variables: [x, y]
          domain: {x: [-2, 2], y: [0.5, 3]}
        wrong:
          - code: |
              def f(x, y):
                  return x * y
            feedback: incorrect
            message: The constant term is missing.
      - id: "99.7"
        level: 4
        title: A rubric
        prompt: Discuss.
        starter: met = []
        hints: [One., Two., Three.]
        solution:
          explanation: SOLUTION-MARK-7
          code: print("an experiment")
        check:
          kind: rubric
          rubric: [First criterion, Second criterion]
    """
)


def write_sample(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ch99.yml"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


@pytest.fixture
def sample_bank(tmp_path):
    return load_yaml_bank(write_sample(tmp_path / "bank"))


@pytest.fixture
def session(tmp_path, monkeypatch):
    """ex() reads the sample bank; progress goes to a temporary file."""
    write_sample(tmp_path / "bank")
    monkeypatch.setenv("MFML_BANK_DIR", str(tmp_path / "bank"))
    store = ProgressStore(tmp_path / "progress.json")
    bank.clear_cache()
    handle.reset_session(store)
    yield store
    bank.clear_cache()
    handle.reset_session()
