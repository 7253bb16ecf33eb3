"""`codegen load`: the Kafka topics of good and bad events into DuckDB.

At least once: offsets are committed only after the DuckDB transaction that
holds the records; after a crash some records are read again, and the
event_id dedupe stores nothing twice, so the result is exactly once. Good
records are checked again with the loader's model (another producer, or an
incompatible model, would otherwise put rows in the wrong shape); those that
fail land in bad_events.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import DecodeError

from codegen.ir import Model
from codegen.collector.checking import EnvelopeChecker
from codegen.collector.descriptors import build_messages
from codegen.collector.pseudonyms import hashed_model
from codegen.collector.records import Received, Rejected
from codegen.collector.sinks import SinkError
from codegen.collector.sinks.framing import MAGIC, unframe
from codegen.collector.dedupe import DEFAULT_WINDOW
from codegen.collector.store import DuckDBStore

PROTOBUF = "application/x-protobuf"


@dataclass
class Counts:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0


def _headers(message: Any) -> dict[str, bytes]:
    return {k: v for k, v in (message.headers() or []) if v is not None}


def _int(headers: dict[str, bytes], name: str) -> int | None:
    value = headers.get(name)
    return int(value) if value is not None and value.isdigit() else None


class RecordReader:
    """Kafka records to the collector's Received requests (one per record)."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.messages = build_messages(model)
        self.checker = EnvelopeChecker(model, self.messages)
        self.hashed_checker: EnvelopeChecker | None = None  # for records the collector pseudonymised

    def good(self, message: Any) -> Received:
        headers = _headers(message)
        received_at = _int(headers, "received_at_us") or int(message.timestamp()[1]) * 1000
        received = Received(PROTOBUF, received_at, _int(headers, "sent_at_us"))
        data = message.value() or b""
        try:
            if data[:1] == bytes([MAGIC]):  # an Envelope never starts with byte 0 (field number 0 is invalid)
                _, _, data = unframe(data)
            envelope = self.messages.envelope.FromString(data)
        except (DecodeError, ValueError) as exc:
            received.rejected.append(Rejected(0, [f"envelope: not a valid Envelope message ({exc}) (decode)"],
                                              message.value() or b""))
            return received
        key_id = headers.get("pseudonym_key")
        # Hashed by the collector: its pseudonymous values need not meet their string constraints any more.
        checker = self.checker
        if key_id:
            if self.hashed_checker is None:
                self.hashed_checker = EnvelopeChecker(hashed_model(self.model), self.messages)
            checker = self.hashed_checker
        result = checker.check(envelope, 0, data, data)
        if isinstance(result, Rejected):
            received.rejected.append(result)
        else:
            result.event_time_us = _int(headers, "event_time_us")
            client_ip = headers.get("client_ip")
            result.client_ip = client_ip.decode("ascii", "replace") if client_ip else None
            result.pseudonym_key = key_id.decode("ascii", "replace") if key_id else None
            received.accepted.append(result)
        return received

    @staticmethod
    def bad(message: Any) -> Received:
        info = {k: json.loads(v) for k, v in _headers(message).items() if _is_json(v)}
        received = Received(str(info.get("content_type") or "unknown"), int(info.get("received_at_us") or 0), None)
        received.rejected.append(Rejected(int(info.get("batch_index") or 0), list(info.get("reasons") or []),
                                          message.value() or b"", info.get("event_id"), info.get("event"),
                                          info.get("model_version")))
        return received


def _is_json(value: bytes) -> bool:
    try:
        json.loads(value)
        return True
    except ValueError:
        return False


def load_topics(model: Model, broker: str, db_path: str, topic: str, bad_topic: str, group: str,
                until_idle: float | None, progress: Callable[[str], None] = print,
                batch_size: int = 2_000, dedupe_window: float = DEFAULT_WINDOW) -> Counts:
    from confluent_kafka import Consumer, KafkaError, KafkaException

    store = DuckDBStore(db_path, model, dedupe_window)
    store.open()
    reader = RecordReader(model)
    consumer = Consumer({"bootstrap.servers": broker, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "enable.partition.eof": False})
    counts = Counts()
    try:
        try:
            consumer.list_topics(timeout=10)
        except KafkaException as exc:
            raise SinkError(f"cannot reach the Kafka broker at {broker}: {exc}") from None
        consumer.subscribe([topic, bad_topic])
        progress(f"loading {topic} and {bad_topic} from {broker} into {db_path}")
        last = time.monotonic()
        while until_idle is None or time.monotonic() - last < until_idle:
            messages = consumer.consume(num_messages=batch_size, timeout=0.5)
            batch = []
            for message in messages:
                error = message.error()
                if error is not None:
                    if error.code() in (KafkaError._PARTITION_EOF, KafkaError.UNKNOWN_TOPIC_OR_PART):
                        continue
                    raise SinkError(f"Kafka: {error}")
                batch.append(reader.bad(message) if message.topic() == bad_topic else reader.good(message))
            if not batch:
                continue
            last = time.monotonic()
            for stored, received in zip(store.write(batch), batch):
                counts.accepted += stored.accepted
                counts.duplicates += stored.duplicates
                counts.rejected += len(received.rejected)
            consumer.commit(asynchronous=False)  # only after the DuckDB commit: at least once
    finally:
        consumer.close()
        store.close()
    return counts
