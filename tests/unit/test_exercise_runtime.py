"""The notebook API: hints in order, gated solutions, variants, progress, and the buttons."""

from __future__ import annotations

import json

import pytest
from test_exercise_support import session  # noqa: F401  (fixture)

from mfml.exercises import ex, export_progress, import_progress, load_progress
from mfml.exercises.handle import instance_of, spec_of
from mfml.exercises.instance import Instance
from mfml.exercises.progress import MEMORY_NOTICE, ProgressStore


def test_ex_returns_one_shared_handle(session):  # noqa: F811
    assert ex("99.1") is ex("99.1")
    assert ex(" 99.1 ").id == "99.1"
    with pytest.raises(LookupError, match="99.1 to 99.7"):
        ex("99.40")
    with pytest.raises(ValueError):
        ex("nonsense")


def test_hints_come_one_at_a_time_in_order(session):  # noqa: F811
    exercise = ex("99.1")
    first, second, third = exercise.hint(), exercise.hint(), exercise.hint()
    assert str(first).startswith("**Hint 1 of 2.** Multiply")
    assert str(second).startswith("**Hint 2 of 2.** In Python")
    assert "No more hints" in str(third)
    assert exercise.progress()["hints_used"] == 2


def test_solution_is_gated_until_an_attempt(session):  # noqa: F811
    exercise = ex("99.1")
    assert "opens after your first attempt" in str(exercise.solution(confirm=True))
    exercise.check(...)  # the untouched starter is not an attempt
    assert not exercise.can_reveal()
    exercise.check(-1)
    assert exercise.can_reveal()
    unconfirmed = str(exercise.solution())
    assert "SOLUTION-MARK-1" not in unconfirmed and "confirm=True" in unconfirmed
    assert "SOLUTION-MARK-1" in str(exercise.solution(confirm=True))
    assert exercise.progress()["status"] == "revealed"


def test_all_hints_also_open_the_solution(session):  # noqa: F811
    exercise = ex("99.2")
    exercise.hint()
    assert not exercise.can_reveal()
    exercise.hint()
    assert "SOLUTION-MARK-2" in str(exercise.solution(confirm=True))


def test_same_seed_same_numbers_and_the_check_follows_the_variant(session):  # noqa: F811
    exercise = ex("99.1")
    spec = spec_of(exercise)
    assert Instance(spec).params == exercise.params  # the notebook's prompt matches ex()
    assert Instance(spec, 7).params == Instance(spec, 7).params
    default = exercise.params
    old_answer = default["a"] * default["b"]
    assert exercise.check(old_answer).correct
    assert not exercise.variant_drawn
    seed = next(s for s in range(100) if Instance(spec, s).params != default)
    text = str(exercise.new_variant(seed))
    new = exercise.params
    assert f"{new['a']}" in text and "New variant" in text and "original variant" in text
    assert exercise.variant_drawn
    stale = exercise.check(old_answer)  # right for the previous numbers: said so, not "wrong"
    assert stale.category == "other_variant" and "previous variant" in stale.message
    assert exercise.check(old_answer + 1).category == "incorrect"
    assert exercise.check(new["a"] * new["b"]).correct


def test_new_variant_without_params_says_so(session):  # noqa: F811
    assert "no variants" in str(ex("99.2").new_variant())


def test_params_are_a_copy(session):  # noqa: F811
    exercise = ex("99.1")
    exercise.params["a"] = -5
    assert exercise.params["a"] != -5


def test_every_check_is_recorded(session):  # noqa: F811
    exercise = ex("99.4")
    exercise.check("a")
    exercise.check("b")
    record = load_progress()["exercises"]["99.4"]
    assert record["attempts"] == 2 and record["status"] == "correct"
    assert record["first"] <= record["last"]
    exercise.check("a")  # a later wrong answer keeps the better status
    assert exercise.progress()["status"] == "correct"


def test_rubric_success_is_self_assessed(session):  # noqa: F811
    ex("99.7").check([1, 2])
    assert ex("99.7").progress()["status"] == "self_assessed"


def test_progress_survives_a_new_session_and_keeps_other_records(tmp_path):
    path = tmp_path / "progress.json"
    other = ProgressStore(path)
    other.checked("1.1", "correct")
    mine = ProgressStore(path)
    mine.hinted("19.4", 2)
    other.checked("1.2", "incorrect")  # written after mine: mine must not erase it later
    mine.checked("19.4", "incorrect")
    records = json.loads(path.read_text())["exercises"]
    assert set(records) == {"1.1", "1.2", "19.4"}
    assert records["19.4"]["hints_used"] == 2 and records["19.4"]["attempts"] == 1
    assert json.loads(path.read_text())["version"] == 1


def test_memory_fallback_tells_the_learner_once(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    notices = []
    store = ProgressStore(blocker / "progress.json", notify=notices.append)
    store.checked("19.1", "incorrect")
    store.hinted("19.1", 1)
    store.checked("19.1", "correct")
    assert notices == [MEMORY_NOTICE]
    assert "export_progress" in MEMORY_NOTICE
    assert store.record("19.1")["status"] == "correct"
    assert store.record("19.1")["attempts"] == 2


def test_export_and_import_round_trip_and_merge(session, tmp_path):  # noqa: F811
    ex("99.4").check("b")
    ex("99.1").hint()
    saved = export_progress(tmp_path / "saved.json")
    exported = json.loads(saved.read_text())
    assert set(exported["exercises"]) == {"99.4", "99.1"}

    other = ProgressStore(tmp_path / "other.json")
    other.checked("99.4", "incorrect")
    other.checked("99.4", "incorrect")
    other.checked("99.4", "incorrect")
    other.hinted("50.1", 1)
    assert other.import_(saved) == 2
    merged = other.data()["exercises"]
    assert merged["99.4"]["status"] == "correct"  # the better status
    assert merged["99.4"]["attempts"] == 3  # the larger count
    assert merged["99.1"]["hints_used"] == 1
    assert "50.1" in merged
    assert import_progress(tmp_path / "other.json") == 3


def test_import_rejects_a_foreign_file(session, tmp_path):  # noqa: F811
    path = tmp_path / "foreign.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(ValueError, match="not an mfml progress file"):
        import_progress(path)


def test_a_broken_progress_store_never_breaks_a_check(session, monkeypatch):  # noqa: F811
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(session, "checked", broken)
    assert ex("99.4").check("b").correct


# ---------------------------------------------------------------- buttons


def test_buttons_follow_the_gating_rules(session):  # noqa: F811
    exercise = ex("99.1")
    exercise.widget()
    ui = exercise._ui
    for part, css in [
        (ui.hint_button, "mfml-hint"),
        (ui.solution_button, "mfml-solution"),
        (ui.confirm_button, "mfml-confirm"),
        (ui.variant_button, "mfml-variant"),
        (ui.prompt, "mfml-prompt"),
        (ui.status, "mfml-status"),
    ]:
        assert css in part._dom_classes
    assert ui.prompt.outputs[0]["data"]["text/markdown"] == exercise.prompt.markdown
    assert exercise.title not in str(ui.box.children[0])  # the heading has it, once
    assert ui.solution_button.disabled
    ui.hint_button.click()
    assert "Hint 1 of 2" in ui.hints.outputs[0]["data"]["text/markdown"]
    assert ui.solution_button.disabled
    feedback = exercise.check(3)
    # the feedback box shows once, under the check cell; the widget only notes the status
    assert "mfml-feedback-incorrect" in feedback._repr_html_()
    assert ui.feedback.value == ""
    assert "Last check: ✗ Not correct yet" in ui.status.value
    assert not ui.solution_button.disabled
    assert ui.confirm_button.layout.display == "none"
    ui.solution_button.click()  # first click only asks
    assert ui.solution.outputs == ()
    assert ui.confirm_button.layout.display != "none"
    ui.confirm_button.click()  # the deliberate second click
    assert "SOLUTION-MARK-1" in ui.solution.outputs[0]["data"]["text/markdown"]
    before = exercise.params
    ui.variant_button.click()
    assert exercise.params != before or exercise.seed != Instance(exercise.spec).seed
    assert "New variant" in ui.prompt.outputs[0]["data"]["text/markdown"]
    assert ui.solution.outputs == ()


def test_rubric_buttons_record_self_assessment(session):  # noqa: F811
    exercise = ex("99.7")
    exercise.widget()
    for box in exercise._ui.criteria:
        box.value = True
    exercise._ui.box.children[-3].children[-1].click()
    assert exercise.progress()["status"] == "self_assessed"


def test_no_public_path_from_the_handle_to_the_answer(session):  # noqa: F811
    exercise = ex("99.1")
    reference = instance_of(exercise).reference
    assert not hasattr(exercise, "spec") and not hasattr(exercise, "_instance")
    assert not hasattr(exercise, "solution_markdown")
    for name in dir(exercise):
        if name.startswith("__") or name in ("widget", "_ipython_display_"):
            continue
        value = getattr(exercise, name)
        if callable(value):
            continue
        assert value is not reference and "SOLUTION-MARK" not in repr(value), name
    assert all("SOLUTION-MARK" not in repr(v) for v in vars(exercise).values())
    # the only way to the solution is the gate
    assert "SOLUTION-MARK-1" not in str(exercise.solution(confirm=True))
