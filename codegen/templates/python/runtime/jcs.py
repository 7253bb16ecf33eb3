# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Canonical JSON (RFC 8785): sorted keys, ECMAScript numbers, no whitespace."""

from __future__ import annotations

import math
import re
import struct
from json.encoder import encode_basestring as _encode_string
from typing import Union

from .wire import narrow_float32

JsonValue = Union[
    None, bool, int, float, str, list["JsonValue"], dict[str, "JsonValue"]
]

_SURROGATE = re.compile("[\ud800-\udfff]")
_F32 = struct.Struct("<f")
_pack_f32, _unpack_f32 = _F32.pack, _F32.unpack
_float_repr = float.__repr__
# 6 to 9 significant digits, in scientific notation.
_SIGNIFICANT = tuple(f"%.{digits - 1}e" for digits in range(6, 10))


def es_number(value: float) -> str:
    """ECMAScript `Number.prototype.toString` of a finite double; -0 is "0"."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{value} has no JSON form")
    if value == 0:
        return "0"
    text = _float_repr(value)  # not a subclass's __repr__
    if "e" not in text:
        # 1e-4 <= |value| < 1e16: repr's decimal layout is ECMAScript's,
        # but for the ".0" of an integral value.
        return text[:-2] if text.endswith(".0") else text
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
    narrowed: float
    try:
        narrowed = _unpack_f32(_pack_f32(value))[0]
    except OverflowError:  # beyond float32 (or its overflow midpoint)
        narrowed = narrow_float32(value)
    if narrowed == 0 or not narrowed - narrowed == 0:  # zeros, NaN, infinities
        return narrowed
    for form in _SIGNIFICANT:
        candidate = float(form % narrowed)
        try:
            if _unpack_f32(_pack_f32(candidate))[0] == narrowed:
                return candidate
        except OverflowError:
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
    kind = type(value)  # the plain types first, by identity
    if kind is str:
        out.append(json_string(value))  # type: ignore[arg-type]
    elif kind is float:
        out.append(es_number(value))  # type: ignore[arg-type]
    elif kind is int:
        out.append(str(value) if abs(value) <= 2**53 else es_number(float(value)))  # type: ignore[arg-type]
    elif kind is dict or kind is list:
        _write_container(value, out)  # type: ignore[arg-type]
    else:
        _write_other(value, out)


def _write_other(value: JsonValue, out: list[str]) -> None:
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
    elif isinstance(value, (list, dict)):
        _write_container(value, out)
    else:
        raise TypeError(f"{type(value).__name__} is not a JSON value")


def _write_container(
    value: list[JsonValue] | dict[str, JsonValue], out: list[str]
) -> None:
    if isinstance(value, list):
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
