"""Request bodies to batches: content encoding, the size limits, the Batch
message in Protobuf or JSON, then every envelope checked on its own.

A body that cannot be read as a batch at all is a `BadRequest` (400, never
retried); one above the size limit `TooLarge` (413). Inside a readable batch
each event is accepted or rejected with its reasons.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import DecodeError

from codegen.collector.checking import EnvelopeChecker
from codegen.collector.descriptors import Messages
from codegen.collector.protojson import ProtoJsonReader
from codegen.collector.records import Received, Rejected

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
CONTENT_TYPES = (PROTOBUF, JSON)
MICROS = 1_000_000


@dataclass(frozen=True)
class Limits:
    max_request: int = 1_048_576  # bytes, after decompression
    max_event: int = 65_536  # bytes of one Envelope in Protobuf
    skew_threshold_us: int = 300 * MICROS  # clock offsets above this are corrected


class ProtocolError(Exception):
    """A request the collector answers with an error status."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(ProtocolError):
    pass


class TooLarge(ProtocolError):
    status = 413
    code = "too_large"


class UnsupportedMediaType(ProtocolError):
    status = 415
    code = "unsupported_media_type"


def media_type(header: str) -> str:
    """`application/json; charset=utf-8` -> `application/json`; 415 for others."""
    kind = header.split(";", 1)[0].strip().lower()
    if kind not in CONTENT_TYPES:
        shown = json.dumps(header[:100])
        raise UnsupportedMediaType(f"Content-Type {shown} is not supported; send {PROTOBUF} or {JSON}")
    return kind


def decompress(body: bytes, encoding: str, limit: int) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        if len(body) > limit:
            raise TooLarge(f"the body has {len(body)} bytes, more than the limit of {limit}")
        return body
    if encoding not in ("gzip", "x-gzip"):
        raise UnsupportedMediaType(f"Content-Encoding {json.dumps(encoding[:40])} is not supported; use gzip")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        # Never more than limit + 1 bytes out, however well the body packs.
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise BadRequest(f"the body is not valid gzip: {exc}") from None
    if len(out) > limit:
        raise TooLarge(f"the body inflates to more than the limit of {limit} bytes")
    if not inflater.eof:
        raise BadRequest("the gzip stream is truncated")
    return out


class BatchDecoder:
    def __init__(self, checker: EnvelopeChecker, messages: Messages, limits: Limits) -> None:
        self.checker = checker
        self.messages = messages
        self.limits = limits
        self.json_reader = ProtoJsonReader(messages.envelope.DESCRIPTOR)

    def decode(self, body: bytes, content_type: str, received_at_us: int) -> Received:
        if content_type == PROTOBUF:
            return self._protobuf(body, received_at_us)
        return self._json(body, received_at_us)

    def _protobuf(self, body: bytes, received_at_us: int) -> Received:
        try:
            raw = self.messages.raw_batch.FromString(body)
        except DecodeError as exc:
            raise BadRequest(f"the body is not a Batch message: {exc}") from None
        size = raw.ByteSize()
        raw.DiscardUnknownFields()
        if raw.ByteSize() != size:
            raise BadRequest("the body is not a Batch message: it has fields other than events (1) and sent_at (2)")
        received = Received(PROTOBUF, received_at_us, _micros(raw.sent_at) if raw.HasField("sent_at") else None)
        envelope_class = self.messages.envelope
        max_event = self.limits.max_event
        for index, data in enumerate(raw.events):
            if len(data) > max_event:
                received.rejected.append(_too_large(index, data, len(data), max_event))
                continue
            try:
                envelope = envelope_class.FromString(data)
            except DecodeError as exc:
                received.rejected.append(Rejected(index, [f"envelope: not a valid Envelope message ({exc}) (decode)"],
                                                  data))
                continue
            self._add(received, self.checker.check(envelope, index, data, data))
        return self._finish(received)

    def _json(self, body: bytes, received_at_us: int) -> Received:
        document = _json_document(body)
        sent_at = document.get("sent_at")
        sent_at_us = None
        if sent_at is not None:
            timestamp = self.messages.classes["Batch"]().sent_at
            try:
                timestamp.FromJsonString(sent_at)
            except (ValueError, TypeError, AttributeError) as exc:
                raise BadRequest(f"sent_at is not an RFC 3339 timestamp: {exc}") from None
            sent_at_us = _micros(timestamp)
        received = Received(JSON, received_at_us, sent_at_us)
        envelope_class = self.messages.envelope
        max_event = self.limits.max_event
        for index, item in enumerate(document.get("events", [])):
            try:
                envelope = self._envelope_of(item)
            except (json_format.ParseError, RecursionError, ValueError, TypeError, OverflowError) as exc:
                reason = str(exc) if not isinstance(exc, RecursionError) else "nested too deeply"
                received.rejected.append(Rejected(index, [f"envelope: {reason} (decode)"], _json_raw(item)))
                continue
            try:
                protobuf = envelope.SerializeToString(deterministic=True)
            except Exception as exc:  # e.g. a lone surrogate that has no UTF-8 form
                received.rejected.append(Rejected(index, [f"envelope: cannot be encoded ({exc}) (decode)"],
                                                  _json_raw(item)))
                continue
            if len(protobuf) > max_event:
                received.rejected.append(_too_large(index, _json_raw(item), len(protobuf), max_event))
                continue
            # Fields of a parsed message read faster than those of a built one.
            envelope = envelope_class.FromString(protobuf)
            result = self.checker.check(envelope, index, b"", protobuf, unknown_fields=False)
            if isinstance(result, Rejected):
                result.raw = _json_raw(item)  # only rejected events keep what was sent
            self._add(received, result)
        return self._finish(received)

    def _envelope_of(self, item: Any) -> Any:
        """The Envelope of one JSON event: built in C from what the fast
        reader is sure about, else by json_format (which says what is wrong)."""
        if not isinstance(item, dict):
            raise json_format.ParseError(f"an event is a JSON object, not {type(item).__name__}")
        arguments = self.json_reader.arguments(item)
        if arguments is not None:
            try:
                return self.messages.envelope(**arguments)
            except Exception:  # a value out of range, an unpaired surrogate: json_format words why
                pass
        envelope = self.messages.envelope()
        json_format.ParseDict(item, envelope)
        return envelope

    @staticmethod
    def _add(received: Received, result: Any) -> None:
        (received.rejected if isinstance(result, Rejected) else received.accepted).append(result)

    def _finish(self, received: Received) -> Received:
        """The corrected event time: the client clock's offset (received -
        sent_at) is applied only above the threshold, so ordinary transit
        time is not added to every event."""
        offset = 0
        if received.sent_at_us is not None:
            skew = received.received_at_us - received.sent_at_us
            if abs(skew) > self.limits.skew_threshold_us:
                offset = skew
        field = self.checker.client_time_field
        for event in received.accepted:
            client = event.context.get(field) if field else None
            if client is not None:
                event.event_time_us = client + offset
        return received


def _micros(timestamp: Any) -> int:
    return int(timestamp.seconds) * MICROS + int(timestamp.nanos) // 1000


def _too_large(index: int, raw: bytes, size: int, limit: int) -> Rejected:
    return Rejected(index, [f"envelope: {size} bytes, more than the limit of {limit} (too_large)"], raw)


def _json_raw(item: Any) -> bytes:
    # ASCII escapes keep even lone surrogates representable.
    return json.dumps(item, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _json_document(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body.decode("utf-8"))
    except RecursionError:
        raise BadRequest("the JSON body is nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the JSON body is not valid UTF-8: {exc.reason} at byte {exc.start}") from None
    except ValueError as exc:
        raise BadRequest(f"the body is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise BadRequest('the JSON body must be an object {"events": [...], "sent_at": "..."}')
    unknown = sorted(set(document) - {"events", "sent_at"})
    if unknown:
        raise BadRequest(f"the batch has unknown keys: {', '.join(json.dumps(k) for k in unknown[:5])}")
    if not isinstance(document.get("events", []), list):
        raise BadRequest('"events" must be an array')
    return document
