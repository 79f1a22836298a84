"""Where the exercise bank comes from, and reading it (YAML in the repository, JSON in a wheel).

At run time, in order: ``$MFML_BANK_DIR`` (``chNN.yml``, or compiled ``chNN.json``); the
package's ``mfml/bank_data/chNN.json`` (compiled by the build, so the browser never needs a
YAML parser); the repository's ``exercises/`` folder next to ``src/``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .errors import BankError
from .spec import CAPSTONE, Bank, bank_stem, parse_bank

PACKAGE_DATA = Path(__file__).resolve().parent.parent / "bank_data"
BANK_NAME = re.compile(r"^(?:ch(\d+)|capstone)\.(yml|json)$")  # chNN, or the capstone's bank


def repository_bank_dir() -> Path:
    import mfml

    return Path(mfml.__file__).resolve().parents[2] / "exercises"


def bank_dirs() -> list[Path]:
    """Folders searched for a chapter's bank, first match wins."""
    dirs = []
    if os.environ.get("MFML_BANK_DIR"):
        dirs.append(Path(os.environ["MFML_BANK_DIR"]))
    dirs += [PACKAGE_DATA, repository_bank_dir()]
    return dirs


def bank_files(folder: Path) -> list[Path]:
    """The ``chNN.yml`` / ``chNN.json`` files of a folder, by chapter number, then the
    capstone's ``capstone.yml`` / ``capstone.json``."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if BANK_NAME.match(p.name)]

    def order(p: Path) -> tuple:
        number = BANK_NAME.match(p.name).group(1)
        return (number is None, int(number or 0), p.suffix)

    return sorted(found, key=order)


def load_yaml_bank(path: Path | str) -> Bank:
    """Read and structurally validate one ``chNN.yml`` (raises BankError)."""
    from .yamlmarks import load  # PyYAML is a build-time need only

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BankError(str(path), 0, f"cannot read: {exc.strerror}") from None
    return parse_bank(load(text, str(path)), str(path))


def load_json_bank(path: Path | str) -> Bank:
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    return parse_bank(data, str(path), require_wrong=False)


def load_bank(path: Path | str) -> Bank:
    path = Path(path)
    return load_json_bank(path) if path.suffix == ".json" else load_yaml_bank(path)


def find_chapter(chapter: int | str) -> Path:
    for folder in bank_dirs():
        for suffix in (".json", ".yml"):
            candidate = folder / f"{bank_stem(chapter)}{suffix}"
            if candidate.is_file():
                return candidate
    searched = ", ".join(str(d) for d in bank_dirs())
    what = "the capstone" if chapter == CAPSTONE else f"chapter {chapter}"
    raise LookupError(f"no exercise bank for {what} (searched {searched})")


_cache: dict[int | str, Bank] = {}


def chapter_bank(chapter: int | str) -> Bank:
    """The bank of one chapter, loaded once per session."""
    if chapter not in _cache:
        _cache[chapter] = load_bank(find_chapter(chapter))
    return _cache[chapter]


def clear_cache() -> None:
    _cache.clear()


def compile_bank(source: Path | str, destination: Path | str) -> Path:
    """Write a validated YAML bank as the JSON the browser loads (``chNN.json``)."""
    bank = load_yaml_bank(source)
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    target = destination / f"{bank_stem(bank.chapter)}.json"
    text = json.dumps(bank.to_json(), indent=1, ensure_ascii=False, sort_keys=True)
    target.write_text(text + "\n", encoding="utf-8")
    return target
