# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Canonical JSON (RFC 8785): sorted keys, ECMAScript numbers, no whitespace."""

from __future__ import annotations

import math
import re
from json.encoder import encode_basestring as _encode_string
from typing import Union

from .wire import narrow_float32

JsonValue = Union[
    None, bool, int, float, str, list["JsonValue"], dict[str, "JsonValue"]
]

_SURROGATE = re.compile("[\ud800-\udfff]")


def es_number(value: float) -> str:
    """ECMAScript `Number.prototype.toString` of a finite double; -0 is "0"."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{value} has no JSON form")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr() gives the shortest round-tripping digits, the same choice as
    # ECMAScript; only the layout around them differs.
    mantissa, _, exp = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(exp or "0")
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    if k <= point <= 21:
        return sign + digits + "0" * (point - k)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    exponent = point - 1
    exp_text = f"e+{exponent}" if exponent >= 0 else f"e-{-exponent}"
    if k == 1:
        return sign + digits + exp_text
    return sign + digits[0] + "." + digits[1:] + exp_text


def float32_json(value: float) -> float:
    """The JSON number of a float field: the value narrowed to float32, then
    the shortest decimal of at least 6 significant digits that narrows back
    to it (what the official protobuf library prints), read as a double."""
    narrowed = narrow_float32(value)
    if math.isnan(narrowed) or math.isinf(narrowed) or narrowed == 0:
        return narrowed
    for precision in range(6, 10):
        candidate = float(f"{narrowed:.{precision - 1}e}")
        if narrow_float32(candidate) == narrowed:
            return candidate
    return narrowed


def json_string(text: str) -> str:
    """A JSON string literal, escaping only what RFC 8785 escapes: `"`, `\\`
    and U+0000-U+001F (short forms where JSON has them, else lower-case
    \\u00xx), exactly what the stdlib's non-ASCII string encoder does."""
    if _SURROGATE.search(text):
        raise ValueError("a string holds an unpaired UTF-16 surrogate")
    return _encode_string(text)


def _utf16_key(text: str) -> bytes:
    # Big-endian UTF-16 bytes compare like the code-unit sequence.
    return text.encode("utf-16-be", "surrogatepass")


def canonical_json(value: JsonValue) -> str:
    """Serialize `value` as RFC 8785 canonical JSON."""
    out: list[str] = []
    _write(value, out)
    return "".join(out)


def _write(value: JsonValue, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(json_string(value))
    elif isinstance(value, int):
        out.append(es_number(float(value)) if abs(value) > 2**53 else str(value))
    elif isinstance(value, float):
        out.append(es_number(value))
    elif isinstance(value, list):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        # Code point order equals UTF-16 order unless a key leaves the BMP.
        plain = all(key.isascii() for key in value)
        keys = sorted(value) if plain else sorted(value, key=_utf16_key)
        for index, key in enumerate(keys):
            if index:
                out.append(",")
            out.append(json_string(key))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    else:
        raise TypeError(f"{type(value).__name__} is not a JSON value")
