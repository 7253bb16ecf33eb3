"""Swift identifiers, literals and comments for the Swift target.

Identifiers are derived from model names, then escaped: a name that is a
Swift keyword, a type the SDK or its tests use, or a member the runtime
declares gets a trailing underscore (`default` -> `default_`) until it is
free. Renaming (not backticks) keeps every use site valid, whatever the
context. Text from the model only ever lands in `///` comments (split into
lines, control characters dropped) or in string literals (escaped with
`\\u{...}` for everything outside printable ASCII), so it cannot end a
comment or a literal, interpolate, or smuggle in bidi controls.
"""

from __future__ import annotations

import math
import re
import struct
from pathlib import Path
from typing import Iterable

from codegen import naming
from codegen.ir import Scalar
from codegen.reference import narrow_float32
from codegen.sdk.contract import Lexicon
from codegen.sdk.names import escaper, repeat_suffix
from codegen.sdk.reserved import derived, matches, read_names, source_texts
from codegen.invisible import FORMAT_CLASS
from codegen.sdk.templates import builtin_templates

KEYWORDS = frozenset(
    """
    associatedtype borrowing class consuming deinit enum extension fileprivate func import init
    inout internal let nonisolated open operator private precedencegroup protocol public rethrows
    static struct subscript typealias var break case catch continue default defer do else
    fallthrough for guard if in repeat return throw switch where while Any as await false is nil
    self Self super throws true try async actor associativity convenience didSet dynamic final get
    indirect infix lazy left mutating none nonmutating optional override package postfix precedence
    prefix Protocol required right set some Type unowned weak willSet any each consume copy discard
    macro isolated sending unsafe _
    """.split()
)

_TEMPLATES = builtin_templates("swift")
_DECLARATION = re.compile(r"^(?:@[\w.]+(?:\([^)\n]*\))?\s+)*(?:(?:public|internal|fileprivate|private|open|final|"
                          r"indirect)\s+)*(?:struct|class|enum|protocol|typealias|actor)\s+(\w+)", re.M)

CONFORMED = ("ProtoMessage", "TrackableEvent", "ContextMessage")
MESSAGE_TEMPLATES = ("_struct.swift.j2", "event.swift.j2", "object.swift.j2", "context.swift.j2")
_PROTOCOL = re.compile(r"^(?:public\s+)?(?:protocol|extension)\s+(\w+)[^{\n]*\{(.*?)^\}", re.M | re.S)
_MEMBER = re.compile(r"^\s+(?:(?:public|static|mutating|private|fileprivate)\s+)*(?:func|var|let)\s+(\w+)", re.M)


def _derive() -> dict[str, frozenset[str]]:
    sources = source_texts(_TEMPLATES, (".swift", ".j2"))
    return {
        "declared": matches(sources, _DECLARATION),
        "imported": matches(sources, re.compile(r"^(?:@testable\s+)?import\s+(\w+)", re.M)),
        "struct_members": matches([m.group(2) for text in sources for m in _PROTOCOL.finditer(text)
                                   if m.group(1) in CONFORMED], _MEMBER) | matches(
            source_texts(_TEMPLATES, MESSAGE_TEMPLATES, recursive=False), _MEMBER),
        "enum_members": matches([m.group(2) for text in sources for m in _PROTOCOL.finditer(text)
                                 if m.group(1) == "ProtoEnum"], _MEMBER),
    }


# Read off the sources (kept between builds: codegen.sdk.reserved.derived).
_DERIVED = derived("swift", ("declared", "imported", "struct_members", "enum_members"), (Path(__file__), _TEMPLATES),
                   _derive)

# Types: the implicit scope of Swift, _Concurrency, Foundation (and what it
# re-exports) and XCTest, read off the toolchain; every type the runtime and
# the templates (tests and their helpers included) declare; the modules they
# import; the context type the views name.
IMPLICIT_SCOPE = read_names(Path(__file__).with_name("implicit_scope.txt"))
DECLARED_TYPES = _DERIVED["declared"]
IMPORTED_MODULES = _DERIVED["imported"] | {"Swift"}
CONTEXT_TYPE = "TrackingContext"
TYPE_NAMES = IMPLICIT_SCOPE | DECLARED_TYPES | IMPORTED_MODULES | {CONTEXT_TYPE}

# Struct members: the requirements of the runtime protocols the generated
# structs conform to, the members the templates give every struct, and what
# every Swift value has.
STRUCT_MEMBERS = _DERIVED["struct_members"] | frozenset({"init", "self", "hashValue"})

# Enum cases: the ProtoEnum requirements, RawRepresentable's and CaseIterable's
# members, and Optional's cases (`.none` on an optional enum would be ambiguous).
ENUM_MEMBERS = _DERIVED["enum_members"] | frozenset(
    {"allCases", "rawValue", "init", "self", "hashValue", "none", "some"})

RESERVED = KEYWORDS | TYPE_NAMES | STRUCT_MEMBERS | ENUM_MEMBERS

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


TYPE_RESERVED = KEYWORDS | TYPE_NAMES
MEMBER_RESERVED = KEYWORDS | STRUCT_MEMBERS
CASE_RESERVED = KEYWORDS | ENUM_MEMBERS

# `name` made free: a trailing `_` while it is reserved.
escape = escaper(RESERVED, repeat_suffix("_"))
escape_type = escaper(TYPE_RESERVED, repeat_suffix("_"))

SWIFT_TYPES = {
    Scalar.STRING: "String", Scalar.BOOL: "Bool", Scalar.INT32: "Int32", Scalar.INT64: "Int64",
    Scalar.UINT32: "UInt32", Scalar.UINT64: "UInt64", Scalar.FLOAT: "Float", Scalar.DOUBLE: "Double",
    Scalar.TIMESTAMP: "Timestamp", Scalar.BYTES: "[UInt8]",
}


def case_base(value_name: str, number: int) -> str:
    """camelCase of the value's Protobuf token (`live_page` -> `livePage`,
    `über straße` -> `berStrasse`); `_` before a leading digit (`4k` ->
    `_4k`); `value<number>` when the token is empty."""
    parts = [w.lower() for w in naming.enum_value_token(value_name).split("_") if w]
    if not parts:
        return f"value{number}"
    base = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    return "_" + base if base[0].isdigit() else base


def is_identifier(text: str) -> bool:
    return bool(_IDENTIFIER.match(text)) and text not in KEYWORDS


_ASCII_ESCAPES = {code: f"\\u{{{code:X}}}" for code in [*range(0x20), 0x7F]}
_ASCII_ESCAPES.update({ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _escape_non_ascii(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF:
        return "\\u{FFFD}"  # no Swift string holds a lone surrogate
    return f"\\u{{{code:X}}}"


def string_literal(text: str) -> str:
    """A Swift string literal for any text, pure printable ASCII inside:
    it cannot end early, interpolate (`\\(` needs a raw backslash) or carry
    invisible characters."""
    body = text.translate(_ASCII_ESCAPES)
    if not body.isascii():
        body = _NON_ASCII.sub(_escape_non_ascii, body)
    return '"' + body + '"'


_LINE_BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_UNSAFE_IN_COMMENT = re.compile(f"[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff{FORMAT_CLASS}]")


def comment_lines(text: str) -> list[str]:
    """`text` as lines for a `///` comment: one line per line break of any
    kind, control and bidi-override characters removed, outer blank lines
    dropped."""
    lines = [_UNSAFE_IN_COMMENT.sub("", line).rstrip() for line in _LINE_BREAKS.split(text or "")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def doc_comment(paragraphs: Iterable[str], indent: str = "") -> list[str]:
    """Doc comment lines (with `///`) for paragraphs, blank line between."""
    out: list[str] = []
    for paragraph in paragraphs:
        lines = comment_lines(paragraph)
        if not lines:
            continue
        if out:
            out.append(f"{indent}///")
        out.extend(f"{indent}/// {line}".rstrip() for line in lines)
    return out


def deprecated_attribute(message: str) -> str:
    return f"@available(*, deprecated, message: {string_literal(message)})"


# --- numbers -------------------------------------------------------------


# Below the smallest normal number Swift warns that a literal "underflows and
# loses precision" (an error with -warnings-as-errors), exact or not: such
# values are written as their bit patterns instead.
DOUBLE_MIN_NORMAL = 2.2250738585072014e-308
FLOAT_MIN_NORMAL = 1.1754943508222875e-38


def double_literal(value: float) -> str:
    if math.isnan(value):
        return "Double.nan"
    if math.isinf(value):
        return "Double.infinity" if value > 0 else "-Double.infinity"
    if value != 0 and abs(value) < DOUBLE_MIN_NORMAL:
        return f"Double(bitPattern: 0x{struct.unpack('<Q', struct.pack('<d', value))[0]:016x})"
    return repr(float(value))


def float_literal(value: float) -> str:
    """A Swift Float literal of `value` narrowed to float32 the way the
    reference narrows it (the Swift API takes Float: the narrowing is the
    caller's). The literal is the shortest double text of that float32,
    which Swift reads back to exactly it."""
    narrowed = narrow_float32(value)
    if math.isnan(narrowed):
        return "Float.nan"
    if math.isinf(narrowed):
        return "Float.infinity" if narrowed > 0 else "-Float.infinity"
    if narrowed != 0 and abs(narrowed) < FLOAT_MIN_NORMAL:
        return f"Float(bitPattern: 0x{struct.unpack('<I', struct.pack('<f', narrowed))[0]:08x})"
    return repr(narrowed)


def integer_literal(value: int) -> str:
    return str(int(value))


def scalar_literal(scalar: Scalar, value: object) -> str:
    """A test-plan scalar value as a Swift expression of its API type."""
    if scalar is Scalar.STRING:
        return string_literal(str(value))
    if scalar is Scalar.BOOL:
        return "true" if value else "false"
    if scalar is Scalar.FLOAT:
        return float_literal(float(value))  # type: ignore[arg-type]
    if scalar is Scalar.DOUBLE:
        return double_literal(float(value))  # type: ignore[arg-type]
    if scalar is Scalar.BYTES:
        return "[" + ", ".join(f"0x{b:02x}" for b in bytes(value)) + "]"  # type: ignore[call-overload]
    if scalar is Scalar.TIMESTAMP:
        return f"Timestamp(seconds: {value.seconds}, nanos: {value.nanos})"  # type: ignore[attr-defined]
    return integer_literal(value)  # type: ignore[arg-type]


LEXICON = Lexicon(keywords=KEYWORDS, reserved=RESERVED, escape=escape, scalar_types=SWIFT_TYPES, literal=scalar_literal)
