"""End to end with the DuckDB sink: a real `codegen collect` on loopback,
batches from the generated Python SDK and from the reference encoder (every
sample of the test plan), rows checked column by column."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from codegen.exports.sql import event_columns, event_tables, render_sql
from codegen.reference import reference_for
from codegen.testplan import FIXED_AUTO, all_purposes, TimestampValue, context_sample, plan

from . import sdk
from .support import JSON, PROTOBUF, Expected, running_collector, same

MODEL_DIR = Path(__file__).resolve().parents[2] / "event_model"


def rows(db: Path, table: str, order: str = "event_id") -> list[dict[str, object]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(f'SELECT * FROM "{table}" ORDER BY {order}')
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        con.close()


def check_rows(db: Path, model, sent: dict[str, tuple[str, str]]) -> None:
    """`sent`: event_id -> (event name, canonical envelope JSON)."""
    expected = Expected(model)
    tables = event_tables(model)
    by_event: dict[str, list[str]] = {}
    for event_id, (event, _) in sent.items():
        by_event.setdefault(event, []).append(event_id)
    for event, ids in by_event.items():
        stored = {r["event_id"]: r for r in rows(db, tables[event])}
        assert sorted(stored) == sorted(ids), event
        for event_id in ids:
            want = expected.row(sent[event_id][1], event)
            row = stored[event_id]
            for column, value in want.items():
                assert same(row[column], value), f"{event}.{column}: stored {row[column]!r}, sent {value!r}"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_sdk_batches_are_stored_column_by_column_and_replays_store_nothing(tmp_path: Path, bundled_model) -> None:
    db = tmp_path / "events.duckdb"
    recorder = sdk.Recorder()
    events = recorder.track(
        *[sdk.page_view(i) for i in range(3)],
        sdk.VideoHeartbeat(playback_id="0123456789abcdef0123456789abcdef", bitrate_kbps=4500, dropped_frames=2**31 + 5,
                           position=sdk.PlaybackPosition(offset_ms=2**40, duration_ms=2**63 + 1, fraction=0.25),
                           buffer_health_s=[1.5, 0.1, -0.0]),
        sdk.VideoPlaybackError(playback_id="0123456789abcdef0123456789abcdef", error_code=-404, fatal=False,
                               diagnostics={"retries": -(2**62), "": 0}),
        sdk.ArticleRead(content=sdk.Content(content_id="news:1", kind=sdk.ContentKind.LIVE_PAGE),
                        scroll_depth=0, visible_seconds=12.75, read_through=True, font_scale=1.1),
    )
    json_events = recorder.track(*[sdk.page_view(100 + i) for i in range(2)])
    with running_collector(tmp_path, "--sink", f"duckdb:{db}") as collector:
        body = sdk.protobuf_batch(e.protobuf for e in events)
        first = collector.post(body)
        assert (first.status, first.body) == (200, {"accepted": 6, "duplicates": 0, "rejected": []})
        replay = collector.post(body)
        assert (replay.status, replay.body) == (200, {"accepted": 0, "duplicates": 6, "rejected": []})
        gz = collector.post(sdk.gzipped(sdk.json_batch(e.json for e in json_events)), JSON, "gzip")
        assert (gz.status, gz.body) == (200, {"accepted": 2, "duplicates": 0, "rejected": []})
        mixed = collector.post(sdk.protobuf_batch([json_events[0].protobuf, events[0].protobuf]))
        assert mixed.body == {"accepted": 0, "duplicates": 2, "rejected": []}
    sent = {e.event_id: (e.event_name, e.json) for e in events + json_events}
    check_rows(tmp_path / "events.duckdb", bundled_model, sent)
    stored = rows(db, "page_view")
    assert len(stored) == 5
    # The SDK's clock sent these in 2023: the offset is far above 5 minutes, so event_time is corrected.
    for row in stored:
        offset = row["received_at"] - row["sent_at"]
        assert row["event_time"] == row["client_timestamp"] + offset


def test_every_sample_of_the_test_plan_is_accepted_and_stored(tmp_path: Path, bundled_model) -> None:
    model = bundled_model
    ref = reference_for(model)
    context = context_sample(model)
    sent: dict[str, tuple[str, str]] = {}
    envelopes = []
    for i, sample in enumerate(plan(model).samples):
        auto = {**FIXED_AUTO, "consent": all_purposes(model), "event_id": f"sample-{i:04d}", "model_version": model.version,
                "sdk_name": "reference", "sdk_version": "1"}
        encoded = ref.envelope(sample.event, sample.values, context, auto)
        sent[auto["event_id"]] = (sample.event, encoded.json)
        envelopes.append(encoded)
    half = len(envelopes) // 2
    db = tmp_path / "events.duckdb"
    with running_collector(tmp_path, "--sink", f"duckdb:{db}") as collector:
        answer = collector.post(sdk.protobuf_batch(e.protobuf for e in envelopes[:half]))
        assert answer.body == {"accepted": half, "duplicates": 0, "rejected": []}, answer.body
        answer = collector.post(sdk.json_batch(e.json for e in envelopes[half:]), JSON)
        assert answer.body == {"accepted": len(envelopes) - half, "duplicates": 0, "rejected": []}, answer.body
    check_rows(db, model, sent)


def test_every_invalid_case_of_the_test_plan_is_rejected_with_its_path(tmp_path: Path, bundled_model) -> None:
    model = bundled_model
    ref = reference_for(model)
    context = context_sample(model)
    cases = plan(model).invalid
    assert cases
    envelopes = []
    for i, case in enumerate(cases):
        auto = {**FIXED_AUTO, "consent": all_purposes(model), "event_id": f"invalid-{i:04d}", "model_version": model.version,
                "sdk_name": "reference", "sdk_version": "1"}
        envelopes.append(ref.envelope(case.event, case.values, context, auto))
    good = sdk.Recorder().track(sdk.page_view(1))[0]
    db = tmp_path / "events.duckdb"
    with running_collector(tmp_path, "--sink", f"duckdb:{db}") as collector:
        answer = collector.post(sdk.protobuf_batch([e.protobuf for e in envelopes] + [good.protobuf]))
        assert answer.status == 200
        assert answer.body["accepted"] == 1
        rejected = answer.body["rejected"]
        assert [r["index"] for r in rejected] == list(range(len(cases)))
        for case, result in zip(cases, rejected):
            wanted = f"{case.event}.{case.path}:"
            assert any(r.startswith(wanted) and r.endswith(f"({case.constraint})") for r in result["reasons"]), \
                (case.name, result["reasons"])
    bad = rows(db, "bad_events", "batch_index")
    assert [b["batch_index"] for b in bad] == list(range(len(cases)))
    assert [bytes(b["raw"]) for b in bad] == [e.protobuf for e in envelopes]
    assert {b["content_type"] for b in bad} == {PROTOBUF}
    assert all(b["event_id"] == f"invalid-{i:04d}" and b["model_version"] == model.version
               and b["collector_model_version"] == model.version for i, b in enumerate(bad))


def test_export_sql_is_what_the_sink_creates(tmp_path: Path, bundled_model) -> None:
    from codegen.collector.store import DuckDBStore

    def schema(con) -> list[tuple]:  # the file's tables (not the dedupe index in memory): columns, constraints
        return con.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                           "WHERE table_catalog = current_database() ORDER BY ALL").fetchall() + \
            con.execute("SELECT table_name, constraint_type, constraint_column_names FROM duckdb_constraints() "
                        "WHERE database_name = current_database() ORDER BY ALL").fetchall()

    store = DuckDBStore(str(tmp_path / "a.duckdb"), bundled_model)
    store.open()
    made = schema(store.con)
    store.close()
    con = duckdb.connect(str(tmp_path / "b.duckdb"))
    con.execute(render_sql(bundled_model))
    assert made == schema(con)
    columns = {c.name for c in event_columns(bundled_model, bundled_model.events[0])}
    assert {"received_at", "sent_at", "event_time", "event_id", "client_timestamp"} <= columns
