"""The Kafka sink and the loader against a real single-node broker: records
as specified, `codegen load` into DuckDB exactly once despite replays, 503
and 429 when the broker is down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from codegen.collector.pseudonyms import PseudonymKey
from codegen.collector.sinks.kafka import schema_fingerprint
from codegen.ir import Scalar

from . import sdk
from .support import KEY_ENV, ROOT, TEST_KEY, hashed, running_collector
from .test_collect_duckdb import check_rows, rows


def consume(broker: str, topic: str, idle: float = 4.0, limit: float = 60.0) -> list:
    from confluent_kafka import Consumer

    consumer = Consumer({"bootstrap.servers": broker, "group.id": f"test-{uuid.uuid4()}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    out = []
    started = last = time.monotonic()
    try:
        while time.monotonic() - last < idle and time.monotonic() - started < limit:
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            out.append(message)
            last = time.monotonic()
    finally:
        consumer.close()
    return out


def load(broker: str, db: Path, topic: str, bad_topic: str, group: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codegen", "load", "--from", f"kafka:{broker}", "--sink", f"duckdb:{db}",
         "--topic", topic, "--bad-topic", bad_topic, "--group", group, "--until-idle", "4"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_collect_to_kafka_then_load_into_duckdb_exactly_once(tmp_path: Path, kafka_broker, bundled_model) -> None:
    topic, bad_topic = f"good-{uuid.uuid4().hex[:8]}", f"bad-{uuid.uuid4().hex[:8]}"
    events = sdk.Recorder(user_id="user-42").track(*[sdk.page_view(i) for i in range(4)])
    broken = bytearray(events[0].protobuf)
    broken[-1] ^= 0xFF  # the locale's last byte: no longer valid UTF-8 / pattern
    with running_collector(tmp_path, "--sink", f"kafka:{kafka_broker.address}", "--topic", topic,
                           "--bad-topic", bad_topic, "--key", "user_id") as collector:
        body = sdk.protobuf_batch([e.protobuf for e in events] + [bytes(broken)])
        first = collector.post(body)
        assert first.status == 200 and first.body["accepted"] == 4 and first.body["duplicates"] == 0
        assert [r["index"] for r in first.body["rejected"]] == [4]
        again = collector.post(body)  # a client retry: Kafka holds it twice, the loader stores it once
        assert again.status == 200 and again.body["accepted"] == 4
    good = consume(kafka_broker.address, topic)
    assert len(good) == 8
    # Kafka holds the envelopes as the collector keeps them: pseudonymous values hashed. The same
    # events tracked with the hashes (computed by the standard library) give the same bytes.
    hashed_user = hashed("user-42", Scalar.STRING)
    as_stored = sdk.Recorder(user_id=hashed_user, session_id=hashed("session-1", Scalar.STRING)).track(
        *[sdk.page_view(i) for i in range(4)])
    assert [m.value() for m in good[:4]] == [e.protobuf for e in as_stored]
    fingerprint = schema_fingerprint(bundled_model).encode()
    key_id = PseudonymKey.of(TEST_KEY).key_id.encode()
    for message in good:
        headers = dict(message.headers())
        assert message.key() == hashed_user.encode()  # the record key is never the raw identifier
        assert headers["pseudonym_key"] == key_id and headers["client_ip"] == b"127.0.0.0"
        assert headers["event"] == b"page_view" and headers["model_version"] == b"1.0.0"
        assert headers["schema_fingerprint"] == fingerprint
        assert int(headers["received_at_us"]) > int(headers["sent_at_us"])
    bad = consume(kafka_broker.address, bad_topic)
    assert len(bad) == 2 and bad[0].value() == bytes(broken)
    assert json.loads(dict(bad[0].headers())["reasons"])

    db = tmp_path / "loaded.duckdb"
    result = load(kafka_broker.address, db, topic, bad_topic, "loader-1")
    assert result.returncode == 0, result.stderr
    assert "loaded 4 events (4 duplicates skipped) and 2 bad events" in result.stdout
    check_rows(db, bundled_model, {e.event_id: (e.event_name, e.json) for e in events})
    stored = rows(db, "page_view")
    assert all(r["user_id"] == hashed_user and r["pseudonym_key"] == key_id.decode() for r in stored)
    assert all(r["client_ip"] == "127.0.0.0" for r in stored)
    assert [bytes(r["raw"]) for r in rows(db, "bad_events", "received_at")] == [bytes(broken)] * 2
    # Another consumer group reads everything again: nothing new is stored.
    result = load(kafka_broker.address, db, topic, bad_topic, "loader-2")
    assert result.returncode == 0, result.stderr
    assert "loaded 0 events (8 duplicates skipped)" in result.stdout
    assert len(rows(db, "page_view")) == 4


def test_unreachable_broker_stops_the_collector_with_a_message(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "codegen", "collect", "--sink", "kafka:127.0.0.1:9",
                             "--port", "0"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, **KEY_ENV})
    assert result.returncode == 1
    assert "error: cannot reach the Kafka broker at 127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_broker_down_gives_503_and_a_full_queue_429(tmp_path: Path, kafka_broker) -> None:
    """Last in this module: it stops the session's broker and starts it again."""
    topic = f"down-{uuid.uuid4().hex[:8]}"
    events = sdk.Recorder(prefix="00000000-0000-4000-9000-").track(*[sdk.page_view(i) for i in range(3)])
    body = sdk.protobuf_batch(e.protobuf for e in events)
    with running_collector(tmp_path, "--sink", f"kafka:{kafka_broker.address}", "--topic", topic,
                           "--sink-timeout", "3", "--max-pending-events", "5") as collector:
        assert collector.post(body).status == 200
        kafka_broker.stop()
        try:
            answers = {}
            slow = threading.Thread(target=lambda: answers.setdefault("first", collector.post(body)))
            slow.start()
            time.sleep(1.0)
            saturated = collector.post(body)
            slow.join(timeout=60)
            unavailable = answers["first"]
            assert (saturated.status, saturated.body["error"]) == (429, "saturated")
            assert saturated.headers["retry-after"] == "1"
            assert (unavailable.status, unavailable.body["error"]) == (503, "sink_unavailable")
            assert int(unavailable.headers["retry-after"]) > 0
        finally:
            kafka_broker.start()


def _retention_ms(broker: str, topics: list[str]) -> dict[str, str]:
    from confluent_kafka.admin import AdminClient, ConfigResource, ResourceType

    admin = AdminClient({"bootstrap.servers": broker})
    futures = admin.describe_configs([ConfigResource(ResourceType.TOPIC, t) for t in topics])
    return {resource.name: future.result(timeout=30)["retention.ms"].value for resource, future in futures.items()}


def test_topics_keep_records_for_the_shortest_retention_of_the_purposes(tmp_path: Path, kafka_broker,
                                                                         bundled_model) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic

    shortest = min(p.retention_days for p in bundled_model.purposes) * 86_400_000
    assert shortest == 90 * 86_400_000
    fresh = [f"good-{uuid.uuid4().hex[:8]}", f"bad-{uuid.uuid4().hex[:8]}"]
    older = [f"good-{uuid.uuid4().hex[:8]}", f"bad-{uuid.uuid4().hex[:8]}"]
    # Topics made before, with the broker's default retention: the collector sets the model's.
    admin = AdminClient({"bootstrap.servers": kafka_broker.address})
    for future in admin.create_topics([NewTopic(t, num_partitions=1, replication_factor=1) for t in older]).values():
        future.result(timeout=30)
    assert set(_retention_ms(kafka_broker.address, older).values()) != {str(shortest)}
    for good, bad in (fresh, older):
        with running_collector(tmp_path, "--sink", f"kafka:{kafka_broker.address}", "--topic", good,
                               "--bad-topic", bad) as collector:
            assert collector.get("/health").status == 200
    assert _retention_ms(kafka_broker.address, fresh + older) == {t: str(shortest) for t in fresh + older}
