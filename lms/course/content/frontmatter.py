"""YAML with line numbers, and the front matter at the top of a lesson file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

Key = str | int
DELIMITER = "---"


class YamlError(Exception):
    """YAML that cannot be used; ``line`` is the 1-based line in the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


class LineMap:
    """The file line of every mapping key and sequence item, by its path (``("checkpoint", 0)``)."""

    def __init__(self, lines: dict[tuple[Key, ...], int], default: int) -> None:
        self._lines = lines
        self.default = default

    def line(self, *path: Key) -> int:
        """The line of ``path``, or of its nearest known parent."""
        for end in range(len(path), 0, -1):
            found = self._lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return self.default


def _collect_lines(
    node: yaml.Node, path: tuple[Key, ...], offset: int, out: dict[tuple[Key, ...], int]
) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            out.setdefault((*path, key), key_node.start_mark.line + offset)
            _collect_lines(value_node, (*path, key), offset, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*path, index)] = item.start_mark.line + offset
            _collect_lines(item, (*path, index), offset, out)


def load_yaml(text: str, first_line: int = 1) -> tuple[Any, LineMap]:
    """Parse YAML whose first line is line ``first_line`` of its file.

    Raises YamlError with the file line of the syntax error.
    """
    offset = first_line  # yaml marks are 0-based
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + offset if mark is not None else first_line
        raise YamlError(line, f"not valid YAML: {err.problem or err.context}") from err
    except yaml.YAMLError as err:
        raise YamlError(first_line, f"not valid YAML: {err}") from err
    lines: dict[tuple[Key, ...], int] = {}
    if node is not None:
        _collect_lines(node, (), offset, lines)
    return data, LineMap(lines, first_line)


@dataclass(frozen=True)
class FrontMatter:
    data: dict[str, Any]
    lines: LineMap
    body: str
    body_line: int  # the file line where the Markdown body starts


def split_front_matter(text: str) -> FrontMatter:
    """Split a lesson into its YAML front matter and its Markdown body.

    Raises YamlError when the front matter is missing, not closed, not YAML or not a mapping.
    """
    lines = text.removeprefix("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].rstrip() != DELIMITER:
        raise YamlError(1, "front matter missing: the file must start with a '---' line")
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == DELIMITER), None)
    if closing is None:
        raise YamlError(1, "front matter is not closed with a '---' line")
    try:
        data, line_map = load_yaml("".join(lines[1:closing]), first_line=2)
    except YamlError as err:
        raise YamlError(err.line, f"front matter is {err.message}") from err
    if data is None:
        raise YamlError(1, "front matter is empty")
    if not isinstance(data, dict):
        raise YamlError(2, "front matter must be a mapping of keys to values")
    line_map.default = 1
    return FrontMatter(data, line_map, "".join(lines[closing + 1 :]), closing + 2)
