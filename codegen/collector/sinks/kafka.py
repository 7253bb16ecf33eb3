"""The scale sink: Kafka. Collectors are stateless and many can run side by
side; each produces good events to one topic and rejected ones to another,
with an idempotent producer and acks=all, and answers a request only when
the broker has acknowledged every record of it. `codegen load` consumes the
good topic into DuckDB, where the event_id dedupe makes it exactly once.

Good records: key = a context property (default event_id), value = the
Envelope's Protobuf bytes (Confluent-framed when a schema registry is
configured), headers naming the event, model version and schema
fingerprint, and the server's times. Bad records: value = the raw bytes,
headers with the reasons (a JSON array) and what could be read.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
from typing import Any

from codegen.exports.proto import render_proto
from codegen.ir import Model
from codegen.collector.records import Accepted, Received, Rejected, Stored
from codegen.collector.sinks.base import Saturated, SinkError, SinkUnavailable
from codegen.collector.sinks.framing import frame, register_schema

log = logging.getLogger("codegen.collector")
ENVELOPE_INDEX = [1]  # Context is the .proto's first message, Envelope the second


def topic_retention_ms(model: Model) -> int:
    """Both topics keep records for the shortest retention of the model's
    purposes: a record may hold a value of any purpose, and Kafka is only the
    way to the store, never a place where data outlives its purpose."""
    days = min((p.retention_days for p in model.purposes), default=7)
    return days * 86_400_000


def schema_fingerprint(model: Model) -> str:
    return "sha256:" + hashlib.sha256(render_proto(model).encode("utf-8")).hexdigest()


class KafkaSink:
    keeps_protobuf = True  # records are the Envelope bytes: the privacy step hashes them too

    def __init__(self, broker: str, model: Model, topic: str, bad_topic: str, key_property: str = "event_id",
                 schema_registry: str | None = None, max_pending_events: int = 20_000,
                 delivery_timeout_ms: int = 30_000) -> None:
        if key_property not in {p.name for p in model.context.properties}:
            raise SinkError(f"--key {key_property!r} is not a property of the model's context")
        self.broker = broker
        self.model = model
        self.topic = topic
        self.bad_topic = bad_topic
        self.key_property = key_property
        self.schema_registry = schema_registry
        self.description = f"kafka:{broker} (topics {topic}, {bad_topic})"
        self.max_pending_events = max_pending_events
        self.delivery_timeout_ms = delivery_timeout_ms
        self.fingerprint = schema_fingerprint(model).encode("ascii")
        self.schema_id: int | None = None
        self._producer: Any = None
        self._pending = 0
        self._lock = threading.Lock()
        self._running = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        from confluent_kafka import KafkaException
        from confluent_kafka.admin import AdminClient, NewTopic

        admin = AdminClient({"bootstrap.servers": self.broker})
        config = {"retention.ms": str(topic_retention_ms(self.model))}
        try:
            admin.list_topics(timeout=10)
            futures = admin.create_topics([NewTopic(t, num_partitions=1, replication_factor=1, config=config)
                                           for t in (self.topic, self.bad_topic)])
            existing = []
            for topic, future in futures.items():
                try:
                    future.result(timeout=10)
                except KafkaException as exc:
                    if "TOPIC_ALREADY_EXISTS" not in str(exc):
                        raise
                    existing.append(topic)
            if existing:  # created before, maybe under other purposes: the model's retention holds
                from confluent_kafka.admin import AlterConfigOpType, ConfigEntry, ConfigResource, ResourceType

                entry = ConfigEntry("retention.ms", config["retention.ms"],
                                    incremental_operation=AlterConfigOpType.SET)
                altered = admin.incremental_alter_configs(
                    [ConfigResource(ResourceType.TOPIC, t, incremental_configs=[entry]) for t in existing])
                for future in altered.values():
                    future.result(timeout=10)
        except KafkaException as exc:
            raise SinkError(f"cannot reach the Kafka broker at {self.broker}: {exc}") from None
        if self.schema_registry:
            self.schema_id = register_schema(self.schema_registry, f"{self.topic}-value", render_proto(self.model))
        from confluent_kafka import Producer

        self._producer = Producer({
            "bootstrap.servers": self.broker,
            "enable.idempotence": True,  # implies acks=all and ordered retries
            "acks": "all",
            "linger.ms": 2,
            "compression.type": "lz4",
            "message.timeout.ms": self.delivery_timeout_ms,
            "queue.buffering.max.messages": max(self.max_pending_events * 2, 100_000),
        })
        self._running = True
        self._thread = threading.Thread(target=self._poll, name="kafka-poll", daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while self._running:
            self._producer.poll(0.05)

    def close(self) -> None:
        self._running = False
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._producer is not None:
            self._producer.flush(10)

    def _value(self, event: Accepted) -> bytes:
        if self.schema_id is None:
            return event.protobuf
        return frame(self.schema_id, ENVELOPE_INDEX, event.protobuf)

    def _key(self, event: Accepted) -> bytes | None:
        value = event.context.get(self.key_property)  # a row value: enums by name
        if value is None:
            return None
        return (value if isinstance(value, str) else str(value)).encode("utf-8")

    async def store(self, received: Received) -> Stored:
        count = len(received.accepted) + len(received.rejected)
        with self._lock:
            if self._pending and self._pending + count > self.max_pending_events:
                raise Saturated()
            self._pending += count
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        state = {"left": count, "error": None}

        def delivered(err: Any, _msg: Any) -> None:  # on the poll thread
            with self._lock:
                self._pending -= 1
                state["left"] -= 1  # type: ignore[operator]
                if err is not None and state["error"] is None:
                    state["error"] = err
                finished = state["left"] == 0
            if finished:
                loop.call_soon_threadsafe(lambda: done.done() or done.set_result(None))

        produced = 0
        try:
            for event in received.accepted:
                self._producer.produce(self.topic, key=self._key(event), value=self._value(event),
                                       headers=self._good_headers(received, event), on_delivery=delivered)
                produced += 1
            for bad in received.rejected:
                self._producer.produce(self.bad_topic, value=bad.raw, headers=self._bad_headers(received, bad),
                                       on_delivery=delivered)
                produced += 1
        except BufferError:
            # The records produced so far may still arrive: a retry makes
            # duplicates, which the loader's event_id dedupe drops.
            with self._lock:
                self._pending -= count - produced
            raise Saturated() from None
        if count:
            await done
        if state["error"] is not None:
            raise SinkUnavailable(f"Kafka did not acknowledge: {state['error']}")
        return Stored(len(received.accepted), 0)

    def _good_headers(self, received: Received, event: Accepted) -> list[tuple[str, bytes]]:
        headers = [("event", event.event.encode()), ("model_version", event.model_version.encode()),
                   ("schema_fingerprint", self.fingerprint), ("content_type", b"application/x-protobuf"),
                   ("received_at_us", str(received.received_at_us).encode())]
        if received.sent_at_us is not None:
            headers.append(("sent_at_us", str(received.sent_at_us).encode()))
        if event.event_time_us is not None:
            headers.append(("event_time_us", str(event.event_time_us).encode()))
        if self.schema_id is not None:
            headers.append(("schema_id", str(self.schema_id).encode()))
        if event.client_ip is not None:
            headers.append(("client_ip", event.client_ip.encode("ascii")))
        if event.pseudonym_key is not None:
            headers.append(("pseudonym_key", event.pseudonym_key.encode("ascii")))
        return headers

    def _bad_headers(self, received: Received, bad: Rejected) -> list[tuple[str, bytes]]:
        info = {"content_type": received.content_type, "received_at_us": received.received_at_us,
                "batch_index": bad.index, "event_id": bad.event_id, "event": bad.event,
                "model_version": bad.model_version, "collector_model_version": self.model.version,
                "reasons": bad.reasons}
        return [(key, json.dumps(value, ensure_ascii=True).encode("ascii")) for key, value in info.items()]
