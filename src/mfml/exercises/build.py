"""Validate every bank, write each chapter's exercise notebook and compiled JSON, and list
the exercises for the course manifest.

    python -m mfml.exercises build --bank exercises --notebooks OUT --bank-json OUT2 \\
        [--manifest manifest.json]

Exit status 1, with ``file:line: message`` lines, when a bank is wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat

from .bank import bank_files, compile_bank, load_yaml_bank
from .errors import BankError
from .notebook import chapter_notebook, notebook_name
from .spec import Bank
from .validate import validate_bank


def manifest_entries(bank: Bank) -> list[dict]:
    """One entry per exercise: what the home page and the course manifest need."""
    return [
        {
            "id": spec.id,
            "chapter": spec.chapter,
            "number": spec.number,
            "level": spec.level,
            "title": spec.title,
            "kind": spec.check.kind,
            "hints": len(spec.hints),
            "has_variants": spec.has_variants,
            "automatic": spec.automatic,
        }
        for spec in bank.exercises
    ]


def build(
    bank_dir: Path | str,
    notebooks_dir: Path | str | None = None,
    json_dir: Path | str | None = None,
) -> list[dict]:
    """Validate all ``chNN.yml`` in bank_dir, write outputs, return the manifest entries.

    Raises BankError at the first problem. Nothing is written unless every bank is valid.
    """
    sources = [p for p in bank_files(Path(bank_dir)) if p.suffix == ".yml"]
    banks = []
    for source in sources:
        bank = load_yaml_bank(source)
        validate_bank(bank)
        banks.append((source, bank))
    entries = []
    for source, bank in banks:
        if notebooks_dir is not None:
            target = Path(notebooks_dir) / notebook_name(bank.chapter)
            target.parent.mkdir(parents=True, exist_ok=True)
            # sources and outputs as whole strings, not lists of lines: JupyterLab's table
            # of contents reads a Markdown output's text as one string
            text = nbformat.writes(chapter_notebook(bank), split_lines=False)
            target.write_text(text + "\n", encoding="utf-8")
        if json_dir is not None:
            compile_bank(source, json_dir)
        entries += manifest_entries(bank)
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mfml.exercises")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="validate banks, write notebooks and JSON")
    make.add_argument("--bank", default="exercises", help="folder of chNN.yml files")
    make.add_argument("--notebooks", help="where chNN-exercises.ipynb go")
    make.add_argument("--bank-json", help="where compiled chNN.json go (mfml/bank_data)")
    make.add_argument("--manifest", help="write the manifest entries to this JSON file")
    check = commands.add_parser("validate", help="validate banks only")
    check.add_argument("--bank", default="exercises")
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            entries = build(args.bank)
        else:
            entries = build(args.bank, args.notebooks, args.bank_json)
    except BankError as exc:
        print(exc, file=sys.stderr)
        return 1
    if getattr(args, "manifest", None):
        Path(args.manifest).write_text(json.dumps(entries, indent=1) + "\n", encoding="utf-8")
    for entry in entries:
        print(json.dumps(entry))
    chapters = {e["chapter"] for e in entries}  # numbers, and "C" for the capstone's bank
    print(f"ok: {len(entries)} exercises in {len(chapters)} chapter(s)", file=sys.stderr)
    return 0
