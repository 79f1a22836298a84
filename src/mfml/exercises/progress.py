"""The learner's progress: every check, hint and reveal, per exercise, kept in one JSON file.

Schema (``version`` 1)::

    {
      "version": 1,
      "exercises": {
        "19.4": {
          "status": "attempted",        # not_started | attempted | correct | revealed
                                        # | self_assessed
          "attempts": 3,                # checks with an answer (not the untouched starter)
          "hints_used": 2,              # most hints seen
          "revealed": false,            # the solution was shown
          "first": "2026-01-05T10:00:00+00:00",   # first event (UTC, ISO 8601)
          "last": "2026-01-05T10:20:00+00:00"     # latest event
        }
      }
    }

Where it is kept: ``$MFML_PROGRESS`` if set; in the browser (Pyodide) the learner's storage
``/drive/my-work/progress.json``, which survives reloads and which the home page reads;
elsewhere ``~/.mfml/progress.json``. Every write reads the file first and merges, so records
written by another notebook are never lost. If the file cannot be written, progress is kept in
memory and the learner is told once.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

VERSION = 1
BROWSER_PATH = "/drive/my-work/progress.json"
STATUSES = ("not_started", "attempted", "revealed", "self_assessed", "correct")
RANK = {status: rank for rank, status in enumerate(STATUSES)}  # higher is better

MEMORY_NOTICE = (
    "Note: your progress cannot be saved in this browser (storage is blocked, e.g. in an "
    "embedded page). It is kept only until this page is closed. To keep it, open the course "
    "in its own tab, or save it now and then with "
    "`from mfml.exercises import export_progress; export_progress('progress.json')` "
    "and download that file."
)


def default_path() -> Path:
    if os.environ.get("MFML_PROGRESS"):
        return Path(os.environ["MFML_PROGRESS"])
    if sys.platform == "emscripten":
        return Path(BROWSER_PATH)
    return Path.home() / ".mfml" / "progress.json"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_record() -> dict:
    return {
        "status": "not_started",
        "attempts": 0,
        "hints_used": 0,
        "revealed": False,
        "first": None,
        "last": None,
    }


def merge_records(a: dict, b: dict) -> dict:
    """The better status, the larger counts, the earliest first and latest last event."""
    out = new_record()
    status_a, status_b = a.get("status", "not_started"), b.get("status", "not_started")
    out["status"] = max(status_a, status_b, key=lambda s: RANK.get(s, 0))
    out["attempts"] = max(int(a.get("attempts", 0)), int(b.get("attempts", 0)))
    out["hints_used"] = max(int(a.get("hints_used", 0)), int(b.get("hints_used", 0)))
    out["revealed"] = bool(a.get("revealed")) or bool(b.get("revealed"))
    firsts = [t for t in (a.get("first"), b.get("first")) if t]
    lasts = [t for t in (a.get("last"), b.get("last")) if t]
    out["first"] = min(firsts) if firsts else None
    out["last"] = max(lasts) if lasts else None
    return out


def merge_data(a: dict, b: dict) -> dict:
    records = dict(a.get("exercises", {}))
    for key, record in b.get("exercises", {}).items():
        records[key] = merge_records(records.get(key, new_record()), record)
    return {"version": VERSION, "exercises": records}


def parse(text: str) -> dict:
    """Progress data from JSON text; a missing or unknown layout raises ValueError."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
        raise ValueError("not an mfml progress file (no `exercises` mapping)")
    if data.get("version", VERSION) > VERSION:
        raise ValueError(f"progress file version {data['version']} is newer than this course")
    return data


class ProgressStore:
    """Records events; reads, merges and writes the file each time, or keeps them in memory."""

    def __init__(self, path: Path | str | None = None, notify=print) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.memory: dict = {"version": VERSION, "exercises": {}}
        self.in_memory = False
        self.notify = notify

    # ------------------------------------------------------------ reading
    def _read_file(self) -> dict:
        try:
            return parse(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"version": VERSION, "exercises": {}}

    def data(self) -> dict:
        """Everything known: the file merged with what this session holds."""
        if self.in_memory:
            return merge_data({"exercises": {}}, self.memory)
        return merge_data(self._read_file(), self.memory)

    def record(self, exercise_id: str) -> dict:
        return self.data()["exercises"].get(exercise_id, new_record())

    # ------------------------------------------------------------ writing
    def _write(self, data: dict) -> None:
        text = json.dumps(data, indent=1, sort_keys=True)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_text(text, encoding="utf-8")
            try:
                os.replace(temporary, self.path)
            except OSError:  # some browser file systems cannot rename: write in place
                self.path.write_text(text, encoding="utf-8")
                temporary.unlink(missing_ok=True)
        except OSError:
            self._fall_back_to_memory()

    def _fall_back_to_memory(self) -> None:
        if not self.in_memory:
            self.in_memory = True
            self.notify(MEMORY_NOTICE)

    def _update(self, exercise_id: str, change) -> dict:
        data = self.data()
        record = dict(data["exercises"].get(exercise_id, new_record()))
        change(record)
        stamp = now()
        record["first"] = record["first"] or stamp
        record["last"] = stamp
        data["exercises"][exercise_id] = record
        self.memory["exercises"][exercise_id] = record
        if not self.in_memory:
            self._write(data)
        return record

    def checked(self, exercise_id: str, category: str, self_assessed: bool = False) -> dict:
        def change(record: dict) -> None:
            if category == "not_attempted":
                return
            record["attempts"] += 1
            if category == "correct":
                status = "self_assessed" if self_assessed else "correct"
            else:
                status = "attempted"
            if RANK[status] > RANK[record["status"]]:
                record["status"] = status

        return self._update(exercise_id, change)

    def hinted(self, exercise_id: str, hints_seen: int) -> dict:
        def change(record: dict) -> None:
            record["hints_used"] = max(record["hints_used"], hints_seen)

        return self._update(exercise_id, change)

    def revealed(self, exercise_id: str) -> dict:
        def change(record: dict) -> None:
            record["revealed"] = True
            if RANK["revealed"] > RANK[record["status"]]:
                record["status"] = "revealed"

        return self._update(exercise_id, change)

    # ------------------------------------------------------------ files
    def export(self, path: Path | str) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.data(), indent=1, sort_keys=True), encoding="utf-8")
        return path

    def import_(self, path: Path | str) -> int:
        """Merge a saved file into this store; returns how many exercises it held."""
        incoming = parse(Path(path).read_text(encoding="utf-8"))
        merged = merge_data(self.data(), incoming)
        self.memory = merge_data(self.memory, incoming)
        if not self.in_memory:
            self._write(merged)
        return len(incoming["exercises"])
