"""Kotlin identifiers and literals: reserved names, escaping, case styles.

Every identifier the Kotlin target emits comes from here, so it is valid,
never a keyword or a name the runtime or the Kotlin prelude uses, and unique
in its scope. Every piece of model text that lands in Kotlin source goes
through `string_literal` or `kdoc`.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from codegen.ir import Scalar
from codegen.naming import camel, enum_value_token, pascal
from codegen.reference import narrow_float32
from codegen.sdk.contract import Lexicon
from codegen.sdk.reserved import derived, matches, read_names, source_texts
from codegen.invisible import FORMAT_CLASS
from codegen.sdk.templates import builtin_templates

# Hard keywords (never identifiers) and the reserved `typeof`.
KEYWORDS = frozenset(
    "as break class continue do else false for fun if in interface is null object package return super "
    "this throw true try typealias typeof val var when while".split()
)

_TEMPLATES = builtin_templates("kotlin")
_INTERFACE = re.compile(r"^(?:public\s+|internal\s+)?(?:sealed\s+|fun\s+)?interface\s+\w+[^{\n]*\{(.*?)^\}",
                        re.M | re.S)


def _derive() -> dict[str, frozenset[str]]:
    sources = source_texts(_TEMPLATES, (".kt", ".j2"))
    return {
        # Types declared at the top of a runtime file or a template, and types the templates import.
        "runtime_types": matches(sources, re.compile(
            r"^(?:@[\w.]+(?:\([^)]*\))?\s+)*(?:(?:public|internal|private|protected|data|enum|sealed|abstract|"
            r"open|annotation|inline|value|inner|expect|actual|fun)\s+)*(?:class|interface|object|typealias)\s+"
            r"(\w+)", re.M)),
        "imported_types": matches(sources, re.compile(r"^import\s+(?:\w+\.)*(\w+)\s*$", re.M)),
        # Members of the runtime interfaces, the runtime's top-level callables, the templates' locals (below).
        "interface_members": matches([m.group(1) for text in sources for m in _INTERFACE.finditer(text)],
                                     re.compile(r"\b(?:val|var|fun)\s+(?:<[^>]*>\s*)?(\w+)")),
        "top_level_callables": matches(sources, re.compile(
            r"^(?:(?:public|internal|private|inline|const)\s+)*(?:fun|val|var)\s+(?:<[^>]*>\s*)?(?:[\w.]+\.)?(\w+)",
            re.M)),
        "template_locals": matches(source_texts(_TEMPLATES, (".j2",)), re.compile(r"\bfun\s+\w+\(\s*(\w+)\s*:"),
                                   re.compile(r"[(,]\s*(\w+)\s*:\s*[A-Z]"), re.compile(r"\{\s*(\w+)\s*->"),
                                   re.compile(r"\b(?:val|var)\s+(\w+)\s*=")),
    }


# Read off the sources (kept between builds: codegen.sdk.reserved.derived).
_DERIVED = derived("kotlin", ("runtime_types", "imported_types", "interface_members", "top_level_callables",
                              "template_locals"), (Path(__file__), _TEMPLATES), _derive)

# Types declared at the top of a runtime file or a template, types the
# templates import, and the default imports of Kotlin and java.lang.
RUNTIME_TYPES = _DERIVED["runtime_types"]
IMPORTED_TYPES = _DERIVED["imported_types"]
IMPLICIT_SCOPE = read_names(Path(__file__).with_name("implicit_scope.txt"))
CONTEXT_CLASS = "TrackingContext"  # the types the views name themselves
BUILDER_CLASS = "Builder"  # nested in every message class: it would shadow a model type of that name there
RESERVED_TYPES = KEYWORDS | RUNTIME_TYPES | IMPORTED_TYPES | IMPLICIT_SCOPE | {CONTEXT_CLASS, BUILDER_CLASS}

# Members a property must not shadow: what every data class has (the
# language's own), what the runtime interfaces that messages implement
# declare, the runtime's top-level functions and values (callable without
# qualification in the package), and the parameters and locals of the
# templates' functions and lambdas, which sit beside property references.
DATA_CLASS_MEMBERS = frozenset("copy equals hashCode toString javaClass it".split()) | frozenset(
    f"component{i}" for i in range(1, 1000))
INTERFACE_MEMBERS = _DERIVED["interface_members"]
TOP_LEVEL_CALLABLES = _DERIVED["top_level_callables"]
TEMPLATE_LOCALS = _DERIVED["template_locals"]
RESERVED_MEMBERS = KEYWORDS | DATA_CLASS_MEMBERS | INTERFACE_MEMBERS | TOP_LEVEL_CALLABLES | TEMPLATE_LOCALS

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


# Packages no library may declare: the compiler keeps `kotlin` to the
# standard library, the JVM refuses to load classes under `java`.
PROHIBITED_ROOTS = frozenset({"kotlin", "java"})


def package_name(dotted: str) -> str:
    """A package: every segment a valid, non-keyword identifier, never under
    a prohibited root."""
    segments = [re.sub(r"[^A-Za-z0-9_]", "_", s) for s in dotted.split(".") if s]
    escaped = [escape(s, KEYWORDS) for s in segments]
    if escaped and escaped[0] in PROHIBITED_ROOTS:
        escaped[0] += SUFFIX
    return ".".join(escaped)


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


# Control characters, and invisible format characters (bidirectional
# overrides among them) that could make a comment display as code ("trojan source").
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f{FORMAT_CLASS}]")


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
