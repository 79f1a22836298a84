"""Every bank file in exercises/: references pass, wrong answers get their feedback, and each
chapter meets the course's writing standard. New chapter files are picked up automatically."""

from __future__ import annotations

import pytest
from test_exercise_support import BANK_DIR

from mfml.exercises.bank import bank_files, load_yaml_bank
from mfml.exercises.checks import quiet, run_check
from mfml.exercises.instance import Instance
from mfml.exercises.validate import validate_exercise

BANK_PATHS = [p for p in bank_files(BANK_DIR) if p.suffix == ".yml"]
BANKS = {p.name: load_yaml_bank(p) for p in BANK_PATHS}
EXERCISES = [
    pytest.param(spec, id=f"{name}:{spec.id}") for name, b in BANKS.items() for spec in b.exercises
]
AUTOMATIC = [p for p in EXERCISES if p.values[0].automatic]
MINIMUM_PER_LEVEL = {1: 3, 2: 5, 3: 4, 4: 2}


def test_the_sample_chapter_is_there():
    assert "ch19.yml" in BANKS


@pytest.mark.parametrize("spec", AUTOMATIC)
def test_reference_solution_passes_its_own_check(spec):
    instance = Instance(spec)
    with quiet(stdout=True):
        namespace = instance.run(spec.solution_code, "solution")
    feedback = run_check(instance, namespace[spec.check.answer])
    assert feedback.category == "correct", str(feedback)


@pytest.mark.parametrize("spec", AUTOMATIC)
def test_every_wrong_answer_gets_its_declared_feedback(spec):
    instance = Instance(spec)
    assert spec.wrong, "automatic checks declare wrong answers"
    for wrong in spec.wrong:
        with quiet(stdout=True):
            namespace = instance.run(wrong.code, "wrong")
        feedback = run_check(instance, namespace[spec.check.answer])
        assert feedback.category == wrong.feedback, f"{wrong.code!r}: {feedback}"


@pytest.mark.parametrize("spec", EXERCISES)
def test_exercise_validates_fully(spec):
    """Solution code runs, texts fill, variants hold, starter reports not_attempted."""
    validate_exercise(spec)


@pytest.mark.parametrize("name", sorted(BANKS))
def test_chapter_meets_the_course_standard(name):
    exercises = BANKS[name].exercises
    assert len(exercises) >= 16
    for level, minimum in MINIMUM_PER_LEVEL.items():
        count = sum(spec.level == level for spec in exercises)
        assert count >= minimum, f"level {level}: {count} < {minimum}"
    for spec in exercises:
        assert len(spec.hints) >= (3 if spec.level >= 3 else 2), spec.id
    assert sum(spec.has_variants for spec in exercises) >= 3


def test_whole_bank_is_at_least_70_percent_automatic():
    specs = [spec for b in BANKS.values() for spec in b.exercises]
    assert sum(spec.automatic for spec in specs) >= 0.7 * len(specs)


def test_sample_chapter_uses_every_check_kind():
    kinds = {spec.check.kind for spec in BANKS["ch19.yml"].exercises}
    assert kinds == {"number", "array", "function", "choice", "expression", "rubric"}
