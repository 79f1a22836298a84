"""The one exception the exercise bank raises: it names the file, the line and the problem."""

from __future__ import annotations


class BankError(Exception):
    """A problem in an exercise bank file. ``str(err)`` is ``"path:line: message"``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message
