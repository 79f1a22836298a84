"""Generation: the chapter notebook runs clean with the starters, holds no hint or solution,
and the compiled JSON bank serves the browser without PyYAML."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import nbformat
import pytest
from test_exercise_support import BANK_DIR, REPO

from mfml.exercises.bank import compile_bank, load_json_bank, load_yaml_bank
from mfml.exercises.build import build, main
from mfml.exercises.instance import Instance

CH19 = BANK_DIR / "ch19.yml"


def load_execute():
    spec = importlib.util.spec_from_file_location("execute", REPO / "scripts" / "execute.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("execute", module)  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module.execute


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    bank_dir = out / "bank"
    bank_dir.mkdir()
    (bank_dir / "ch19.yml").write_text(CH19.read_text(encoding="utf-8"), encoding="utf-8")
    entries = build(bank_dir, out / "notebooks", out / "json")
    return out, entries


def test_manifest_entries(built):
    _, entries = built
    bank = load_yaml_bank(CH19)
    assert [e["id"] for e in entries] == [s.id for s in bank.exercises]
    first = entries[0]
    assert set(first) == {
        "id",
        "chapter",
        "number",
        "level",
        "title",
        "kind",
        "hints",
        "has_variants",
        "automatic",
    }
    assert first["chapter"] == 19 and first["number"] == 1
    assert sum(e["has_variants"] for e in entries) >= 3


def test_notebook_layout(built):
    out, _ = built
    notebook = nbformat.read(out / "notebooks" / "ch19-exercises.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec == {
        "name": "python",
        "display_name": "Python (Pyodide)",
        "language": "python",
    }
    cells = notebook.cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# Exercises")
    assert cells[1].source.startswith("import mfml\n") and "from mfml.exercises import ex" in (
        cells[1].source
    )
    bank = load_yaml_bank(CH19)
    for index, spec in enumerate(bank.exercises):
        prompt, buttons, starter, check = cells[2 + 4 * index : 6 + 4 * index]
        assert prompt.source == f"## {spec.id} · Level {spec.level} ({spec.level_name}) · " + (
            spec.title
        )
        assert buttons.source == f'ex("{spec.id}")'
        # the prompt is the stored output of the ex() cell, replaced by the widget on a run
        shown = buttons.outputs[0]["data"]["text/markdown"]
        assert shown == Instance(spec).prompt
        assert starter.source.startswith("# ✎ Your answer")
        assert starter.source.endswith(spec.starter.rstrip())
        assert check.source == f'ex("{spec.id}").check({spec.check.answer})'


def test_notebook_holds_no_hint_and_no_solution(built):
    out, _ = built
    text = (out / "notebooks" / "ch19-exercises.ipynb").read_text(encoding="utf-8")
    notebook = nbformat.reads(text, as_version=4)
    sources = "\n".join(cell.source for cell in notebook.cells)
    for spec in load_yaml_bank(CH19).exercises:
        visible = spec.prompt + spec.starter
        for hint in spec.hints:
            assert hint.strip()[:60] not in sources, spec.id
        for paragraph in spec.explanation.split("\n\n"):
            assert paragraph.strip()[:60] not in sources, spec.id
        for line in spec.solution_code.splitlines():
            line = line.strip()
            if len(line) >= 20 and line not in visible:
                assert line not in sources, (spec.id, line)
        assert spec.solution_code not in text


def test_generated_notebook_runs_clean_with_the_starters(built, tmp_path, monkeypatch):
    out, _ = built
    monkeypatch.setenv("MFML_PROGRESS", str(tmp_path / "progress.json"))
    monkeypatch.setenv("MFML_BANK_DIR", str(out / "json"))
    execute = load_execute()
    problems = execute(out / "notebooks" / "ch19-exercises.ipynb", cwd=tmp_path)
    assert problems == [], "\n".join(str(p) for p in problems)
    # an untouched notebook records no attempt, so it unlocks no solution
    records = json.loads((tmp_path / "progress.json").read_text())["exercises"]
    assert all(r["attempts"] == 0 for r in records.values())


def test_compiled_json_matches_the_yaml(built):
    out, _ = built
    from_yaml = load_yaml_bank(CH19).to_json()
    from_json = load_json_bank(out / "json" / "ch19.json").to_json()
    assert from_json == from_yaml
    # only wrong answers with a learner-facing message reach the browser
    for entry in json.loads((out / "json" / "ch19.json").read_text())["exercises"]:
        assert all(w.get("message") for w in entry.get("wrong", [])), entry["id"]


def test_runtime_uses_compiled_json_without_yaml(built, tmp_path):
    out, _ = built
    code = (
        "import sys; sys.modules['yaml'] = None\n"  # any yaml import would now fail
        "from mfml.exercises import ex\n"
        "print(ex('19.1').check('b').category)\n"
    )
    env = {"MFML_BANK_DIR": str(out / "json"), "MFML_PROGRESS": str(tmp_path / "p.json")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.stdout.strip() == "correct", result.stderr


def test_compile_bank_names_the_file_by_chapter(tmp_path):
    target = compile_bank(CH19, tmp_path / "bank_data")
    assert target.name == "ch19.json"
    assert json.loads(target.read_text())["chapter"] == 19


def test_cli_writes_notebooks_json_and_manifest(tmp_path, capsys):
    bank_dir = tmp_path / "bank"
    bank_dir.mkdir()
    (bank_dir / "ch19.yml").write_text(CH19.read_text(encoding="utf-8"), encoding="utf-8")
    status = main(
        [
            "build",
            "--bank",
            str(bank_dir),
            "--notebooks",
            str(tmp_path / "nb"),
            "--bank-json",
            str(tmp_path / "json"),
            "--manifest",
            str(tmp_path / "m.json"),
        ]
    )
    assert status == 0
    assert (tmp_path / "nb" / "ch19-exercises.ipynb").is_file()
    assert (tmp_path / "json" / "ch19.json").is_file()
    manifest = json.loads((tmp_path / "m.json").read_text())
    assert len(manifest) == len(load_yaml_bank(CH19).exercises)
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert printed == manifest
