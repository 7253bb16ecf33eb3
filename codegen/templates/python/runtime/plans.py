# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""The fast path of `track()`: per message class, one pass that checks every
value against the model's rules and writes its Protobuf bytes (writers.py
compiles that pass per class; here are the writers of one value).

A plan never decides on its own: it answers False whenever a value is
invalid, of an unusual type (an int subclass, a list-like that is not a list
or tuple, ...) or otherwise not plainly encodable, and the caller then runs
the generic validator (which words the issues) and the generic encoder
(codec.py). So a plan is at most as permissive as validation.py and writes
the same bytes as codec.py; the tests compare the three on every
conformance case.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable
from typing import Any

from .fields import (
    BOOL,
    BYTES,
    DOUBLE,
    ENUM,
    FLOAT,
    INTEGER_KINDS,
    LIST,
    MAP,
    MESSAGE,
    PACKABLE_KINDS,
    STRING,
    TIMESTAMP,
    FieldSpec,
    ProtoEnum,
)
from .timestamp import Timestamp
from .wire import (
    FLT_MAX,
    INT_RANGES,
    NAN_F64,
    append_record,
    append_varint,
    float32_bytes,
    narrow_float32,
)

# write(value, out) -> False when the value is not plainly valid.
ValueWriter = Callable[[Any, bytearray], bool]
# The writer of a message class, or None (writers.plan_for; passed in, as
# that module compiles its writers from these).
MessageLookup = Callable[[type], "ValueWriter | None"]

_F32 = struct.Struct("<f").pack
_F64 = struct.Struct("<d").pack
_ZERO32 = b"\x00" * 4
_ZERO64 = b"\x00" * 8
_FLOAT_ONLY = frozenset({float})
_MIN_SECONDS = Timestamp.MIN_SECONDS
_MAX_SECONDS = Timestamp.MAX_SECONDS
_NANOS = 1_000_000_000


# --- one field ----------------------------------------------------------------


def tag(number: int, wire_type: int) -> bytes:
    out = bytearray()
    append_varint(out, (number << 3) | wire_type)
    return bytes(out)


def value_writer(spec: FieldSpec, messages: MessageLookup) -> ValueWriter:
    """The writer of a field's value: None is fine unless required."""
    if spec.label == LIST:
        return _list_writer(spec, messages)
    if spec.label == MAP:
        return _map_writer(spec, messages)
    implicit = not spec.presence and spec.kind not in (TIMESTAMP, MESSAGE)
    put = element_writer(spec, spec.number, implicit, messages)
    required = spec.required

    def single(value: Any, out: bytearray) -> bool:
        if value is None:
            return not required
        return put(value, out)

    return single


_WIRE_TYPES = {FLOAT: 5, DOUBLE: 1, STRING: 2, BYTES: 2, TIMESTAMP: 2, MESSAGE: 2}


def element_writer(
    spec: FieldSpec,
    number: int,
    implicit: bool,
    messages: MessageLookup,
    packed: bool = False,
) -> ValueWriter:
    """Checks one non-None value of `spec`'s kind and constraints and writes
    it as field `number` (skipping the zero value when `implicit`; without
    a tag inside a packed record). `messages` finds the writer of a nested
    message's class (writers.plan_for)."""
    kind = spec.kind
    head = b"" if packed else tag(number, _WIRE_TYPES.get(kind, 0))
    if kind == STRING:
        return _string_writer(spec, head, implicit)
    if kind in INTEGER_KINDS:
        low, high = INT_RANGES[kind]
        if spec.minimum is not None:
            low = max(low, spec.minimum)  # type: ignore[assignment]
        if spec.maximum is not None:
            high = min(high, spec.maximum)  # type: ignore[assignment]
        return _int_writer(head, low, high, implicit)
    if kind == BOOL:
        return _bool_writer(head, implicit)
    if kind == FLOAT or kind == DOUBLE:
        return _float_writer(spec, head, implicit)
    if kind == BYTES:
        return _bytes_writer(head, implicit)
    if kind == ENUM:
        return _enum_writer(head, implicit)
    if kind == TIMESTAMP:
        return _timestamp_writer(head)
    if kind == MESSAGE:
        return _message_writer(head, messages)
    raise ValueError(f"unknown field kind {kind!r}")


def _string_checker(spec: FieldSpec) -> Callable[[str], bool]:
    low, high = spec.min_length, spec.max_length
    match = re.compile(spec.pattern).fullmatch if spec.pattern is not None else None

    def ok(value: str) -> bool:
        if low is not None and len(value) < low:
            return False
        if high is not None and len(value) > high:
            return False
        return match is None or match(value) is not None

    return ok


def _string_writer(spec: FieldSpec, head: bytes, implicit: bool) -> ValueWriter:
    plain = spec.min_length is None and spec.max_length is None and spec.pattern is None
    ok = _string_checker(spec)

    def write(value: Any, out: bytearray) -> bool:
        if type(value) is not str or not (plain or ok(value)):
            return False
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError:  # an unpaired surrogate
            return False
        if data or not implicit:
            append_record(out, head, data)
        return True

    return write


def _int_writer(head: bytes, low: int, high: int, implicit: bool) -> ValueWriter:
    def write(value: Any, out: bytearray) -> bool:
        if type(value) is not int or not low <= value <= high:
            return False
        if value or not implicit:
            out += head
            if 0 <= value < 0x80:
                out.append(value)
            else:
                append_varint(out, value)
        return True

    return write


def _bool_writer(head: bytes, implicit: bool) -> ValueWriter:
    def write(value: Any, out: bytearray) -> bool:
        if type(value) is not bool:
            return False
        if value or not implicit:
            out += head
            out.append(1 if value else 0)
        return True

    return write


def _float_bytes(kind: str) -> Callable[[float], bytes]:
    if kind == FLOAT:

        def narrow(x: float) -> bytes:
            # Within the float32 range struct rounds to nearest even; NaN and
            # the overflow rules are float32_bytes'.
            return _F32(x) if -FLT_MAX <= x <= FLT_MAX else float32_bytes(x)

        return narrow

    def wide(x: float) -> bytes:
        return _F64(x) if x == x else NAN_F64

    return wide


def _as_float(value: Any) -> float | None:
    kind = type(value)
    if kind is float:
        return value  # type: ignore[no-any-return]
    if kind is int:
        try:
            return float(value)
        except OverflowError:
            return None
    return None


def _float_bounds(spec: FieldSpec) -> tuple[float | None, float | None]:
    # As validation.py: a bound admits finite numbers only, and a float is
    # compared as it goes on the wire, against bounds narrowed alike.
    single = spec.kind == FLOAT
    low, high = spec.minimum, spec.maximum
    return (
        None if low is None else (narrow_float32(low) if single else low),
        None if high is None else (narrow_float32(high) if single else high),
    )


def _float_writer(spec: FieldSpec, head: bytes, implicit: bool) -> ValueWriter:
    to_bytes = _float_bytes(spec.kind)
    single = spec.kind == FLOAT
    zero = _ZERO32 if single else _ZERO64
    bounded = spec.minimum is not None or spec.maximum is not None
    low, high = _float_bounds(spec)

    def write(value: Any, out: bytearray) -> bool:
        x = _as_float(value)
        if x is None:
            return False
        if bounded:
            v = narrow_float32(x) if single else x
            if (
                not math.isfinite(v)
                or (low is not None and v < low)
                or (high is not None and v > high)
            ):
                return False
        data = to_bytes(x)
        if data != zero or not implicit:
            out += head
            out += data
        return True

    return write


def _bytes_writer(head: bytes, implicit: bool) -> ValueWriter:
    def write(value: Any, out: bytearray) -> bool:
        kind = type(value)
        if kind is not bytes and kind is not bytearray and kind is not memoryview:
            return False
        data = bytes(value)
        if data or not implicit:
            append_record(out, head, data)
        return True

    return write


def _enum_writer(head: bytes, implicit: bool) -> ValueWriter:
    def write(value: Any, out: bytearray) -> bool:
        if not isinstance(value, ProtoEnum):
            return False
        number = value._number
        if number or not implicit:
            out += head
            append_varint(out, number)
        return True

    return write


def timestamp_payload(seconds: int, nanos: int) -> bytes | None:
    """A Timestamp message's bytes, or None outside the valid range."""
    if not (_MIN_SECONDS <= seconds <= _MAX_SECONDS and 0 <= nanos < _NANOS):
        return None
    out = bytearray()
    if seconds:
        out.append(0x08)
        append_varint(out, seconds)
    if nanos:
        out.append(0x10)
        append_varint(out, nanos)
    return bytes(out)


def _timestamp_writer(head: bytes) -> ValueWriter:
    def write(value: Any, out: bytearray) -> bool:
        if type(value) is not Timestamp:
            return False
        data = timestamp_payload(value.seconds, value.nanos)
        if data is None:
            return False
        append_record(out, head, data)
        return True

    return write


def _message_writer(head: bytes, messages: MessageLookup) -> ValueWriter:
    def write(value: Any, out: bytearray) -> bool:
        plan = messages(type(value))
        if plan is None:
            return False
        body = bytearray()
        if not plan(value, body):
            return False
        append_record(out, head, body)
        return True

    return write


# --- lists and maps -------------------------------------------------------------


def _count_checker(spec: FieldSpec) -> Callable[[int], bool]:
    low, high = spec.min_items, spec.max_items

    def ok(count: int) -> bool:
        return (low is None or count >= low) and (high is None or count <= high)

    return ok


def _list_writer(spec: FieldSpec, messages: MessageLookup) -> ValueWriter:
    count_ok = _count_checker(spec)
    required = spec.required
    if spec.kind == FLOAT or spec.kind == DOUBLE:
        return _packed_float_writer(spec, count_ok, messages)
    if spec.kind in PACKABLE_KINDS:
        # Packed: every value (zeros included) in one record, none when empty.
        put = element_writer(spec, spec.number, False, messages, packed=True)
        head = tag(spec.number, 2)

        def packed(value: Any, out: bytearray) -> bool:
            if value is None:
                return not required
            if (type(value) is not list and type(value) is not tuple) or not count_ok(
                len(value)
            ):
                return False
            if not value:
                return True
            body = bytearray()
            for item in value:
                if item is None or not put(item, body):
                    return False
            append_record(out, head, body)
            return True

        return packed
    put = element_writer(spec, spec.number, False, messages)

    def repeated(value: Any, out: bytearray) -> bool:
        if value is None:
            return not required
        if (type(value) is not list and type(value) is not tuple) or not count_ok(
            len(value)
        ):
            return False
        for item in value:
            if item is None or not put(item, out):
                return False
        return True

    return repeated


def _packed_float_writer(
    spec: FieldSpec, count_ok: Callable[[int], bool], messages: MessageLookup
) -> ValueWriter:
    """A packed float or double list in one `struct` call when every item is
    a plain finite float whose narrowed value the bounds admit (the bounds
    checked on the values read back, as they go on the wire); anything else
    (ints, NaN, infinities, a float that overflows float32) goes item by
    item, which applies the rules that differ there."""
    put = element_writer(spec, spec.number, False, messages, packed=True)
    head = tag(spec.number, 2)
    required = spec.required
    code = "f" if spec.kind == FLOAT else "d"
    narrowed = spec.kind == FLOAT
    low, high = _float_bounds(spec)
    structs: dict[int, struct.Struct] = {}

    def packed(value: Any, out: bytearray) -> bool:
        if value is None:
            return not required
        if (type(value) is not list and type(value) is not tuple) or not count_ok(
            len(value)
        ):
            return False
        if not value:
            return True
        if _FLOAT_ONLY.issuperset(map(type, value)):
            count = len(value)
            layout = structs.get(count)
            if layout is None:
                layout = struct.Struct(f"<{count}{code}")
                if len(structs) < 64:
                    structs[count] = layout
            try:
                data = layout.pack(*value)
            except OverflowError:  # beyond float32: the item rules decide
                data = b""
            if data:
                wire = layout.unpack(data) if narrowed else value
                total = sum(wire)
                if total - total == 0.0:  # every item finite (NaN and inf are not)
                    if (low is not None and min(wire) < low) or (
                        high is not None and max(wire) > high
                    ):
                        return False
                    append_record(out, head, data)
                    return True
        body = bytearray()
        for item in value:
            if item is None or not put(item, body):
                return False
        append_record(out, head, body)
        return True

    return packed


def _map_writer(spec: FieldSpec, messages: MessageLookup) -> ValueWriter:
    count_ok = _count_checker(spec)
    required = spec.required
    put = element_writer(spec, 2, False, messages)  # map values are always written
    head = tag(spec.number, 2)

    def write(value: Any, out: bytearray) -> bool:
        if value is None:
            return not required
        if type(value) is not dict or not count_ok(len(value)):
            return False
        for key in value:
            if type(key) is not str:
                return False
        for key in sorted(value):  # code point order
            item = value[key]
            try:
                data = key.encode("utf-8")
            except UnicodeEncodeError:
                return False
            entry = bytearray()
            append_record(entry, b"\x0a", data)
            if item is None or not put(item, entry):
                return False
            append_record(out, head, entry)
        return True

    return write
