"""The fastest path: model files in the plain style most are written in,
read line by line without a YAML parser.

It accepts a strict subset of YAML: block mappings whose keys are plain
names, block lists of single values, one-line flow mappings and lists,
plain, single-quoted and backslash-free double-quoted values on one line,
comments. Anything else (multi-line values, block scalars, anchors, tags,
escapes, tabs, duplicate keys, odd indentation...) returns None, and the
libyaml path in `yaml_fast` reads the file. Within the subset the result is
what libyaml gives, values and locations alike (tests/test_yaml_lines.py
compares the two on every model in the repository and on random ones).
"""

from __future__ import annotations

import re

from codegen.ir import Location
from codegen.loading.yaml_fast import Unusual, plain_value
from codegen.loading.yaml_nodes import MAX_DEPTH, LMap, LNode, LScalar, LSeq, scalar_at

# Characters YAML counts as line breaks besides '\n', tabs, byte-order marks
# and whatever the YAML reader refuses: all for the careful paths.
_AWKWARD = re.compile("[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.\-]*(?: [A-Za-z0-9_.\-]+)*):(?: +|$)")
_COMMENT_OR_END = re.compile(r" *(?:#.*)?$")
_SINGLE = re.compile(r"'((?:[^']|'')*)'")
_DOUBLE = re.compile(r'"([^"\\]*)"')
# A plain value in a flow collection: no indicator first, none of ',[]{}:#' inside.
_FLOW_PLAIN = re.compile(r"(?:-(?=[^ ,\[\]{}])|[^ ,\[\]{}#'\"&*!|>%@`?:\-])[^,\[\]{}:#]*")
_FLOW_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.\-]*(?: [A-Za-z0-9_.\-]+)*): +")
# One entry of a flow mapping (key, then a single-quoted, double-quoted or
# plain value) or item of a flow list, with what ends it: ',' (not before a
# closing bracket: a trailing comma) or the closing bracket.
_SIMPLE_VALUE = (r"(?:'((?:[^']|'')*)'|\"([^\"\\]*)\"|"
                 r"((?:-(?=[^ ,\[\]{}])|[^ ,\[\]{}#'\"&*!|>%@`?:\-])[^,\[\]{}:#]*?)) *")
_FLOW_ENTRY = re.compile(r" *" + _FLOW_KEY.pattern + _SIMPLE_VALUE + r"(?:,(?! *[\]}])|(\}))")
_FLOW_ITEM = re.compile(r" *" + _SIMPLE_VALUE + r"(?:,(?! *[\]}])|(\]))")
# Flow collections of plain keys and values only, none holding a quote, ':'
# or '#': they are split at ',' (and ':') instead of matched entry by entry.
_PLAIN = r"(?:-(?=[^ ,\[\]{}])|[^ ,\[\]{}#'\"&*!|>%@`?:\-])[^,\[\]{}:#'\"]*"
_PLAIN_MAP = re.compile(r"\{( *" + _FLOW_KEY.pattern + _PLAIN + r"(?:, *" + _FLOW_KEY.pattern + _PLAIN + r")*)\}")
_PLAIN_LIST = re.compile(r"\[( *" + _PLAIN + r"(?:, *" + _PLAIN + r")*)\]")
_KEY_TEXT = r"[A-Za-z0-9_][A-Za-z0-9_.\-]*(?: [A-Za-z0-9_.\-]+)*"
_TIGHT_PLAIN = r"(?:-(?=[^ ,\[\]{}])|[^ ,\[\]{}#'\"&*!|>%@`?:\-])(?:[^,\[\]{}:#'\"]*[^ ,\[\]{}:#'\"])?"
_TIGHT_VALUE = "(?:" + _TIGHT_PLAIN + r"|'[^',\[\]{}:#]*')"
_CANONICAL_MAP = re.compile(r"\{(" + _KEY_TEXT + ": " + _TIGHT_VALUE + "(?:, " + _KEY_TEXT + ": " + _TIGHT_VALUE + r")*)\}")
_SPACES = re.compile(r" *")
_PLAIN_VALUES: dict[str, object] = {}  # plain text -> its value, across files (values are immutable)
_PLAIN_CACHE_SIZE = 1 << 18
_MISSING = object()
_BLOCK_HEADER = re.compile(r"\|(-?) *(?:#.*)?$")  # literal, clipped or stripped; no indentation digit
# What a plain block value may not start with ('-' only before a space).
_NOT_PLAIN_START = frozenset("[]{},#&*!|>'\"%@`?:")


def lines_load(text: str, file: str) -> LNode | None:
    """The file's located values, or None when it leaves the subset."""
    if _AWKWARD.search(text):
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # after the last line break: not a line
    try:
        return _Reader(file, text.endswith("\n")).read(lines)
    except (Unusual, IndexError):
        return None


def _null_after(key: LScalar) -> LScalar:
    """The empty value of `key:` with nothing after it, where libyaml puts it."""
    return scalar_at(plain_value(""), key[1], key[2], key[3] + len(key[0]) + 1)


class _Reader:
    def __init__(self, file: str, terminated: bool) -> None:
        self.file = file
        self.terminated = terminated  # the last line ends with a line break
        self.line = 0
        self.keys: dict[str, str] = {}

    def read(self, lines: list[str]) -> LNode:
        file, keys, new = self.file, self.keys, tuple.__new__
        key_at, canonical_at = _KEY.match, _CANONICAL_MAP.match
        # Open collections, innermost last: (indentation, node, whether it is a
        # list whose '-' sit at its key's indentation).
        frames: list[tuple[int, LMap | LSeq, bool]] = []
        root: LMap | None = None
        pending: tuple[LMap, str, LScalar, int] | None = None  # a key whose value is on the next lines
        settled = -1  # the indentation the next line may not exceed (after a value on one line)
        index, count = 0, len(lines)
        while index < count:
            text = lines[index]
            index += 1
            body = text.lstrip(" ")
            if not body or body[0] == "#":
                continue  # a blank or comment-only line
            self.line = index
            indent = len(text) - len(body)
            item = body[0] == "-" and (len(body) == 1 or body[1] == " ")
            if pending is not None:
                parent, key, key_node, key_indent = pending
                pending = None
                if indent > key_indent or (indent == key_indent and item):
                    if len(frames) >= MAX_DEPTH:
                        raise Unusual
                    loc = new(Location, (file, index, indent + 1))
                    child: LMap | LSeq = LSeq([], loc) if item else LMap({}, loc)
                    parent.entries[key] = (key_node, child)
                    frames.append((indent, child, indent == key_indent))
                else:
                    parent.entries[key] = (key_node, _null_after(key_node))
            elif indent > settled >= 0:
                raise Unusual  # a value continued on the next line, or a nesting error
            while frames:
                top_indent, top, indentless = frames[-1]
                if top_indent > indent or (indentless and top_indent == indent and not item):
                    frames.pop()
                    continue
                if top_indent != indent:
                    raise Unusual
                break
            else:
                if root is not None or indent or item:
                    raise Unusual
                top = root = LMap({}, new(Location, (file, index, 1)))
                frames.append((0, root, False))
            settled = indent
            if item:
                if type(top) is not LSeq or body == "-":
                    raise Unusual
                top.items.append(self._value(text, indent + 2))
                continue
            if type(top) is not LMap:
                raise Unusual
            match = key_at(text, indent)
            if match is None:
                raise Unusual
            key = match.group(1)
            entries = top.entries
            if key in entries or key == "<<":
                raise Unusual
            key = keys.setdefault(key, key)
            key_node = new(LScalar, (key, file, index, indent + 1, False))
            start = match.end()
            if start == len(text) or text[start] == "#":  # the value is on the next lines
                pending = (top, key, key_node, indent)
                settled = -1
            elif text[start] == "|":
                value, index = self._literal(lines, index, text, start, indent)
                entries[key] = (key_node, value)
            elif text[start] == "{":  # the common property line, without a detour through _value
                canonical = canonical_at(text, start)
                if canonical is not None and canonical.end() == len(text):
                    entries[key] = (key_node, self._canonical_map(
                        canonical.group(1), start, new(Location, (file, index, start + 1))))
                    continue
                value, end = self._flow(text, start, 1)
                if end != len(text) and not _COMMENT_OR_END.match(text, end):
                    raise Unusual
                entries[key] = (key_node, value)
            else:
                entries[key] = (key_node, self._value(text, start))
        if pending is not None:
            parent, key, key_node, _ = pending
            parent.entries[key] = (key_node, _null_after(key_node))
        if root is None:
            raise Unusual
        return root

    def _literal(self, lines: list[str], index: int, text: str, start: int, parent: int) -> tuple[LScalar, int]:
        """A literal block scalar (`|` or `|-`) whose header is text[start:];
        its content is lines[index:] while they are indented more than `parent`.
        Returns the value and the index of the first line after it."""
        header = _BLOCK_HEADER.match(text, start)
        if header is None:
            raise Unusual
        strip = header.group(1) == "-"
        content: list[str] = []
        indent = 0
        end = index
        while end < len(lines):
            line = lines[end]
            body = line.lstrip(" ")
            if not body:
                if indent and len(line) > indent:
                    raise Unusual  # spaces beyond the indentation are content: the careful path
                content.append("")
                end += 1
                continue
            here = len(line) - len(body)
            if not indent:
                if here <= parent or any(content):
                    raise Unusual
                if content and max(len(line) for line in lines[index:end]) > here:
                    raise Unusual
                indent = here
            if here < indent:
                break
            content.append(line[indent:])
            end += 1
        if not indent or (end == len(lines) and not self.terminated):
            raise Unusual  # empty, or a last line without a line break: rare enough for libyaml
        while content and not content[-1]:
            content.pop()
        leading = next(i for i, line in enumerate(content) if line)
        value = "\n".join(content[leading:])
        value = "\n" * leading + value + ("" if strip else "\n")
        return scalar_at(value, self.file, self.line, start + 1), end

    def _value(self, text: str, start: int) -> LNode:
        """A whole value from text[start:] to the end of the line (or a comment)."""
        char = text[start]
        if char in "{[":
            node, end = self._flow(text, start, 1)
        elif char == "'" or char == '"':
            node, end = self._quoted(text, start)
        else:
            if char in _NOT_PLAIN_START or (char == "-" and text[start + 1:start + 2] in ("", " ")):
                raise Unusual
            value = text[start:]
            cut = value.find(" #")
            if cut >= 0:
                value = value[:cut]
            value = value.rstrip(" ")
            if ": " in value or value[-1] == ":":
                raise Unusual
            resolved = _PLAIN_VALUES.get(value, _MISSING)
            if resolved is _MISSING:
                resolved = plain_value(value)
                if len(_PLAIN_VALUES) < _PLAIN_CACHE_SIZE:
                    _PLAIN_VALUES[value] = resolved
            return tuple.__new__(LScalar, (resolved, self.file, self.line, start + 1, False))
        if not _COMMENT_OR_END.match(text, end):
            raise Unusual
        return node

    def _quoted(self, text: str, start: int) -> tuple[LScalar, int]:
        if text[start] == "'":
            match = _SINGLE.match(text, start)
            if match is None:
                raise Unusual
            value = match.group(1).replace("''", "'")
        else:
            match = _DOUBLE.match(text, start)
            if match is None:
                raise Unusual
            value = match.group(1)
        return scalar_at(value, self.file, self.line, start + 1), match.end()

    def _flow(self, text: str, start: int, depth: int) -> tuple[LNode, int]:
        """A flow mapping or list that opens at text[start] and closes on this line."""
        if depth > MAX_DEPTH:
            raise Unusual
        file, line, new, keys = self.file, self.line, tuple.__new__, self.keys
        loc = new(Location, (file, line, start + 1))
        is_map = text[start] == "{"
        if is_map:
            canonical = _CANONICAL_MAP.match(text, start)
            if canonical is not None:
                return self._canonical_map(canonical.group(1), start, loc), canonical.end()
        plain_only = (_PLAIN_MAP if is_map else _PLAIN_LIST).match(text, start)
        if plain_only is not None:
            return self._plain_flow(plain_only.group(1), start, loc, is_map), plain_only.end()
        closing = "}" if is_map else "]"
        node: LMap | LSeq = LMap(loc=loc) if is_map else LSeq([], loc)
        i = _SPACES.match(text, start + 1).end()
        if text[i] == closing:
            return node, i + 1
        simple = _FLOW_ENTRY.match if is_map else _FLOW_ITEM.match
        cached = _PLAIN_VALUES.get
        while True:
            match = simple(text, i)
            if match is not None:  # the common case, in one regular expression
                if is_map:
                    key, single, double, plain, close = match.groups()
                    first = 2
                else:
                    single, double, plain, close = match.groups()
                    first = 1
                if plain is not None:
                    value = cached(plain, _MISSING)
                    if value is _MISSING:
                        value = plain_value(plain)
                        if len(_PLAIN_VALUES) < _PLAIN_CACHE_SIZE:
                            _PLAIN_VALUES[plain] = value
                    column = match.start(first + 2) + 1
                elif single is not None:
                    value = single.replace("''", "'")
                    column = match.start(first)
                else:
                    value = double
                    column = match.start(first + 1)
                # Named tuples built directly: the cheapest objects Python has.
                value_node = new(LScalar, (value, file, line, column, False))
                if is_map:
                    if key in node.entries or key == "<<":  # type: ignore[union-attr]
                        raise Unusual
                    key = keys.setdefault(key, key)  # one string per distinct key, not one per line
                    node.entries[key] = (new(LScalar, (key, file, line, match.start(1) + 1, False)),  # type: ignore[union-attr]
                                         value_node)
                else:
                    node.items.append(value_node)  # type: ignore[union-attr]
                if close is not None:
                    return node, match.end()
                i = match.end()
                continue
            i = _SPACES.match(text, i).end()
            if isinstance(node, LMap):
                match = _FLOW_KEY.match(text, i)
                if match is None:
                    raise Unusual
                key = match.group(1)
                if key in node.entries or key == "<<":
                    raise Unusual
                key_node = scalar_at(key, file, line, i + 1)
                value, i = self._flow_value(text, match.end(), depth)
                node.entries[key] = (key_node, value)
            else:
                value, i = self._flow_value(text, i, depth)
                node.items.append(value)
            i = _SPACES.match(text, i).end()
            char = text[i]
            if char == closing:
                return node, i + 1
            if char != ",":
                raise Unusual
            i = _SPACES.match(text, i + 1).end()
            if text[i] in "]}":
                raise Unusual  # a trailing comma

    def _canonical_map(self, inside: str, start: int, loc: Location) -> LMap:
        """`{key: value, key: value}` written with one space after each ':' and
        ',' and none elsewhere, plain keys and values (checked by _CANONICAL_MAP):
        the most common line of a model, split with the fewest steps."""
        file, line, new, keys, cached = self.file, self.line, tuple.__new__, self.keys, _PLAIN_VALUES.get
        entries: dict[str, tuple[LScalar, LNode]] = {}
        column = start + 2  # of the first key, 1-based
        for piece in inside.split(", "):
            key, plain = piece.split(": ")
            if key in entries or key == "<<":
                raise Unusual
            key = keys.setdefault(key, key)
            if plain[0] == "'":
                value = plain[1:-1]  # single-quoted, without a quote, ',' or ':' inside
            else:
                value = cached(plain, _MISSING)
                if value is _MISSING:
                    value = plain_value(plain)
                    if len(_PLAIN_VALUES) < _PLAIN_CACHE_SIZE:
                        _PLAIN_VALUES[plain] = value
            value_column = column + len(key) + 2
            entries[key] = (new(LScalar, (key, file, line, column, False)),
                            new(LScalar, (value, file, line, value_column, False)))
            column = value_column + len(plain) + 2
        return LMap(entries, loc)

    def _plain_flow(self, inside: str, start: int, loc: Location, is_map: bool) -> LNode:
        """A flow mapping or list of plain keys and values only (checked by
        _PLAIN_MAP or _PLAIN_LIST): split at ',' and ':', columns counted."""
        file, line, new, keys, cached = self.file, self.line, tuple.__new__, self.keys, _PLAIN_VALUES.get
        offset = start + 1  # where the current piece starts
        entries: dict[str, tuple[LScalar, LNode]] = {}
        items: list[LNode] = []
        for piece in inside.split(","):
            if is_map:
                spaced_key, _, spaced = piece.partition(":")
                key = spaced_key.lstrip(" ")
                column = offset + len(spaced_key) - len(key) + 1
                if key in entries or key == "<<":
                    raise Unusual
                key = keys.setdefault(key, key)
                key_node = new(LScalar, (key, file, line, column, False))
                value_start = column + len(key) + 1  # 1-based, after the ':'
            else:
                spaced = piece
                value_start = offset + 1
            text = spaced.lstrip(" ")
            plain = text.rstrip(" ")
            value = cached(plain, _MISSING)
            if value is _MISSING:
                value = plain_value(plain)
                if len(_PLAIN_VALUES) < _PLAIN_CACHE_SIZE:
                    _PLAIN_VALUES[plain] = value
            value_node = new(LScalar, (value, file, line, value_start + len(spaced) - len(text), False))
            if is_map:
                entries[key] = (key_node, value_node)
            else:
                items.append(value_node)
            offset += len(piece) + 1
        return LMap(entries, loc) if is_map else LSeq(items, loc)

    def _flow_value(self, text: str, i: int, depth: int) -> tuple[LNode, int]:
        char = text[i]
        if char in "{[":
            return self._flow(text, i, depth + 1)
        if char == "'" or char == '"':
            return self._quoted(text, i)
        match = _FLOW_PLAIN.match(text, i)
        if match is None:
            raise Unusual
        end = match.end()
        if text[end:end + 1] == ":":
            raise Unusual  # 'a:b', or a single-pair mapping in a list
        value = match.group().rstrip(" ")
        return scalar_at(plain_value(value), self.file, self.line, i + 1), end
