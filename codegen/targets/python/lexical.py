"""Python identifiers, literals and docstrings for the Python target.

Identifiers come from the model's snake_case names: types in PascalCase,
attributes and modules in snake_case, enum members in UPPER_SNAKE. A name
that is a keyword, a builtin type used in annotations, a member of the
runtime's base classes or a name the generated modules import gets a
trailing underscore (types get a kind suffix) until it is free in its scope.

Text from the model lands only in string literals (escaped like `repr`,
quote style chosen the way black chooses it) or in docstrings (backslashes,
triple quotes and every non-printable character escaped), so it can neither
end a literal nor inject code. Both forms are black-stable as emitted.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import math
import re
import unicodedata
from pathlib import Path

from codegen import naming
from codegen.ir import Scalar
from codegen.sdk.contract import Lexicon
from codegen.sdk.names import escaper, repeat_suffix
from codegen.sdk.reserved import derived, matches, source_texts
from codegen.sdk.templates import builtin_templates

LINE_LENGTH = 88

KEYWORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)

_TEMPLATES = builtin_templates("python")

# What generated modules import besides the runtime (views.imports writes
# these statements from this table).
STANDARD_IMPORTS = {"collections.abc": ("Mapping", "Sequence"), "dataclasses": ("dataclass",),
                    "typing": ("ClassVar",)}
# The classes generated messages derive from (their members must not be shadowed).
MESSAGE_BASES = ("Message", "EventMessage")


def _runtime_names() -> tuple[frozenset[str], frozenset[str]]:
    """Top-level names of the runtime's modules, and the members of the
    message base classes, read from the runtime sources themselves."""
    top: set[str] = set()
    members: set[str] = set()
    for path in sorted((_TEMPLATES / "runtime").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            top.update(_bound_names(node))
            if isinstance(node, ast.ClassDef) and node.name in MESSAGE_BASES:
                for item in node.body:
                    members.update(_bound_names(item))
    return frozenset(top), frozenset(members)


def _bound_names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return [node.name]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
    return []


def _derive() -> dict[str, frozenset[str]]:
    runtime, members = _runtime_names()
    # Names the templates import or define at the top of a generated module
    # (the tests import pytest, json, Path...: a model type must not shadow them).
    template = matches(source_texts(_TEMPLATES, (".py.j2",)),
                       re.compile(r"^from\s+[\w.]+\s+import\s+([\w ,]+?)(?:\s*#.*)?$", re.M),
                       re.compile(r"^import\s+([\w.]+)", re.M),
                       re.compile(r"^(?:class|def)\s+(\w+)", re.M),
                       re.compile(r"^([A-Za-z_]\w*)\s*(?::[^=\n]+)?=", re.M))
    return {"runtime": runtime, "members": members, "template": template}


# Read off the sources (kept between builds: codegen.sdk.reserved.derived).
_DERIVED = derived("python", ("runtime", "members", "template"), (Path(__file__), _TEMPLATES), _derive)
RUNTIME_NAMES, MESSAGE_MEMBERS, TEMPLATE_NAMES = _DERIVED["runtime"], _DERIVED["members"], _DERIVED["template"]

BUILTIN_NAMES = frozenset(dir(builtins))
# A field named like a builtin type would break annotations later in the
# same class body (`int: int | None`, then `count: int`).
BUILTIN_TYPES = frozenset(n for n in BUILTIN_NAMES if isinstance(getattr(builtins, n), type))
IMPORTED_NAMES = frozenset(name for names in STANDARD_IMPORTS.values() for name in names)

CONTEXT_CLASS = "TrackingContext"  # the one class the views name themselves
# Class and module names share the package's scope with everything above;
# attributes share their class body with the bases' members and the names
# the body's annotations use.
RESERVED_TYPES = KEYWORDS | RUNTIME_NAMES | TEMPLATE_NAMES | BUILTIN_NAMES | IMPORTED_NAMES | {CONTEXT_CLASS}
RESERVED_ATTRS = KEYWORDS | MESSAGE_MEMBERS | BUILTIN_TYPES | IMPORTED_NAMES
RESERVED = RESERVED_TYPES | RESERVED_ATTRS

SCALAR_TYPES = {
    Scalar.STRING: "str",
    Scalar.BOOL: "bool",
    Scalar.INT32: "int",
    Scalar.INT64: "int",
    Scalar.UINT32: "int",
    Scalar.UINT64: "int",
    Scalar.FLOAT: "float",
    Scalar.DOUBLE: "float",
    Scalar.TIMESTAMP: "Timestamp",
    Scalar.BYTES: "bytes",
}


def type_base(model_name: str) -> str:
    """The first candidate for a class name: PascalCase, never starting with a digit."""
    base = naming.pascal(model_name) or "Unnamed"
    return "T" + base if base[0].isdigit() else base


def attr_base(wire_name: str) -> str:
    """The first candidate for an attribute or module name."""
    base = "_".join(naming.words(wire_name)) or "value"
    return "v_" + base if base[0].isdigit() else base


def member_base(value_name: str) -> str:
    """The first candidate for an enum member: the contract's UPPER_SNAKE value token."""
    token = naming.enum_value_token(value_name) or "VALUE"
    return "V_" + token if token[0].isdigit() else token


# --- literals ---------------------------------------------------------------


def _escape_char(char: str, quote: str) -> str:
    if char == "\\":
        return "\\\\"
    if char == quote:
        return "\\" + quote
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    if char == "\t":
        return "\\t"
    if char.isprintable() and not 0xD800 <= ord(char) <= 0xDFFF:
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _quoted(text: str, quote: str) -> tuple[str, int]:
    # Escape only the characters that need it (translate runs in C).
    table = {ord(c): _escape_char(c, quote) for c in set(text)
             if c in "\\'\"" or not c.isprintable()}
    body = text.translate(table)
    return quote + body + quote, body.count("\\")


def py_str(text: str) -> str:
    """A string literal as black leaves it: double quotes unless single
    quotes need fewer backslashes. Non-printable characters (including
    line and paragraph separators, bidi controls, lone surrogates) are
    escaped, so the literal is one plain line of source."""
    if text.isprintable():  # the common case: only backslashes and quotes
        body = text.replace("\\", "\\\\")
        if '"' not in text:
            return f'"{body}"'
        if text.count("'") < text.count('"'):
            return "'" + body.replace("'", "\\'") + "'"
        return '"' + body.replace('"', '\\"') + '"'
    double, double_escapes = _quoted(text, '"')
    if '"' not in text:
        return double
    single, single_escapes = _quoted(text, "'")
    return single if single_escapes < double_escapes else double


def py_bytes(data: bytes) -> str:
    out = []
    for byte in data:
        char = chr(byte)
        if char in '\\"':
            out.append("\\" + char)
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\x{byte:02x}")
    body = "".join(out)
    if '"' in body and "'" not in body:
        return "b'" + body.replace('\\"', '"') + "'"
    return 'b"' + body + '"'


def py_float(value: float) -> str:
    if math.isnan(value):
        return 'float("nan")'
    if math.isinf(value):
        return 'float("inf")' if value > 0 else '-float("inf")'
    return repr(value).replace("e+", "e")  # black drops the exponent's '+'


def py_number(value: int | float) -> str:
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return py_float(value)


def py_literal(value: object) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, (int, float)):
        return py_number(value)
    if isinstance(value, str):
        return py_str(value)
    if isinstance(value, bytes):
        return py_bytes(value)
    raise TypeError(f"no literal for {value!r}")


# --- layout -----------------------------------------------------------------


def width(line: str) -> int:
    """Display width as black measures it (wide characters count twice)."""
    if line.isascii() or len(line) > LINE_LENGTH:  # wide characters only add
        return len(line)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def fit(line: str) -> str:
    """A one-line statement; if it is too long for black, tell black to keep
    it rather than re-wrapping it (rare: only very long model names)."""
    if width(line) <= LINE_LENGTH:
        return line
    return line + "  # fmt: skip"


_DOC_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\r": "\\r"}


def _doc_char(char: str) -> str:
    if char in _DOC_ESCAPES:
        return _DOC_ESCAPES[char]
    if char == "\n" or (char.isprintable() and not 0xD800 <= ord(char) <= 0xDFFF):
        return char
    return _escape_char(char, '"')


def doc_lines(text: str) -> list[str]:
    """Lines of `text` for a docstring: backslashes, non-printable
    characters and triple quotes escaped, trailing spaces removed."""
    text = text.replace("\r\n", "\n")
    if text.replace("\n", " ").isprintable():  # the common case
        text = text.replace("\\", "\\\\")
    else:
        text = text.translate(
            {ord(c): _doc_char(c) for c in set(text) if c in "\\\t\r" or (c != "\n" and not c.isprintable())}
        )
    text = text.replace('"""', '\\"\\"\\"')
    return [line.rstrip() for line in text.split("\n")]


def docstring(lines: list[str], indent: str) -> list[str]:
    """The docstring statement for body `lines` at `indent`, laid out the
    way black lays out docstrings (PEP 257 trimming: first line stripped,
    common indentation of the others removed, blank ends dropped, a space
    between a quote and the closing quotes)."""
    lines = [line.rstrip() for line in lines]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        return []
    first = lines[0].strip()
    if first.startswith('"'):
        first = " " + first
    rest = lines[1:]
    margin = min((len(line) - len(line.lstrip()) for line in rest if line), default=0)
    rest = [line[margin:] for line in rest]
    if not rest:
        closing = " " if first.endswith('"') else ""
        return [f'{indent}"""{first}{closing}"""']
    out = [f'{indent}"""{first}']
    out += [f"{indent}{line}" if line else "" for line in rest]
    out.append(f'{indent}"""')
    return out


def import_lines(module: str, imported: set[str]) -> list[str]:
    """`from module import a, b` on one line if it fits, else exploded."""
    items = sorted(imported, key=lambda n: (n.lower(), n))
    line = f"from {module} import {', '.join(items)}"
    if width(line) <= LINE_LENGTH:
        return [line]
    return [f"from {module} import ("] + [f"    {i}," for i in items] + [")"]


_NON_WORD = re.compile(r"[^a-z0-9]+")


def snake_slug(text: str) -> str:
    return _NON_WORD.sub("_", text.lower()).strip("_") or "case"


def _scalar_literal(scalar: Scalar, value: object) -> str:
    if scalar is Scalar.TIMESTAMP:
        return f"Timestamp(seconds={value.seconds}, nanos={value.nanos})"  # type: ignore[attr-defined]
    if scalar.is_floating:
        return py_float(float(value))  # type: ignore[arg-type]
    return py_literal(value)


LEXICON = Lexicon(
    keywords=KEYWORDS,
    reserved=RESERVED,
    escape=escaper(RESERVED, repeat_suffix("_"), str.isidentifier),
    scalar_types=SCALAR_TYPES,
    literal=_scalar_literal,
)
