"""Typed, located access to one YAML mapping, collecting every problem.

A MapReader knows which keys a mapping may have; unknown keys, missing
required keys and values of the wrong type become diagnostics, and the
accessor returns None so loading can go on and find the next problem.
"""

from __future__ import annotations

from typing import Iterable

from codegen.diagnostics import Collector, did_you_mean
from codegen.ir import Location
from codegen.loading.yaml_nodes import LMap, LNode, LScalar, LSeq


def describe(node: LNode) -> str:
    """How a value reads in an error message."""
    if isinstance(node, LMap):
        return "a mapping"
    if isinstance(node, LSeq):
        return "a list"
    value = node.value
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"the text '{value}'"


def _is_float(text: str) -> bool:
    """Whether text reads as a number elsewhere (YAML 1.1 wants '1.0e+6', not '1e6')."""
    if not any(c.isdigit() for c in text):
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


_KEY_SETS: dict[tuple[str, ...], frozenset[str]] = {}


def _key_set(keys: Iterable[str]) -> frozenset[str]:
    """The allowed keys as a set, made once per distinct list of keys."""
    if isinstance(keys, frozenset):
        return keys
    keys = tuple(keys)
    found = _KEY_SETS.get(keys)
    if found is None:
        found = _KEY_SETS[keys] = frozenset(keys)
    return found


class MapReader:
    def __init__(
        self,
        node: LNode | None,
        what: str,
        errors: Collector,
        allowed: Iterable[str],
        required: Iterable[str] = (),
        fallback: Location | None = None,
    ) -> None:
        self.what = what
        self.errors = errors
        self.allowed = _key_set(allowed)
        if not isinstance(node, LMap):
            loc = node.loc if node is not None else (fallback or Location("<model>", 0, 0))
            got = describe(node) if node is not None else "nothing"
            if not (isinstance(node, LScalar) and node.invalid):  # reported already
                errors.error(loc, f"{what} must be a mapping of keys to values, got {got}",
                             f"write {what} as 'key: value' lines")
            node = LMap(loc=loc)
            required = ()  # one error for the wrong value, not one per missing key
        self.node = node
        self.loc = node.loc
        unknown = node.entries.keys() - self.allowed
        for key, (key_node, _) in node.entries.items() if unknown else ():
            if key in unknown:
                hint = did_you_mean(key, self.allowed) or (
                    "allowed keys: " + ", ".join(sorted(self.allowed))
                )
                if key.rstrip().endswith(">"):
                    hint = "this looks like the end of a 'map<string, ...>' type: quote the type"
                errors.error(key_node.loc, f"unknown key '{key}' in {what}", hint)
        for key in required:
            if key not in node.entries:
                # at the name of the thing (the fallback) rather than at its first key
                errors.error(fallback or node.loc, f"{what} is missing '{key}'", f"add '{key}: ...'")

    def has(self, key: str) -> bool:
        return key in self.node.entries and key in self.allowed

    def raw(self, key: str) -> LNode | None:
        entry = self.node.entries.get(key)
        return entry[1] if entry is not None and key in self.allowed else None

    def key_loc(self, key: str) -> Location:
        return self.node.key_loc(key) if key in self.node.entries else self.loc

    def value_loc(self, key: str) -> Location:
        node = self.node.get(key)
        return node.loc if node is not None else self.loc

    def _scalar(self, key: str, kinds: tuple[type, ...], expected: str, example: str) -> object:
        entry = self.node.entries.get(key)
        if entry is None or key not in self.allowed:
            return None
        node = entry[1]
        if type(node) is LScalar:  # the common case first: a value of the wanted kind
            value = node[0]
            if type(value) in kinds and not node[4]:
                return value
            if node[4]:
                return None
        if isinstance(node, LScalar) and isinstance(node.value, kinds) and not (
            isinstance(node.value, bool) and bool not in kinds
        ):
            return node.value
        hint = f"write it like '{key}: {example}'"
        if float in kinds and isinstance(node, LScalar) and isinstance(node.value, str) and _is_float(node.value):
            hint = f"YAML reads '{node.value}' as text: write the number with a '.', e.g. 1.0e+6, or in full"
        self.errors.error(node.loc, f"'{key}' in {self.what} must be {expected}, got {describe(node)}", hint)
        return None

    def text(self, key: str, example: str = "some text") -> str | None:
        value = self._scalar(key, (str,), "text", example)
        return value if isinstance(value, str) else None

    def description(self) -> str:
        """A description, normalized once: surrounding blank space removed."""
        text = self.text("description") or ""
        if "\n" not in text and "\r" not in text:
            return text.strip()
        lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
        return "\n".join(line.rstrip() for line in lines)

    def integer(self, key: str, example: str = "1") -> int | None:
        value = self._scalar(key, (int,), "a whole number", example)
        return value if isinstance(value, int) else None

    def number(self, key: str, example: str = "0") -> int | float | None:
        value = self._scalar(key, (int, float), "a number", example)
        return value if isinstance(value, (int, float)) else None

    def boolean(self, key: str) -> bool | None:
        value = self._scalar(key, (bool,), "true or false", "true")
        return value if isinstance(value, bool) else None

    def scalar(self, key: str) -> object:
        return self._scalar(key, (str, int, float, bool), "a single value", "value")

    def choice(self, key: str, options: Iterable[str]) -> str | None:
        value = self.text(key, next(iter(options)))
        options = tuple(options)
        if value is None:
            return None
        if value not in options:
            hint = did_you_mean(value, options) or "use one of: " + ", ".join(options)
            self.errors.error(
                self.value_loc(key), f"'{value}' is not a valid '{key}' in {self.what}", hint
            )
            return None
        return value

    def mapping(self, key: str) -> LMap | None:
        node = self.raw(key)
        if node is None or isinstance(node, LMap):
            return node
        if isinstance(node, LScalar) and node.invalid:
            return None
        self.errors.error(node.loc, f"'{key}' in {self.what} must be a mapping, got {describe(node)}",
                          f"write '{key}:' followed by indented 'name: value' lines")
        return None

    def text_list(self, key: str) -> list[LScalar] | None:
        """A list of texts (a single text is accepted as a one-item list)."""
        node = self.raw(key)
        if node is None:
            return None
        items = node.items if isinstance(node, LSeq) else [node]
        result = []
        for item in items:
            if isinstance(item, LScalar) and isinstance(item.value, str):
                result.append(item)
            elif not (isinstance(item, LScalar) and item.invalid):
                self.errors.error(item.loc, f"'{key}' in {self.what} must list texts, got {describe(item)}",
                                  f"write '{key}: [first, second]'")
        return result
