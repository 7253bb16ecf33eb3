"""Checkpoints of the DuckDB sink run on a thread of their own, beside the
writer: requests keep being stored while one runs, and nothing is lost."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from codegen.collector.checking import EnvelopeChecker
from codegen.collector.checkpoints import WRITER_THRESHOLD
from codegen.collector.decoding import PROTOBUF, BatchDecoder, Limits
from codegen.collector.descriptors import build_messages
from codegen.collector.sinks.duckdb import DuckDBSink
from codegen.loader import load_model

from . import sdk

MODEL_DIR = Path(__file__).resolve().parents[2] / "event_model"
REQUESTS, PER_REQUEST = 40, 25


def test_checkpoints_run_beside_the_writer_and_lose_nothing(tmp_path: Path) -> None:
    model = load_model(MODEL_DIR)
    messages = build_messages(model)
    decoder = BatchDecoder(EnvelopeChecker(model, messages), messages, Limits())
    recorder = sdk.Recorder(prefix="")
    bodies = [sdk.protobuf_batch(e.protobuf for e in recorder.track(
        *[sdk.page_view(r * PER_REQUEST + i) for i in range(PER_REQUEST)])) for r in range(REQUESTS)]
    path = tmp_path / "events.duckdb"
    sink = DuckDBSink(str(path), model, checkpoint_bytes=1)  # any write-ahead log at all starts one
    sink.start()
    try:
        setting = sink.db.con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0]
        assert setting == "1.0 GiB" and WRITER_THRESHOLD == "1GiB"  # the writer's own checkpoints: a backstop

        async def send_all() -> int:
            stored = 0
            for body in bodies:
                stored += (await sink.store(decoder.decode(body, PROTOBUF, time.time_ns() // 1000))).accepted
                await asyncio.sleep(0.02)  # the checkpointer looks at the log every 0.25 s
            return stored

        assert asyncio.run(send_all()) == REQUESTS * PER_REQUEST
        deadline = time.monotonic() + 10
        while sink.checkpoints < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sink.checkpoints >= 2
    finally:
        sink.close()
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute('SELECT count(*), count(DISTINCT event_id) FROM "page_view"').fetchone() == (
            REQUESTS * PER_REQUEST, REQUESTS * PER_REQUEST)
    finally:
        con.close()


def test_the_store_appends_in_row_groups_of_its_own_size(tmp_path: Path) -> None:
    """Every open attaches the file with ROW_GROUP_SIZE (DuckDB does not keep it
    in the file); a path with a quote in it is quoted."""
    from codegen.collector.store import ROW_GROUP_SIZE, DuckDBStore

    model = load_model(MODEL_DIR)
    path = tmp_path / "it's.duckdb"
    for _ in range(2):  # a new file, then the same one opened again
        store = DuckDBStore(str(path), model)
        store.open(dedupe=False)
        try:
            store.con.execute("INSERT INTO event_ids SELECT uuid()::VARCHAR, 'page_view', now() "
                              f"FROM range({ROW_GROUP_SIZE * 2 + 1})")
            store.con.execute("CHECKPOINT")
            groups = store.con.execute("SELECT row_group_id, max(start + count) - min(start) FROM "
                                       "pragma_storage_info('event_ids') GROUP BY ALL").fetchall()
        finally:
            store.close()
        assert len(groups) >= 3 and max(rows for _, rows in groups) == ROW_GROUP_SIZE
    assert ROW_GROUP_SIZE < 122_880 and ROW_GROUP_SIZE % 2048 == 0  # DuckDB's default; a vector's size


def test_a_file_the_store_cannot_open_is_named_with_what_to_do(tmp_path: Path) -> None:
    from codegen.collector.sinks.base import SinkError
    from codegen.collector.store import DuckDBStore

    model = load_model(MODEL_DIR)
    other = tmp_path / "notes.duckdb"
    other.write_text("not a database\n")
    locked = tmp_path / "events.duckdb"  # held by another process: DuckDB's lock is per process
    script = ("import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
              "time.sleep(30)")
    process = subprocess.Popen([sys.executable, "-c", script, str(locked)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "open"
        for path, hint in ((other, "give the path of a DuckDB file"), (locked, "is another collector or loader")):
            store = DuckDBStore(str(path), model)
            try:
                store.open()
            except SinkError as exc:
                message = str(exc)
            else:
                store.close()
                raise AssertionError(f"{path} opened")
            assert message.startswith(f"cannot open {path}: ") and hint in message, message
            assert "\n" not in message
    finally:
        process.kill()
        process.wait(timeout=10)
