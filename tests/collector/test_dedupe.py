"""The DuckDB store's dedupe index (codegen/collector/dedupe.py): held in
memory, rebuilt from `event_ids` on start-up, bounded by the dedupe window,
told about the ids the retention deletes; stores made with the PRIMARY KEY
of earlier versions are migrated."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from codegen.collector.checking import EnvelopeChecker
from codegen.collector.decoding import PROTOBUF, BatchDecoder, Limits
from codegen.collector.descriptors import build_messages
from codegen.collector.retention import apply_rules
from codegen.collector.sinks.duckdb import DuckDBSink
from codegen.collector.store import DuckDBStore
from codegen.exports.sql import EVENT_IDS, quote
from codegen.loader import load_model

from . import sdk

MODEL_DIR = Path(__file__).resolve().parents[2] / "event_model"
DAY_US = 86_400 * 1_000_000


@pytest.fixture(scope="module")
def model():
    return load_model(MODEL_DIR)


@pytest.fixture(scope="module")
def decoder(model):
    messages = build_messages(model)
    return BatchDecoder(EnvelopeChecker(model, messages), messages, Limits())


def batch(first: int, count: int) -> bytes:
    """`count` page views whose ids are first + 1, first + 2, ..."""
    recorder = sdk.Recorder(prefix="")
    recorder.track(*[sdk.page_view(i) for i in range(first)])  # the ids count up from 1
    return sdk.protobuf_batch(e.protobuf for e in recorder.track(*[sdk.page_view(first + i) for i in range(count)]))


def now_us() -> int:
    return time.time_ns() // 1000


def stored(path: Path) -> tuple[int, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute('SELECT count(*), count(DISTINCT event_id) FROM "page_view"').fetchone()
    finally:
        con.close()


def test_a_replay_after_a_restart_stores_nothing_new(tmp_path: Path, model, decoder) -> None:
    path = tmp_path / "s.duckdb"
    body = batch(0, 20)
    store = DuckDBStore(str(path), model)
    store.open()
    assert store.write([decoder.decode(body, PROTOBUF, now_us())])[0].accepted == 20
    store.close()
    store = DuckDBStore(str(path), model)
    store.open()  # the index is rebuilt from event_ids
    answer = store.write([decoder.decode(batch(10, 20), PROTOBUF, now_us())])[0]
    store.close()
    assert (answer.accepted, answer.duplicates) == (10, 10)
    assert stored(path) == (30, 30)
    con = duckdb.connect(str(path), read_only=True)
    try:  # the index is not in the file: no key for its checkpoints to write
        assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = ? "
                           "AND constraint_type = 'PRIMARY KEY'", [EVENT_IDS]).fetchone()[0] == 0
    finally:
        con.close()


def test_ids_outside_the_window_are_not_held(tmp_path: Path, model, decoder) -> None:
    path = tmp_path / "s.duckdb"
    store = DuckDBStore(str(path), model)  # the default window: 2 days
    store.open()
    store.write([decoder.decode(batch(0, 5), PROTOBUF, now_us() - 3 * DAY_US)])  # e.g. a lagging loader
    store.write([decoder.decode(batch(100, 5), PROTOBUF, now_us() - 1 * DAY_US)])
    store.close()
    store = DuckDBStore(str(path), model)
    store.open()
    old = store.write([decoder.decode(batch(0, 5), PROTOBUF, now_us())])[0]
    recent = store.write([decoder.decode(batch(100, 5), PROTOBUF, now_us())])[0]
    store.close()
    assert (old.accepted, old.duplicates) == (5, 0)  # first stored 3 days ago: stored again
    assert (recent.accepted, recent.duplicates) == (0, 5)
    assert stored(path) == (15, 10)


def test_pruning_forgets_the_ids_that_left_the_window(tmp_path: Path, model, decoder) -> None:
    store = DuckDBStore(str(tmp_path / "s.duckdb"), model, dedupe_window=3.0)
    store.open()
    try:
        store.write([decoder.decode(batch(0, 5), PROTOBUF, now_us() - 2_000_000)])  # 1 s left in the window
        store.write([decoder.decode(batch(100, 5), PROTOBUF, now_us())])
        assert store.write([decoder.decode(batch(0, 5), PROTOBUF, now_us())])[0].duplicates == 5
        time.sleep(1.2)
        store.seen.prune()
        again = store.write([decoder.decode(batch(0, 5), PROTOBUF, now_us())])[0]
        held = store.write([decoder.decode(batch(100, 5), PROTOBUF, now_us())])[0]
    finally:
        store.close()
    assert (again.accepted, again.duplicates) == (5, 0)
    assert (held.accepted, held.duplicates) == (0, 5)


def test_the_retention_tells_the_index_what_it_deleted(tmp_path: Path, model, decoder) -> None:
    path = tmp_path / "s.duckdb"
    store = DuckDBStore(str(path), model, dedupe_window=1e12)  # every id held
    store.open()
    long_ago = now_us() - 20 * 365 * DAY_US  # past every purpose's retention
    store.write([decoder.decode(batch(0, 5), PROTOBUF, long_ago)])
    store.close()
    sink = DuckDBSink(str(path), model, dedupe_window=1e12)
    sink.start()  # loads the index (the 5 ids), then runs the retention, which deletes their rows
    try:
        assert sink.db.con.execute('SELECT count(*) FROM "page_view"').fetchone()[0] == 0
        replay = sink.db.write([decoder.decode(batch(0, 5), PROTOBUF, now_us())])[0]
    finally:
        sink.close()
    assert (replay.accepted, replay.duplicates) == (5, 0)  # new data now, not a duplicate


def test_the_retention_deletes_nothing_on_a_dry_run_and_the_index_keeps_its_ids(tmp_path: Path, model,
                                                                                decoder) -> None:
    store = DuckDBStore(str(tmp_path / "s.duckdb"), model, dedupe_window=1e12)
    store.open()
    try:
        store.write([decoder.decode(batch(0, 5), PROTOBUF, now_us() - 20 * 365 * DAY_US)])
        apply_rules(store.con, model, datetime.now(timezone.utc), dry_run=True, seen=store.seen)
        replay = store.write([decoder.decode(batch(0, 5), PROTOBUF, now_us())])[0]
    finally:
        store.close()
    assert (replay.accepted, replay.duplicates) == (0, 5)


def test_a_store_with_the_old_primary_key_is_migrated(tmp_path: Path, model, decoder) -> None:
    path = tmp_path / "s.duckdb"
    store = DuckDBStore(str(path), model)
    store.open()
    store.write([decoder.decode(batch(0, 10), PROTOBUF, now_us())])
    store.close()
    con = duckdb.connect(str(path))  # event_ids as earlier versions made it
    con.execute(f"ALTER TABLE {quote(EVENT_IDS)} RENAME TO old_ids")
    con.execute(f"CREATE TABLE {quote(EVENT_IDS)} (event_id VARCHAR PRIMARY KEY, event VARCHAR NOT NULL, "
                "received_at TIMESTAMPTZ NOT NULL)")
    con.execute(f"INSERT INTO {quote(EVENT_IDS)} SELECT * FROM old_ids")
    con.execute("DROP TABLE old_ids")
    con.close()
    store = DuckDBStore(str(path), model)
    store.open()
    try:
        assert store.changes == ["rebuilt table event_ids without its PRIMARY KEY (the dedupe index is held "
                                 "in memory now)"]
        answer = store.write([decoder.decode(batch(5, 10), PROTOBUF, now_us())])[0]
        assert store.con.execute(f"SELECT count(*) FROM {quote(EVENT_IDS)}").fetchone()[0] == 15
    finally:
        store.close()
    assert (answer.accepted, answer.duplicates) == (5, 5)
    store = DuckDBStore(str(path), model)
    store.open()
    assert store.changes == []
    store.close()


def test_in_one_micro_batch_the_first_of_each_new_id_wins_and_held_ids_are_duplicates(tmp_path: Path, model,
                                                                                        decoder) -> None:
    path = tmp_path / "s.duckdb"
    store = DuckDBStore(str(path), model)
    store.open()
    try:
        store.write([decoder.decode(batch(100, 2), PROTOBUF, now_us())])  # ids 101, 102: held
        first, overlapping, partly_held = store.write([decoder.decode(body, PROTOBUF, now_us()) for body in
                                                       (batch(0, 5), batch(3, 5), batch(100, 3))])
        replay = store.write([decoder.decode(batch(3, 5), PROTOBUF, now_us())])[0]  # ids 4-8: all stored now
    finally:
        store.close()
    assert (first.accepted, first.duplicates) == (5, 0)
    assert (overlapping.accepted, overlapping.duplicates) == (3, 2)  # ids 4 and 5 came first in the other request
    assert (partly_held.accepted, partly_held.duplicates) == (1, 2)
    assert (replay.accepted, replay.duplicates) == (0, 5)
    assert stored(path) == (11, 11)  # 101-103 and 1-8
