# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""The envelope of an event in one wire format, the generic way (any values,
issues worded by validation.py) and the fast way (a tracker's context
checked and encoded once, then only the event and two automatic values per
call)."""

from __future__ import annotations

from typing import Literal, Protocol

from .codec import AutoValues, encode_message, json_message, specs_of
from .errors import ValidationIssue
from .jcs import canonical_json
from .message import EventMessage, Message
from .plans import ValueWriter, tag, value_writer
from .timestamp import Timestamp
from .writers import _WRITERS, plan_for
from .validation import validate_message
from .wire import append_len, append_record, append_varint

WireFormat = Literal["protobuf", "json"]
PROTOBUF: WireFormat = "protobuf"
JSON: WireFormat = "json"


class FormatTransport(Protocol):
    """A transport that takes envelopes in one wire format (HttpTransport)."""

    wire_format: WireFormat

    def enqueue(
        self, event_name: str, event_id: str, body: bytes, purposes: frozenset[str]
    ) -> None:
        """Take one envelope (`purposes`: those it needs, for `purge`); may
        raise, the tracker reports it."""

    def purge(self, purposes: frozenset[str]) -> None:
        """Forget every envelope not yet sent that needs one of `purposes`
        (they were withdrawn), before the next request."""


# Automatic values that change with every event; the others are the SDK's.
EVENT_ID = "event_id"
CLIENT_TIMESTAMP = "client_timestamp"
_MIN_SECONDS = Timestamp.MIN_SECONDS
_MAX_SECONDS = Timestamp.MAX_SECONDS
_NANOS = 1_000_000_000


def envelope_protobuf(
    context: Message, event: EventMessage, auto: AutoValues | None = None
) -> bytes:
    body = bytearray()
    append_len(body, 1, encode_message(context, auto))
    append_len(body, event.EVENT_NUMBER, encode_message(event))
    return bytes(body)


def envelope_json(
    context: Message, event: EventMessage, auto: AutoValues | None = None
) -> str:
    document = {
        "context": json_message(context, auto),
        event.EVENT_NAME: json_message(event),
    }
    return canonical_json(dict(document))


class ContextPlan:
    """A tracker's context, checked (`issues`, without the automatic values)
    and written once: the Protobuf bytes between the automatic values that
    change per event. `fast` is False when anything needs the generic path."""

    def __init__(self, context: Message, sdk_values: AutoValues) -> None:
        self.issues: list[ValidationIssue] = validate_message(context, "context.")
        self.fast = not self.issues
        self.parts: list[bytes | str] = []
        self.event_id: ValueWriter | None = None
        self.timestamp_head = b""
        piece = bytearray()
        for spec in specs_of(context):
            if spec.auto == EVENT_ID or spec.auto == CLIENT_TIMESTAMP:
                self.parts.append(bytes(piece))
                self.parts.append(spec.auto)
                piece = bytearray()
                if spec.auto == EVENT_ID:
                    self.event_id = value_writer(spec, plan_for)
                else:
                    self.timestamp_head = tag(spec.number, 2)
                continue
            if spec.auto is not None:
                ok = value_writer(spec, plan_for)(sdk_values.get(spec.auto), piece)
            elif spec.const is not None:
                ok = True
                piece += encode_message(_OneField(spec))
            else:
                ok = value_writer(spec, plan_for)(
                    getattr(context, spec.attr, None), piece
                )
            self.fast = self.fast and ok
        self.parts.append(bytes(piece))
        self.parts = [part for part in self.parts if part != b""]
        # The seconds of the last client_timestamp and their record (a
        # timestamp's payload is at most 17 bytes: its length is one byte).
        self._second: tuple[int | None, bytes] = (None, b"")

    def envelope(
        self,
        event: EventMessage,
        event_id: str,
        seconds: int,
        nanos: int,
    ) -> bytes | None:
        """The envelope's Protobuf bytes, or None when the event (or an
        automatic value) is not plainly valid: then take the generic path."""
        cls = type(event)
        write = _WRITERS.get(cls) or plan_for(cls)
        if write is None:
            return None
        body = bytearray()
        if not write(event, body):
            return None
        context = bytearray()
        for part in self.parts:
            if type(part) is bytes:
                context += part
            elif part == EVENT_ID:
                assert self.event_id is not None
                if not self.event_id(event_id, context):
                    return None
            else:
                stamp = self._timestamp(seconds, nanos)
                if stamp is None:
                    return None
                context += stamp
        head = _HEADS.get(cls) or _event_head(cls, event.EVENT_NUMBER)
        size = len(context)
        if size < 0x80:
            out = bytearray((0x0A, size))
        else:
            out = bytearray(b"\x0a")
            append_varint(out, size)
        out += context
        append_record(out, head, body)
        return bytes(out)

    def _timestamp(self, seconds: int, nanos: int) -> bytes | None:
        """The client_timestamp record; the seconds' part is kept for the
        next event (events of one second share it)."""
        if type(seconds) is not int or type(nanos) is not int:
            return None
        if not (_MIN_SECONDS <= seconds <= _MAX_SECONDS and 0 <= nanos < _NANOS):
            return None
        last, record = self._second
        if last != seconds:
            seconds_part = bytearray()
            if seconds:
                seconds_part.append(0x08)
                append_varint(seconds_part, seconds)
            record = bytes(seconds_part)
            self._second = (seconds, record)
        if nanos:
            payload = bytearray(record)
            payload.append(0x10)
            append_varint(payload, nanos)
            return self.timestamp_head + bytes((len(payload),)) + payload
        return self.timestamp_head + bytes((len(record),)) + record


class _OneField:
    def __init__(self, spec: object) -> None:
        self._SPECS = (spec,)


_HEADS: dict[type, bytes] = {}


def _event_head(cls: type, number: int) -> bytes:
    head = _HEADS.get(cls)
    if head is None:
        head = _HEADS[cls] = tag(number, 2)
    return head
