"""The Confluent Schema Registry wire format for Protobuf values, and a
minimal registry client (register the model's .proto, get its id).

    magic byte 0 | schema id, 4 bytes big-endian | message indexes | Protobuf bytes

The message indexes locate the message in the .proto: a count, then each
index (top-level position, then nested positions), all as zigzag varints;
the common case [0] is written as the single byte 0.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

MAGIC = 0


def _zigzag_varint(value: int) -> bytes:
    n = (value << 1) ^ (value >> 63)
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_zigzag(data: bytes, pos: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated or overlong varint in the Confluent header")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return (result >> 1) ^ -(result & 1), pos


def message_indexes(indexes: list[int]) -> bytes:
    if indexes == [0]:
        return b"\x00"
    return _zigzag_varint(len(indexes)) + b"".join(_zigzag_varint(i) for i in indexes)


def frame(schema_id: int, indexes: list[int], payload: bytes) -> bytes:
    return bytes([MAGIC]) + schema_id.to_bytes(4, "big") + message_indexes(indexes) + payload


def unframe(data: bytes) -> tuple[int, list[int], bytes]:
    """(schema id, message indexes, Protobuf bytes) of a framed value."""
    if len(data) < 6 or data[0] != MAGIC:
        raise ValueError("not a Confluent-framed value (magic byte 0 and a 4-byte schema id)")
    schema_id = int.from_bytes(data[1:5], "big")
    count, pos = _read_zigzag(data, 5)
    if count == 0:
        return schema_id, [0], data[pos:]
    if count < 0 or count > 100:
        raise ValueError(f"implausible message index count {count}")
    indexes = []
    for _ in range(count):
        index, pos = _read_zigzag(data, pos)
        indexes.append(index)
    return schema_id, indexes, data[pos:]


def register_schema(registry_url: str, subject: str, proto_text: str, timeout: float = 10) -> int:
    """Register (or find) the .proto under `subject`; its schema id."""
    body = json.dumps({"schemaType": "PROTOBUF", "schema": proto_text}).encode("utf-8")
    url = f"{registry_url.rstrip('/')}/subjects/{urllib.request.quote(subject, safe='')}/versions"
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(json.loads(response.read())["id"])
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise ValueError(f"the schema registry at {registry_url} refused the schema: {exc.code} {detail}") from None
    except (urllib.error.URLError, OSError, KeyError, ValueError) as exc:
        raise ValueError(f"cannot register the schema at {registry_url}: {exc}") from None
