"""ProtoJSON events to messages without json_format's per-field Python, for
the documents this reader is sure about.

`json_format.ParseDict` walks every field in Python. `ProtoJsonReader` reads
the form the SDKs send (proto field names; JSON numbers, or strings of
digits for integers; "NaN", "Infinity", "-Infinity"; enum value names;
padded standard base64; RFC 3339 timestamps in UTC) into
keyword arguments for the message's constructor, which builds the message
in C (upb), driven by the descriptors. For anything else it is not sure
about (camelCase names, nulls, other quoted numbers, URL-safe base64, time
zone offsets, unknown keys, wrong types, values the constructor refuses) it answers
None, and the collector asks json_format: every document json_format
rejects is still rejected by json_format, with its words, and every one
this reader reads gives the same message as json_format would (the tests
compare them).
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor

F = FieldDescriptor
TIMESTAMP = "google.protobuf.Timestamp"
# json_format's limit is 100 nested messages; the model's objects have no
# cycles, so deeper documents are garbage: json_format answers those.
MAX_DEPTH = 64
FLOAT_MAX = float.fromhex("0x1.fffffep+127")  # json_format's bound for float fields
_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?", re.ASCII)
_SPECIAL_FLOATS = frozenset({"NaN", "Infinity", "-Infinity"})
_TIMESTAMP = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])"
                        r"(?:\.([0-9]{1,9}))?Z", re.ASCII)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_INTEGER_TYPES = {F.TYPE_INT32, F.TYPE_INT64, F.TYPE_UINT32, F.TYPE_UINT64, F.TYPE_SINT32, F.TYPE_SINT64,
                  F.TYPE_FIXED32, F.TYPE_FIXED64, F.TYPE_SFIXED32, F.TYPE_SFIXED64}

# (JSON value, depth of the message holding it) -> constructor value
Convert = Callable[[Any, int], Any]


class NotSure(Exception):
    """json_format decides this document."""


class ProtoJsonReader:
    def __init__(self, descriptor: Descriptor) -> None:
        self._messages: dict[str, _Message] = {}
        self._root = self._message(descriptor)

    def arguments(self, document: dict[str, Any]) -> dict[str, Any] | None:
        """Constructor arguments of the message `document` stands for, or
        None when json_format must decide."""
        try:
            return self._root.read(document, 0)
        except (NotSure, ValueError, OverflowError):  # e.g. int() of 5,000 digits
            return None

    def _message(self, descriptor: Descriptor) -> _Message:
        message = self._messages.get(descriptor.full_name)
        if message is None:
            message = self._messages[descriptor.full_name] = _Message()
            message.compile(descriptor, self)
        return message

    def field(self, field: FieldDescriptor) -> Convert:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value = self._single(field.message_type.fields_by_name["value"])
            return lambda items, depth: {k: value(v, depth) for k, v in _object(items).items()}
        single = self._single(field)
        if field.is_repeated:
            return lambda items, depth: [single(v, depth) for v in _array(items)]
        return single

    def _single(self, field: FieldDescriptor) -> Convert:
        kind = field.type
        if kind == F.TYPE_MESSAGE:
            if field.message_type.full_name == TIMESTAMP:
                return _timestamp
            return self._message(field.message_type).read
        if kind == F.TYPE_STRING:
            return _string  # an unpaired surrogate: the constructor refuses it
        if kind == F.TYPE_BOOL:
            return _bool
        if kind in _INTEGER_TYPES:
            return _integer  # out of range: the constructor refuses it
        if kind == F.TYPE_DOUBLE:
            return _double
        if kind == F.TYPE_FLOAT:
            return _float
        if kind == F.TYPE_ENUM:
            numbers = {v.name: v.number for v in field.enum_type.values}
            return lambda value, depth: numbers[value] if type(value) is str and value in numbers else _not_sure()
        assert kind == F.TYPE_BYTES
        return _bytes


class _Message:
    """The fields of one message type, by the key this reader accepts."""

    def __init__(self) -> None:
        self.fields: dict[str, Convert] = {}
        self.oneofs: dict[str, str] = {}  # key -> its oneof, for the oneofs json_format checks

    def compile(self, descriptor: Descriptor, reader: ProtoJsonReader) -> None:
        by_json = {f.json_name: f for f in descriptor.fields}
        names = {f.name for f in descriptor.fields}
        for field in descriptor.fields:
            # json_format looks a key up by JSON name first: only a proto
            # name that means the same field there is taken as it is.
            if by_json.get(field.name, field) is field:
                self.fields[field.name] = reader.field(field)
            oneof = field.containing_oneof
            if oneof is not None and (len(oneof.fields) > 1 or oneof.name in names):
                self.oneofs[field.name] = oneof.name

    def read(self, document: Any, depth: int) -> dict[str, Any]:
        """`depth`: of the message holding this one (0 for the root)."""
        depth += 1
        if type(document) is not dict or depth > MAX_DEPTH:
            raise NotSure()
        fields = self.fields
        out = {}
        for key, value in document.items():
            convert = fields.get(key)
            if convert is None:  # unknown or camelCase (a null, json_format's "clear", no converter takes)
                raise NotSure()
            out[key] = convert(value, depth)
        if self.oneofs:
            self._check_oneofs(document)
        return out

    def _check_oneofs(self, document: dict[str, Any]) -> None:
        """json_format refuses two fields of one oneof, and a key named
        like the oneof of another key."""
        seen = set(document)
        for key in document:
            oneof = self.oneofs.get(key)
            if oneof is not None:
                if oneof in seen:
                    raise NotSure()
                seen.add(oneof)


def _not_sure() -> Any:
    raise NotSure()


def _object(value: Any) -> dict[str, Any]:
    if type(value) is not dict:
        raise NotSure()
    return value


def _array(value: Any) -> list[Any]:
    if type(value) is not list:
        raise NotSure()
    return value


def _string(value: Any, depth: int) -> str:
    if type(value) is not str:
        raise NotSure()
    return value


def _bool(value: Any, depth: int) -> bool:
    if type(value) is not bool:
        raise NotSure()
    return value


def _integer(value: Any, depth: int) -> int:
    kind = type(value)
    if kind is int:
        return value
    if kind is str and _INTEGER.fullmatch(value):  # int64 and uint64 come quoted
        return int(value)
    raise NotSure()


def _double(value: Any, depth: int) -> float:
    kind = type(value)
    if kind is float:
        if math.isfinite(value):  # json.loads reads NaN and Infinity, json_format refuses them unquoted
            return value
    elif kind is int:
        return float(value)  # OverflowError: json_format decides
    elif kind is str and value in _SPECIAL_FLOATS:
        return float(value)  # as json_format reads them
    raise NotSure()


def _float(value: Any, depth: int) -> float:
    number = _double(value, depth)
    if type(value) is not str and not -FLOAT_MAX <= number <= FLOAT_MAX:  # json_format's bound, for numbers
        raise NotSure()
    return number


def _bytes(value: Any, depth: int) -> bytes:
    """Standard base64, padded (what the SDKs write), decoded the way json_format does."""
    if type(value) is not str or not _BASE64.fullmatch(value):
        raise NotSure()
    encoded = value.encode("ascii")
    return base64.urlsafe_b64decode(encoded + b"=" * (4 - len(encoded) % 4))


def _timestamp(value: Any, depth: int) -> dict[str, int]:
    """RFC 3339 in UTC ("Z"), computed like Timestamp.FromJsonString."""
    match = _TIMESTAMP.fullmatch(value) if type(value) is str else None
    if match is None:
        raise NotSure()
    year, month, day, hour, minute, second, fraction = match.groups()
    days = date(int(year), int(month), int(day)).toordinal() - _EPOCH_ORDINAL  # ValueError: no such day
    seconds = days * 86_400 + int(hour) * 3600 + int(minute) * 60 + int(second)
    nanos = round(float("0." + fraction) * 1e9) if fraction else 0  # as FromJsonString rounds
    return {"seconds": seconds, "nanos": nanos}
