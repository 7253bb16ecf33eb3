"""Every bad input of the issue against one real collector: a clear 4xx or a
per-event rejection with a reason, the rejects in bad_events where they were
decodable enough, the good events of the same batch stored, no crash."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from . import sdk
from .support import JSON, PROTOBUF, running_collector
from .test_collect_duckdb import rows


def reasons_of(answer, index: int) -> str:
    return " | ".join(next(r for r in answer.body["rejected"] if r["index"] == index)["reasons"])


def with_context_field(envelope: bytes, extra: bytes) -> bytes:
    """The envelope with `extra` appended to its context (field 1)."""
    assert envelope[0] == 0x0A
    length, pos, shift = 0, 1, 0
    while True:
        byte = envelope[pos]
        length |= (byte & 0x7F) << shift
        pos, shift = pos + 1, shift + 7
        if not byte & 0x80:
            break
    context = envelope[pos:pos + length] + extra
    return b"\x0a" + sdk.varint(len(context)) + context + envelope[pos + length:]


def test_bad_inputs_get_clear_answers_and_good_events_survive(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    recorder = sdk.Recorder()
    good = recorder.track(*[sdk.page_view(i) for i in range(12)])
    envelope = good[0].protobuf
    stored_ids = []
    with running_collector(tmp_path, "--sink", f"duckdb:{db}", "--max-event-bytes", "4096") as c:
        def batch_with(bad: bytes, keep: int) -> bytes:
            stored_ids.append(good[keep].event_id)
            return sdk.protobuf_batch([good[keep].protobuf, bad])

        # Whole requests that cannot be read: 400 / 413 / 415, JSON errors.
        for body, content_type, encoding, status, code in [
            (b"\xff\xfe garbage \x00", PROTOBUF, None, 400, "bad_request"),
            (b"{}", "text/plain", None, 415, "unsupported_media_type"),
            (b"{}", JSON, "br", 415, "unsupported_media_type"),
            (sdk.protobuf_batch([envelope])[:-20], PROTOBUF, None, 400, "bad_request"),  # truncated
            (b"\x0a" + b"\xff" * 11, PROTOBUF, None, 400, "bad_request"),  # huge varint length
            (b"\x1a\x01x" + sdk.protobuf_batch([envelope]), PROTOBUF, None, 400, "bad_request"),  # unknown field 3
            (b'{"events": [], "extra": 1}', JSON, None, 400, "bad_request"),
            (b'{"events": {}}', JSON, None, 400, "bad_request"),
            (b'{"events": [], "sent_at": "yesterday"}', JSON, None, 400, "bad_request"),
            (b'{"events": [\xff]}', JSON, None, 400, "bad_request"),  # invalid UTF-8
            (b"[" * 100_000 + b"]" * 100_000, JSON, None, 400, "bad_request"),  # deeply nested
            (b"not json", JSON, None, 400, "bad_request"),
            (b"\x1f\x8b\x08\x00garbage", PROTOBUF, "gzip", 400, "bad_request"),
            (gzip.compress(b"\x00" * 20_000_000), PROTOBUF, "gzip", 413, "too_large"),  # a gzip bomb
            (b"x" * 1_048_577, PROTOBUF, None, 413, "too_large"),
        ]:
            answer = c.post(body, content_type, encoding)
            assert (answer.status, answer.body["error"]) == (status, code), (body[:40], answer.body)
            assert answer.body["message"]
        assert c.request("GET", "/v1/batch").status == 405
        assert c.get("/nowhere").status == 404

        # Per-event rejections beside a good event that is stored.
        unknown_event = envelope + sdk.varint(99 << 3 | 2) + b"\x00"  # field 99, an event number the model lacks
        answer = c.post(batch_with(unknown_event, 1))
        assert answer.body["accepted"] == 1 and "event number 99 is not in the model" in reasons_of(answer, 1)

        unknown_field = with_context_field(envelope, b"\xa0\x1f\x01")  # field 500 inside the context
        answer = c.post(batch_with(unknown_field, 2))
        assert answer.body["accepted"] == 1
        assert "context: field number 500 is not in the model (unknown_field)" in reasons_of(answer, 1)

        bad_utf8 = envelope.replace(b"News web", b"News\xffweb")
        answer = c.post(batch_with(bad_utf8, 3))
        assert answer.body["accepted"] == 1 and "(decode)" in reasons_of(answer, 1)

        truncated = envelope[:-3]
        answer = c.post(batch_with(truncated, 4))
        assert answer.body["accepted"] == 1 and "(decode)" in reasons_of(answer, 1)

        huge_varint = b"\x08" + b"\xff" * 10 + b"\x01"
        answer = c.post(batch_with(envelope + huge_varint, 5))
        assert answer.body["accepted"] == 1 and "(decode)" in reasons_of(answer, 1)

        oversized = envelope + b"\xa2\x1f" + sdk.varint(5000) + b"x" * 5000
        answer = c.post(batch_with(oversized, 6))
        assert answer.body["accepted"] == 1 and "more than the limit of 4096 (too_large)" in reasons_of(answer, 1)

        document = json.loads(good[7].json)
        stored_ids.append(good[7].event_id)
        wrong_type = json.loads(good[8].json)
        wrong_type["page_view"]["page_url"] = 42
        unknown_key = json.loads(good[9].json)
        unknown_key["page_view"]["colour"] = "red"
        unknown_enum = json.loads(good[10].json)
        unknown_enum["context"]["platform"] = "PLATFORM_FRIDGE"
        nested = {"context": document["context"], "page_view": {"page_url": "u", "content": {"title": "t"}}}
        for _ in range(200):
            nested = {"page_view": nested}
        body = json.dumps({"events": [document, wrong_type, unknown_key, unknown_enum, nested, 7, "x"]}).encode()
        answer = c.post(body, JSON)
        assert answer.status == 200 and answer.body["accepted"] == 1
        assert [r["index"] for r in answer.body["rejected"]] == [1, 2, 3, 4, 5, 6]
        assert "page_url" in reasons_of(answer, 1) and "colour" in reasons_of(answer, 2)
        assert "PLATFORM_FRIDGE" in reasons_of(answer, 3)
        for index in (1, 2, 3, 4, 5, 6):
            assert reasons_of(answer, index).endswith("(decode)")
        lone_surrogate = json.loads(good[11].json)
        body = json.dumps({"events": [lone_surrogate]}).replace("News web", "News \\ud800web").encode()
        answer = c.post(body, JSON)
        assert answer.body["accepted"] == 0 and "surrogate" in reasons_of(answer, 0)

        assert c.get("/health").status == 200  # still serving
    stored = {r["event_id"] for r in rows(db, "page_view")}
    assert stored == set(stored_ids)
    bad = rows(db, "bad_events", "received_at, batch_index")
    assert len(bad) == 6 + 6 + 1
    assert bytes(bad[0]["raw"]) == unknown_event
    assert all(b["reasons"] and b["collector_model_version"] == "1.0.0" for b in bad)
    assert {b["content_type"] for b in bad} == {PROTOBUF, JSON}
