# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""The `Batch` request body: envelopes in the order they were tracked and the
client's clock when the request is sent (docs/wire-contract.md, "The batch").

Protobuf: each envelope as a field-1 record, then `sent_at` (field 2, always
written). JSON: `{"events":[<envelope>,...],"sent_at":"<RFC 3339>"}`, the
envelopes' canonical JSON as they are, so the body is canonical too."""

from __future__ import annotations

from collections.abc import Sequence

from .envelope import JSON, PROTOBUF
from .errors import EncodingError
from .plans import timestamp_payload
from .timestamp import Timestamp
from .wire import append_varint

# Bytes a batch adds around its envelopes, at most: the JSON frame and a
# nanosecond sent_at, or the sent_at record (a batch is never fuller).
BATCH_OVERHEAD = 64


def encode_batch(
    envelopes: Sequence[bytes], sent_at: Timestamp, wire_format: str = PROTOBUF
) -> bytes:
    """The body of one request: `envelopes` are each event's envelope in
    `wire_format` (Protobuf bytes, or canonical JSON as UTF-8)."""
    stamp = timestamp_payload(sent_at.seconds, sent_at.nanos)
    if stamp is None:
        raise EncodingError(f"{sent_at!r} is outside the Timestamp range")
    if wire_format == PROTOBUF:
        out = bytearray()
        for envelope in envelopes:
            out.append(0x0A)
            append_varint(out, len(envelope))
            out += envelope
        out.append(0x12)
        append_varint(out, len(stamp))
        out += stamp
        return bytes(out)
    if wire_format == JSON:
        events = b",".join(envelopes)
        stamp_text = sent_at.to_rfc3339().encode("ascii")
        return b'{"events":[' + events + b'],"sent_at":"' + stamp_text + b'"}'
    raise ValueError(f"unknown wire format {wire_format!r}")


def record_size(envelope_size: int, wire_format: str) -> int:
    """What one envelope adds to a batch body: its record (tag, length and
    bytes) in Protobuf, the envelope and a comma in JSON."""
    if wire_format == PROTOBUF:
        length = 1
        while envelope_size >= 0x80 << (7 * (length - 1)):
            length += 1
        return 1 + length + envelope_size
    return envelope_size + 1
