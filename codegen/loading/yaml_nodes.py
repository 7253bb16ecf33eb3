"""YAML with a location on every key and value.

PyYAML's composer gives nodes with marks; we turn them into small located
values so that every later error can name file, line and column. Duplicate
keys, which PyYAML would silently overwrite, are reported here. Keys are
names, so they keep the text as written (`yes:` is the name 'yes', not
true). Whatever the input, problems become diagnostics, never exceptions:
recursive aliases, alias bombs and nesting deep enough to exhaust Python's
stack included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Union

import yaml

from codegen.diagnostics import Collector
from codegen.ir import Location

YAML_TAG_PREFIX = "tag:yaml.org,2002:"
MERGE_TAG = YAML_TAG_PREFIX + "merge"
TIMESTAMP_TAG = YAML_TAG_PREFIX + "timestamp"
COLLECTION_TAGS = {yaml.MappingNode: YAML_TAG_PREFIX + "map", yaml.SequenceNode: YAML_TAG_PREFIX + "seq"}
# Every value takes at least a character of the file; more values than this
# plus the file's length means aliases expanding out of control ("billion
# laughs"), not a model.
MAX_VALUES = 100_000
# A model nests about eight levels deep; far more is a mistake (an unclosed
# bracket) or an attack on the parser's recursion.
MAX_DEPTH = 64
TOO_DEEP = (f"values nest more than {MAX_DEPTH} levels deep here",
            "a model nests only a few levels: flatten the structure (or close a '[' or '{' opened before)")


class _ScalarFields(NamedTuple):
    value: object  # str, int, float, bool or None
    file: str
    line: int
    column: int
    # The value could not be read and was reported already: readers skip it
    # instead of reporting a second, derived error.
    invalid: bool


class LScalar(_ScalarFields):
    """A value and where it is. A flat named tuple, its Location made when
    asked for: a large model has a million values, so each must be small."""

    __slots__ = ()

    def __new__(cls, value: object, loc: Location, invalid: bool = False) -> "LScalar":
        return tuple.__new__(cls, (value, loc[0], loc[1], loc[2], invalid))

    @property
    def loc(self) -> Location:
        return tuple.__new__(Location, (self[1], self[2], self[3]))


def scalar_at(value: object, file: str, line: int, column: int) -> LScalar:
    """An LScalar made without a Location in between (the readers' hot path)."""
    return tuple.__new__(LScalar, (value, file, line, column, False))


@dataclass(slots=True)
class LSeq:
    items: list["LNode"]
    loc: Location


@dataclass(slots=True)
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


class _TooLarge(Exception):
    def __init__(self, loc: Location) -> None:
        super().__init__(loc)
        self.loc = loc


class _TooDeep(_TooLarge):
    pass


class _Converter:
    def __init__(self, file: str, errors: Collector, limit: int) -> None:
        self.file = file
        self.errors = errors
        self.limit = limit
        self.constructor = yaml.SafeLoader("")
        self.count = 0
        self.open: set[int] = set()  # collections being converted: an alias back to one is a cycle

    def convert(self, node: yaml.Node, depth: int = 0) -> LNode:
        loc = _loc(self.file, node.start_mark)
        self.count += 1
        if self.count > self.limit:
            raise _TooLarge(loc)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if depth >= MAX_DEPTH:  # through aliases: the text itself was checked before composing
                raise _TooDeep(loc)
            if id(node) in self.open:
                self.errors.error(loc, "an alias refers to a value that contains the alias itself",
                                  "YAML aliases must not form a cycle: write the value out")
                return LScalar(None, loc, invalid=True)
            if node.tag != COLLECTION_TAGS[type(node)]:
                kind = "mapping" if isinstance(node, yaml.MappingNode) else "list"
                self.errors.error(loc, f"unknown YAML tag '{_shown_tag(node.tag)}' on a {kind}",
                                  f"remove the tag: model files hold plain mappings, lists and values")
                return LScalar(None, loc, invalid=True)
            self.open.add(id(node))
            try:
                return self._mapping(node, loc, depth) if isinstance(node, yaml.MappingNode) else LSeq(
                    [self.convert(item, depth + 1) for item in node.value], loc)
            finally:
                self.open.discard(id(node))
        return self._scalar(node, loc)

    def _mapping(self, node: yaml.MappingNode, loc: Location, depth: int) -> LMap:
        result = LMap(loc=loc)
        for key_node, value_node in node.value:
            key_loc = _loc(self.file, key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                self.errors.error(key_loc, "a key must be a plain name, not a list or mapping",
                                  "write the key as text followed by ':'")
                continue
            if key_node.tag == MERGE_TAG:
                self.errors.error(key_loc, "YAML merge keys ('<<') are not supported",
                                  "write the keys out in full")
                continue
            name = str(key_node.value)
            if not name.strip():
                self.errors.error(key_loc, "a key is empty", "write a name before the ':'")
                continue
            if name in result.entries:
                first = result.entries[name][0].loc
                self.errors.error(
                    key_loc,
                    f"duplicate key '{name}' (first defined at line {first.line})",
                    "remove one of the two definitions or rename one",
                )
                continue
            result.entries[name] = (LScalar(name, key_loc), self.convert(value_node, depth + 1))
        return result

    def _scalar(self, node: yaml.Node, loc: Location) -> LScalar:
        tag = _shown_tag(node.tag)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            self.errors.error(loc, f"unknown YAML tag '{tag}'", "remove the tag (quote the value to make it text)")
            return LScalar(None, loc, invalid=True)
        except Exception:  # noqa: BLE001 - PyYAML raises ValueError etc. for e.g. "!!int abc"
            if node.tag == TIMESTAMP_TAG and _implicit(node):
                return LScalar(str(node.value), loc)  # e.g. 2027-13-45: text, which the reader judges
            self.errors.error(loc, f"'{node.value}' is not a valid {tag} value",
                              "remove the tag or quote the value to make it text")
            return LScalar(None, loc, invalid=True)
        if not isinstance(value, (str, int, float, bool, type(None))):
            # dates and other YAML types: keep the text as written
            value = str(node.value)
        return LScalar(value, loc)


def _shown_tag(tag: object) -> str:
    """A tag as it was written: '!!int' rather than its full URI."""
    return str(tag).replace(YAML_TAG_PREFIX, "!!")


def _implicit(node: yaml.Node) -> bool:
    """Whether the node's tag was resolved from its plain text, not written."""
    resolved = yaml.SafeLoader.resolve(yaml.SafeLoader(""), yaml.ScalarNode, node.value, (True, False))
    return node.tag == resolved and not node.style  # plain: None (PyYAML) or "" (libyaml)


def _syntax_message(exc: yaml.MarkedYAMLError) -> tuple[str, str]:
    """PyYAML's wording, translated where a common mistake has a clearer name."""
    problem = exc.problem or exc.context or "invalid YAML"
    context = exc.context or ""
    opened = f" at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}" if exc.context_mark else ""
    if "'\\t'" in problem:
        return "a tab character: YAML indents with spaces only", "replace the tabs with spaces"
    if "another document" in problem:
        return ("the file holds more than one YAML document ('---')",
                "keep one document per file: move the others to files of their own")
    if "quoted scalar" in context and "end of stream" in problem:
        return f"the quoted text that starts{opened} is never closed", "add the closing quote"
    if "<stream end>" in problem and "flow" in context:
        return "the file ends inside a '[...]' or '{...}' that is not closed", "add the closing ']' or '}'"
    if problem.startswith(("expected ',' or '}'", "expected ',' or ']'")) and exc.context_mark:
        bracket = problem[len("expected ',' or '")]
        opener = "[" if bracket == "]" else "{"
        return (f"the '{opener}'{opened} is not closed: expected ',' or '{bracket}' here",
                f"separate the entries with ',' and close with '{bracket}'; quote values that contain ':' or ','")
    if problem.startswith("mapping values are not allowed"):
        return ("a ':' where a plain value was expected",
                "quote a value that contains ': ', or fix the indentation of the key before it")
    if problem.startswith("expected <block end>"):
        return ("this line's indentation does not match the lines above it",
                "indent the keys of one mapping (and the items of one list) by the same number of spaces")
    if problem.startswith("found undefined alias"):
        return f"YAML syntax error: {problem}", "define the anchor ('&name') before the alias ('*name') that uses it"
    if "that cannot start any token" in problem:
        return f"YAML syntax error: {problem}", "quote the value"
    message = f"YAML syntax error: {problem}"
    if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
        message += f" ({exc.context} at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1})"
    return message, "check indentation, colons and quotes around this position"


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks, as its marks count them


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of text[index]."""
    index = max(0, min(index, len(text)))
    breaks = list(_LINE_BREAK.finditer(text, 0, index))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, index - start + 1


def read_text(path: Path, file: str, errors: Collector) -> str | None:
    """A model file's text; a file that is not UTF-8 is reported at its first bad byte."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        errors.error(Location(file, 1, 1), f"cannot read the file: {exc.strerror or exc}",
                     "check that it exists and is readable")
        errors.failed_files.add(file)
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace")
        line, column = _position(before, len(before))
        errors.error(Location(file, line, column),
                     f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be read",
                     "save it as UTF-8 (is it a binary file, or in a legacy encoding such as Latin-1?)")
        errors.failed_files.add(file)
        return None


def load_yaml(text: str, file: str, errors: Collector) -> LNode | None:
    """Parse one file; problems are collected, not raised.

    Returns None when the file gives no document (empty, or unreadable);
    the file is then recorded in `errors.failed_files`.
    """
    deep = _too_deep(text, file)
    if deep is not None:
        errors.error(deep, *TOO_DEEP)
        errors.failed_files.add(file)
        return None
    node = _compose(text, file, errors)
    if node is None:
        errors.failed_files.add(file)
        return None
    try:
        return _Converter(file, errors, MAX_VALUES + len(text)).convert(node)
    except _TooDeep as exc:
        errors.error(exc.loc, *TOO_DEEP)
    except _TooLarge as exc:
        errors.error(exc.loc, f"the file expands to more than {MAX_VALUES + len(text)} values",
                     "YAML aliases ('*name') must not multiply the content: write values out")
    errors.failed_files.add(file)
    return None


def _too_deep(text: str, file: str) -> Location | None:
    """Where the text first nests deeper than MAX_DEPTH, found from the event
    stream (the parser is iterative; composing recurses once per level)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_FAST_LOADER or yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return _loc(file, event.start_mark)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except (yaml.YAMLError, ValueError):
        pass  # a syntax error before any deep nesting: composing reports it
    return None


# libyaml parses large models about 20 times faster than PyYAML's pure-Python
# parser; the pure one runs only when a file is broken, for its precise messages.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _compose(text: str, file: str, errors: Collector) -> yaml.Node | None:
    if _FAST_LOADER is not None:
        try:
            fast = yaml.compose(text, Loader=_FAST_LOADER)
        except (yaml.YAMLError, RecursionError, ValueError):
            fast = None
        if fast is not None:
            return fast
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as exc:
        line, column = _position(text, exc.position)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        errors.error(Location(file, line, column),
                     f"the file contains the character U+{ord(char):04X}, which YAML does not allow",
                     "remove it: model files are plain UTF-8 text")
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = _loc(file, mark) if mark else Location(file, 1, 1)
        message, hint = _syntax_message(exc)
        errors.error(loc, message, hint)
        return None
    except yaml.YAMLError as exc:
        errors.error(Location(file, 1, 1), f"YAML error: {exc}", "fix the file's syntax")
        return None
    except RecursionError:  # `_too_deep` finds deep nesting first; this is a safety net
        errors.error(Location(file, 1, 1), *TOO_DEEP)
        return None
    if node is None:
        errors.error(Location(file, 1, 1), "the file is empty (no YAML content)",
                     "add model sections such as 'events:' to it, or delete it")
    return node
