"""Kotlin identifiers and literals: reserved names, escaping, case styles.

Every identifier the Kotlin target emits comes from here, so it is valid,
never a keyword or a name the runtime or the Kotlin prelude uses, and unique
in its scope. Every piece of model text that lands in Kotlin source goes
through `string_literal` or `kdoc`.
"""

from __future__ import annotations

import math
import re

from codegen.ir import Scalar
from codegen.naming import camel, enum_value_token, pascal
from codegen.reference import narrow_float32
from codegen.sdk.contract import Lexicon

# Hard keywords (never identifiers) and the reserved `typeof`.
KEYWORDS = frozenset(
    "as break class continue do else false for fun if in interface is null object package return super "
    "this throw true try typealias typeof val var when while".split()
)

# Types of the runtime and of the generated package besides the model's own.
RUNTIME_TYPES = frozenset(
    "AutoValues Bytes Deprecations EncodingError EsNumbers SdkError InMemoryTransport JsonWriter "
    "Message Payload ProtoEnum ProtoWriter SdkInfo TrackedEvent Tracker TrackingContext "
    "Transport TransportError Utf8 ValidationError ValidationPolicy Validator Timestamp "
    "JsonTestParser JsonVectorsTest RuntimeTest RuntimeTestEvent TrackerTest".split()
)

# Names that generated code uses unqualified: the Kotlin and java.lang prelude.
PRELUDE_TYPES = frozenset(
    "Any Array ArrayList Boolean Byte ByteArray Char CharSequence Character Class Collection Comparable "
    "Comparator Date Deprecated Double Enum Error Exception Float HashMap HashSet Int Integer Iterable "
    "JvmOverloads JvmStatic LinkedHashMap List Long Map Math Nothing Number Object Override Pair Regex "
    "RuntimeException Set Short String StringBuilder Suppress System Test Thread Throwable Triple UByte "
    "UInt ULong UShort UUID Unit Volatile Assertions".split()
)

RESERVED_TYPES = KEYWORDS | RUNTIME_TYPES | PRELUDE_TYPES

# Members of every generated message class (data class members, the runtime
# interfaces) and the locals generated code uses: properties must not shadow them.
RESERVED_MEMBERS = KEYWORDS | frozenset(
    "copy equals hashCode toString eventName eventNumber validate validateInto toProtobuf toJson "
    "writeProto writeJson deprecationWarnings javaClass it v w e auto found other".split()
) | frozenset(f"component{i}" for i in range(1, 1000))

# Members of every generated enum class.
RESERVED_ENUM_ENTRIES = frozenset({"Companion"})

SUFFIX = "_"

SCALAR_TYPES = {
    Scalar.STRING: "String", Scalar.BOOL: "Boolean", Scalar.INT32: "Int", Scalar.INT64: "Long",
    Scalar.UINT32: "UInt", Scalar.UINT64: "ULong", Scalar.FLOAT: "Float", Scalar.DOUBLE: "Double",
    Scalar.TIMESTAMP: "Timestamp", Scalar.BYTES: "Bytes",
}


def escape(name: str, reserved: frozenset[str] | set[str]) -> str:
    """`name` made valid and unreserved: a leading digit gets a `_` prefix,
    a reserved name a `_` suffix (the same rule everywhere, so it is predictable)."""
    if not name or not (name[0].isalpha() or name[0] == "_"):
        name = "_" + name
    while name in reserved or name == "_":
        name += SUFFIX
    return name


def type_name(model_name: str) -> str:
    return escape(pascal(model_name), RESERVED_TYPES)


def member_name(model_name: str) -> str:
    return escape(camel(model_name), RESERVED_MEMBERS)


def enum_entry_name(value_name: str) -> str:
    return escape(enum_value_token(value_name), RESERVED_ENUM_ENTRIES)


def package_name(dotted: str) -> str:
    """A package: every segment a valid, non-keyword identifier."""
    segments = [re.sub(r"[^A-Za-z0-9_]", "_", s) for s in dotted.split(".") if s]
    return ".".join(escape(s, KEYWORDS) for s in segments)


# --- literals ---------------------------------------------------------------

_SIMPLE_ESCAPES = {'"': '\\"', "\\": "\\\\", "$": "\\$", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b"}


_PLAIN = re.compile(r"[ !#%-\[\]-_a-~]*")  # printable ASCII but " $ \\ `
_SPECIAL = re.compile(r"[^ !#%-\[\]-_a-~]")


def string_literal(text: str) -> str:
    """A Kotlin string literal for any text, lone surrogates included: only
    printable ASCII stays as is, `$` is escaped so no template can start, and
    no backtick (literals also land in Markdown code)."""
    if _PLAIN.fullmatch(text):
        return f'"{text}"'
    return '"' + _SPECIAL.sub(_escape_char, text) + '"'


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[ch]
    return "".join(f"\\u{unit:04x}" for unit in _utf16_units(ch))


def _utf16_units(ch: str) -> list[int]:
    code = ord(ch)
    if code < 0x10000:
        return [code]
    code -= 0x10000
    return [0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)]


def int_literal(value: int, scalar: str) -> str:
    """A literal of the Kotlin type of `scalar` (int32, int64, uint32, uint64)."""
    if scalar == "int32":
        return "Int.MIN_VALUE" if value == -(2**31) else str(value)
    if scalar == "int64":
        return "Long.MIN_VALUE" if value == -(2**63) else f"{value}L"
    if scalar == "uint32":
        return f"{value}u"
    return f"{value}uL"


def double_literal(value: float) -> str:
    if math.isnan(value):
        return "Double.NaN"
    if math.isinf(value):
        return "Double.POSITIVE_INFINITY" if value > 0 else "Double.NEGATIVE_INFINITY"
    text = repr(float(value))
    return text if any(c in text for c in ".en") else text + ".0"


def float_literal(value: float) -> str:
    """The value narrowed to float32, written with the fewest digits that read back to it."""
    if math.isnan(value):
        return "Float.NaN"
    narrowed = narrow_float32(value)
    if math.isinf(narrowed):
        return "Float.POSITIVE_INFINITY" if narrowed > 0 else "Float.NEGATIVE_INFINITY"
    for digits in range(1, 10):
        text = f"{narrowed:.{digits - 1}e}"
        if narrow_float32(float(text)) == narrowed:
            return double_literal(float(text)) + "f"
    raise AssertionError(value)  # nine digits always round-trip


# --- comments ---------------------------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u0085\u2028\u2029]")


def kdoc_lines(text: str) -> list[str]:
    """Model text as KDoc lines. Kotlin block comments nest, so both `/*` and
    `*/` are neutralized; line breaks of every kind become separate lines."""
    text = text.replace("*/", "*&#47;").replace("/*", "&#47;*")
    lines = [line.rstrip() for line in _LINE_BREAKS.split(text.strip())]
    return [_strip_controls(line) for line in lines]


# Control characters, and bidirectional overrides that could make a comment
# display as code ("trojan source").
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _strip_controls(line: str) -> str:
    return _CONTROLS.sub(" ", line)


def kdoc_block(lines: list[str]) -> list[str]:
    """Full KDoc comment lines for `lines` (already escaped by `kdoc_lines`)."""
    if not lines:
        return []
    return ["/**", *[f" * {line}" if line else " *" for line in lines], " */"]


def xml_text(text: str) -> str:
    """Text for an XML element: markup escaped, characters XML 1.0 forbids dropped."""
    allowed = "".join(ch for ch in text if ch in "\t\n\r" or (" " <= ch and not "\ud800" <= ch <= "\udfff"
                                                            and ch not in "\ufffe\uffff"))
    return allowed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def scalar_literal(scalar: Scalar, value: object) -> str:
    """A test-plan scalar value as a Kotlin expression of its API type."""
    if scalar is Scalar.STRING:
        return string_literal(str(value))
    if scalar is Scalar.BOOL:
        return "true" if value else "false"
    if scalar in (Scalar.INT32, Scalar.INT64, Scalar.UINT32, Scalar.UINT64):
        return int_literal(int(value), scalar.value)  # type: ignore[call-overload]
    if scalar is Scalar.FLOAT:
        return float_literal(float(value))  # type: ignore[arg-type]
    if scalar is Scalar.DOUBLE:
        return double_literal(float(value))  # type: ignore[arg-type]
    if scalar is Scalar.BYTES:
        return f"Bytes.fromHex({string_literal(bytes(value).hex())})"  # type: ignore[call-overload]
    return f"Timestamp({int_literal(value.seconds, 'int64')}, {value.nanos})"  # type: ignore[attr-defined]


RESERVED = RESERVED_TYPES | RESERVED_MEMBERS
LEXICON = Lexicon(keywords=KEYWORDS, reserved=RESERVED, escape=lambda name: escape(name, RESERVED), scalar_types=SCALAR_TYPES,
                  literal=scalar_literal)
