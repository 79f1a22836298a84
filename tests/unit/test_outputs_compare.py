"""tests/outputs.py: the shipped (CPython) text outputs against the browser kernel's, with
made-up cells that must match and must not."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from outputs import compare_outputs, numbers_agree  # noqa: E402

PATH = "chapters/part1/ch01-numbers.ipynb"


def stdout(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def result(text, count=1):
    return {
        "output_type": "execute_result",
        "execution_count": count,
        "data": {"text/plain": text},
        "metadata": {},
    }


def shipped(*outputs_per_cell):
    cells = [{"cell_type": "markdown", "source": "# Title", "metadata": {}}]
    for n, outputs in enumerate(outputs_per_cell, 1):
        cells.append(
            {"cell_type": "code", "source": "", "execution_count": n, "outputs": list(outputs)}
        )
    return cells


def browser(*outputs_per_cell):
    return [{"count": n, "outputs": list(o)} for n, o in enumerate(outputs_per_cell, 1)]


def test_equal_outputs_match_whatever_the_stream_chunks():
    ship = shipped([stdout("a = 1\nb = 2\n")], [result("array([1, 2, 3])")])
    run = browser([stdout("a = 1\n"), stdout("b = 2\n")], [result(["array([1, ", "2, 3])"])])
    assert compare_outputs(ship, run, PATH) == []


def test_a_different_number_is_reported_with_notebook_and_cell():
    ship = shipped([stdout("x\n")], [stdout("det = 3.0\n")])
    run = browser([stdout("x\n")], [stdout("det = 4.0\n")])
    (diff,) = compare_outputs(ship, run, PATH)
    assert diff.startswith(f"{PATH}: cell 2: ")
    assert "3.0" in diff and "4.0" in diff


def test_an_integer_that_differs_is_never_noise():
    """int32 overflow in the browser: 2**31 wraps; must be reported unless allowlisted."""
    ship = shipped([result("2147483648")])
    run = browser([result("-2147483648")])
    assert len(compare_outputs(ship, run, PATH)) == 1
    ship = shipped([stdout("count = 10\n")])
    run = browser([stdout("count = 11\n")])
    assert len(compare_outputs(ship, run, PATH)) == 1


def test_float_noise_at_the_last_digit_matches():
    ship = shipped([stdout("0.7071067811865476\n")], [result("array([1.        , 0.33333333])")])
    run = browser([stdout("0.7071067811865475\n")], [result("array([1.        , 0.33333334])")])
    assert compare_outputs(ship, run, PATH) == []


def test_a_float_off_by_more_than_the_last_digit_is_reported():
    ship = shipped([stdout("0.7071067811865476\n")], [stdout("mean 0.33\n")])
    run = browser([stdout("0.7071067811865376\n")], [stdout("mean 0.35\n")])
    assert len(compare_outputs(ship, run, PATH)) == 2


def test_numbers_agree_rules():
    assert numbers_agree("0.5", "0.50")
    assert numbers_agree("1e-05", "1.0e-05")
    assert numbers_agree("1.0000000000000002", "1.0")  # within 1e-15 relative
    assert numbers_agree("0.30000000000000004", "0.3")
    assert numbers_agree("2.718", "2.719")  # 4 digits, one unit in the last
    assert not numbers_agree("2.718", "2.720")
    assert not numbers_agree("12", "13")
    assert not numbers_agree("1.5", "2.5")
    assert not numbers_agree("0.1", "0.2")


def test_memory_addresses_and_timings_are_not_compared():
    ship = shipped([stdout("<object at 0x7f3a12bc4d50>\nloop: 12.5 ms, vectorised: 0.31 ms\n")])
    run = browser([stdout("<object at 0x1a2b3c40>\nloop: 40.1 ms, vectorised: 1.2 ms\n")])
    assert compare_outputs(ship, run, PATH) == []


def test_text_around_the_numbers_must_match():
    ship = shipped([stdout("dtype: int64\n")])
    run = browser([stdout("dtype: int32\n")])
    assert len(compare_outputs(ship, run, PATH)) == 1


def test_a_known_difference_is_skipped_only_in_its_cell():
    allow = [(PATH, 1, "the browser's default int is int32")]
    ship = shipped([stdout("dtype: int64\n")], [stdout("dtype: int64\n")])
    run = browser([stdout("dtype: int32\n")], [stdout("dtype: int32\n")])
    (diff,) = compare_outputs(ship, run, PATH, allow=allow)
    assert "cell 2" in diff
    everywhere = [("ch01-numbers.ipynb", None, "int32 throughout")]
    assert compare_outputs(ship, run, PATH, allow=everywhere) == []
    elsewhere = [("ch02-sets-logic.ipynb", None, "another notebook")]
    assert len(compare_outputs(ship, run, PATH, allow=elsewhere)) == 2


def test_missing_or_extra_outputs_and_unrun_cells_are_reported():
    ship = shipped([stdout("a\n")], [result("1")], [])
    run = [
        {"count": 1, "outputs": []},
        {"count": 2, "outputs": [result("1"), result("2")]},
        {"count": None, "outputs": []},
    ]
    diffs = compare_outputs(ship, run, PATH)
    assert len(diffs) == 3
    assert "cell 1" in diffs[0] and "cell 2" in diffs[1]
    assert "cell 3: did not run" in diffs[2]


def test_a_different_number_of_code_cells_is_reported():
    diffs = compare_outputs(shipped([], []), browser([]), PATH)
    assert diffs == [f"{PATH}: 2 code cells shipped, 1 read in the browser"]


def test_figures_html_and_stderr_are_not_compared():
    png = {"output_type": "display_data", "data": {"image/png": "AAAA", "text/plain": "<Figure>"}}
    err = {"output_type": "stream", "name": "stderr", "text": "font cache\n"}
    ship = shipped([png, stdout("ok\n")])
    run = browser([stdout("ok\n"), err])
    assert compare_outputs(ship, run, PATH) == []


def test_every_known_difference_names_a_code_cell_of_a_course_notebook():
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_site
    from outputs import KNOWN_DIFFERENCES

    sources = sorted((ROOT / "content").rglob("*.md")) + sorted((ROOT / "labs").glob("*.md"))
    built = {build_site.site_path(s).as_posix(): s for s in sources}
    assert len(set(KNOWN_DIFFERENCES)) == len(KNOWN_DIFFERENCES), "an entry is listed twice"
    for path, cell, reason in KNOWN_DIFFERENCES:
        assert path in built, f"{path}: no such course notebook"
        assert reason.strip(), f"{path}: cell {cell}: no reason given"
        if cell is not None:
            nb = build_site.read_source(built[path])
            code = [c for c in nb.cells if c.cell_type == "code"]
            assert 1 <= cell <= len(code), f"{path}: there is no code cell {cell}"


def test_the_builds_run_this_cell_line_is_a_placeholder_not_an_output():
    sys.path.insert(0, str(ROOT / "scripts"))
    import prerender

    widget = {"output_type": "display_data", "data": {"text/plain": "HBox(children=...)"}}
    ship = shipped([stdout(prerender.LAB_LINE)], [stdout(prerender.EXERCISE_LINE)])
    ship[1]["outputs"].append(
        {"output_type": "display_data", "data": {"image/png": "iVBOR"}, "metadata": {}}
    )
    run = browser([widget], [])
    assert compare_outputs(ship, run, "labs/lab04-matrix-transform.ipynb") == []


def test_a_cell_the_build_did_not_run_is_not_compared():
    """An exercise set ships unexecuted (count None): its check cells print in the browser."""
    ship = shipped([stdout("x\n")], [])
    ship[2]["execution_count"] = None
    run = browser([stdout("x\n")], [stdout("8.1: Not attempted yet.\n")])
    assert compare_outputs(ship, run, "exercises/ch08-exercises.ipynb") == []
    ship[2]["execution_count"] = 2
    assert len(compare_outputs(ship, run, "exercises/ch08-exercises.ipynb")) == 1
