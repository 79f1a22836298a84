"""YAML with line numbers: mappings and lists that remember where each value was written.

PyYAML's ``safe_load`` forgets positions; the bank's error messages need them. We compose
the node graph (which carries marks) and build plain dicts and lists from it, subclassed to
carry the 1-based line of every key's value and every list item.
"""

from __future__ import annotations

import yaml

from .errors import BankError


class LineDict(dict):
    """A dict with ``line`` (where it starts) and ``lines[key]`` (where each value starts)."""

    line: int = 0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines: dict = {}

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    """A list with ``line`` and ``lines[i]`` (where item i starts)."""

    line: int = 0

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


def _content_line(node: yaml.Node) -> int:
    """1-based line of a node's first content line (a block scalar starts after ``|``)."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        line += 1
    return line


def load(text: str, path: str):
    """Parse YAML text into LineDict/LineList/scalars; syntax errors become BankError."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return _build(node, loader, path) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        context = ""
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            context = f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
        raise BankError(path, line, f"YAML syntax: {exc.problem or exc}{context}") from None
    except yaml.YAMLError as exc:
        raise BankError(path, 0, f"YAML: {exc}") from None
    finally:
        loader.dispose()


def _build(node: yaml.Node, loader: yaml.SafeLoader, path: str):
    if isinstance(node, yaml.MappingNode):
        out = LineDict()
        out.line = _content_line(node)
        for key_node, value_node in node.value:
            key = _build(key_node, loader, path)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise BankError(path, _content_line(key_node), "a mapping key must be a name")
            if key in out:
                raise BankError(path, _content_line(key_node), f"duplicate key {key!r}")
            out[key] = _build(value_node, loader, path)
            # scalars: where their text starts (code line numbers count from there);
            # collections: the key's own line, which is where a reader looks
            scalar = isinstance(value_node, yaml.ScalarNode)
            out.lines[key] = _content_line(value_node if scalar else key_node)
        return out
    if isinstance(node, yaml.SequenceNode):
        out = LineList()
        out.line = _content_line(node)
        for item in node.value:
            out.append(_build(item, loader, path))
            out.lines.append(_content_line(item))
        return out
    return loader.construct_object(node, deep=True)
