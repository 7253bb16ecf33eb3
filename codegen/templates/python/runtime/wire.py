# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Protobuf wire primitives: varints, tags, fixed-width numbers, strings."""

from __future__ import annotations

import math
import struct

from .errors import EncodingError

VARINT = 0
I64 = 1
LEN = 2
I32 = 5

_U64 = (1 << 64) - 1
_PACK_F32 = struct.Struct("<f")
_PACK_F64 = struct.Struct("<d")
# Canonical quiet NaNs: the bytes every SDK writes for any NaN.
NAN_F32 = b"\x00\x00\xc0\x7f"
NAN_F64 = b"\x00\x00\x00\x00\x00\x00\xf8\x7f"

INT_RANGES = {
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
}


def append_varint(out: bytearray, value: int) -> None:
    """Append `value` as a varint; negative values as 64-bit two's complement
    (ten bytes), as Protobuf does for int32, int64 and enums."""
    value &= _U64
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def append_tag(out: bytearray, number: int, wire_type: int) -> None:
    append_varint(out, (number << 3) | wire_type)


def append_len(out: bytearray, number: int, payload: bytes | bytearray) -> None:
    """Append a length-delimited record (string, bytes, message, packed)."""
    append_varint(out, (number << 3) | LEN)
    append_varint(out, len(payload))
    out += payload


def append_record(out: bytearray, head: bytes, payload: bytes | bytearray) -> None:
    """Append a length-delimited record whose tag bytes `head` are made
    once (the encoders' hot path: a one-byte length needs no varint loop)."""
    out += head
    size = len(payload)
    if size < 0x80:
        out.append(size)
    else:
        append_varint(out, size)
    out += payload


def check_int(kind: str, value: int) -> int:
    low, high = INT_RANGES[kind]
    if not low <= value <= high:
        raise EncodingError(f"{value} is out of range for {kind}")
    return value


FLT_MAX = 3.4028234663852886e38
# The exact midpoint between FLT_MAX and 2**128: IEEE rounds it to infinity,
# the contract (like protobuf's pure-Python backend) to FLT_MAX.
_FLT_MAX_MIDPOINT = 3.4028235677973366e38


def narrow_float32(value: float) -> float:
    """The float32 nearest to `value` (round to nearest even, overflow to
    infinity, but the midpoint above FLT_MAX to FLT_MAX), as a Python float."""
    if abs(value) == _FLT_MAX_MIDPOINT:
        return math.copysign(FLT_MAX, value)
    try:
        return float(_PACK_F32.unpack(_PACK_F32.pack(value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def float32_bytes(value: float) -> bytes:
    if math.isnan(value):
        return NAN_F32
    return _PACK_F32.pack(narrow_float32(value))


def float64_bytes(value: float) -> bytes:
    if math.isnan(value):
        return NAN_F64
    return _PACK_F64.pack(value)


def is_positive_zero(value: float) -> bool:
    """Implicit-presence zero test for floats: bitwise, so -0.0 and NaN are
    values that get written."""
    return value == 0.0 and math.copysign(1.0, value) > 0


def utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise EncodingError("a string holds an unpaired UTF-16 surrogate") from exc
