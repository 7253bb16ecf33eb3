# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Protobuf bytes and ProtoJSON values of messages described by FieldSpecs."""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping
from typing import Any, cast

from .errors import EncodingError
from .fields import (
    BOOL,
    BYTES,
    DOUBLE,
    ENUM,
    FLOAT,
    INT32,
    INT64,
    LIST,
    MAP,
    MESSAGE,
    MESSAGE_KINDS,
    PACKABLE_KINDS,
    STRING,
    TIMESTAMP,
    UINT32,
    UINT64,
    FieldSpec,
)
from .jcs import JsonValue, float32_json
from .timestamp import Timestamp
from .wire import (
    I32,
    I64,
    VARINT,
    append_len,
    append_tag,
    append_varint,
    check_int,
    float32_bytes,
    float64_bytes,
    is_positive_zero,
    narrow_float32,
    utf8,
)

AutoValues = Mapping[str, object]


def specs_of(message: object) -> tuple[FieldSpec, ...]:
    return cast(tuple[FieldSpec, ...], getattr(message, "_SPECS"))


def field_value(message: object, spec: FieldSpec, auto: AutoValues | None) -> Any:
    """The value to write: the const, the tracker's auto value, or the
    attribute (None when unset)."""
    if spec.const is not None:
        return spec.const
    if spec.auto is not None and auto is not None:
        return auto.get(spec.auto)
    return getattr(message, spec.attr, None)


# --- Protobuf -------------------------------------------------------------


def encode_message(message: object, auto: AutoValues | None = None) -> bytes:
    out = bytearray()
    for spec in specs_of(message):
        value = field_value(message, spec, auto)
        if value is None:
            continue
        if spec.label == LIST:
            _encode_list(out, spec, value)
        elif spec.label == MAP:
            _encode_map(out, spec, value)
        elif spec.presence or spec.kind in MESSAGE_KINDS:
            _encode_one(out, spec.kind, spec.number, value)
        elif not _is_zero(spec.kind, value):
            _encode_one(out, spec.kind, spec.number, value)
    return bytes(out)


def _is_zero(kind: str, value: Any) -> bool:
    if kind == FLOAT:
        return is_positive_zero(narrow_float32(_as_float(value)))
    if kind == DOUBLE:
        return is_positive_zero(_as_float(value))
    if kind == ENUM:
        return bool(value.number == 0)
    if kind in (STRING, BYTES):
        return len(value) == 0
    return not value


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (OverflowError, TypeError, ValueError) as exc:
        raise EncodingError(f"{value!r} is not a float") from exc


def _as_int(kind: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EncodingError(f"{value!r} is not an int ({kind})")
    return check_int(kind, value)


def _varint(kind: str, value: Any) -> int:
    if kind == BOOL:
        return 1 if value else 0
    if kind == ENUM:
        return int(value.number)
    return _as_int(kind, value)


def _payload(out: bytearray, kind: str, value: Any) -> None:
    """Append a packable value without its tag."""
    if kind == FLOAT:
        out += float32_bytes(_as_float(value))
    elif kind == DOUBLE:
        out += float64_bytes(_as_float(value))
    else:
        append_varint(out, _varint(kind, value))


def _encode_one(out: bytearray, kind: str, number: int, value: Any) -> None:
    if kind == FLOAT:
        append_tag(out, number, I32)
        out += float32_bytes(_as_float(value))
    elif kind == DOUBLE:
        append_tag(out, number, I64)
        out += float64_bytes(_as_float(value))
    elif kind in PACKABLE_KINDS:
        append_tag(out, number, VARINT)
        append_varint(out, _varint(kind, value))
    elif kind == STRING:
        append_len(out, number, utf8(value))
    elif kind == BYTES:
        append_len(out, number, bytes(value))
    elif kind == TIMESTAMP:
        append_len(out, number, timestamp_bytes(value))
    elif kind == MESSAGE:
        append_len(out, number, encode_message(value))
    else:
        raise EncodingError(f"unknown field kind {kind!r}")


def _encode_list(out: bytearray, spec: FieldSpec, values: Any) -> None:
    if spec.kind in PACKABLE_KINDS:
        if len(values) == 0:
            return
        body = bytearray()
        for value in values:
            _payload(body, spec.kind, _present(spec, value))
        append_len(out, spec.number, body)
        return
    for value in values:
        _encode_one(out, spec.kind, spec.number, _present(spec, value))


def _encode_map(out: bytearray, spec: FieldSpec, mapping: Mapping[str, Any]) -> None:
    # Entries sorted by key in code point order; key and value always written.
    for key in sorted(mapping):
        entry = bytearray()
        append_len(entry, 1, utf8(key))
        _encode_one(entry, spec.kind, 2, _present(spec, mapping[key]))
        append_len(out, spec.number, entry)


def _present(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        raise EncodingError(f"{spec.name} holds None as an element")
    return value


def timestamp_bytes(value: Timestamp) -> bytes:
    if not value.is_valid:
        raise EncodingError(f"{value!r} is outside the Timestamp range")
    out = bytearray()
    if value.seconds:
        append_tag(out, 1, VARINT)
        append_varint(out, value.seconds)
    if value.nanos:
        append_tag(out, 2, VARINT)
        append_varint(out, value.nanos)
    return bytes(out)


# --- ProtoJSON --------------------------------------------------------------


def json_message(
    message: object, auto: AutoValues | None = None
) -> dict[str, JsonValue]:
    """The message as ProtoJSON values keyed by wire name: fields without
    presence always appear (their zero value when unset), lists and maps too."""
    result: dict[str, JsonValue] = {}
    for spec in specs_of(message):
        value = field_value(message, spec, auto)
        if spec.label == LIST:
            items = value if value is not None else ()
            result[spec.name] = [
                json_value(spec.kind, _present(spec, v)) for v in items
            ]
        elif spec.label == MAP:
            entries: Mapping[str, Any] = value if value is not None else {}
            result[spec.name] = {
                key: json_value(spec.kind, _present(spec, item))
                for key, item in entries.items()
            }
        elif value is not None:
            result[spec.name] = json_value(spec.kind, value)
        elif not (spec.presence or spec.kind in MESSAGE_KINDS):
            result[spec.name] = _zero_json(spec)
    return result


def _zero_json(spec: FieldSpec) -> JsonValue:
    if spec.kind in (STRING, BYTES):
        return ""
    if spec.kind == BOOL:
        return False
    if spec.kind in (INT64, UINT64):
        return "0"
    if spec.kind == ENUM:
        return spec.unspecified
    return 0


def _float_json(value: float) -> JsonValue:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def json_value(kind: str, value: Any) -> JsonValue:
    if kind == STRING:
        return str(value)
    if kind == BOOL:
        return bool(value)
    if kind in (INT32, UINT32):
        return _as_int(kind, value)
    if kind in (INT64, UINT64):
        return str(_as_int(kind, value))
    if kind == FLOAT:
        return _float_json(float32_json(_as_float(value)))
    if kind == DOUBLE:
        return _float_json(_as_float(value))
    if kind == BYTES:
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == ENUM:
        return str(value.json_name)
    if kind == TIMESTAMP:
        if not value.is_valid:
            raise EncodingError(f"{value!r} is outside the Timestamp range")
        return str(value.to_rfc3339())
    if kind == MESSAGE:
        return json_message(value)
    raise EncodingError(f"unknown field kind {kind!r}")
