"""TypeScript spelling for the JavaScript target: identifiers that are valid,
never keywords or names the runtime uses, unique in their scope; string,
number and comment literals that model text can never break out of."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from functools import lru_cache

from codegen.ir import Scalar
from codegen.sdk.contract import Lexicon
from codegen.sdk.names import escaper, repeat_suffix
from codegen.sdk.reserved import derived, matches, read_names, source_texts
from codegen.invisible import FORMAT_CLASS, FORMAT_CODES
from codegen.sdk.templates import builtin_templates

# ECMAScript reserved and strict-mode words, TypeScript's type keywords.
KEYWORDS = frozenset(
    """
    break case catch class const continue debugger default delete do else enum
    export extends false finally for function if import in instanceof new null
    return super switch this throw true try typeof var void while with yield
    let static implements interface package private protected public await
    as async from get of set abstract declare readonly keyof infer is module
    namespace type unique any unknown never object string number boolean bigint
    symbol undefined satisfies accessor constructor arguments eval
    """.split()
)

_TEMPLATES = builtin_templates("javascript")

# ECMAScript globals of the libraries the generated tsconfig names and the
# members of Object.prototype (a property named so would read the
# prototype's value when unset), read off the pinned TypeScript and node.
IMPLICIT_SCOPE = read_names(Path(__file__).with_name("implicit_scope.txt"))
_INTERFACE = re.compile(r"^export\s+interface\s+(\w+)[^{\n]*\{(.*?)^\}", re.M | re.S)


def _derive() -> dict[str, frozenset[str]]:
    sources = source_texts(_TEMPLATES, (".ts", ".j2"))
    # Everything the runtime and the templates declare or import at the top of a module.
    module = matches(sources, re.compile(
        r"^(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(?:class|interface|type|function|const|let|var|enum)\s+"
        r"([A-Za-z_$][\w$]*)", re.M), re.compile(r"^(?:import|export)\s+(?:type\s+)?\{([^}]*)\}", re.M))
    # Members of the runtime interfaces that the templates' classes implement.
    implemented = matches(sources, re.compile(r"\bclass\s+\S*\s+implements\s+([\w$, ]+?)\s*\{"))
    members = matches([m.group(2) for text in sources for m in _INTERFACE.finditer(text)
                       if m.group(1) in implemented],
                      re.compile(r"^\s+(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*[(:]", re.M)) | matches(
        source_texts(_TEMPLATES, (".ts.j2",)),  # ... and the methods the templates' classes add
        re.compile(r"^ {2}(?:static\s+|readonly\s+|get\s+)*([A-Za-z_$][\w$]*)\s*[(<]", re.M))
    return {"module": module, "implemented": implemented, "members": members}


# Read off the sources (kept between builds: codegen.sdk.reserved.derived).
_DERIVED = derived("javascript", ("module", "implemented", "members"), (Path(__file__), _TEMPLATES), _derive)
MODULE_NAMES, IMPLEMENTED, MEMBER_NAMES = _DERIVED["module"], _DERIVED["implemented"], _DERIVED["members"]

RESERVED = KEYWORDS | IMPLICIT_SCOPE | MODULE_NAMES | MEMBER_NAMES | {"__proto__", "prototype"}

TS_TYPES = {
    Scalar.STRING: "string", Scalar.BOOL: "boolean", Scalar.INT32: "number", Scalar.UINT32: "number",
    Scalar.INT64: "bigint | number", Scalar.UINT64: "bigint | number", Scalar.FLOAT: "number",
    Scalar.DOUBLE: "number", Scalar.TIMESTAMP: "Timestamp", Scalar.BYTES: "Uint8Array",
}


# --- literals ----------------------------------------------------------------

_UNSAFE = re.compile(f"[\\\\\"\x00-\x1f\x7f\u2028\u2029\ud800-\udfff{FORMAT_CLASS}]")
_SHORT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# Line breaks, lone surrogates, `"`/`\\` and the invisible format characters
# (bidi controls among them: Trojan Source) are written as escapes.
_UNSAFE_CODES = [*range(0x20), 0x7F, 0x2028, 0x2029, *range(0xD800, 0xE000), ord("\\"), ord('"'), *FORMAT_CODES]


def _escape_code(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\u{{{code:x}}}"


_STRING_ESCAPES = {c: _SHORT.get(chr(c)) or _escape_code(c) for c in _UNSAFE_CODES}


def ts_string(text: str) -> str:
    """A double-quoted TypeScript string literal of `text`; line breaks,
    surrogates and other invisible troublemakers become escapes."""
    if _UNSAFE.search(text) is None:
        return f'"{text}"'
    return '"' + text.translate(_STRING_ESCAPES) + '"'


def ts_key(text: str) -> str:
    """An object-literal key: computed for __proto__, which would set the prototype."""
    return f"[{ts_string(text)}]" if text == "__proto__" else ts_string(text)


def ts_number(value: int | float) -> str:
    """A JavaScript number literal (doubles; ints print exactly when they fit)."""
    if isinstance(value, bool):
        raise TypeError("bool is not a number")
    if isinstance(value, int):
        return str(value) if value >= 0 else f"-{-value}"
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    return repr(value)  # shortest round-trip digits, valid JS syntax (1e-05, 1.5e+20)


def ts_bigint(value: int) -> str:
    return f"{value}n" if value >= 0 else f"-{-value}n"


def ts_json(value: object) -> str:
    """JSON text for a .json file (non-ASCII kept, surrogates escaped)."""
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8", "backslashreplace").decode("utf-8")


# --- comments ----------------------------------------------------------------

_DOC_ESCAPES = str.maketrans({"@": "\\@", "{": "\\{", "}": "\\}", "\\": "\\\\"})


def doc_text(text: str) -> list[str]:
    """Model text as TSDoc lines: no line can end the comment (`*/`), start a
    tag (`@`) or an inline tag (`{`), and no line terminator survives inside
    a line (str.splitlines knows U+2028, U+2029, VT, FF, NEL...)."""
    return list(_doc_lines(text))


@lru_cache(maxsize=4096)  # descriptions repeat across a large model
def _doc_lines(text: str) -> tuple[str, ...]:
    lines = []
    for line in text.strip().splitlines():
        line = line.translate(_DOC_ESCAPES).replace("*/", "*\\/")
        lines.append(_invisible(line.rstrip()))
    while lines and not lines[-1]:
        lines.pop()
    return tuple(lines)


_INVISIBLE = re.compile(f"[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff{FORMAT_CLASS}]")


def _invisible(line: str) -> str:
    # Lone surrogates cannot be written as UTF-8; controls and format
    # characters (bidi overrides) would hide what a reader sees. The braces
    # of an astral escape are TSDoc-escaped: `{` would open an inline tag.
    return _INVISIBLE.sub(lambda m: _escape_code(ord(m.group())).replace("{", "\\{").replace("}", "\\}"), line)


def doc_inline(text: str) -> str:
    """Model text escaped for one TSDoc line (its line breaks become spaces)."""
    return " ".join(line for line in doc_text(text) if line)


def doc_tag(tag: str, text: str) -> list[str]:
    """A TSDoc block tag (e.g. @deprecated) followed by escaped model text."""
    lines = doc_text(text) or [""]
    return [f"@{tag} {lines[0]}".rstrip()] + lines[1:]


def scalar_literal(scalar: Scalar, value: object) -> str:
    """A test-plan scalar value as a TypeScript expression of its API type."""
    if scalar is Scalar.STRING:
        return ts_string(str(value))
    if scalar is Scalar.BOOL:
        return "true" if value else "false"
    if scalar in (Scalar.INT64, Scalar.UINT64):
        return ts_bigint(int(value))  # type: ignore[call-overload]
    if scalar in (Scalar.INT32, Scalar.UINT32):
        return ts_number(int(value))  # type: ignore[call-overload]
    if scalar.is_floating:
        return ts_number(float(value))  # type: ignore[arg-type]
    if scalar is Scalar.BYTES:
        return f"new Uint8Array([{', '.join(str(b) for b in bytes(value))}])"  # type: ignore[call-overload]
    return f"new Timestamp({ts_bigint(value.seconds)}, {value.nanos})"  # type: ignore[attr-defined]


LEXICON = Lexicon(keywords=KEYWORDS, reserved=RESERVED, escape=escaper(RESERVED, repeat_suffix("_")), scalar_types=TS_TYPES,
                  literal=scalar_literal)
