"""YAML with a location on every key and value.

PyYAML's composer gives nodes with marks; we turn them into small located
values so that every later error can name file, line and column. Duplicate
keys, which PyYAML would silently overwrite, are reported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

import yaml

from codegen.diagnostics import Collector
from codegen.ir import Location


@dataclass
class LScalar:
    value: object  # str, int, float, bool or None
    loc: Location


@dataclass
class LSeq:
    items: list["LNode"]
    loc: Location


@dataclass
class LMap:
    entries: dict[str, tuple[LScalar, "LNode"]] = field(default_factory=dict)
    loc: Location = Location("<model>", 0, 0)

    def get(self, key: str) -> "LNode | None":
        entry = self.entries.get(key)
        return entry[1] if entry else None

    def key_loc(self, key: str) -> Location:
        return self.entries[key][0].loc


LNode = Union[LScalar, LSeq, LMap]


def _loc(file: str, mark: yaml.Mark) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


class _Converter:
    def __init__(self, file: str, errors: Collector) -> None:
        self.file = file
        self.errors = errors
        self.constructor = yaml.SafeLoader("")

    def convert(self, node: yaml.Node) -> LNode:
        loc = _loc(self.file, node.start_mark)
        if isinstance(node, yaml.MappingNode):
            result = LMap(loc=loc)
            for key_node, value_node in node.value:
                key = self.convert(key_node)
                if not isinstance(key, LScalar) or not isinstance(key.value, (str, int)):
                    self.errors.error(key.loc, "a key must be a plain name", "write the key as text")
                    continue
                name = str(key.value)
                if name in result.entries:
                    first = result.entries[name][0].loc
                    self.errors.error(
                        key.loc,
                        f"duplicate key '{name}' (first defined at line {first.line})",
                        "remove one of the two definitions or rename one",
                    )
                    continue
                result.entries[name] = (LScalar(name, key.loc), self.convert(value_node))
            return result
        if isinstance(node, yaml.SequenceNode):
            return LSeq([self.convert(item) for item in node.value], loc)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.errors.error(loc, f"invalid value: {exc}", "quote the value to make it text")
            value = None
        if not isinstance(value, (str, int, float, bool, type(None))):
            # dates and other YAML types: keep the text as written
            value = str(node.value)
        return LScalar(value, loc)


def load_yaml(text: str, file: str, errors: Collector) -> LNode | None:
    """Parse one file; syntax errors are collected, not raised."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = _loc(file, mark) if mark else Location(file, 1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        errors.error(
            loc,
            f"YAML syntax error: {problem}",
            "check indentation, colons and quotes around this position",
        )
        return None
    except yaml.YAMLError as exc:
        errors.error(Location(file, 1, 1), f"YAML error: {exc}", "fix the file's syntax")
        return None
    if node is None:
        return None
    return _Converter(file, errors).convert(node)
